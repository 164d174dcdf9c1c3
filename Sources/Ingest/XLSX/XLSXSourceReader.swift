import Domain

/// Reads one sheet of an .xlsx workbook as a source's records: the header row maps columns to
/// fields as a CSV header does (`HeaderMap`, the same `fields:` names), and each later row with
/// a value is a record at `file.xlsx[Sheet]:row`, its typed cells handed on as such (`CellValues`).
struct XLSXSourceReader: RecordReader {
    let spec: SourceSpec
    let settings: XLSXSettings
    let path: String
    var policy = InputPolicy()
    /// Sees the bytes of the .xlsx file as read (not the inflated parts).
    var observer: (any ByteObserver)?

    func read(into sink: inout BatchSink, outcome: inout ReaderOutcome) throws {
        let file = try ChunkedFile.opening(path, policy)
        outcome.bytes = file.size
        outcome.identity = file.identity
        let workbook = try OpenedWorkbook(file, path: path, opener: settings.opener, limits: spec.limits, observer: observer)
        let sheet = try workbook.sheet(settings.sheet)
        let at = "\(path)[\(sheet.name)]"
        sink.locationPath = at
        outcome.notes.append("sheet '\(sheet.name)'" + (workbook.structure.date1904 ? ", 1904 date system" : ""))
        outcome.notes += workbook.structure.notes
        var rows: XLSXRowProcessor
        do {
            let cells = CellValues(strings: try workbook.sharedStrings(), styles: try workbook.styles(),
                                   date1904: workbook.structure.date1904)
            rows = XLSXRowProcessor(spec: spec, headerRow: settings.headerRow, at: at, cells: cells)
        } catch {
            throw FileFailure(SourceLocation(path: path, line: 1), error.message, notes: error.notes)
        }
        do {
            try SheetRows(try workbook.open(sheet.part), limits: spec.limits).forEach { row in
                try rows.process(row, sink: &sink, outcome: &outcome)
            }
        } catch let failure as WorkbookFailure {
            throw FileFailure(SourceLocation(path: at, line: max(rows.lastRow, 1)), failure.message, notes: failure.notes)
        }
        try rows.finish()
        try file.failIfChanged()
    }
}

/// Turns a sheet's rows into records for typing, or quarantines a row whose mapped cell holds
/// no usable value (an error value, a formula without a result, a value too long).
struct XLSXRowProcessor {
    let spec: SourceSpec
    let headerRow: Int?
    let at: String
    let cells: CellValues
    private(set) var lastRow = 0
    private var header: HeaderMap?
    private var values = FieldValues()
    private var raw: [UInt8] = []
    private var scratch: [UInt8] = []
    /// Per column (1-based) of the header, the row's cell there: its index in the row, valid
    /// when the column's stamp is this row's.
    private var cellAt: [Int] = []
    private var stamp: [Int] = []
    private var rowSerial = 0

    init(spec: SourceSpec, headerRow: Int?, at: String, cells: CellValues) {
        self.spec = spec
        self.headerRow = headerRow
        self.at = at
        self.cells = cells
    }

    mutating func process(_ row: SheetRow, sink: inout BatchSink, outcome: inout ReaderOutcome) throws {
        lastRow = row.number
        let blank = try renderRaw(row)
        guard let header else {
            if let headerRow, row.number < headerRow { return }
            if let headerRow, row.number > headerRow || blank { throw missingHeader(headerRow) }
            if !blank { try readHeader(row, sink: &sink, outcome: &outcome) }
            return
        }
        if blank {
            outcome.blankRows += 1
            return
        }
        try raw.withUnsafeBufferPointer { raw in
            if let rejection = readFields(row, header) {
                try sink.reject(line: row.number, raw: raw, rejection)
            } else {
                try sink.append(values, line: row.number, raw: raw)
            }
        }
    }

    /// After the last row: a sheet without a header row is not a source.
    func finish() throws(FileFailure) {
        guard header == nil else { return }
        if let headerRow { throw missingHeader(headerRow) }
        throw FileFailure(SourceLocation(path: at, line: 1), "the sheet is empty: no header row")
    }

