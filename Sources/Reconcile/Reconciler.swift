// Reconcile: matches placements to agreements and finds what the office must look at
// (SPEC §4): missing or outgrown agreements, capacity overruns, missing or disagreeing
// evaluations, overlapping placements, expiring and unused agreements.

import Normalize
import StagebalansCore

/// The thresholds a pipeline definition may change (SPEC §4's defaults).
public struct ReconcileSettings: Sendable, Hashable {
    public var asOf: Day
    /// EVALUATION_MISSING when as-of − end is more than this many days.
    public var evaluationOverdueDays: Int
    /// AGREEMENT_EXPIRING when as-of ≤ valid_to ≤ as-of + this many days.
    public var expiryHorizonDays: Int

    public init(asOf: Day, evaluationOverdueDays: Int = 30, expiryHorizonDays: Int = 90) {
        self.asOf = asOf
        self.evaluationOverdueDays = evaluationOverdueDays
        self.expiryHorizonDays = expiryHorizonDays
    }
}

/// How a placement relates to the agreements.
public enum Match: Sendable, Hashable {
    /// The index of the agreement it matched in `Reconciliation.agreements`.
    case agreement(Int)
    /// Agreements exist for its site and discipline, but none for all of its dates.
    case outsideValidity
    case noAgreement
}

public struct MatchedPlacement: Sendable, Hashable {
    public var placement: Placement
    public var match: Match
}

public struct Reconciliation: Sendable {
    public var placements: [MatchedPlacement]
    public var agreements: [Agreement]
    public var roster: [RosterEntry]
    /// Every finding, sorted (errors first, then by code and key).
    public var findings: [Finding]
    /// Every placement year that contains the start of at least one placement.
    public var years: [PlacementYear]

    public init(placements: [MatchedPlacement], agreements: [Agreement], roster: [RosterEntry], findings: [Finding],
                years: [PlacementYear]) {
        self.placements = placements
        self.agreements = agreements
        self.roster = roster
        self.findings = findings
        self.years = years
    }
}

public struct Reconciler: Sendable {
    public let reference: ReferenceData
    public let settings: ReconcileSettings
    /// Per discipline (by its index), itself and its ancestors, nearest first, as indices.
    private let lineages: [[Int]]

    public init(reference: ReferenceData, settings: ReconcileSettings) {
        self.reference = reference
        self.settings = settings
        lineages = reference.disciplines.map { discipline in
            reference.lineage(of: discipline.code).compactMap { reference.disciplineIndex[$0] }
        }
    }

    public func reconcile(_ data: consuming NormalizedData) -> Reconciliation {
        let agreements = data.agreements
        let roster = data.roster
        var tally = AgreementTally()
        let placements = data.placements
        data.placements = []
        let part = reconcile(partition: placements, agreements: agreements, tally: &tally)
        var findings = data.findings + part.findings
        findings += finishFindings(tally, agreements: agreements)
        return Reconciliation(placements: part.matched, agreements: agreements, roster: roster, findings: Self.sorted(findings),
                              years: tally.years.sorted())
    }

    /// Agreements indexed by (site, discipline) indices, for matching.
    public struct AgreementIndex: Sendable {
        let byRow: [Int: [Int]]

        public init(_ agreements: [Agreement]) {
            var byRow: [Int: [Int]] = [:]
            for (index, agreement) in agreements.enumerated() {
                byRow[agreement.rowKey, default: []].append(index)
            }
            self.byRow = byRow
        }
    }

