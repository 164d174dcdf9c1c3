import Ingest
import StagebalansCore

/// An agreement whose site and discipline resolved to register codes.
public struct Agreement: Sendable, Hashable {
    public var id: String
    public var site: String
    public var discipline: String
    public var slots: Int
    public var validFrom: Day
    public var validTo: Day
    public var kind: AgreementKind
    public var student: String?
    public var supervisor: String?
    public var source: SourceLocation

    public func isValid(on day: Day) -> Bool { validFrom <= day && day <= validTo }

    public func covers(_ start: Day, _ end: Day) -> Bool { validFrom <= start && end <= validTo }
}

/// One placement: the evaluation rows of one student at one site, in one discipline, from
/// one start date, collapsed.
public struct Placement: Sendable, Hashable {
    public var student: String
    public var site: String
    public var discipline: String
    public var start: Day
    public var end: Day
    /// ⌈(end − start + 1 day) / 7⌉.
    public var weeks: Int
    public var kind: PlacementKind?
    public var year: PlacementYear
    /// The chosen final evaluation: the supervisor's final row submitted last (on a tie, the lower score).
    public var finalScore: Double?
    public var finalCriteria: CriterionScores?
    public var sources: [SourceLocation]

    public var key: String { "student=\(student) site=\(site) discipline=\(discipline) start=\(start)" }

    public var hasFinalEvaluation: Bool { finalScore != nil }

    public func covers(_ day: Day) -> Bool { start <= day && day <= end }

    public static func weeks(from start: Day, to end: Day) -> Int {
        let days = end.daysSinceEpoch - start.daysSinceEpoch + 1
        return (days + 6) / 7
    }
}

public struct RosterEntry: Sendable, Hashable {
    public var student: String
    public var masterYear: Int?
    public var cohort: String?
}

/// What normalize hands to reconcile.
public struct NormalizedData: Sendable {
    public var placements: [Placement]
    public var agreements: [Agreement]
    public var roster: [RosterEntry]
    public var findings: [Finding]
}

/// Streams ingested records in; `finish()` gives placements, agreements and findings.
/// Memory is bounded by the number of distinct placements, agreements and names.
public struct Normalizer: Sendable {
    public let reference: ReferenceData
    private let sites: NameResolver
    private let disciplines: NameResolver

    private struct PlacementKey: Hashable {
        var student: String
        var site: String
        var discipline: String
        var start: Day
    }

    private struct FinalRow {
        var score: Double
        var criteria: CriterionScores
        var submitted: Day?
        var source: SourceLocation
    }

    private struct Accumulator {
        var ends: [Day: Int] = [:]
        var statedWeeks: [(weeks: Int, source: SourceLocation)] = []
        var kinds: [PlacementKind: Int] = [:]
        var finals: [FinalRow] = []
        var sources: [SourceLocation] = []

        mutating func add(_ record: EvaluationRecord) {
            let end = record.end ?? record.weeks.map { record.start.adding(days: 7 * $0 - 1) }
            if let end { ends[end, default: 0] += 1 }
            if let weeks = record.weeks { statedWeeks.append((weeks, record.source)) }
            if let kind = record.placementKind { kinds[kind, default: 0] += 1 }
            if record.role == .supervisor, record.status == .final, let score = record.finalScore {
                finals.append(FinalRow(score: score, criteria: record.scores, submitted: record.submitted, source: record.source))
            }
            sources.append(record.source)
        }
    }

    private struct Unresolved {
        var typed: [String: Int] = [:]
        var sources: [SourceLocation] = []
    }

    private var accumulators: [PlacementKey: Accumulator] = [:]
    /// Resolutions by the text as typed: exports repeat a few hundred spellings millions of
    /// times. Bounded, so that a file of unique names cannot grow it without limit.
    private var siteCache: [String: String?] = [:]
    private var disciplineCache: [String: String?] = [:]
    private static let cacheLimit = 65_536
    private var agreements: [Agreement] = []
    private var roster: [String: RosterEntry] = [:]
    /// Unresolved names by canonical form.
    private var unknownSites: [String: Unresolved] = [:]
    private var unknownDisciplines: [String: Unresolved] = [:]