    private func missingHeader(_ row: Int) -> FileFailure {
        FileFailure(SourceLocation(path: at, line: row), "header_row: \(row), but row \(row) of the sheet holds no value",
                    notes: ["set header_row: to the row of the column names, or leave it out to take the first row with a value"])
    }

    /// The row as tab-separated text, cells in column order (the quarantine's raw text); whether
    /// every cell is empty.
    private mutating func renderRaw(_ row: SheetRow) throws(FileFailure) -> Bool {
        raw.removeAll(keepingCapacity: true)
        var order = Array(row.cells.indices)
        if !zip(row.cells, row.cells.dropFirst()).allSatisfy({ $0.column < $1.column }) {
            order.sort { row.cells[$0].column < row.cells[$1].column }
        }
        var column = 1, blank = true
        for index in order {
            let cell = row.cells[index]
            while column < cell.column {
                raw.append(UInt8(ascii: "\t"))
                column += 1
            }
            let start = raw.count
            cells.display(cell, of: row, into: &raw)
            if raw.count > start { blank = false }
            // Shared strings make a short row long: the bound is on the text it stands for.
            guard raw.count <= spec.limits.maxRecordBytes else {
                throw FileFailure(SourceLocation(path: at, line: row.number),
                                  "row is longer than \(spec.limits.maxRecordBytes) bytes (limits.max_record_bytes) with its shared strings")
            }
        }
        return blank
    }

    private mutating func readHeader(_ row: SheetRow, sink: inout BatchSink, outcome: inout ReaderOutcome) throws {
        let location = SourceLocation(path: at, line: row.number)
        let width = row.cells.map(\.column).max() ?? 0
        guard width <= spec.limits.maxFields else {
            throw FileFailure(location, "the header row reaches column \(CellReference.letters(width)) (\(width)), past "
                              + "\(spec.limits.maxFields) columns (limits.max_fields)")
        }
        var headers = [String](repeating: "", count: width)
        for cell in row.cells {
            scratch.removeAll(keepingCapacity: true)
            cells.display(cell, of: row, into: &scratch)
            headers[cell.column - 1] = String(decoding: scratch, as: UTF8.self).trimmedOfWhitespace
        }
        let map = try HeaderMap(headers: headers, spec: spec, location: location)
        if !map.ignored.isEmpty {
            outcome.notes.append("ignored columns: " + map.ignored.map { "'\($0)'" }.joined(separator: ", "))
        }
        header = map
        sink.labels = map.labels
        cellAt = [Int](repeating: 0, count: width + 1)
        stamp = [Int](repeating: 0, count: width + 1)
    }

    /// Puts the row's mapped cells into `values`; the first cell without a usable value rejects the row.
    private mutating func readFields(_ row: SheetRow, _ header: HeaderMap) -> RecordBatch.Rejection? {
        rowSerial += 1
        for (index, cell) in row.cells.enumerated() where cell.column < stamp.count {
            cellAt[cell.column] = index
            stamp[cell.column] = rowSerial
        }
        values.reset()
        for (field, column) in header.mapping where stamp[column + 1] == rowSerial {
            let cell = row.cells[cellAt[column + 1]]
            scratch.removeAll(keepingCapacity: true)
            let outcome = cells.write(cell, of: row, asDate: field.isDate, into: &scratch)
            if case .problem(let reason) = outcome {
                return RecordBatch.Rejection(reason: "\(header.label(field)): \(reason)", field: field, column: cell.column)
            }
            guard scratch.count <= spec.limits.maxFieldBytes else {
                return RecordBatch.Rejection(
                    reason: "\(header.label(field)): longer than \(spec.limits.maxFieldBytes) bytes (limits.max_field_bytes)",
                    field: field, column: cell.column)
            }
            values.append(field, utf8: scratch, column: cell.column)
            if outcome == .date { values.mark(field, as: .date) }
            if outcome == .number { values.mark(field, as: .number) }
        }
        return nil
    }
}
