import Foundation
import Report
import Workbook
import Domain

/// Writes the quarantine (`Tables.quarantine`) as `quarantine.csv` and `quarantine.json`, and
/// `quarantine.excel.csv` and the workbook's sheet when the run asks for them, one record at a
/// time, so that a file with a million bad rows does not need a million rows of memory.
final class QuarantineWriter {
    static var csvHeader: String { Tables.quarantine.columnNames.joined(separator: ",") + "\n" }
    let csvPath: String
    let jsonPath: String
    /// The files, each with its stream: csv and json always, the Excel dialect on request.
    private var files: [(writer: TextFileWriter, stream: TableStream)] = []
    private let sheet: SheetStream?
    /// For auditors: raw rows hold student ids and are left out (path, line and reason stay).
    var redactsRawText = false
    /// How many rows the page lists (`firstRows`); quarantine.csv holds them all.
    static let rowsOnPage = 50
    /// The first `rowsOnPage` rows as the page lists them: where, which field, why (the reason
    /// for auditors in their runs), never the raw text.
    private(set) var firstRows: [QuarantinedRow] = []
    /// Every row quarantined.
    private(set) var total = 0

    init(directory: String, excel: Bool = false, sheet: SheetStream? = nil) throws(OutputError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw OutputError(path: directory, message: "cannot create the folder: \(error.localizedDescription)")
        }
        let name = directory + "/" + Tables.quarantine.name
        csvPath = name + ".csv"
        jsonPath = name + ".json"
        var forms: [(String, TableStream.Format)] = [(csvPath, .csv(.rfc4180)), (jsonPath, .json)]
        if excel { forms.append((name + ".excel.csv", .csv(.excelBelgium))) }
        for (path, format) in forms { files.append((try TextFileWriter(path: path), TableStream(Tables.quarantine, format: format))) }
        self.sheet = sheet
    }

    func add(_ record: QuarantinedRecord, source: String) throws(OutputError) {
        let entry = QuarantineEntry(source: source, record: record)
        total += 1
        if firstRows.count < Self.rowsOnPage {
            firstRows.append(QuarantinedRow(location: record.source, field: record.field ?? "",
                                            reason: redactsRawText ? record.reasonForAuditors : record.reason))
        }
        let context = TableContext(forAuditors: redactsRawText)
        try withUnsafePointer(to: entry) { entry throws(OutputError) in
            for index in files.indices {
                var writer = files[index].writer
                try files[index].stream.append(rowAt: entry, of: Tables.quarantine, context, into: &writer)
            }
            if let sheet { try RunWorkbook.outputting { () throws(WorkbookError) in try sheet.append(rowAt: entry, of: Tables.quarantine, context) } }
        }
    }

    func commit() throws(OutputError) {
        for index in files.indices {
            var writer = files[index].writer
            try files[index].stream.finish(into: &writer)
            try writer.commit()
        }
        if let sheet { try RunWorkbook.outputting { () throws(WorkbookError) in try sheet.finish() } }
    }

    /// The files with the digests taken while writing them (after `commit()`).
    var written: [WrittenFile] {
        files.map { file in
            WrittenFile(name: (file.writer.path as NSString).lastPathComponent, bytes: file.writer.bytesWritten, sha256: file.writer.sha256)
        }
    }
}
