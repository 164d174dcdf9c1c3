import Ingest
import StagebalansCore

/// An agreement whose site and discipline resolved to register codes.
public struct Agreement: Sendable, Hashable {
    public var id: String
    public var site: String
    public var discipline: String
    /// Positions of the site and discipline in the reference data, for matching on integers.
    public var siteIndex: Int
    public var disciplineIndex: Int
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
    /// Positions of the site and discipline in the reference data, for matching on integers.
    public var siteIndex: Int
    public var disciplineIndex: Int
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
///
/// Everything per row is kept as integers (students interned, sites and disciplines as their
/// position in the reference data, source rows as file and line): with strings, hashing the
/// placement key and copying source paths made normalizing cost more than reading the file.
public struct Normalizer: Sendable {
    public let reference: ReferenceData
    private let sites: NameResolver
    private let disciplines: NameResolver

    struct PlacementKey: Hashable {
        var student: Int32
        var site: Int32
        var discipline: Int32
        var start: Int32
    }

    /// A source row without its path string: the file's number in `files`, and the line.
    struct RowRef: Hashable, Comparable {
        var file: Int32
        var line: Int32

        static func < (lhs: RowRef, rhs: RowRef) -> Bool { (lhs.file, lhs.line) < (rhs.file, rhs.line) }
    }

    struct FinalRow {
        var score: Double
        var criteria: CriterionScores
        var submitted: Day?
        var row: RowRef
    }

    struct KindCounts {
        var counts: (Int32, Int32, Int32, Int32) = (0, 0, 0, 0)

        mutating func add(_ kind: PlacementKind) {
            switch kind {
            case .hospital: counts.0 += 1
            case .generalPractice: counts.1 += 1
            case .scientific: counts.2 += 1
            case .abroad: counts.3 += 1
            }
        }

        /// The kind most rows state; on a tie the first in alphabetical order of its code.
        var most: PlacementKind? {
            let ranked: [(PlacementKind, Int32)] = [(.abroad, counts.3), (.generalPractice, counts.1), (.hospital, counts.0),
                                                    (.scientific, counts.2)]
            var best: (PlacementKind, Int32)?
            for entry in ranked where entry.1 > 0 && entry.1 > (best?.1 ?? 0) { best = entry }
            return best?.0
        }
    }

    /// A row behind a placement, linked to the placement's next row. Rows and final rows live in
    /// two arenas rather than in arrays per placement: a quarter of a million small arrays cost
    /// more to allocate, copy and free than normalizing itself.
    struct RowEntry {
        var row: RowRef
        /// The weeks the row states (0: none).
        var statedWeeks: Int16
        var next: Int32 = -1
    }

    struct FinalEntry {
        var final: FinalRow
        var next: Int32 = -1
    }

    /// A chain of entries in an arena: first and last index, -1 when empty.
    struct Chain {
        var first: Int32 = -1
        var last: Int32 = -1
        var count: Int32 = 0

        /// Appends the entry at `index`; returns the previous last entry to link from.
        mutating func append(_ index: Int32) -> Int32 {
            let previous = last
            if first < 0 { first = index }
            last = index
            count += 1
            return previous
        }
    }

    struct Accumulator {
        /// The end most rows state; a dictionary only when rows disagree.
        var end = Day(daysSinceEpoch: Int.min)
        var endCount: Int32 = 0
        var otherEnds: [Day: Int32]?
        var kinds = KindCounts()
        var rows = Chain()
        var finals = Chain()

        /// Counts the row's end and kind; returns the previous last row and final row to link.
        mutating func add(statedEnd: Day?, kind: PlacementKind?, row: Int32, final: Int32?) -> (row: Int32, final: Int32) {
            if let stated = statedEnd {
                if otherEnds == nil && (endCount == 0 || stated == end) {
                    end = stated
                    endCount += 1
                } else {
                    if otherEnds == nil { otherEnds = [end: endCount] }
                    otherEnds?[stated, default: 0] += 1
                }
            }
            if let kind { kinds.add(kind) }
            return (rows.append(row), final.map { finals.append($0) } ?? -1)
        }

        /// Rows may state different ends; the end most rows state wins (on a tie, the later).
        var chosenEnd: Day? {
            if let otherEnds { return otherEnds.max(by: { ($0.value, $0.key) < ($1.value, $1.key) })?.key }
            return endCount > 0 ? end : nil
        }
    }

    private struct Unresolved {
        var typed: [String: Int] = [:]
        var sources: [SourceLocation] = []
    }

    /// The rows of placements being collected, and the placements they make.
    struct Accumulation {
        var accumulators: [PlacementKey: Accumulator] = [:]
        var rowArena: [RowEntry] = []
        var finalArena: [FinalEntry] = []

