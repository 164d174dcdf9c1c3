import Normalize
import Reconcile
import Rules
import Domain

/// A progress row: one student and one curriculum group, or the CLINICAL or SCIENTIFIC total.
public struct ProgressRow: Sendable, Hashable {
    public var student: String
    /// A curriculum group code, `CLINICAL` or `SCIENTIFIC`.
    public var part: String
    /// Weeks of placements whose chosen final score reaches the pass mark.
    public var passedWeeks: Int
    public var requiredWeeks: Int

    public var met: Bool { Progress.isMet(passedWeeks: passedWeeks, requiredWeeks: requiredWeeks) }
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

    /// finally evaluated / ended placements; nil when none has ended.
    public var completeness: Ratio? { AuditFigures.completeness(finallyEvaluated: finallyEvaluated, ended: endedPlacements) }

    public func meanFinal(minimum: Int) -> Ratio? { AuditFigures.mean(sum: sumFinal, count: evaluations, minimum: minimum) }
    public func meanKnowledge(minimum: Int) -> Ratio? { AuditFigures.mean(sum: sumKnowledge, count: countKnowledge, minimum: minimum) }
    public func meanPatient(minimum: Int) -> Ratio? { AuditFigures.mean(sum: sumPatient, count: countPatient, minimum: minimum) }
    public func meanTeam(minimum: Int) -> Ratio? { AuditFigures.mean(sum: sumTeam, count: countTeam, minimum: minimum) }

}

extension Figures {
    /// SPEC §5 progress, over all years: per student, one row per curriculum group, then
    /// CLINICAL and SCIENTIFIC (`Progress`). Students are those with placements and those on
    /// the roster, in name order.
    public static func progress(_ reconciliation: Reconciliation, reference: ReferenceData) -> [ProgressRow] {
        let parts = ProgressParts(reference.curriculum)
        let passed = passedWeeks(reconciliation.placements, parts, reference: reference)
        let withPlacements = Set(passed.lazy.map(\.student))
        let rosterOnly = Set(reconciliation.roster.lazy.map(\.student).filter { !withPlacements.contains($0) }).sorted()
        var rows: [ProgressRow] = []
        rows.reserveCapacity((passed.count + rosterOnly.count) * parts.count)
        // Both lists are sorted: merged in order.
        var next = 0
        for entry in passed {
            while next < rosterOnly.count && rosterOnly[next] < entry.student {
                rows += parts.rows(rosterOnly[next], passed: nil)
                next += 1
            }
            rows += parts.rows(entry.student, passed: entry.weeks)
        }
        for student in rosterOnly[next...] { rows += parts.rows(student, passed: nil) }
        return rows
    }

    /// The parts of a progress report: the curriculum groups in code order, then the totals.
    struct ProgressParts {
        let curriculum: Curriculum
        let groups: [String]
        let groupPosition: [String: Int]

        init(_ curriculum: Curriculum) {
            self.curriculum = curriculum
            groups = Progress.groups(curriculum)
            groupPosition = Dictionary(uniqueKeysWithValues: groups.enumerated().map { ($1, $0) })
        }

        var count: Int { groups.count + Progress.Total.allCases.count }

        func position(of total: Progress.Total) -> Int { groups.count + (total == .clinical ? 0 : 1) }

        /// A student's rows; `passed` is nil for a student without placements.
        func rows(_ student: String, passed: [Int]?) -> [ProgressRow] {
            var rows = groups.enumerated().map { position, group in
                ProgressRow(student: student, part: group, passedWeeks: passed?[position] ?? 0,
                            requiredWeeks: curriculum.requiredWeeks[group] ?? 0)
            }
            for total in Progress.Total.allCases {
                rows.append(ProgressRow(student: student, part: total.rawValue, passedWeeks: passed?[position(of: total)] ?? 0,
                                        requiredWeeks: total.requiredWeeks(curriculum)))
            }
            return rows
        }
    }

