import Foundation
import Ingest
import Report
import Domain

/// A reference file kept as a table instead of YAML (the office keeps its register in a
/// spreadsheet): a header row naming the YAML's keys, then one entry per row. Read from CSV
/// here; a workbook's sheet gives the same rows (`ReferenceTable.init(path:rows:)`).
struct ReferenceTable {
    /// One cell as read, with where it stands, for messages.
    struct Cell {
        var text: String
        var location: SourceLocation
    }

    /// One row: its cells by position, and where the row starts.
    struct Row {
        var location: SourceLocation
        var cells: [Cell]
    }

    /// The file as messages name it: `sites.csv`, or `reference.xlsx[sites]`.
    let path: String
    let header: Row
    let rows: [Row]

    /// How a reference file is kept, by its name's extension; anything else is YAML.
    enum Format {
        case yaml, csv, xlsx

        init(path: String) {
            switch (path as NSString).pathExtension.lowercased() {
            case "csv", "tsv", "txt": self = .csv
            case "xlsx", "xlsm": self = .xlsx
            default: self = .yaml
            }
        }
    }

    /// `rows` as read (the first non-blank one is the header); blank rows are skipped.
    init(path: String, rows: [Row]) throws(DefinitionError) {
        let filled = rows.filter { row in row.cells.contains { !$0.text.isEmpty } }
        guard let header = filled.first else {
            throw DefinitionError(SourceLocation(path: path, line: 1), "the table is empty: its first row must name the columns")
        }
        self.path = path
        self.header = header
        self.rows = Array(filled.dropFirst())
    }

    /// The position of each column, by its (lower-cased) name. Every column must be allowed
    /// and named once, and the required ones must be there.
    func columns(_ what: String, allowed: [String], required: [String]) throws(DefinitionError) -> [String: Int] {
        var positions: [String: Int] = [:]
        for (position, cell) in header.cells.enumerated() where !cell.text.isEmpty {
            let name = cell.text.lowercased()
            guard allowed.contains(name) else {
                let guess = EditDistance.closest(to: name, among: allowed, limit: 1, maxDistance: max(2, name.count / 3)).first
                throw DefinitionError(cell.location, "unknown column '\(cell.text)' in \(what)" + (guess.map { "; did you mean '\($0)'?" } ?? ""),
                                      notes: ["columns: " + allowed.joined(separator: ", ")])
            }
            guard positions.updateValue(position, forKey: name) == nil else {
                throw DefinitionError(cell.location, "the column '\(name)' appears twice in \(what)")
            }
        }
        for name in required where positions[name] == nil {
            throw DefinitionError(header.location, "\(what) has no column '\(name)'", notes: ["columns: " + allowed.joined(separator: ", ")])
        }
        try checkNoStrayValues()
        return positions
    }

    /// A value under no named column is refused, never dropped: in a comma-separated file an
    /// unquoted `9,5` or `Free choice, at home` spills into the next column.
    private func checkNoStrayValues() throws(DefinitionError) {
        for row in rows {
            for (position, cell) in row.cells.enumerated() where !cell.text.isEmpty {
                guard position >= header.cells.count || header.cells[position].text.isEmpty else { continue }
                throw DefinitionError(cell.location, "the value '\(cell.text)' stands under no column of the header; a delimiter "
                                          + "inside an unquoted value? Quote the value (\"9,5\"), or write a decimal with a point")
            }
        }
    }
}

/// One row of a reference table seen through its columns, with typed reads whose errors name
/// the cell (`path:line:col`).
struct ReferenceRow {
    let row: ReferenceTable.Row
    let columns: [String: Int]

    var location: SourceLocation { row.location }

    func cell(_ name: String) -> ReferenceTable.Cell? {
        guard let position = columns[name], position < row.cells.count else { return nil }
        return row.cells[position]
    }

    /// The cell's text, nil when the column is absent or the cell empty.
    func text(_ name: String) -> String? {
        guard let text = cell(name)?.text, !text.isEmpty else { return nil }
        return text
    }

    func required(_ name: String, _ what: String) throws(DefinitionError) -> String {
        guard let text = text(name) else { throw fail(name, "\(what) has no \(name)") }
        return text
    }

