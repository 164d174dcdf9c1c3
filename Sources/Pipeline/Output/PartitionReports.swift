import Normalize
import Reconcile
import Report
import Workbook
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
    /// placements.csv, and placements.excel.csv when asked for. Empty only while a job writes
    /// them (see `addPlacements`).
    private var placementsFiles: [StreamedFile] = []
    private var progressFiles: [StreamedFile] = []
    /// The workbook's sheets of the same tables, when the run writes one.
    private let placementsSheet: SheetStream?
    private let progressSheet: SheetStream?
    private(set) var capacity = Figures.CapacityTally()
    private(set) var coverage = Figures.CoverageTally()
    private(set) var audit: Figures.AuditTally
    /// The page's drill-down: the first placements of each heatmap cell and coverage bar.
    private(set) var drillDown = DrillDownTally()
    private(set) var placementCount = 0
    private(set) var studentCount = 0

    typealias StreamedFile = (name: String, writer: TextFileWriter, stream: TableStream)

    init(directory: String, formats: Set<ReportSettings.Format>, reference: ReferenceData, asOf: Day,
         workbook: RunWorkbook? = nil) throws(OutputError) {
        self.reference = reference
        context = TableContext()
        audit = Figures.AuditTally(asOf: asOf)
        // Placements have no JSON: at 10 M rows it would be gigabytes no one reads.
        placementsFiles = try Self.files(Tables.placements, formats: formats.subtracting([.json]), directory: directory)
        progressFiles = try Self.files(Tables.progress, formats: formats, directory: directory)
        placementsSheet = workbook?.placements
        progressSheet = workbook?.progress
    }

    /// The table's CSV, and its Excel CSV and JSON as `formats` ask.
    private static func files<Row>(_ table: TableDeclaration<Row>, formats: Set<ReportSettings.Format>,
                                   directory: String) throws(OutputError) -> [StreamedFile] {
        var forms: [(String, TableStream.Format)] = [(table.name + ".csv", .csv(.rfc4180))]
        if formats.contains(.excel) { forms.append((table.name + ".excel.csv", .csv(.excelBelgium))) }
        if formats.contains(.json) { forms.append((table.name + ".json", .json)) }
        var files: [StreamedFile] = []
        for (file, format) in forms {
            files.append((file, try TextFileWriter(path: directory + "/" + file), TableStream(table, format: format)))
        }
        return files
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
        // The placements' sheet is a job of its own: as long as their CSV, beside it on the other core.
        let results = Parallel.map(placementsSheet == nil ? 2 : 3) { job -> Result<Void, OutputError> in
            do throws(OutputError) {
                switch job {
                case 0: try self.addPlacements(part)
                case 1:
                    try self.addProgress(part)
                    self.addFigures(part)
                default: try self.addPlacementsSheet(part)
                }
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        for result in results { try result.get() }
    }

    /// Every placement, counted before the report jobs run: those of the partitions written and
    /// those of the last one, kept for the jobs (the publish guard decides before summary.md is written).
    var placementsBeforeReportJobs: Int { placementCount + (last?.placements.count ?? 0) }

    /// The figures of the last partition: the report job that makes the tables calls this first.
    func addLastFigures() {
        if let last { addFigures(last) }
    }

    /// The last partition's placements, and the placements' files closed.
    func finishPlacements() throws(OutputError) -> [WrittenFile] {
        if let last { try addPlacements(last) }
        return try Self.finish(&placementsFiles)
    }

    /// The last partition's placements in the workbook, and their sheet closed: a report job
    /// beside `finishPlacements`. No file of its own (report.xlsx is written after the jobs).
    func finishPlacementsSheet() throws(OutputError) -> [WrittenFile] {
        guard let placementsSheet else { return [] }
        if let last { try addPlacementsSheet(last) }
        try RunWorkbook.outputting { () throws(WorkbookError) in try placementsSheet.finish() }
        return []
    }

    /// The last partition's progress rows, and the progress files (and sheet) closed.
    func finishProgress() throws(OutputError) -> [WrittenFile] {
        if let last { try addProgress(last) }
        if let progressSheet { try RunWorkbook.outputting { () throws(WorkbookError) in try progressSheet.finish() } }
        return try Self.finish(&progressFiles)
    }

    private static func finish(_ files: inout [StreamedFile]) throws(OutputError) -> [WrittenFile] {
        var written: [WrittenFile] = []
        for index in files.indices {
            var writer = files[index].writer
            try files[index].stream.finish(into: &writer)
            try writer.commit()
            written.append(WrittenFile(name: files[index].name, bytes: writer.bytesWritten, sha256: writer.sha256))
        }
        return written
    }

    private func addProgress(_ part: Reconciliation) throws(OutputError) {
        let progress = Figures.progress(part, reference: reference)
        for index in progressFiles.indices {
            var writer = progressFiles[index].writer
            try progressFiles[index].stream.append(rows: progress, of: Tables.progress, context, into: &writer)
        }
        if let progressSheet {
            try RunWorkbook.outputting { () throws(WorkbookError) in try progressSheet.append(rows: progress, of: Tables.progress, context) }
        }
    }

    private func addFigures(_ part: Reconciliation) {
        capacity.add(part.placements, agreements: part.agreements, reference: reference)
        coverage.add(part.placements, agreements: part.agreements, reference: reference)
        audit.add(part.placements)
        drillDown.add(part.placements, agreements: part.agreements, reference: reference)
        placementCount += part.placements.count
        var students = 0
        for index in part.placements.indices where index == 0
            || part.placements[index].placement.student != part.placements[index - 1].placement.student {
            students += 1
        }
        studentCount += students
    }

    private func addPlacements(_ part: Reconciliation) throws(OutputError) {
        // Local streams: every append to a property of a class is checked for exclusive access.
        var files = placementsFiles
        placementsFiles = []
        defer { placementsFiles = files }
        var context = self.context
        context.agreements = part.agreements
        for index in files.indices {
            var writer = files[index].writer
            try files[index].stream.append(rows: part.placements, of: Tables.placements, context, into: &writer)
        }
    }

    private func addPlacementsSheet(_ part: Reconciliation) throws(OutputError) {
        guard let placementsSheet else { return }
        var context = self.context
        context.agreements = part.agreements
        try RunWorkbook.outputting { () throws(WorkbookError) in
            try placementsSheet.append(rows: part.placements, of: Tables.placements, context)
        }
    }
}
