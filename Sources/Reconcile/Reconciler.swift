// Reconcile: matches placements to agreements and finds what the office must look at
// (SPEC §4): missing or outgrown agreements, capacity overruns, missing or disagreeing
// evaluations, overlapping placements, expiring and unused agreements.

import Engine
import Normalize
import Rules
import Domain

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
                added.add(placements, matches, agreements, byRowIndex)
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

    /// OUTSIDE_VALIDITY, NO_AGREEMENT and EVALUATION_MISSING, per placement in order.
    func placementFindings(_ placements: [Placement], _ matches: [Match]) -> [Finding] {
        var findings: [Finding] = []
        for index in placements.indices {
            // Placements are passed in place; a site is looked up only for an unmatched one.
            if matches[index].agreementIndex == nil {
                findings.append(PlacementFindings.unmatched(placements[index], matches[index],
                                                            at: reference.sites[placements[index].siteIndex]))
            }
            if PlacementFindings.isEvaluationOverdue(finalScore: placements[index].finalScore, end: placements[index].end,
                                                     settings: settings) {
                findings.append(PlacementFindings.evaluationMissing(placements[index], settings: settings))
            }
        }
        return findings
    }

    /// Matches one placement (`Matching.match`), finding its candidates through the index of
    /// agreements by (site, discipline) and the discipline's lineage.
    func match(_ placements: [Placement], _ at: Int, _ agreements: [Agreement], _ byRow: [Int: [Int]]) -> Match {
        let site = placements[at].siteIndex
        return Matching.match(student: placements[at].student, start: placements[at].start, end: placements[at].end,
                              agreements: agreements) { visit in
            for (depth, discipline) in lineages[placements[at].disciplineIndex].enumerated() {
                for index in byRow[Agreement.rowKey(site: site, discipline: discipline)] ?? [] { visit(depth, index) }
            }
        }
    }

    /// OVERLAPPING_PLACEMENTS of each student. `placements` come sorted by student and start
    /// (normalize's order), so each student is one run.
    func overlapping(_ placements: [Placement]) -> [Finding] {
        var findings: [Finding] = []
        var runStart = 0
        while runStart < placements.count {
            var runEnd = runStart + 1
            while runEnd < placements.count && placements[runEnd].student == placements[runStart].student { runEnd += 1 }
            if runEnd - runStart > 1 { findings += OverlapFindings.findings(ofOneStudent: placements[runStart..<runEnd]) }
            runStart = runEnd
        }
        return findings
    }

    /// OVER_CAPACITY per framework row (rows in order of site and discipline code): the runs of
    /// `CapacityDays.overCapacityRuns`, each with the rows of the placements covering it.
    func overCapacity(_ tally: AgreementTally, _ agreements: [Agreement]) -> [Finding] {
        var rowAgreements: [Int: [Agreement]] = [:]
        for agreement in agreements where agreement.kind == .framework {
            rowAgreements[agreement.rowKey, default: []].append(agreement)
        }
        var findings: [Finding] = []
        let rows = tally.rows.keys.map { key in
            let agreement = rowAgreements[key]?.first
            return (key: key, site: agreement?.site ?? "", discipline: agreement?.discipline ?? "")
        }.sorted { ($0.site, $0.discipline) < ($1.site, $1.discipline) }
        for row in rows {
            guard let own = tally.rows[row.key] else { continue }
            let spans = own.starts.indices.map { (start: Day(daysSinceEpoch: Int(own.starts[$0])), end: Day(daysSinceEpoch: Int(own.ends[$0]))) }
            for run in CapacityDays.overCapacityRuns(spans, rowAgreements[row.key] ?? []) {
                var sources: [SourceLocation] = []
                for index in spans.indices where CapacityFindings.covers(run, start: spans[index].start, end: spans[index].end) {
                    own.forEachSource(ofPlacement: index, paths: tally.paths) { sources.append($0) }
                }
                findings.append(CapacityFindings.overCapacity(site: row.site, discipline: row.discipline, run: run, rows: sources))
            }
        }
        return findings
    }

    /// AGREEMENT_EXPIRING and AGREEMENT_UNUSED of every framework agreement.
    func agreementFindings(_ tally: AgreementTally, _ agreements: [Agreement], years: [PlacementYear]) -> [Finding] {
        AgreementFindings.findings(agreements, years: years, settings: settings) { index, year in
            tally.used.contains(AgreementTally.pair(index, year.startYear))
        }
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
        /// Packed: a SourceLocation holds a path string per row.
        var sources: [PackedSourceRow] = []

        /// The source rows of the placement at `index` (in the order added).
        func forEachSource(ofPlacement index: Int, paths: SourcePathTable, _ body: (SourceLocation) -> Void) {
            let from = index == 0 ? 0 : Int(sourceEnds[index - 1])
            for packed in sources[from..<Int(sourceEnds[index])] { body(SourceLocation(path: paths[packed.file], line: packed.line)) }
        }
    }

    /// By (site, discipline) indices of the framework agreement.
    var rows: [Int: Row] = [:]
    var paths = SourcePathTable()
    /// (agreement index, year) pairs with a placement.
    var used: Set<Int> = []
    public private(set) var years: Set<PlacementYear> = []

    public init() {}

    /// (agreement index, year) packed in one integer.
    static func pair(_ index: Int, _ year: Int) -> Int { index << 16 | (year & 0xFFFF) }

    /// `byRow` is the index of agreements by (site, discipline): a placement's other winners
    /// are among the agreements of its matched agreement's row.
    mutating func add(_ placements: [Placement], _ matches: [Match], _ agreements: [Agreement], _ byRow: [Int: [Int]]) {
        var lastYear: PlacementYear?
        for index in placements.indices {
            if placements[index].year != lastYear {
                lastYear = placements[index].year
                years.insert(placements[index].year)
            }
            guard case .agreement(let matched) = matches[index] else { continue }
            let key = agreements[matched].rowKey
            for winner in byRow[key] ?? [matched] where winner == matched || Matching.winsAlongside(
                agreements[matched], agreements[winner], student: placements[index].student,
                start: placements[index].start, end: placements[index].end) {
                used.insert(Self.pair(winner, placements[index].year.startYear))
            }
            guard agreements[matched].kind == .framework else { continue }
            var row = rows.removeValue(forKey: key) ?? Row()
            row.starts.append(Int32(clamping: placements[index].start.daysSinceEpoch))
            row.ends.append(Int32(clamping: placements[index].end.daysSinceEpoch))
            for source in placements[index].sources {
                row.sources.append(PackedSourceRow(file: paths.number(of: source.path), line: source.line))
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
        let pathMap = other.paths.paths.map { paths.number(of: $0) }
        for (key, added) in other.rows {
            var row = rows.removeValue(forKey: key) ?? Row()
            let offset = Int32(row.sources.count)
            row.starts += added.starts
            row.ends += added.ends
            row.sourceEnds += added.sourceEnds.map { $0 + offset }
            row.sources += added.sources.map { PackedSourceRow(file: pathMap[$0.file], line: $0.line) }
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