    /// A `|`-separated list (aliases).
    func list(_ name: String) -> [String] {
        (text(name) ?? "").split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// A whole number in `range`; `8.0`, as a spreadsheet may save it in a CSV, reads as 8.
    func integer(_ name: String, _ what: String, range: ClosedRange<Int>) throws(DefinitionError) -> Int {
        let text = try required(name, what)
        let whole = text.hasSuffix(".0") ? String(text.dropLast(2)) : text
        guard let value = Int(whole), range.contains(value) else {
            throw fail(name, "\(name) of \(what) must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
        }
        return value
    }

    func fail(_ name: String, _ message: String) -> DefinitionError {
        DefinitionError(cell(name)?.location ?? row.location, message)
    }
}

/// Reads a reference table from a CSV file: UTF-8 (a BOM is allowed), the delimiter the header
/// row uses (`,`, `;` or tab), RFC 4180 quoting; the project's own tokenizer cuts the records.
enum ReferenceCSV {
    static func read(_ file: String, confinedTo folder: String?) throws(DefinitionError) -> ReferenceTable {
        let start = SourceLocation(path: file, line: 1)
        var bytes: [UInt8]
        do {
            bytes = try RegularFile.contents(file, confinedTo: folder)
        } catch {
            throw DefinitionError(start, "cannot read reference data: \(error.message)")
        }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw DefinitionError(start, "the reference table is not UTF-8 text; save it as 'CSV UTF-8', or keep it as .xlsx")
        }
        let delimiter = try delimiter(of: bytes, file: file)
        var tokenizer = CSVTokenizer(delimiter: delimiter)
        var rows: [ReferenceTable.Row] = []
        var problem: DefinitionError?
        let collect: (CSVRow) throws -> Void = { record in
            if let text = record.problem, problem == nil {
                problem = DefinitionError(SourceLocation(path: file, line: record.line), "the CSV record is malformed: \(text)")
            }
            let cells = (0..<record.fieldCount).map { index in
                ReferenceTable.Cell(text: TableFormats.unguardedCSVText(String(decoding: record.field(index), as: UTF8.self))
                                        .trimmingCharacters(in: .whitespaces),
                                    location: SourceLocation(path: file, line: record.line, column: record.fieldColumns[index]))
            }
            rows.append(ReferenceTable.Row(location: SourceLocation(path: file, line: record.line), cells: cells))
        }
        do {
            try bytes.withUnsafeBufferPointer { buffer in try tokenizer.consume(buffer, emit: collect) }
            try tokenizer.finish(emit: collect)
        } catch {
            throw DefinitionError(start, "the CSV file cannot be read: \(error)")
        }
        if let problem { throw problem }
        return try ReferenceTable(path: file, rows: rows)
    }

    /// The delimiter of the first line: the one of `,`, `;` and tab it holds (the keys hold none).
    static func delimiter(of bytes: [UInt8], file: String) throws(DefinitionError) -> UInt8 {
        let firstLine = bytes.prefix { $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") }
        let found = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t")].filter { firstLine.contains($0) }
        guard found.count == 1, let delimiter = found.first else {
            throw DefinitionError(SourceLocation(path: file, line: 1),
                                  "the header row must name the columns separated by one of ',', ';' or tab"
                                      + (found.isEmpty ? "; it holds none" : "; it holds several"))
        }
        return delimiter
    }
}

/// Reference data kept in a workbook: the sheet named after the file's role (`sites`,
/// `disciplines`, `curriculum`), else the first sheet, read by the reader of `.xlsx` sources
/// (bounded and confined as they are). Number cells read as their plain text (`8`, `9.5`).
enum ReferenceWorkbook {
    static func read(_ file: String, sheet: String, confinedTo folder: String?) throws(DefinitionError) -> ReferenceTable {
        let reader = WorkbookSheetReader(path: file, sheet: .namedElseFirst(sheet), opener: WorkbookZip.opener,
                                         policy: InputPolicy(confinedTo: folder))
        var rows: [ReferenceTable.Row] = []
        let path: String
        do {
            path = try reader.forEachRow { row in
                var cells: [ReferenceTable.Cell] = []
                for cell in row.cells {
                    while cells.count < cell.column - 1 {
                        cells.append(ReferenceTable.Cell(text: "", location: SourceLocation(path: row.location.path, line: row.number,
                                                                                            column: cells.count + 1)))
                    }
                    cells.append(ReferenceTable.Cell(text: try text(of: cell), location: cell.location))
                }
                rows.append(ReferenceTable.Row(location: row.location, cells: cells))
            }
        } catch let error as DefinitionError {
            throw error
        } catch let failure as FileFailure {
            throw DefinitionError(failure.diagnostic, more: [])
        } catch {
            throw DefinitionError(SourceLocation(path: file, line: 1), "cannot read reference data: \(error)")
        }
        return try ReferenceTable(path: path, rows: rows)
    }

    static func text(of cell: WorkbookCell) throws(DefinitionError) -> String {
        switch cell.value {
        case .text(let text): return text.trimmingCharacters(in: .whitespaces)
        case .number(let number): return number
        case .date(let day): return day.description
        case .boolean(let value): return value ? "TRUE" : "FALSE"
        case .unreadable(let reason): throw DefinitionError(cell.location, "the cell cannot be read: \(reason)")
        }
    }
}