        mutating func add(_ key: PlacementKey, row: RowRef, statedWeeks: Int16, statedEnd: Day?, kind: PlacementKind?,
                          final: FinalRow?) {
            let rowIndex = Int32(rowArena.count)
            rowArena.append(RowEntry(row: row, statedWeeks: statedWeeks))
            var finalIndex: Int32?
            if let final {
                finalIndex = Int32(finalArena.count)
                finalArena.append(FinalEntry(final: final))
            }
            // One look-up, updated in place.
            let previous = accumulators[key, default: Accumulator()].add(statedEnd: statedEnd, kind: kind, row: rowIndex,
                                                                           final: finalIndex)
            if previous.row >= 0 { rowArena[Int(previous.row)].next = rowIndex }
            if previous.final >= 0, let finalIndex { finalArena[Int(previous.final)].next = finalIndex }
        }
    }

    var accumulation = Accumulation()
    /// Set when rows go to disk instead (`SpillSettings`): every evaluation row, and rows per student.
    var spill: SpillLog?
    var students: [String: Int32] = [:]
    var studentNames: [String] = []
    var files: [String] = []
    /// Resolutions by the text as typed (index in the reference data, -1 for none): exports
    /// repeat a few hundred spellings millions of times. Bounded, so that a file of unique
    /// names cannot grow it without limit.
    private var siteCache: [String: Int32] = [:]
    private var disciplineCache: [String: Int32] = [:]
    private static let cacheLimit = 65_536
    var agreements: [Agreement] = []
    var roster: [String: RosterEntry] = [:]
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
        -> (site: Int32, discipline: Int32)? {
        let reference = self.reference
        let site = Self.cached(typed, in: &siteCache) { sites.resolve($0).flatMap { reference.siteIndex[$0] } }
        let discipline = Self.cached(typedDiscipline, in: &disciplineCache) {
            disciplines.resolve($0).flatMap { reference.disciplineIndex[$0] }
        }
        if site < 0 { Self.note(typed, canonical: sites.canonical(typed), at: source, in: &unknownSites) }
        if discipline < 0 {
            Self.note(typedDiscipline, canonical: disciplines.canonical(typedDiscipline), at: source, in: &unknownDisciplines)
        }
        guard site >= 0, discipline >= 0 else { return nil }
        return (site, discipline)
    }

    private static func cached(_ typed: String, in cache: inout [String: Int32], _ resolve: (String) -> Int?) -> Int32 {
        if let known = cache[typed] { return known }
        let resolved = Int32(resolve(typed) ?? -1)
        if cache.count < cacheLimit { cache[typed] = resolved }
        return resolved
    }

    private static func note(_ typed: String, canonical: String, at source: SourceLocation, in table: inout [String: Unresolved]) {
        table[canonical, default: Unresolved()].typed[typed, default: 0] += 1
        table[canonical, default: Unresolved()].sources.append(source)
    }

    private mutating func add(_ record: AgreementRecord) {
        guard let (site, discipline) = resolve(site: record.site, discipline: record.discipline, at: record.source) else { return }
        agreements.append(Agreement(id: record.agreementID, site: reference.sites[Int(site)].code,
                                    discipline: reference.disciplines[Int(discipline)].code, siteIndex: Int(site),
                                    disciplineIndex: Int(discipline), slots: record.slots, validFrom: record.validFrom,
                                    validTo: record.validTo, kind: record.kind, student: record.student,
                                    supervisor: record.supervisor, source: record.source))
    }

    private mutating func row(_ source: SourceLocation) -> RowRef {
        // Records arrive file by file, so the last file is almost always the one.
        if let last = files.last, last == source.path { return RowRef(file: Int32(files.count - 1), line: Int32(clamping: source.line)) }
        if let index = files.firstIndex(of: source.path) { return RowRef(file: Int32(index), line: Int32(clamping: source.line)) }
        files.append(source.path)
        return RowRef(file: Int32(files.count - 1), line: Int32(clamping: source.line))
    }

    private mutating func add(_ record: EvaluationRecord) {
        guard let (site, discipline) = resolve(site: record.site, discipline: record.discipline, at: record.source) else { return }
        let student: Int32
        if let known = students[record.student] {
            student = known
        } else {
            student = Int32(studentNames.count)
            students[record.student] = student
            studentNames.append(record.student)
        }
        let key = PlacementKey(student: student, site: site, discipline: discipline, start: Int32(record.start.daysSinceEpoch))
        let row = row(record.source)
        let statedEnd = record.end ?? record.weeks.map { record.start.adding(days: 7 * $0 - 1) }
        var final: FinalRow?
        if record.role == .supervisor, record.status == .final, let score = record.finalScore {
            final = FinalRow(score: score, criteria: record.scores, submitted: record.submitted, row: row)
        }
        let statedWeeks = Int16(clamping: record.weeks ?? 0)
        if spill != nil {
            spill?.append(SpilledRow(key: key, row: row, statedWeeks: statedWeeks, statedEnd: statedEnd, kind: record.placementKind,
                                     final: final))
        } else {
            accumulation.add(key, row: row, statedWeeks: statedWeeks, statedEnd: statedEnd, kind: record.placementKind, final: final)
        }
    }

