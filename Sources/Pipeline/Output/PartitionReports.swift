import Normalize
import Reconcile
import Report
import Engine
import Domain

/// The report files that grow with the placements (placements.csv, progress) written partition
/// by partition, and the capacity, coverage and audit figures gathered from each partition:
/// a run holds one partition of placements at a time. Partitions come in student order, so
/// the files are those of the whole run at once.
///
/// A class shared by parallel jobs (the two of `add`; `addLastFigures`, `finishPlacements` and
/// `finishProgress` among the report jobs): each job touches only its own properties, and
/// `Parallel.map` returns once all are done.
final class PartitionReports: @unchecked Sendable {
    private let reference: ReferenceData
    /// The placements' and progress tables' context (ids are pseudonyms already in a run for
    /// auditors: the normalizer replaced them).
    private let context: TableContext
    private let placementsFile: TextFileWriter
    /// nil only while a job writes it (see `addPlacements`).
    private var placementsStream: TableStream?
    private var progressFiles: [(name: String, writer: TextFileWriter, stream: TableStream)] = []
    private(set) var capacity = Figures.CapacityTally()
    private(set) var coverage = Figures.CoverageTally()
    private(set) var audit: Figures.AuditTally
    private(set) var placementCount = 0
    private(set) var studentCount = 0

    init(directory: String, formats: Set<ReportSettings.Format>, reference: ReferenceData, asOf: Day) throws(OutputError) {
        self.reference = reference
        context = TableContext()
        audit = Figures.AuditTally(asOf: asOf)
        placementsFile = try TextFileWriter(path: directory + "/" + Tables.placements.name + ".csv")
        placementsStream = TableStream(Tables.placements, format: .csv(.rfc4180))
        let name = Tables.progress.name
        var progress: [(String, TableStream.Format)] = [(name + ".csv", .csv(.rfc4180))]
        if formats.contains(.excel) { progress.append((name + ".excel.csv", .csv(.excelBelgium))) }
        if formats.contains(.json) { progress.append((name + ".json", .json)) }
        for (file, format) in progress {
            progressFiles.append((file, try TextFileWriter(path: directory + "/" + file), TableStream(Tables.progress, format: format)))
        }
    }

    /// The last partition, left for the report jobs (`addLastFigures`, `finishPlacements`,
    /// `finishProgress`): written beside the findings and the tables, not before them.
    private var last: Reconciliation?

    /// One partition: every placement of its students, and the roster entries of its students.
    /// The last partition is only kept: the report jobs write it.
    func add(_ part: Reconciliation, last isLast: Bool) throws(OutputError) {
        guard !isLast else {
            last = part
            return
        }
        let results = Parallel.map(2) { job -> Result<Void, OutputError> in
            do throws(OutputError) {
                if job == 0 {
                    try self.addPlacements(part)
                } else {
                    try self.addProgress(part)
                    self.addFigures(part)
                }
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        for result in results { try result.get() }
    }

    /// The figures of the last partition: the report job that makes the tables calls this first.
    func addLastFigures() {
        if let last { addFigures(last) }
    }

    /// The last partition's placements, and placements.csv closed.
    func finishPlacements() throws(OutputError) -> [WrittenFile] {
        if let last { try addPlacements(last) }
        var writer = placementsFile
        try placementsStream?.finish(into: &writer)
        try placementsFile.commit()
        return [WrittenFile(name: Tables.placements.name + ".csv", bytes: placementsFile.bytesWritten, sha256: placementsFile.sha256)]
    }

    /// The last partition's progress rows, and the progress files closed.
    func finishProgress() throws(OutputError) -> [WrittenFile] {
        if let last { try addProgress(last) }
        var written: [WrittenFile] = []
        for index in progressFiles.indices {
            var writer = progressFiles[index].writer
            try progressFiles[index].stream.finish(into: &writer)
            try writer.commit()
            written.append(WrittenFile(name: progressFiles[index].name, bytes: writer.bytesWritten, sha256: writer.sha256))
        }
        return written
    }

    private func addProgress(_ part: Reconciliation) throws(OutputError) {
        let progress = Figures.progress(part, reference: reference)
        for index in progressFiles.indices {
            var writer = progressFiles[index].writer
            try progressFiles[index].stream.append(rows: progress, of: Tables.progress, context, into: &writer)
        }
    }

    private func addFigures(_ part: Reconciliation) {
        capacity.add(part.placements, agreements: part.agreements, reference: reference)
        coverage.add(part.placements, agreements: part.agreements, reference: reference)
        audit.add(part.placements)
        placementCount += part.placements.count
        var students = 0
        for index in part.placements.indices where index == 0
            || part.placements[index].placement.student != part.placements[index - 1].placement.student {
            students += 1
        }
        studentCount += students
    }

    private func addPlacements(_ part: Reconciliation) throws(OutputError) {
        // A local stream: every append to a property of a class is checked for exclusive access.
        guard var stream = placementsStream.take() else { return }
        defer { placementsStream = stream }
        var context = self.context
        context.agreements = part.agreements
        var writer = placementsFile
        try stream.append(rows: part.placements, of: Tables.placements, context, into: &writer)
    }
}