    /// One partition of placements (all placements of its students): they are matched, the
    /// findings about single placements and one student's placements are made, and what the
    /// findings about agreements need is added to `tally` (`finishFindings` makes those once
    /// every partition is in). The findings come unsorted.
    public func reconcile(partition placements: consuming [Placement], agreements: [Agreement], index: AgreementIndex? = nil,
                          tally: inout AgreementTally) -> (matched: [MatchedPlacement], findings: [Finding]) {
        let byRowIndex = (index ?? AgreementIndex(agreements)).byRow
        // Fields are read through the array, never by copying a placement out of it: the copies
        // were a tenth of the run's time. Matching and the kinds of findings below are
        // independent of each other and run on both cores; their order is fixed.
        let placements = placements
        let halves = Parallel.map(2) { half in
            let range = half == 0 ? 0..<placements.count / 2 : placements.count / 2..<placements.count
            return range.map { self.match(placements, $0, agreements, byRowIndex) }
        }
        let matches = halves.flatMap { $0 }
        enum Part: Sendable {
            case findings([Finding])
            case tally(AgreementTally)
        }
        var findings: [Finding] = []
        for part in Parallel.map(3, { part -> Part in
            switch part {
            case 0: return .findings(self.placementFindings(placements, matches))
            case 1: return .findings(self.overlapping(placements))
            default:
                var added = AgreementTally()
                added.add(placements, matches, agreements)
                return .tally(added)
            }
        }) {
            switch part {
            case .findings(let some): findings += some
            case .tally(let added): tally.merge(added)
            }
        }
        // The placements are moved, not copied, into the matched ones: popping the last of an
        // array held once moves it out, and the reversal at the end only swaps.
        var remaining = consume placements
        var matched: [MatchedPlacement] = []
        matched.reserveCapacity(remaining.count)
        while let placement = remaining.popLast() {
            matched.append(MatchedPlacement(placement: placement, match: matches[remaining.count]))
        }
        matched.reverse()
        return (matched, findings)
    }

    /// OVER_CAPACITY, AGREEMENT_EXPIRING and AGREEMENT_UNUSED, once every partition is in `tally`.
    public func finishFindings(_ tally: AgreementTally, agreements: [Agreement]) -> [Finding] {
        let parts = Parallel.map(2) { part -> [Finding] in
            part == 0 ? self.overCapacity(tally, agreements) : self.agreementFindings(tally, agreements, years: tally.years.sorted())
        }
        return parts[0] + parts[1]
    }

    /// The findings in `Finding`'s order, sorted as indices: moving the findings themselves
    /// (three counted references each) through the sort cost more than comparing them.
    public static func sorted(_ findings: [Finding]) -> [Finding] {
        let codeRank = Dictionary(uniqueKeysWithValues: FindingCode.allCases.enumerated().map { ($1, $0) })
        let rank = findings.map { finding in
            let severity = finding.severity == .error ? 0 : finding.severity == .warning ? 1 : 2
            return severity << 8 | (codeRank[finding.code] ?? 0)
        }
        let order = findings.indices.sorted { a, b in
            rank[a] != rank[b] ? rank[a] < rank[b] : findings[a].key < findings[b].key
        }
        return order.map { findings[$0] }
    }

    /// OUTSIDE_VALIDITY, NO_AGREEMENT and EVALUATION_MISSING, per placement in order.
    func placementFindings(_ placements: [Placement], _ matches: [Match]) -> [Finding] {
        var findings: [Finding] = []
        for index in placements.indices {
            switch matches[index] {
            case .agreement: break
            case .outsideValidity:
                let placement = placements[index]
                findings.append(Finding(code: .outsideValidity, key: placement.key,
                                        message: "\(placement.student) at \(placement.site) in \(placement.discipline) \(placement.start)–\(placement.end): an agreement exists for this site and discipline, but not for all of these dates",
                                        sources: placement.sources))
            case .noAgreement:
                let placement = placements[index]
                let site = reference.sites[placement.siteIndex]
                let detail = site.region == .abroad || site.kind == .other ? "no approved individual agreement" : "no agreement"
                findings.append(Finding(code: .noAgreement, key: placement.key,
                                        message: "\(placement.student) at \(placement.site) in \(placement.discipline) \(placement.start)–\(placement.end): \(detail)",
                                        sources: placement.sources))
            }
            if placements[index].finalScore == nil,
               settings.asOf.daysSinceEpoch - placements[index].end.daysSinceEpoch > settings.evaluationOverdueDays {
                let placement = placements[index]
                findings.append(Finding(code: .evaluationMissing, key: placement.key,
                                        message: "\(placement.student) at \(placement.site) in \(placement.discipline) ended \(placement.end) and has no final evaluation (\(settings.asOf.daysSinceEpoch - placement.end.daysSinceEpoch) days)",
                                        sources: placement.sources))
            }
        }
        return findings
    }