    /// Passed weeks per part, per student in name order. Placements come sorted by student
    /// (normalize's order), so a student's placements are one run: a table keyed by student and
    /// part was most of this function's time.
    static func passedWeeks(_ placements: [MatchedPlacement], _ parts: ProgressParts,
                            reference: ReferenceData) -> [(student: String, weeks: [Int])] {
        var passed: [(student: String, weeks: [Int])] = []
        var runStart = 0
        while runStart < placements.count {
            let student = placements[runStart].placement.student
            var weeks = [Int](repeating: 0, count: parts.count)
            var runEnd = runStart
            while runEnd < placements.count && placements[runEnd].placement.student == student {
                if Progress.passes(finalScore: placements[runEnd].placement.finalScore, passMark: parts.curriculum.passMark) {
                    let placementWeeks = placements[runEnd].placement.weeks
                    if let position = parts.groupPosition[reference.group(of: placements[runEnd].placement.discipline)] {
                        weeks[position] += placementWeeks
                    }
                    weeks[parts.position(of: Progress.total(of: placements[runEnd].placement.kind))] += placementWeeks
                }
                runEnd += 1
            }
            passed.append((student, weeks))
            runStart = runEnd
        }
        guard !passed.indices.dropFirst().allSatisfy({ passed[$0 - 1].student < passed[$0].student }) else { return passed }
        // Should the order ever differ, sorting here keeps the report's order; one student's
        // runs are then merged.
        var merged: [String: [Int]] = [:]
        for entry in passed {
            merged[entry.student] = zip(merged[entry.student] ?? entry.weeks.map { _ in 0 }, entry.weeks).map(+)
        }
        return merged.keys.sorted().map { ($0, merged[$0] ?? []) }
    }

    /// SPEC §5 audit: per (year, site) with a placement starting in the year or any agreement
    /// valid in it (`AuditFigures`). The tally gathers what the rows need of the placements, per
    /// site and year, partition by partition. Scores are added placement by placement in report order, so that the sums
    /// (and the means) are the same bits however the placements were partitioned.
    public struct AuditTally: Sendable {
        private struct SiteYear: Hashable {
            var site: String
            var year: Int
        }

        private let asOf: Day
        private var positions: [SiteYear: Int] = [:]
        private var tallied: [AuditRow] = []

        public init(asOf: Day) {
            self.asOf = asOf
        }

        public mutating func add(_ placements: [MatchedPlacement]) {
            for index in placements.indices {
                let site = placements[index].placement.site, year = placements[index].placement.year
                let key = SiteYear(site: site, year: year.startYear)
                let position: Int
                if let known = positions[key] {
                    position = known
                } else {
                    position = tallied.count
                    positions[key] = position
                    tallied.append(AuditRow(site: site, year: year, recognised: false, region: nil, placements: 0, studentWeeks: 0,
                                            withoutAgreement: 0, individualAgreements: 0, endedPlacements: 0, finallyEvaluated: 0,
                                            evaluations: 0, sumFinal: 0, sumKnowledge: 0, countKnowledge: 0, sumPatient: 0,
                                            countPatient: 0, sumTeam: 0, countTeam: 0))
                }
                Self.add(placements[index], to: &tallied[position], asOf: asOf)
            }
        }

        private static func add(_ placement: MatchedPlacement, to current: inout AuditRow, asOf: Day) {
            current.placements += 1
            current.studentWeeks += placement.placement.weeks
            if AuditFigures.isWithoutAgreement(placement.match) { current.withoutAgreement += 1 }
            if AuditFigures.hasEnded(placement.placement, asOf: asOf) {
                current.endedPlacements += 1
                if placement.placement.hasFinalEvaluation { current.finallyEvaluated += 1 }
            }
            if let score = placement.placement.finalScore {
                current.evaluations += 1
                current.sumFinal += score
                let criteria = placement.placement.finalCriteria
                if let value = criteria?.knowledgeAndSkills { current.sumKnowledge += value; current.countKnowledge += 1 }
                if let value = criteria?.patientContact { current.sumPatient += value; current.countPatient += 1 }
                if let value = criteria?.teamwork { current.sumTeam += value; current.countTeam += 1 }
            }
        }

        public func rows(years: [PlacementYear], agreements: [Agreement], reference: ReferenceData) -> [AuditRow] {
            var result: [AuditRow] = []
            for year in years {
                var bySite: [String: AuditRow] = [:]
                for row in tallied where row.year == year { bySite[row.site] = row }
                for agreement in agreements where CapacityFigures.isValid(agreement, in: year) {
                    var current = bySite[agreement.site]
                        ?? AuditRow(site: agreement.site, year: year, recognised: false, region: nil, placements: 0, studentWeeks: 0,
                                    withoutAgreement: 0, individualAgreements: 0, endedPlacements: 0, finallyEvaluated: 0,
                                    evaluations: 0, sumFinal: 0, sumKnowledge: 0, countKnowledge: 0, sumPatient: 0, countPatient: 0,
                                    sumTeam: 0, countTeam: 0)
                    if agreement.kind == .framework { current.recognised = true } else { current.individualAgreements += 1 }
                    bySite[agreement.site] = current
                }
                for site in bySite.keys.sorted() {
                    guard var row = bySite[site] else { continue }
                    row.region = reference.site(site)?.region
                    result.append(row)
                }
            }
            return result
        }
    }
}