    /// Names and the order of files and names: what building placements needs besides their rows.
    struct Context: Sendable {
        let files: [String]
        let fileRank: [Int32]
        let fileByRank: [Int32]
        let reference: ReferenceData
        let studentNames: [String]
        let studentRank: [Int]
        let siteRank: [Int]
        let disciplineRank: [Int]
    }

    func context() -> Context {
        // Rows sort as SourceLocations do (path, then line) when files are compared by the rank
        // of their path, so the per-placement sort compares integers, never strings.
        let fileRank = Self.ranks(files).map(Int32.init)
        var fileByRank = [Int32](repeating: 0, count: files.count)
        for (file, rank) in fileRank.enumerated() { fileByRank[Int(rank)] = Int32(file) }
        return Context(files: files, fileRank: fileRank, fileByRank: fileByRank, reference: reference, studentNames: studentNames,
                       studentRank: Self.ranks(studentNames), siteRank: Self.ranks(reference.sites.map(\.code)),
                       disciplineRank: Self.ranks(reference.disciplines.map(\.code)))
    }

    /// What building the placements needs, shared read-only by the two halves.
    struct Building: Sendable {
        let context: Context
        let rowArena: [RowEntry]
        let finalArena: [FinalEntry]
        var files: [String] { context.files }
        var reference: ReferenceData { context.reference }
        var studentNames: [String] { context.studentNames }

        func location(_ row: RowRef) -> SourceLocation { SourceLocation(path: files[Int(row.file)], line: Int(row.line)) }
        func rowOrder(_ row: RowRef) -> UInt64 { UInt64(context.fileRank[Int(row.file)]) << 32 | UInt64(UInt32(row.line)) }
        func row(_ packed: UInt64) -> RowRef { RowRef(file: context.fileByRank[Int(packed >> 32)], line: Int32(truncatingIfNeeded: packed)) }

        func build(_ entries: ArraySlice<(key: PlacementKey, value: Accumulator)>)
            -> (placements: [Placement], findings: [Finding]) {
            var findings: [Finding] = []
            var placements: [Placement] = []
            placements.reserveCapacity(entries.count)
            var order: [UInt64] = []
            var finals: [FinalRow] = []
            for (key, accumulator) in entries {
                guard let end = accumulator.chosenEnd else { continue }
                let start = Day(daysSinceEpoch: Int(key.start))
                let weeks = Placement.weeks(from: start, to: end)
                let site = reference.sites[Int(key.site)].code, discipline = reference.disciplines[Int(key.discipline)].code
                let student = studentNames[Int(key.student)]
                order.removeAll(keepingCapacity: true)
                var mismatchedWeeks = false
                var entry = accumulator.rows.first
                while entry >= 0 {
                    let current = rowArena[Int(entry)]
                    order.append(rowOrder(current.row))
                    if current.statedWeeks != 0 && Int(current.statedWeeks) != weeks { mismatchedWeeks = true }
                    entry = current.next
                }
                if order.count > 1 { order.sort() }
                var sources: [SourceLocation] = []
                sources.reserveCapacity(order.count)
                var previous = UInt64.max
                for packed in order where packed != previous {
                    previous = packed
                    sources.append(location(row(packed)))
                }
                var placement = Placement(student: student, site: site, discipline: discipline, siteIndex: Int(key.site),
                                          disciplineIndex: Int(key.discipline), start: start, end: end, weeks: weeks,
                                          kind: accumulator.kinds.most, year: PlacementYear(containing: start), finalScore: nil,
                                          finalCriteria: nil, sources: sources)
                if mismatchedWeeks {
                    var stated: Set<Int> = []
                    var mismatched: [SourceLocation] = []
                    var entry = accumulator.rows.first
                    while entry >= 0 {
                        let current = rowArena[Int(entry)]
                        if current.statedWeeks != 0 && Int(current.statedWeeks) != weeks {
                            stated.insert(Int(current.statedWeeks))
                            mismatched.append(location(current.row))
                        }
                        entry = current.next
                    }
                    let listed = stated.sorted().map(String.init).joined(separator: ", ")
                    findings.append(Finding(code: .weeksMismatch, key: placement.key,
                                            message: "\(student) at \(site) in \(discipline) from \(start): rows state \(listed) weeks, the dates \(start)–\(end) give \(weeks)",
                                            sources: mismatched))
                }
                finals.removeAll(keepingCapacity: true)
                entry = accumulator.finals.first
                while entry >= 0 {
                    finals.append(finalArena[Int(entry)].final)
                    entry = finalArena[Int(entry)].next
                }
                // The last submitted; on a tie the lower score; then the earlier row, so that the
                // choice never depends on the order rows were read in.
                func later(_ a: FinalRow, _ b: FinalRow) -> Bool {
                    let left = (a.submitted?.daysSinceEpoch ?? .min, -a.score), right = (b.submitted?.daysSinceEpoch ?? .min, -b.score)
                    return left != right ? left > right : rowOrder(a.row) < rowOrder(b.row)
                }
                var chosen: FinalRow?
                for final in finals where chosen.map({ later(final, $0) }) ?? true { chosen = final }
                if let chosen {
                    placement.finalScore = chosen.score
                    placement.finalCriteria = chosen.criteria
                    if finals.contains(where: { $0.score != chosen.score }) {
                        let listed = Set(finals.map(\.score)).sorted().map { String($0) }.joined(separator: ", ")
                        findings.append(Finding(code: .duplicateEvaluation, key: placement.key,
                                                message: "\(student) at \(site) in \(discipline) from \(start) has \(finals.count) final evaluations that disagree (\(listed)); the one submitted last counts",
                                                sources: finals.map { location($0.row) }))
                    }
                }
                placements.append(placement)
            }
            return (placements, findings)
        }
    }

