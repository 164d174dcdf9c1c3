import Foundation
import Ingest
import Domain

/// One column of a sampled export (CSV, a sheet) or one place in an XML record: what a
/// definition calls it, the name matched against the recognised names, and its values.
struct SampledColumn: Sendable {
    /// The header as the file writes it, or the XML path as a definition writes it.
    var label: String
    /// In canonical form (`Canonical.text`), matched against each field's recognised names.
    var matchName: String
    /// Per sampled record, its value, trimmed (nil: the record has none).
    var values: [String?]
    /// Records whose cell the workbook types as a date (held in `values` as yyyy-mm-dd): they
    /// need no format.
    var typedDates: Set<Int> = []
    /// XML: records where the place held two values (`run` quarantines those).
    var repeats = 0
}

/// An export as `init` read it: its columns and how the file is laid out.
struct ExportRead: Sendable {
    struct CSVLayout: Sendable {
        var encoding: CSVSampler.Encoding
        var checkedWholeFile: Bool
        var delimiter: UInt8
        /// Per candidate delimiter, how many recognised column names its split gives.
        var splits: [(delimiter: UInt8, known: Int)]
        var headerLine: Int
        /// Lines of records above the header (a title): `run` takes the first as the header.
        var linesAbove: [Int]
    }

    struct SheetLayout: Sendable {
        var sheet: String
        var position: Int
        var sheets: [String]
        var headerRow: Int
        /// The sheet's first row with a value: the header unless `header_row:` says otherwise.
        var firstRow: Int
    }

    struct XMLLayout: Sendable {
        var recordPath: [XMLSample.Name]
        var recordCount: Int
        /// Prefix → namespace URI, as the definition's `namespaces:` will bind them.
        var prefixes: [(prefix: String, uri: String, isDefault: Bool)]
        var encoding: String
    }

    enum Layout: Sendable {
        case csv(CSVLayout)
        case xlsx(SheetLayout)
        case xml(XMLLayout)
    }

    var file: ExportFile
    var columns: [SampledColumn]
    /// Per sampled record, its line (CSV), row (sheet) or 0 (XML).
    var lines: [Int]
    /// Whether every record of the file was sampled.
    var complete: Bool
    var layout: Layout

    var records: Int { lines.count }
}

/// Reads one export with ingest's samplers (the same opening, limits and parser as `run`).
enum ExportReading {
    static func read(_ file: ExportFile, limits: Limits, policy: InputPolicy, maxRecords: Int) throws(Diagnostic) -> ExportRead {
        switch file.format {
        case .csv: return try readCSV(file, limits: limits, policy: policy, maxRecords: maxRecords)
        case .xlsx: return try readSheet(file, limits: limits, policy: policy, maxRecords: maxRecords)
        case .xml: return try readXML(file, limits: limits, policy: policy, maxRecords: maxRecords)
        }
    }

    /// A sampler's rejection of the file, as the diagnostic `run` would print.
    static func ingest<T>(_ body: () throws(FileFailure) -> T) throws(Diagnostic) -> T {
        do {
            return try body()
        } catch {
            throw error.diagnostic
        }
    }

    /// How many columns of a header carry a recognised name of one kind's fields (the best kind).
    static func knownFields(_ headers: [String]) -> Int {
        let canonical = headers.map(Canonical.text)
        return SourceKind.allCases.map { HeaderMatching.columns(canonical: canonical, kind: $0).assigned.count }.max() ?? 0
    }

    /// The first of the first ten records whose names are the most recognised, as the header.
    static func header(_ records: [[String]]) -> (index: Int, known: Int) {
        var best = (index: 0, known: 0)
        for (index, record) in records.prefix(10).enumerated() {
            let known = knownFields(record)
            if known > best.known { best = (index, known) }
        }
        return best
    }