    // MARK: Matching

    /// SPEC §4: the candidates are the agreements at the placement's site for its discipline or
    /// an ancestor, framework ones and individual ones naming its student. Those valid for all
    /// of its dates match; the most specific discipline wins, then an individual agreement
    /// over a framework one, then the lowest agreement id.
    func match(_ placements: [Placement], _ at: Int, _ agreements: [Agreement], _ byRow: [Int: [Int]]) -> Match {
        var best: (depth: Int, individual: Bool, index: Int)?
        var candidates = 0
        // Placements and agreements are read in place: copying one out of its array retains its
        // strings and sources.
        let start = placements[at].start, end = placements[at].end
        for (depth, discipline) in lineages[placements[at].disciplineIndex].enumerated() {
            for index in byRow[Agreement.rowKey(site: placements[at].siteIndex, discipline: discipline)] ?? [] {
                let individual = agreements[index].kind == .individual
                if individual && agreements[index].student != placements[at].student { continue }
                candidates += 1
                guard agreements[index].covers(start, end) else { continue }
                if let current = best {
                    // More specific first, then individual over framework, then the lower id.
                    if depth > current.depth { continue }
                    if depth == current.depth {
                        if !individual && current.individual { continue }
                        if individual == current.individual && agreements[index].id >= agreements[current.index].id { continue }
                    }
                }
                best = (depth, individual, index)
            }
        }
        if let best { return .agreement(best.index) }
        return candidates > 0 ? .outsideValidity : .noAgreement
    }

    // MARK: Findings

    /// One finding per pair of a student's placements that share a day. `placements` come
    /// sorted by student and start (normalize's order), so each student is one run.
    func overlapping(_ placements: [Placement]) -> [Finding] {
        var findings: [Finding] = []
        var runStart = 0
        while runStart < placements.count {
            var runEnd = runStart + 1
            while runEnd < placements.count && placements[runEnd].student == placements[runStart].student { runEnd += 1 }
            for i in runStart..<runEnd {
                for j in (i + 1)..<max(i + 1, runEnd) {
                    guard placements[j].start <= placements[i].end else { break }
                    let pair = [placements[i], placements[j]].sorted {
                        ($0.start, $0.end, $0.site, $0.discipline) < ($1.start, $1.end, $1.site, $1.discipline)
                    }
                    let first = pair[0], second = pair[1]
                    findings.append(Finding(code: .overlappingPlacements, key: first.key + " & " + second.key,
                                            message: "\(first.student) is placed at \(first.site) (\(first.discipline), \(first.start)–\(first.end)) and at \(second.site) (\(second.discipline), \(second.start)–\(second.end)) on the same days",
                                            sources: first.sources + second.sources))
                }
            }
            runStart = runEnd
        }
        return findings
    }

    /// A row of the capacity report: a site and the discipline at the agreement's level.
    public struct CapacityRow: Hashable, Sendable, Comparable {
        public var site: String
        public var discipline: String

        public static func < (lhs: CapacityRow, rhs: CapacityRow) -> Bool { (lhs.site, lhs.discipline) < (rhs.site, rhs.discipline) }
    }

