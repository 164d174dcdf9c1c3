// Normalize in partitions: for inputs whose placements would not fit the memory a run may
// use, every evaluation row goes to disk as integers while ingest runs; afterwards the rows are
// split by student into partitions of consecutive students (in name order), and each partition
// is built into placements on its own. A student's rows are never split, so every placement,
// every check on one student's placements and every per-student figure lies in one partition,
// and partitions concatenated in order give the placements in the order of an in-memory run.

import Engine
import Rules
import Domain

/// Where a normalizer keeps its rows on disk, and how many rows a partition holds.
public struct SpillSettings: Sendable, Hashable {
    /// A folder that exists; the normalizer's files in it are removed when they are no longer needed.
    public var directory: String
    /// Rows per partition, at least; a partition ends with a whole student.
    public var partitionRows: Int

    public init(directory: String, partitionRows: Int) {
        self.directory = directory
        self.partitionRows = max(1, partitionRows)
    }
}

/// One evaluation row as normalize keeps it: integers only (72 bytes).
struct SpilledRow: BitwiseCopyable {
    var student: Int32
    var site: Int32
    var discipline: Int32
    var start: Int32
    var statedEnd: Int32
    var file: Int32
    var line: Int32
    var submitted: Int32
    var statedWeeks: Int16
    var kind: Int8
    var flags: UInt8
    var score: Double
    var knowledge: Double
    var patient: Double
    var team: Double

    static let hasEnd: UInt8 = 1, isFinal: UInt8 = 2, hasKnowledge: UInt8 = 4, hasPatient: UInt8 = 8, hasTeam: UInt8 = 16
    static let hasSubmitted: UInt8 = 32
    private static let kinds = PlacementKind.allCases

    init(key: Normalizer.PlacementKey, row: Normalizer.RowRef, statedWeeks: Int16, statedEnd: Day?, kind: PlacementKind?,
         final: Normalizer.FinalRow?) {
        student = key.student
        site = key.site
        discipline = key.discipline
        start = key.start
        file = Int32(truncatingIfNeeded: row.file)
        line = Int32(clamping: row.line)
        self.statedWeeks = statedWeeks
        self.statedEnd = statedEnd.map { Int32(clamping: $0.daysSinceEpoch) } ?? 0
        self.kind = kind.flatMap { Self.kinds.firstIndex(of: $0) }.map { Int8($0) } ?? -1
        var flags: UInt8 = statedEnd == nil ? 0 : Self.hasEnd
        submitted = 0
        score = 0
        knowledge = 0
        patient = 0
        team = 0
        if let final {
            flags |= Self.isFinal
            score = final.score
            if let value = final.criteria.knowledgeAndSkills { knowledge = value; flags |= Self.hasKnowledge }
            if let value = final.criteria.patientContact { patient = value; flags |= Self.hasPatient }
            if let value = final.criteria.teamwork { team = value; flags |= Self.hasTeam }
            if let day = final.submitted { submitted = Int32(clamping: day.daysSinceEpoch); flags |= Self.hasSubmitted }
        }
        self.flags = flags
    }

    var key: Normalizer.PlacementKey { Normalizer.PlacementKey(student: student, site: site, discipline: discipline, start: start) }
    var row: Normalizer.RowRef { Normalizer.RowRef(file: Int(file), line: Int(line)) }
    var end: Day? { flags & Self.hasEnd != 0 ? Day(daysSinceEpoch: Int(statedEnd)) : nil }
    var placementKind: PlacementKind? { kind >= 0 && Int(kind) < Self.kinds.count ? Self.kinds[Int(kind)] : nil }

    var final: Normalizer.FinalRow? {
        guard flags & Self.isFinal != 0 else { return nil }
        let criteria = CriterionScores(knowledgeAndSkills: flags & Self.hasKnowledge != 0 ? knowledge : nil,
                                       patientContact: flags & Self.hasPatient != 0 ? patient : nil,
                                       teamwork: flags & Self.hasTeam != 0 ? team : nil)
        return Normalizer.FinalRow(score: score, criteria: criteria,
                                   submitted: flags & Self.hasSubmitted != 0 ? Day(daysSinceEpoch: Int(submitted)) : nil, position: row)
    }
}

/// The rows a spilling normalizer has written, and how many each student has.
struct SpillLog {
    let settings: SpillSettings
    let log: RecordFile<SpilledRow>
    var rowsPerStudent: [Int32] = []

    mutating func append(_ row: SpilledRow) {
        let student = Int(row.student)
        if student >= rowsPerStudent.count { rowsPerStudent.append(contentsOf: repeatElement(0, count: student + 1 - rowsPerStudent.count)) }
        rowsPerStudent[student] += 1
        log.append(row)
    }
}

/// What normalize hands on when it works in partitions: everything but the placements, and the
/// placements partition by partition.
public struct PartitionedNormalization: Sendable {
    public var agreements: [Agreement]
    public var roster: [RosterEntry]
    /// Findings that are not about one student (unknown sites and disciplines).
    public var findings: [Finding]
    /// Every student with a placement, in no particular order.
    public var students: [String]
    public var partitions: PlacementPartitions
}