    private static func readCSV(_ file: ExportFile, limits: Limits, policy: InputPolicy, maxRecords: Int) throws(Diagnostic) -> ExportRead {
        let sampler = CSVSampler(path: file.path, limits: limits, policy: policy, maxRecords: maxRecords)
        let sniff = try ingest { () throws(FileFailure) in try sampler.sniff() }
        let splits = sniff.heads.map { (delimiter: $0.delimiter, known: header($0.records).known, width: $0.records.first?.count ?? 0) }
        // A one-column file (a roster of ids) splits alike on every candidate: its column's name decides.
        guard let chosen = splits.max(by: { ($0.known, $0.width) < ($1.known, $1.width) }), chosen.width >= 2 || chosen.known >= 1 else {
            throw Diagnostic(.error, at: SourceLocation(path: file.path, line: 1),
                              "cannot tell the delimiter: the first line splits on none of ';', ',' and tab",
                              notes: ["is it a CSV export? a one-column file is no source"])
        }
        let (records, complete) = try ingest { () throws(FileFailure) in try sampler.records(delimiter: chosen.delimiter, encoding: sniff.encoding.reading) }
        let (headerIndex, _) = header(records.map(\.fields))
        guard headerIndex < records.count else {
            throw Diagnostic(.error, at: SourceLocation(path: file.path, line: 1), "the file is empty: no header line")
        }
        let headers = records[headerIndex].fields.map(\.trimmedOfWhitespace)
        let body = records.dropFirst(headerIndex + 1).prefix(maxRecords)
        let layout = ExportRead.CSVLayout(encoding: sniff.encoding, checkedWholeFile: sniff.checkedWholeFile, delimiter: chosen.delimiter,
                                          splits: splits.map { ($0.delimiter, $0.known) }, headerLine: records[headerIndex].line,
                                          linesAbove: records.prefix(headerIndex).map(\.line))
        return ExportRead(file: file, columns: columns(headers, body.map(\.fields)), lines: body.map(\.line),
                          complete: complete && body.count == records.count - headerIndex - 1, layout: .csv(layout))
    }

    /// Columns from a header and rows of text (a row shorter than the header lacks the rest).
    static func columns(_ headers: [String], _ rows: [[String?]]) -> [SampledColumn] {
        headers.enumerated().compactMap { index, header in
            guard !header.isEmpty else { return nil }
            return SampledColumn(label: header, matchName: Canonical.text(header),
                                 values: rows.map { index < $0.count ? $0[index].map(\.trimmedOfWhitespace) : nil })
        }
    }

    private static func readSheet(_ file: ExportFile, limits: Limits, policy: InputPolicy, maxRecords: Int) throws(Diagnostic) -> ExportRead {
        let sampler = WorkbookSampler(path: file.path, opener: WorkbookZip.opener, limits: limits, policy: policy, maxRows: maxRecords + 20)
        let sample = try ingest { () throws(FileFailure) in try sampler.sample() }
        let scored = sample.sheets.map { sheet in (sheet, header(sheet.rows.prefix(10).map(texts))) }
        guard let (sheet, found) = scored.max(by: { $0.1.known < $1.1.known || ($0.1.known == $1.1.known && $0.0.position > $1.0.position) }),
              let headerRow = sheet.rows.dropFirst(found.index).first else {
            throw Diagnostic(.error, at: SourceLocation(path: file.path, line: 1), "the workbook has no sheet with rows",
                              notes: sample.otherSheets.isEmpty ? [] : ["sheets without cells: " + sample.otherSheets.joined(separator: ", ")])
        }
        let headers = texts(headerRow).map { $0.trimmedOfWhitespace }
        let body = sheet.rows.dropFirst(found.index + 1).prefix(maxRecords)
        var columns = columns(headers, body.map { row in values(row, width: headers.count) })
        for index in columns.indices {
            let column = headers.firstIndex(of: columns[index].label).map { $0 + 1 } ?? 0
            columns[index].typedDates = Set(body.enumerated().filter { _, row in
                if case .date = row.cell(column)?.value { return true } else { return false }
            }.map(\.offset))
        }
        let layout = ExportRead.SheetLayout(sheet: sheet.name, position: sheet.position, sheets: sample.sheets.map(\.name),
                                            headerRow: headerRow.number, firstRow: sheet.rows.first?.number ?? headerRow.number)
        return ExportRead(file: file, columns: columns, lines: body.map(\.number),
                          complete: sheet.complete && body.count == sheet.rows.count - found.index - 1, layout: .xlsx(layout))
    }

    /// A row's cells as text, by column (empty where a column has no value).
    private static func texts(_ row: WorkbookRow) -> [String] {
        values(row, width: row.cells.map(\.column).max() ?? 0).map { $0 ?? "" }
    }

    private static func values(_ row: WorkbookRow, width: Int) -> [String?] {
        var values = [String?](repeating: nil, count: width)
        for cell in row.cells where cell.column >= 1 && cell.column <= width {
            switch cell.value {
            case .text(let text), .number(let text): values[cell.column - 1] = text
            case .date(let day): values[cell.column - 1] = day.description
            case .boolean(let value): values[cell.column - 1] = value ? "TRUE" : "FALSE"
            case .unreadable: values[cell.column - 1] = nil
            }
        }
        return values
    }
}
