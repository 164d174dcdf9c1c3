import Engine
import Ingest
import Rules
import Domain

/// Streams ingested records in; `finishInPartitions()` gives agreements, findings and the
/// placements partition by partition (one partition when the run is held in memory).
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
    typealias RowRef = PackedSourceRow

    /// A supervisor's final evaluation, with its row.
    typealias FinalRow = FinalEvaluation<RowRef>

    /// How a run for auditors shows the values that can name a person (SPEC §7): each is
    /// replaced where it enters the run, so that every placement, key, message, report and the
    /// history are built from the replacement and no text is searched for ids afterwards.
    public struct Pseudonymisation: Sendable {
        /// A student id (evaluations, individual agreements, the roster).
        public var student: @Sendable (String) -> String
        /// A site or discipline name the register does not know: a shifted row can put a
        /// student id there.
        public var unknownName: @Sendable (String) -> String
        /// An individual agreement's id: the agreement of one student, often numbered after
        /// them. Framework agreements' ids are the institutions' and stay.
        public var individualAgreement: @Sendable (String) -> String

        public init(student: @escaping @Sendable (String) -> String, unknownName: @escaping @Sendable (String) -> String,
                    individualAgreement: @escaping @Sendable (String) -> String) {
            self.student = student
            self.unknownName = unknownName
            self.individualAgreement = individualAgreement
        }
    }

    /// Set for a run for auditors before the first record comes in.
    public var pseudonymisation: Pseudonymisation?

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

        /// `PlacementBuilding.mostStatedKind`.
        var most: PlacementKind? {
            PlacementBuilding.mostStatedKind { kind in
                switch kind {
                case .hospital: Int(counts.0)
                case .generalPractice: Int(counts.1)
                case .scientific: Int(counts.2)
                case .abroad: Int(counts.3)
                }
            }
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

        /// `PlacementBuilding.chosenEnd` of the ends the rows state.
        var chosenEnd: Day? {
            if let otherEnds { return PlacementBuilding.chosenEnd(otherEnds.lazy.map { (end: $0.key, rows: Int($0.value)) }) }
            return endCount > 0 ? PlacementBuilding.chosenEnd(CollectionOfOne((end: end, rows: Int(endCount)))) : nil
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
    var files = SourcePathTable()
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

    public mutating func add(_ record: IngestedRecord) {
        switch record {
        case .agreement(let agreement): add(agreement)
        case .evaluation(let evaluation): add(evaluation)
        case .roster(let entry):
            let student = pseudonymisation?.student(entry.student) ?? entry.student
            roster[student] = RosterEntry(student: student, masterYear: entry.masterYear, cohort: entry.cohort)
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
        var id = record.agreementID
        if record.kind == .individual, let pseudonymisation { id = pseudonymisation.individualAgreement(id) }
        agreements.append(Agreement(id: id, site: reference.sites[Int(site)].code,
                                    discipline: reference.disciplines[Int(discipline)].code, siteIndex: Int(site),
                                    disciplineIndex: Int(discipline), slots: record.slots, validFrom: record.validFrom,
                                    validTo: record.validTo, kind: record.kind,
                                    student: record.student.map { pseudonymisation?.student($0) ?? $0 },
                                    supervisor: record.supervisor, source: record.source))
    }

    private mutating func row(_ source: SourceLocation) -> RowRef {
        RowRef(file: files.number(of: source.path), line: source.line)
    }

    private mutating func add(_ record: EvaluationRecord) {
        guard let (site, discipline) = resolve(site: record.site, discipline: record.discipline, at: record.source) else { return }
        let student: Int32
        if let known = students[record.student] {
            student = known
        } else {
            student = Int32(studentNames.count)
            students[record.student] = student
            // Once per student: the id itself stays only as this dictionary's key.
            studentNames.append(pseudonymisation?.student(record.student) ?? record.student)
        }
        let key = PlacementKey(student: student, site: site, discipline: discipline, start: Int32(record.start.daysSinceEpoch))
        let row = row(record.source)
        let statedEnd = PlacementBuilding.statedEnd(start: record.start, end: record.end, weeks: record.weeks)
        var final: FinalRow?
        if FinalEvaluations.counts(role: record.role, status: record.status), let score = record.finalScore {
            final = FinalRow(score: score, criteria: record.scores, submitted: record.submitted, position: row)
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
        let fileRank = Self.ranks(files.paths).map(Int32.init)
        var fileByRank = [Int32](repeating: 0, count: files.count)
        for (file, rank) in fileRank.enumerated() { fileByRank[Int(rank)] = Int32(file) }
        return Context(files: files.paths, fileRank: fileRank, fileByRank: fileByRank, reference: reference, studentNames: studentNames,
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

        func location(_ row: RowRef) -> SourceLocation { SourceLocation(path: files[row.file], line: row.line) }
        /// The row with its file's rank for its number: rows then sort as SourceLocations do.
        func ranked(_ row: RowRef) -> RowRef { RowRef(file: Int(context.fileRank[row.file]), line: row.line) }
        func unranked(_ row: RowRef) -> RowRef { RowRef(file: Int(context.fileByRank[row.file]), line: row.line) }

        /// Scratch arrays reused from one placement to the next.
        struct Scratch {
            var order: [RowRef] = []
            var finals: [FinalRow] = []
        }

        /// Each placement of `entries` with the findings made while building it (WEEKS_MISMATCH,
        /// DUPLICATE_EVALUATION); the rules are PlacementBuilding's and FinalEvaluations'.
        func build(_ entries: ArraySlice<(key: PlacementKey, value: Accumulator)>)
            -> (placements: [Placement], findings: [Finding]) {
            var findings: [Finding] = []
            var placements: [Placement] = []
            placements.reserveCapacity(entries.count)
            var scratch = Scratch()
            for (key, accumulator) in entries {
                guard let end = accumulator.chosenEnd else { continue }
                let start = Day(daysSinceEpoch: Int(key.start))
                let weeks = PlacementBuilding.weeks(from: start, to: end)
                var placement = Placement(student: studentNames[Int(key.student)], site: reference.sites[Int(key.site)].code,
                                          discipline: reference.disciplines[Int(key.discipline)].code, siteIndex: Int(key.site),
                                          disciplineIndex: Int(key.discipline), start: start, end: end, weeks: weeks,
                                          kind: accumulator.kinds.most, year: PlacementBuilding.year(of: start), finalScore: nil,
                                          finalCriteria: nil, sources: sources(accumulator.rows, &scratch.order))
                if let mismatch = weeksMismatch(placement, accumulator.rows) { findings.append(mismatch) }
                if let duplicate = chooseFinal(&placement, accumulator.finals, &scratch.finals) { findings.append(duplicate) }
                placements.append(placement)
            }
            return (placements, findings)
        }

        /// The rows of a chain, sorted as SourceLocations and unique.
        func sources(_ rows: Chain, _ order: inout [RowRef]) -> [SourceLocation] {
            order.removeAll(keepingCapacity: true)
            var entry = rows.first
            while entry >= 0 {
                order.append(ranked(rowArena[Int(entry)].row))
                entry = rowArena[Int(entry)].next
            }
            if order.count > 1 { order.sort() }
            var sources: [SourceLocation] = []
            sources.reserveCapacity(order.count)
            var previous: RowRef?
            for row in order where row != previous {
                previous = row
                sources.append(location(unranked(row)))
            }
            return sources
        }

        /// WEEKS_MISMATCH when a row states other weeks than the placement's dates give.
        func weeksMismatch(_ placement: Placement, _ rows: Chain) -> Finding? {
            var stated: Set<Int> = []
            var mismatched: [SourceLocation] = []
            var entry = rows.first
            while entry >= 0 {
                let current = rowArena[Int(entry)]
                let statedWeeks = current.statedWeeks == 0 ? nil : Int(current.statedWeeks)
                if PlacementBuilding.statesOtherWeeks(statedWeeks, datesGive: placement.weeks), let statedWeeks {
                    stated.insert(statedWeeks)
                    mismatched.append(location(current.row))
                }
                entry = current.next
            }
            return stated.isEmpty ? nil : EvaluationFindings.weeksMismatch(placement, statedWeeks: stated, rows: mismatched)
        }

        /// Sets the placement's final evaluation (`FinalEvaluations.chosen`); DUPLICATE_EVALUATION
        /// when the final evaluations disagree.
        func chooseFinal(_ placement: inout Placement, _ chain: Chain, _ finals: inout [FinalRow]) -> Finding? {
            finals.removeAll(keepingCapacity: true)
            var entry = chain.first
            while entry >= 0 {
                var final = finalArena[Int(entry)].final
                final.position = ranked(final.position)
                finals.append(final)
                entry = finalArena[Int(entry)].next
            }
            guard let chosen = FinalEvaluations.chosen(finals) else { return nil }
            placement.finalScore = chosen.score
            placement.finalCriteria = chosen.criteria
            guard FinalEvaluations.disagree(finals, chosen: chosen) else { return nil }
            return EvaluationFindings.duplicateEvaluation(placement, scores: finals.map(\.score),
                                                          rows: finals.map { location(unranked($0.position)) })
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

    func unknownFindings() -> [Finding] {
        var findings: [Finding] = []
        for (canonical, unresolved) in unknownSites {
            findings.append(unknown(.site, canonical, unresolved, resolver: sites))
        }
        for (canonical, unresolved) in unknownDisciplines {
            findings.append(unknown(.discipline, canonical, unresolved, resolver: disciplines))
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

    private func unknown(_ kind: NameFindings.Kind, _ canonical: String, _ unresolved: Unresolved, resolver: NameResolver) -> Finding {
        let typed = NameFindings.shownSpelling(unresolved.typed, canonical: canonical)
        let closest = resolver.suggestions(for: typed)
        guard let pseudonymisation else {
            return NameFindings.unknown(kind, canonical: canonical, typed: typed, rows: unresolved.sources, closest: closest)
        }
        // Every spelling of the name has the canonical form's token.
        return NameFindings.unknown(kind, withheldAs: pseudonymisation.unknownName(canonical), rows: unresolved.sources,
                                    closest: closest)
    }

    /// Every unresolved name with its rows, for `suggest-aliases`.
    public var unresolvedSites: [(typed: String, count: Int, suggestions: [(name: String, code: String)])] {
        unknownSites.map { canonical, unresolved in
            let typed = NameFindings.shownSpelling(unresolved.typed, canonical: canonical)
            return (typed, unresolved.sources.count, sites.suggestions(for: typed))
        }.sorted { ($1.count, $0.typed) < ($0.count, $1.typed) }
    }

    public var unresolvedDisciplines: [(typed: String, count: Int, suggestions: [(name: String, code: String)])] {
        unknownDisciplines.map { canonical, unresolved in
            let typed = NameFindings.shownSpelling(unresolved.typed, canonical: canonical)
            return (typed, unresolved.sources.count, disciplines.suggestions(for: typed))
        }.sorted { ($1.count, $0.typed) < ($0.count, $1.typed) }
    }
}
