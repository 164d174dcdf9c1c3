import Foundation
import Report
import Domain

/// Writes the quarantine (`Tables.quarantine`) as `quarantine.csv` and `quarantine.json`, one
/// record at a time, so that a file with a million bad rows does not need a million rows of
/// memory.
final class QuarantineWriter {
    static var csvHeader: String { Tables.quarantine.columnNames.joined(separator: ",") + "\n" }
    let csvPath: String
    let jsonPath: String
    private let csv: TextFileWriter
    private let json: TextFileWriter
    private var csvStream = TableStream(Tables.quarantine, format: .csv(.rfc4180))
    private var jsonStream = TableStream(Tables.quarantine, format: .json)
    /// For auditors: raw rows hold student ids and are left out (path, line and reason stay).
    var redactsRawText = false

    init(directory: String) throws(OutputError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw OutputError(path: directory, message: "cannot create the folder: \(error.localizedDescription)")
        }
        csvPath = directory + "/" + Tables.quarantine.name + ".csv"
        jsonPath = directory + "/" + Tables.quarantine.name + ".json"
        csv = try TextFileWriter(path: csvPath)
        json = try TextFileWriter(path: jsonPath)
    }

    func add(_ record: QuarantinedRecord, source: String) throws(OutputError) {
        let entry = QuarantineEntry(source: source, record: record)
        let context = TableContext(forAuditors: redactsRawText)
        var csvWriter = csv, jsonWriter = json
        try csvStream.append(entry, of: Tables.quarantine, context, into: &csvWriter)
        try jsonStream.append(entry, of: Tables.quarantine, context, into: &jsonWriter)
    }

    func commit() throws(OutputError) {
        var csvWriter = csv, jsonWriter = json
        try csvStream.finish(into: &csvWriter)
        try jsonStream.finish(into: &jsonWriter)
        try csv.commit()
        try json.commit()
    }

    /// The two files with the digests taken while writing them (after `commit()`).
    var written: [WrittenFile] {
        [csv, json].map { writer in
            WrittenFile(name: (writer.path as NSString).lastPathComponent, bytes: writer.bytesWritten, sha256: writer.sha256)
        }
    }
}
