import Normalize
import Reconcile
import StagebalansCore

/// A progress row: one student and one curriculum group, or the CLINICAL or SCIENTIFIC total.
public struct ProgressRow: Sendable, Hashable {
    public var student: String
    /// A curriculum group code, `CLINICAL` or `SCIENTIFIC`.
    public var part: String
    /// Weeks of placements whose chosen final score reaches the pass mark.
    public var passedWeeks: Int
    public var requiredWeeks: Int

    public var met: Bool { passedWeeks >= requiredWeeks }
}

/// An audit row: one site in one placement year.
public struct AuditRow: Sendable, Hashable {
    public var site: String
    public var year: PlacementYear
    /// A framework agreement at the site is valid in the year.
    public var recognised: Bool
    public var region: Region?
    public var placements: Int
    public var studentWeeks: Int
    /// NO_AGREEMENT and OUTSIDE_VALIDITY placements.
    public var withoutAgreement: Int
    /// Individual agreements at the site that overlap the year.
    public var individualAgreements: Int
    public var endedPlacements: Int
    public var finallyEvaluated: Int
    public var evaluations: Int
    public var sumFinal: Double
    public var sumKnowledge: Double, countKnowledge: Int
    public var sumPatient: Double, countPatient: Int
    public var sumTeam: Double, countTeam: Int

    /// finally evaluated / ended placements, three decimals; nil when none has ended.
    public var completeness: String? { Ratio(finallyEvaluated, endedPlacements).formatted(decimals: 3) }

    public func meanFinal(minimum: Int) -> String? { Self.mean(sumFinal, evaluations, minimum) }
    public func meanKnowledge(minimum: Int) -> String? { Self.mean(sumKnowledge, countKnowledge, minimum) }
    public func meanPatient(minimum: Int) -> String? { Self.mean(sumPatient, countPatient, minimum) }
    public func meanTeam(minimum: Int) -> String? { Self.mean(sumTeam, countTeam, minimum) }

    /// Two decimals, half up; empty under `minimum` evaluations (small groups are not shown).
    /// Scores are multiples of 1/100 or simple fractions, so hundredths are rounded after a tiny
    /// nudge against binary representation error.
    static func mean(_ sum: Double, _ count: Int, _ minimum: Int) -> String? {
        guard count > 0, count >= minimum else { return nil }
        let hundredths = Int((sum / Double(count) * 100 + 0.5 + 1e-7).rounded(.down))
        let whole = hundredths / 100, rest = hundredths % 100
        return "\(whole)." + (rest < 10 ? "0" : "") + String(rest)
    }
}

extension Figures {
    /// SPEC §5 progress, over all years: per student, one row per curriculum group, then
    /// CLINICAL (placements whose kind is not scientific) and SCIENTIFIC. Students are those with
    /// placements and those on the roster.
    public static func progress(_ reconciliation: Reconciliation, reference: ReferenceData) -> [ProgressRow] {
        let curriculum = reference.curriculum
        var passed: [String: [String: Int]] = [:]
        let placements = reconciliation.placements
        for index in placements.indices {
            let student = placements[index].placement.student
            guard let score = placements[index].placement.finalScore, score >= curriculum.passMark else {
                if passed[student] == nil { passed[student] = [:] }
                continue
            }
            let weeks = placements[index].placement.weeks
            let part = placements[index].placement.kind == .scientific ? "SCIENTIFIC" : "CLINICAL"
            let group = reference.group(of: placements[index].placement.discipline)
            passed[student, default: [:]][group, default: 0] += weeks
            passed[student, default: [:]][part, default: 0] += weeks
        }
        for entry in reconciliation.roster where passed[entry.student] == nil { passed[entry.student] = [:] }
        let groups = curriculum.requiredWeeks.keys.sorted()
        var rows: [ProgressRow] = []
        for student in passed.keys.sorted() {
            let own = passed[student] ?? [:]
            for group in groups {
                rows.append(ProgressRow(student: student, part: group, passedWeeks: own[group] ?? 0,
                                        requiredWeeks: curriculum.requiredWeeks[group] ?? 0))
            }
            rows.append(ProgressRow(student: student, part: "CLINICAL", passedWeeks: own["CLINICAL"] ?? 0,
                                    requiredWeeks: curriculum.clinicalWeeks))
            rows.append(ProgressRow(student: student, part: "SCIENTIFIC", passedWeeks: own["SCIENTIFIC"] ?? 0,
                                    requiredWeeks: curriculum.scientificWeeks))
        }
        return rows
    }

    /// SPEC §5 audit: per (year, site) with a placement starting in the year or any agreement
    /// valid in it. Means are over the placements' chosen final rows.
    public static func audit(_ reconciliation: Reconciliation, reference: ReferenceData, asOf: Day) -> [AuditRow] {
        var rows: [AuditRow] = []
        let agreements = reconciliation.agreements
        for year in reconciliation.years {
            var bySite: [String: AuditRow] = [:]
            func row(_ site: String) -> AuditRow {
                bySite[site] ?? AuditRow(site: site, year: year, recognised: false, region: reference.site(site)?.region,
                                         placements: 0, studentWeeks: 0, withoutAgreement: 0, individualAgreements: 0,
                                         endedPlacements: 0, finallyEvaluated: 0, evaluations: 0, sumFinal: 0, sumKnowledge: 0,
                                         countKnowledge: 0, sumPatient: 0, countPatient: 0, sumTeam: 0, countTeam: 0)
            }
            for agreement in agreements where daysInside(agreement, year) > 0 {
                var current = row(agreement.site)
                if agreement.kind == .framework { current.recognised = true } else { current.individualAgreements += 1 }
                bySite[agreement.site] = current
            }
            let placements = reconciliation.placements
            for index in placements.indices where placements[index].placement.year == year {
                let site = placements[index].placement.site
                var current = row(site)
                current.placements += 1
                current.studentWeeks += placements[index].placement.weeks
                if case .agreement = placements[index].match {} else { current.withoutAgreement += 1 }
                if placements[index].placement.end < asOf {
                    current.endedPlacements += 1
                    if placements[index].placement.hasFinalEvaluation { current.finallyEvaluated += 1 }
                }
                if let score = placements[index].placement.finalScore {
                    current.evaluations += 1
                    current.sumFinal += score
                    let criteria = placements[index].placement.finalCriteria
                    if let value = criteria?.knowledgeAndSkills { current.sumKnowledge += value; current.countKnowledge += 1 }
                    if let value = criteria?.patientContact { current.sumPatient += value; current.countPatient += 1 }
                    if let value = criteria?.teamwork { current.sumTeam += value; current.countTeam += 1 }
                }
                bySite[site] = current
            }
            rows += bySite.keys.sorted().compactMap { bySite[$0] }
        }
        return rows
    }
}