    /// Per framework row, the days on which its placements exceed the slots valid that day;
    /// one finding per maximal run of such days (not cut at 30 June).
    func overCapacity(_ tally: AgreementTally, _ agreements: [Agreement]) -> [Finding] {
        var rowAgreements: [Int: [Agreement]] = [:]
        for agreement in agreements where agreement.kind == .framework {
            rowAgreements[agreement.rowKey, default: []].append(agreement)
        }
        var findings: [Finding] = []
        let rows = tally.rows.keys.map { key in
            let agreement = rowAgreements[key]?.first
            return (key: key, row: CapacityRow(site: agreement?.site ?? "", discipline: agreement?.discipline ?? ""))
        }.sorted { $0.row < $1.row }
        for (key, row) in rows {
            guard let own = tally.rows[key] else { continue }
            let spans = own.starts.indices.map { (start: Day(daysSinceEpoch: Int(own.starts[$0])), end: Day(daysSinceEpoch: Int(own.ends[$0]))) }
            for run in Self.overCapacityRuns(spans, rowAgreements[key] ?? []) {
                var sources: [SourceLocation] = []
                for index in spans.indices where spans[index].start <= run.last && run.first <= spans[index].end {
                    let from = index == 0 ? 0 : Int(own.sourceEnds[index - 1])
                    for packed in own.sources[from..<Int(own.sourceEnds[index])] {
                        sources.append(SourceLocation(path: tally.paths[Int(packed >> 32)], line: Int(UInt32(truncatingIfNeeded: packed))))
                    }
                }
                findings.append(Finding(code: .overCapacity, key: "site=\(row.site) discipline=\(row.discipline) from=\(run.first)",
                                        message: "\(row.site) \(row.discipline): \(run.peak) students placed against \(run.slots) slots on \(run.days) days, \(run.first)–\(run.last)",
                                        sources: sources))
            }
        }
        return findings
    }

    public struct OverCapacityRun: Sendable, Hashable {
        public var first: Day
        public var last: Day
        public var days: Int
        public var peak: Int
        /// The slots on the day of the peak.
        public var slots: Int
    }

    /// Days where placements exceed slots (> 0), grouped into maximal runs of consecutive days.
    public static func overCapacityRuns(_ placements: [(start: Day, end: Day)], _ agreements: [Agreement]) -> [OverCapacityRun] {
        guard let first = placements.map(\.start).min(), let last = placements.map(\.end).max() else { return [] }
        let span = last.daysSinceEpoch - first.daysSinceEpoch + 1
        var load = [Int](repeating: 0, count: span + 1)
        var slots = [Int](repeating: 0, count: span + 1)
        for placement in placements {
            load[placement.start.daysSinceEpoch - first.daysSinceEpoch] += 1
            load[placement.end.daysSinceEpoch - first.daysSinceEpoch + 1] -= 1
        }
        for agreement in agreements {
            let from = max(agreement.validFrom.daysSinceEpoch, first.daysSinceEpoch) - first.daysSinceEpoch
            let to = min(agreement.validTo.daysSinceEpoch, last.daysSinceEpoch) - first.daysSinceEpoch
            guard from <= to else { continue }
            slots[from] += agreement.slots
            slots[to + 1] -= agreement.slots
        }
        var runs: [OverCapacityRun] = []
        var current: OverCapacityRun?
        var students = 0, available = 0
        for offset in 0..<span {
            students += load[offset]
            available += slots[offset]
            let day = first.adding(days: offset)
            if available > 0 && students > available {
                if var run = current {
                    run.last = day
                    run.days += 1
                    if students > run.peak { (run.peak, run.slots) = (students, available) }
                    current = run
                } else {
                    current = OverCapacityRun(first: day, last: day, days: 1, peak: students, slots: available)
                }
            } else if let run = current {
                runs.append(run)
                current = nil
            }
        }
        if let run = current { runs.append(run) }
        return runs
    }

    func agreementFindings(_ tally: AgreementTally, _ agreements: [Agreement], years: [PlacementYear]) -> [Finding] {
        var findings: [Finding] = []
        func pair(_ index: Int, _ year: Int) -> Int { AgreementTally.pair(index, year) }
        let used = tally.used
        let horizon = settings.asOf.adding(days: settings.expiryHorizonDays)
        for (index, agreement) in agreements.enumerated() where agreement.kind == .framework {
            if settings.asOf <= agreement.validTo && agreement.validTo <= horizon {
                findings.append(Finding(code: .agreementExpiring, key: "agreement=\(agreement.id)",
                                        message: "agreement \(agreement.id) (\(agreement.site), \(agreement.discipline), \(agreement.slots) slots) ends \(agreement.validTo), within \(settings.expiryHorizonDays) days",
                                        sources: [agreement.source]))
            }
            for year in years where agreement.validFrom <= year.lastDay && year.firstDay <= agreement.validTo {
                guard !used.contains(pair(index, year.startYear)) else { continue }
                findings.append(Finding(code: .agreementUnused, key: "agreement=\(agreement.id) year=\(year)",
                                        message: "agreement \(agreement.id) (\(agreement.site), \(agreement.discipline), \(agreement.slots) slots) is valid in \(year) but no placement of that year used it",
                                        sources: [agreement.source]))
            }
        }
        return findings
    }
}