    public init(reference: ReferenceData) {
        self.reference = reference
        sites = NameResolver(sites: reference.sites)
        disciplines = NameResolver(disciplines: reference.disciplines)
    }

    public var siteResolver: NameResolver { sites }
    public var disciplineResolver: NameResolver { disciplines }

    public mutating func add(_ record: IngestedRecord) {
        switch record {
        case .agreement(let agreement): add(agreement)
        case .evaluation(let evaluation): add(evaluation)
        case .roster(let entry):
            roster[entry.student] = RosterEntry(student: entry.student, masterYear: entry.masterYear, cohort: entry.cohort)
        }
    }

    private mutating func resolve(site typed: String, discipline typedDiscipline: String, at source: SourceLocation)
        -> (site: String, discipline: String)? {
        let site = Self.cached(typed, in: &siteCache, sites.resolve)
        let discipline = Self.cached(typedDiscipline, in: &disciplineCache, disciplines.resolve)
        if site == nil { Self.note(typed, canonical: sites.canonical(typed), at: source, in: &unknownSites) }
        if discipline == nil {
            Self.note(typedDiscipline, canonical: disciplines.canonical(typedDiscipline), at: source, in: &unknownDisciplines)
        }
        guard let site, let discipline else { return nil }
        return (site, discipline)
    }

    private static func cached(_ typed: String, in cache: inout [String: String?], _ resolve: (String) -> String?) -> String? {
        if let known = cache[typed] { return known }
        let resolved = resolve(typed)
        if cache.count < cacheLimit { cache[typed] = .some(resolved) }
        return resolved
    }

    private static func note(_ typed: String, canonical: String, at source: SourceLocation, in table: inout [String: Unresolved]) {
        table[canonical, default: Unresolved()].typed[typed, default: 0] += 1
        table[canonical, default: Unresolved()].sources.append(source)
    }

    private mutating func add(_ record: AgreementRecord) {
        guard let (site, discipline) = resolve(site: record.site, discipline: record.discipline, at: record.source) else { return }
        agreements.append(Agreement(id: record.agreementID, site: site, discipline: discipline, slots: record.slots,
                                    validFrom: record.validFrom, validTo: record.validTo, kind: record.kind,
                                    student: record.student, supervisor: record.supervisor, source: record.source))
    }

    private mutating func add(_ record: EvaluationRecord) {
        guard let (site, discipline) = resolve(site: record.site, discipline: record.discipline, at: record.source) else { return }
        let key = PlacementKey(student: record.student, site: site, discipline: discipline, start: record.start)
        // One look-up, updated in place.
        accumulators[key, default: Accumulator()].add(record)
    }

