import Domain

/// A cell's value as the workbook types it (see `CellValues` for the rules).
public enum WorkbookValue: Sendable, Hashable {
    case text(String)
    /// Plain decimal text with a `.`, at most 15 significant digits (`14.5`, `0.01`, `0.7` for 70%).
    case number(String)
    /// A number whose style formats it as a date (in the workbook's 1900 or 1904 date system),
    /// or a `t="d"` cell; its time of day dropped.
    case date(Day)
    case boolean(Bool)
    /// No value to use, and why: an error value (`#N/A`), a formula without a saved result, a
    /// date serial that is no day, a shared string the table lacks.
    case unreadable(String)
}

public struct WorkbookCell: Sendable, Hashable {
    /// 1-based: 1 is column A.
    public var column: Int
    public var value: WorkbookValue
    /// `file.xlsx[Sheet]:row:column`.
    public var location: SourceLocation
}

/// One row of a sheet with at least one value.
public struct WorkbookRow: Sendable {
    public var number: Int
    /// `file.xlsx[Sheet]:row`.
    public var location: SourceLocation
    /// The cells with a value, in column order.
    public var cells: [WorkbookCell]

    /// The cell in `column` (1-based), if it has a value.
    public func cell(_ column: Int) -> WorkbookCell? { cells.first { $0.column == column } }
}

/// Reads one sheet of an .xlsx workbook row by row, as typed cells with their locations: the
/// reader of `format: xlsx` sources, for callers that are not a source (reference data).
/// Streaming and bounded as a source is: the workbook's limits are `limits`' (inflated sizes,
/// compression ratio, shared strings, `max_fields` cells and `max_record_bytes` a row).
public struct WorkbookSheetReader: Sendable {
    public var path: String
    public var sheet: SheetChoice
    public var opener: WorkbookPackageOpener
    public var limits: Limits
    public var policy: InputPolicy

    public init(path: String, sheet: SheetChoice = .first, opener: WorkbookPackageOpener, limits: Limits = Limits(),
                policy: InputPolicy = InputPolicy()) {
        self.path = path
        self.sheet = sheet
        self.opener = opener
        self.limits = limits
        self.policy = policy
    }

    /// Calls `body` with each row that has a value, in the sheet's order, and returns the sheet's
    /// location path (`file.xlsx[Sheet]`). A file that cannot be read throws `FileFailure`
    /// (its `diagnostic` says where and why); `body`'s errors pass through. `observer` sees the
    /// file's bytes as read, for a digest.
    @discardableResult
    public func forEachRow(observer: (any ByteObserver)? = nil, _ body: (WorkbookRow) throws -> Void) throws -> String {
        let file = try ChunkedFile.opening(path, policy)
        let workbook = try OpenedWorkbook(file, path: path, opener: opener, limits: limits, observer: observer)
        let chosen = try workbook.sheet(sheet)
        let at = "\(path)[\(chosen.name)]"
        var lastRow = 0
        do {
            var cells = CellValues(strings: try workbook.sharedStrings(), styles: try workbook.styles(),
                                   date1904: workbook.structure.date1904)
            cells.percentSign = false
            var scratch: [UInt8] = []
            try SheetRows(try workbook.open(chosen.part), limits: limits).forEach { row in
                lastRow = row.number
                let typed = Self.typed(row, cells: cells, at: at, scratch: &scratch)
                if !typed.isEmpty {
                    try body(WorkbookRow(number: row.number, location: SourceLocation(path: at, line: row.number), cells: typed))
                }
            }
        } catch let failure as WorkbookFailure {
            throw FileFailure(SourceLocation(path: lastRow == 0 ? path : at, line: max(lastRow, 1)), failure.message,
                              notes: failure.notes)
        }
        try file.failIfChanged()
        return at
    }

    private static func typed(_ row: SheetRow, cells: CellValues, at: String, scratch: inout [UInt8]) -> [WorkbookCell] {
        var typed: [WorkbookCell] = []
        for cell in row.cells.sorted(by: { $0.column < $1.column }) {
            scratch.removeAll(keepingCapacity: true)
            let value: WorkbookValue
            if cell.kind == .boolean {
                value = row.withValue(cell) { String(decoding: Whitespace.trim($0), as: UTF8.self) } == "1" ? .boolean(true) : .boolean(false)
            } else {
                switch cells.write(cell, of: row, asDate: false, into: &scratch) {
                case .text:
                    guard !scratch.isEmpty else { continue }
                    value = .text(String(decoding: scratch, as: UTF8.self))
                case .number: value = .number(String(decoding: scratch, as: UTF8.self))
                case .date: value = scratch.withUnsafeBufferPointer { ExcelNumber.day(iso: $0) }.map(WorkbookValue.date) ?? .unreadable("no day")
                case .problem(let reason): value = .unreadable(reason)
                }
            }
            typed.append(WorkbookCell(column: cell.column, value: value,
                                      location: SourceLocation(path: at, line: row.number, column: cell.column)))
        }
        return typed
    }
}