/// What the findings about agreements need of the placements, gathered partition by partition:
/// per framework row the dates and source rows of the placements matched to it, which agreement
/// was used in which year, and the placement years.
public struct AgreementTally: Sendable {
    struct Row: Sendable {
        var starts: [Int32] = []
        var ends: [Int32] = []
        /// Where each placement's source rows end in `sources`.
        var sourceEnds: [Int32] = []
        /// (path index, line) packed: a SourceLocation holds a path string per row.
        var sources: [UInt64] = []
    }

    /// By (site, discipline) indices of the framework agreement.
    var rows: [Int: Row] = [:]
    var paths: [String] = []
    private var pathIndex: [String: Int] = [:]
    /// (agreement index, year) pairs with a placement.
    var used: Set<Int> = []
    public private(set) var years: Set<PlacementYear> = []

    public init() {}

    /// (agreement index, year) packed in one integer.
    static func pair(_ index: Int, _ year: Int) -> Int { index << 16 | (year & 0xFFFF) }

    private mutating func path(_ path: String) -> Int {
        if let known = pathIndex[path] { return known }
        paths.append(path)
        pathIndex[path] = paths.count - 1
        return paths.count - 1
    }

    mutating func add(_ placements: [Placement], _ matches: [Match], _ agreements: [Agreement]) {
        var lastPath = "", lastIndex = -1
        var lastYear: PlacementYear?
        for index in placements.indices {
            if placements[index].year != lastYear {
                lastYear = placements[index].year
                years.insert(placements[index].year)
            }
            guard case .agreement(let matched) = matches[index] else { continue }
            used.insert(Self.pair(matched, placements[index].year.startYear))
            guard agreements[matched].kind == .framework else { continue }
            let key = agreements[matched].rowKey
            var row = rows.removeValue(forKey: key) ?? Row()
            row.starts.append(Int32(clamping: placements[index].start.daysSinceEpoch))
            row.ends.append(Int32(clamping: placements[index].end.daysSinceEpoch))
            for source in placements[index].sources {
                if source.path != lastPath || lastIndex < 0 {
                    lastPath = source.path
                    lastIndex = path(source.path)
                }
                row.sources.append(UInt64(lastIndex) << 32 | UInt64(UInt32(clamping: source.line)))
            }
            row.sourceEnds.append(Int32(row.sources.count))
            rows[key] = row
        }
    }

    /// Adds what another partition gathered (its placements come after this one's).
    mutating func merge(_ other: AgreementTally) {
        // The first partition's tally is taken as it is (a run of one partition copies nothing).
        if rows.isEmpty && used.isEmpty && years.isEmpty {
            self = other
            return
        }
        used.formUnion(other.used)
        years.formUnion(other.years)
        let pathMap = other.paths.map { path($0) }
        for (key, added) in other.rows {
            var row = rows.removeValue(forKey: key) ?? Row()
            let offset = Int32(row.sources.count)
            row.starts += added.starts
            row.ends += added.ends
            row.sourceEnds += added.sourceEnds.map { $0 + offset }
            row.sources += added.sources.map { UInt64(pathMap[Int($0 >> 32)]) << 32 | ($0 & 0xFFFF_FFFF) }
            rows[key] = row
        }
    }
}

extension Agreement {
    /// (site, discipline) indices as one dictionary key: agreements by row, for matching and
    /// for the over-capacity runs.
    static func rowKey(site: Int, discipline: Int) -> Int { site << 32 | discipline }

    var rowKey: Int { Self.rowKey(site: siteIndex, discipline: disciplineIndex) }
}