    public func finish() -> NormalizedData {
        var findings: [Finding] = []
        var placements: [Placement] = []
        for (key, accumulator) in accumulators {
            // Rows may state different ends; the end most rows state wins (on a tie, the later).
            guard let end = accumulator.ends.max(by: { ($0.value, $0.key) < ($1.value, $1.key) })?.key else { continue }
            let weeks = Placement.weeks(from: key.start, to: end)
            var placement = Placement(student: key.student, site: key.site, discipline: key.discipline, start: key.start,
                                      end: end, weeks: weeks,
                                      kind: accumulator.kinds.max(by: { ($0.value, $1.key.rawValue) < ($1.value, $0.key.rawValue) })?.key,
                                      year: PlacementYear(containing: key.start), finalScore: nil, finalCriteria: nil,
                                      sources: accumulator.sources.sortedUnique())
            let mismatched = accumulator.statedWeeks.filter { $0.weeks != weeks }
            if !mismatched.isEmpty {
                let stated = Set(mismatched.map(\.weeks)).sorted().map(String.init).joined(separator: ", ")
                findings.append(Finding(code: .weeksMismatch, key: placement.key,
                                        message: "\(key.student) at \(key.site) in \(key.discipline) from \(key.start): rows state \(stated) weeks, the dates \(key.start)–\(end) give \(weeks)",
                                        sources: mismatched.map(\.source)))
            }
            // The last submitted; on a tie the lower score; then the earlier row, so that the
            // choice never depends on the order rows were read in.
            let ordered = accumulator.finals.sorted {
                let left = ($0.submitted?.daysSinceEpoch ?? .min, -$0.score), right = ($1.submitted?.daysSinceEpoch ?? .min, -$1.score)
                return left != right ? left > right : $0.source < $1.source
            }
            if let chosen = ordered.first {
                placement.finalScore = chosen.score
                placement.finalCriteria = chosen.criteria
                let scores = Set(accumulator.finals.map(\.score))
                if scores.count > 1 {
                    let listed = scores.sorted().map { String($0) }.joined(separator: ", ")
                    findings.append(Finding(code: .duplicateEvaluation, key: placement.key,
                                            message: "\(key.student) at \(key.site) in \(key.discipline) from \(key.start) has \(accumulator.finals.count) final evaluations that disagree (\(listed)); the one submitted last counts",
                                            sources: accumulator.finals.map(\.source)))
                }
            }
            placements.append(placement)
        }
        for (canonical, unresolved) in unknownSites {
            findings.append(unknown(.unknownSite, canonical, unresolved, resolver: sites))
        }
        for (canonical, unresolved) in unknownDisciplines {
            findings.append(unknown(.unknownDiscipline, canonical, unresolved, resolver: disciplines))
        }
        // Sorting indices, not the placements themselves: a placement is a large value to move.
        let order = placements.indices.sorted {
            let a = placements[$0], b = placements[$1]
            if a.student != b.student { return a.student < b.student }
            if a.start != b.start { return a.start < b.start }
            return (a.site, a.discipline) < (b.site, b.discipline)
        }
        placements = order.map { placements[$0] }
        let sortedAgreements = agreements.sorted { ($0.id, $0.source) < ($1.id, $1.source) }
        return NormalizedData(placements: placements, agreements: sortedAgreements,
                              roster: roster.values.sorted { $0.student < $1.student }, findings: findings)
    }

    private func unknown(_ code: FindingCode, _ canonical: String, _ unresolved: Unresolved, resolver: NameResolver) -> Finding {
        let typed = unresolved.typed.max(by: { ($0.value, $1.key) < ($1.value, $0.key) })?.key ?? canonical
        let closest = resolver.suggestions(for: typed).map { "\($0.name) (\($0.code))" }.joined(separator: ", ")
        let what = code == .unknownSite ? "site" : "discipline"
        return Finding(code: code, key: "\(what)=\(canonical)",
                       message: "\(what) '\(typed)' (\(unresolved.sources.count) rows) is not in the register; closest: \(closest)",
                       sources: unresolved.sources)
    }

    /// Every unresolved name with its rows, for `suggest-aliases`.
    public var unresolvedSites: [(typed: String, count: Int, suggestions: [(name: String, code: String)])] {
        unknownSites.map { canonical, unresolved in
            let typed = unresolved.typed.max(by: { ($0.value, $1.key) < ($1.value, $0.key) })?.key ?? canonical
            return (typed, unresolved.sources.count, sites.suggestions(for: typed))
        }.sorted { ($1.count, $0.typed) < ($0.count, $1.typed) }
    }

    public var unresolvedDisciplines: [(typed: String, count: Int, suggestions: [(name: String, code: String)])] {
        unknownDisciplines.map { canonical, unresolved in
            let typed = unresolved.typed.max(by: { ($0.value, $1.key) < ($1.value, $0.key) })?.key ?? canonical
            return (typed, unresolved.sources.count, disciplines.suggestions(for: typed))
        }.sorted { ($1.count, $0.typed) < ($0.count, $1.typed) }
    }
}