/// The placements, built one partition at a time; each partition can be taken once. Partition
/// `p` holds consecutive students in name order, all before those of partition `p + 1`.
public final class PlacementPartitions: @unchecked Sendable {
    public let count: Int
    /// The first student of each partition.
    private let firstStudents: [String]
    private var built: (placements: [Placement], findings: [Finding])?
    private var files: [RecordFile<SpilledRow>?]
    private let context: Normalizer.Context

    /// Everything in one partition, built already (a normalizer that kept its rows in memory).
    init(built: (placements: [Placement], findings: [Finding]), context: Normalizer.Context) {
        count = 1
        firstStudents = []
        self.built = built
        files = []
        self.context = context
    }

    init(files: [RecordFile<SpilledRow>], firstStudents: [String], context: Normalizer.Context) {
        count = files.count
        self.firstStudents = firstStudents
        self.files = files
        self.context = context
    }

    /// The partition a student's placements are in, or would be in (roster entries without placements).
    public func partition(of student: String) -> Int {
        var low = 0, high = firstStudents.count
        // The last partition whose first student is at or before `student`.
        while low < high {
            let middle = (low + high) / 2
            if firstStudents[middle] <= student { low = middle + 1 } else { high = middle }
        }
        return max(0, low - 1)
    }

    /// The placements of partition `index` in report order, and the findings about single
    /// placements; its rows on disk are removed.
    public func take(_ index: Int) throws(SpillError) -> (placements: [Placement], findings: [Finding]) {
        if index == 0, let built {
            self.built = nil
            return built
        }
        guard files.indices.contains(index), let file = files[index] else { return ([], []) }
        var accumulation = Normalizer.Accumulation()
        try Normalizer.accumulate(file, into: &accumulation)
        files[index] = nil
        return Normalizer.placements(accumulation, context)
    }
}

extension Normalizer {
    /// A normalizer that writes evaluation rows to `settings.directory` instead of collecting
    /// them: finish it with `finishInPartitions()`.
    public init(reference: ReferenceData, spillingTo settings: SpillSettings) throws(SpillError) {
        self.init(reference: reference)
        spill = SpillLog(settings: settings, log: try RecordFile(path: settings.directory + "/rows.spill"))
    }

    static func accumulate(_ file: RecordFile<SpilledRow>, into accumulation: inout Accumulation) throws(SpillError) {
        accumulation.rowArena.reserveCapacity(file.count)
        try file.forEach { (row: SpilledRow) throws(SpillError) in
            accumulation.add(row.key, row: row.row, statedWeeks: row.statedWeeks, statedEnd: row.end, kind: row.placementKind,
                             final: row.final)
        }
    }

    /// Everything but the placements at once; the placements in partitions of about
    /// `partitionRows` rows (one partition, built now, when nothing was spilled).
    public consuming func finishInPartitions() throws(SpillError) -> PartitionedNormalization {
        let context = context()
        let agreements = resolvedAgreements, findings = unknownFindings()
        let roster = roster.values.sorted { $0.student < $1.student }
        guard let spill else {
            let accumulation = self.accumulation
            self.accumulation = Accumulation()
            return PartitionedNormalization(agreements: agreements, roster: roster, findings: findings, students: studentNames,
                                            partitions: PlacementPartitions(built: Self.placements(accumulation, context),
                                                                            context: context))
        }
        self.spill = nil
        try spill.log.flush()
        // Students in name order, cut into partitions of at least `partitionRows` rows.
        var byRank = [Int](repeating: 0, count: studentNames.count)
        for (student, rank) in context.studentRank.enumerated() { byRank[rank] = student }
        var partitionOf = [Int32](repeating: 0, count: studentNames.count)
        var firstStudents: [String] = []
        var rows = 0
        for student in byRank {
            if firstStudents.isEmpty || rows >= spill.settings.partitionRows {
                firstStudents.append(studentNames[student])
                rows = 0
            }
            partitionOf[student] = Int32(firstStudents.count - 1)
            rows += Int(spill.rowsPerStudent.indices.contains(student) ? spill.rowsPerStudent[student] : 0)
        }
        let count = max(1, firstStudents.count)
        var files: [RecordFile<SpilledRow>] = []
        for index in 0..<count {
            files.append(try RecordFile(path: spill.settings.directory + "/partition-\(index).spill", bufferRecords: 4_096))
        }
        try spill.log.forEach { (row: SpilledRow) throws(SpillError) in files[Int(partitionOf[Int(row.student)])].append(row) }
        for file in files { try file.flush() }
        return PartitionedNormalization(agreements: agreements, roster: roster, findings: findings, students: studentNames,
                                        partitions: PlacementPartitions(files: files, firstStudents: firstStudents, context: context))
    }
}