    /// The placements of `accumulation`, sorted by student, start, site code and discipline
    /// code, and the findings about single placements. Consuming: the arenas and the table are
    /// freed as soon as the placements are built.
    static func placements(_ accumulation: consuming Accumulation, _ context: Context)
        -> (placements: [Placement], findings: [Finding]) {
        // The placements come out sorted when their keys are sorted first (ranks packed into two
        // integers): sorting the built placements instead copied each one, retaining its strings
        // and sources.
        struct SortKey: Comparable {
            var high: UInt64, low: UInt64, index: Int
            static func < (a: SortKey, b: SortKey) -> Bool { (a.high, a.low) < (b.high, b.low) }
        }
        let unsorted = Array(accumulation.accumulators)
        let building = Building(context: context, rowArena: accumulation.rowArena, finalArena: accumulation.finalArena)
        accumulation = Accumulation()
        let studentRank = context.studentRank, siteRank = context.siteRank, disciplineRank = context.disciplineRank
        var sortKeys = unsorted.indices.map { index in
            let key = unsorted[index].key
            return SortKey(high: UInt64(studentRank[Int(key.student)]) << 32 | UInt64(UInt32(bitPattern: key.start) ^ 0x8000_0000),
                           low: UInt64(siteRank[Int(key.site)]) << 32 | UInt64(disciplineRank[Int(key.discipline)]),
                           index: index)
        }
        sortKeys.sort()
        let entries = sortKeys.map { unsorted[$0.index] }
        // Built in two halves on both cores, the halves in order.
        var halves = Parallel.map(2) { half in
            building.build(half == 0 ? entries[..<(entries.count / 2)] : entries[(entries.count / 2)...])
        }
        // The first half's array is taken over, not copied.
        var placements = halves[0].placements
        halves[0].placements = []
        placements.reserveCapacity(entries.count)
        placements += halves[1].placements
        return (placements, halves[0].findings + halves[1].findings)
    }

    /// Every placement at once: the partitions of `finishInPartitions()` concatenated (with a
    /// spill, every row is read back into memory, giving up its bound).
    public consuming func finish() throws(SpillError) -> NormalizedData {
        let partitioned = try finishInPartitions()
        var placements: [Placement] = [], findings = partitioned.findings
        for index in 0..<partitioned.partitions.count {
            let part = try partitioned.partitions.take(index)
            placements += part.placements
            findings += part.findings
        }
        return NormalizedData(placements: placements, agreements: partitioned.agreements, roster: partitioned.roster,
                              findings: findings)
    }

    func unknownFindings() -> [Finding] {
        var findings: [Finding] = []
        for (canonical, unresolved) in unknownSites {
            findings.append(unknown(.unknownSite, canonical, unresolved, resolver: sites))
        }
        for (canonical, unresolved) in unknownDisciplines {
            findings.append(unknown(.unknownDiscipline, canonical, unresolved, resolver: disciplines))
        }
        return findings
    }

    /// The agreements whose site and discipline resolved, sorted by id.
    public var resolvedAgreements: [Agreement] { agreements.sorted { ($0.id, $0.source) < ($1.id, $1.source) } }

    /// Each name's position in sorted order.
    private static func ranks(_ names: [String]) -> [Int] {
        var ranks = [Int](repeating: 0, count: names.count)
        for (rank, index) in names.indices.sorted(by: { names[$0] < names[$1] }).enumerated() { ranks[index] = rank }
        return ranks
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
