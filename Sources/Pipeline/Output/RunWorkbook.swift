import Report
import Workbook
import Domain

/// A run's `report.xlsx` (`report.formats: [..., xlsx]`): a sheet per table, in the order the
/// office reads them. Each sheet is filled by the writer of its table's other files, as they
/// are written (the quarantine during ingest, placements and progress partition by partition,
/// the findings in their report job, the small tables in the figures' job), and deflated into
/// the staging folder as it comes (files unlinked as soon as they are open); `write(to:)` puts
/// the workbook together once every job is done, through `TextFileWriter` like every output
/// (`O_NOFOLLOW`, renamed into place, hashed for the manifest).
final class RunWorkbook: @unchecked Sendable {
    static let fileName = "report.xlsx"
    let writer: WorkbookWriter
    let summary: SheetStream
    let capacity: SheetStream
    let coverage: SheetStream
    let progress: SheetStream
    let audit: SheetStream
    let findings: SheetStream
    let placements: SheetStream
    let quarantine: SheetStream
    let changes: SheetStream

    static let summaryHeadings = [ColumnHeading(name: "figure", type: .text), ColumnHeading(name: "value", type: .figure)]

    init(staging: String, asOf: Day, limits: SheetLimits = .excel) {
        writer = WorkbookWriter(date: asOf, spillFolder: staging, limits: limits)
        summary = writer.sheet("summary", headings: Self.summaryHeadings)
        capacity = writer.sheet(Tables.capacity)
        coverage = writer.sheet(Tables.coverage)
        progress = writer.sheet(Tables.progress)
        audit = writer.sheet(Tables.audit)
        findings = writer.sheet(Tables.findings)
        placements = writer.sheet(Tables.placements)
        quarantine = writer.sheet(Tables.quarantine)
        changes = writer.sheet(Tables.changes)
    }

    /// The sheets of the tables the figures' job holds whole: the summary, capacity, coverage,
    /// audit and changes.
    func writeTables(_ content: ReportPageContent, capacity: ReportTable, coverage: ReportTable) throws(OutputError) {
        try writeSummary(content.summary)
        try write(capacity, to: self.capacity)
        try write(coverage, to: self.coverage)
        try write(content.audit, to: audit)
        // No changes table is a sheet with its header only (`WorkbookWriter.write` finishes it).
        if let table = content.changes { try write(table, to: changes) }
    }

    /// The headline figures as the page shows them, counts as numbers and the as-of date as a date.
    func writeSummary(_ summary: ReportSummary) throws(OutputError) {
        try Self.outputting { () throws(WorkbookError) in
            try self.summary.append([.text("report"), .text(summary.title)])
            try self.summary.append([.text("as of"), .date(summary.asOf)])
            for (label, value) in summary.headlineCells { try self.summary.append([.text(label), value]) }
        }
    }

    /// A table held whole (capacity, coverage, audit, changes).
    func write(_ table: ReportTable, to sheet: SheetStream) throws(OutputError) {
        try Self.outputting { () throws(WorkbookError) in
            for row in table.rows { try sheet.append(row) }
            try sheet.finish()
        }
    }

    /// report.xlsx in `directory`, every sheet finished.
    func write(to directory: String) throws(OutputError) -> WrittenFile {
        let file = try TextFileWriter(path: directory + "/" + Self.fileName)
        var sink = file
        do {
            try writer.write(into: &sink)
        } catch let error as OutputError {
            throw error
        } catch {
            throw OutputError(path: file.path, message: "\(error)")
        }
        try file.commit()
        return WrittenFile(name: Self.fileName, bytes: file.bytesWritten, sha256: file.sha256)
    }

    /// A workbook error as an output error (exit 4).
    static func outputting<T>(_ body: () throws(WorkbookError) -> T) throws(OutputError) -> T {
        do {
            return try body()
        } catch {
            throw OutputError(path: error.path, message: error.message)
        }
    }
}
