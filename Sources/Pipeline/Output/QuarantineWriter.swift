import Foundation
import StagebalansCore

/// Writes the quarantine as `quarantine.csv` and `quarantine.json`, one record at a time, so
/// that a file with a million bad rows does not need a million rows of memory.
final class QuarantineWriter {
    static let csvHeader = "source,path,line,column,field,reason,raw\n"
    let csvPath: String
    let jsonPath: String
    private let csv: TextFileWriter
    private let json: TextFileWriter
    private var count = 0
    /// For auditors: raw rows hold student ids and are left out (path, line and reason stay).
    var redactsRawText = false

    init(directory: String) throws(OutputError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw OutputError(path: directory, message: "cannot create the folder: \(error.localizedDescription)")
        }
        csvPath = directory + "/quarantine.csv"
        jsonPath = directory + "/quarantine.json"
        csv = try TextFileWriter(path: csvPath)
        json = try TextFileWriter(path: jsonPath)
        try csv.write(Self.csvHeader)
        try json.write("[")
    }

    func add(_ record: QuarantinedRecord, source: String) throws(OutputError) {
        let fields = [source, record.source.path, String(record.source.line), record.source.column.map(String.init) ?? "",
                      record.field ?? "", record.reason, redactsRawText ? "(left out: reports for auditors)" : record.raw]
        try csv.write(fields.map { TextEscaping.csvField($0) }.joined(separator: ",") + "\n")
        let object = "{\"source\":\(TextEscaping.jsonString(source)),\"path\":\(TextEscaping.jsonString(record.source.path)),"
            + "\"line\":\(record.source.line),\"column\":\(record.source.column.map(String.init) ?? "null"),"
            + "\"field\":\(record.field.map(TextEscaping.jsonString) ?? "null"),"
            + "\"reason\":\(TextEscaping.jsonString(record.reason)),\"raw\":\(TextEscaping.jsonString(redactsRawText ? "(left out: reports for auditors)" : record.raw))}"
        try json.write((count == 0 ? "\n  " : ",\n  ") + object)
        count += 1
    }

    func commit() throws(OutputError) {
        try json.write(count == 0 ? "]\n" : "\n]\n")
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
