import Report
import Domain

/// How much one sheet holds before the table continues on the next (`placements (2)`, …):
/// Excel's 1,048,576 rows less the header, and 2 GiB of sheet XML, well before ZIP's 4 GiB
/// without ZIP64. Tests make both small.
public struct SheetLimits: Sendable, Hashable {
    /// Data rows per sheet, the header not counted.
    public var rows: Int
    /// Bytes of XML per sheet, before deflate.
    public var bytes: Int

    public init(rows: Int, bytes: Int) {
        self.rows = max(1, rows)
        self.bytes = bytes
    }

    public static let excel = SheetLimits(rows: 1_048_575, bytes: 2 << 30)
}

/// A sheet of the workbook once written: its name and deflated XML.
struct FinishedSheet {
    var name: String
    var part: DeflatedPart
    /// Data rows.
    var rows: Int
    var columns: Int
}

/// One table written row by row as one sheet, or several when it passes `SheetLimits`; each
/// sheet's XML is deflated as it is made, so a table of a million rows is never held. The
/// first rows of each sheet (up to `measuredRows`, or `measuredBytes` of XML) are held until
/// the column widths are known, since `<cols>` comes before the rows. Used by one thread at a
/// time; the run's report jobs each write their own tables.
public final class SheetStream: @unchecked Sendable {
    public let name: String
    let limits: SheetLimits
    private let folder: String?
    private(set) var sheets: [FinishedSheet] = []
    /// The rows being rendered, and what the sheet's start needs (columns, widths).
    @usableFromInline var rows: SheetRows
    private var part: DeflatedPart?
    private var rowsInSheet = 0
    private var closed = false

    /// Column widths come from the header and the first 1,000 rows of each sheet.
    static let measuredRows = 1_000
    /// … or fewer, when they pass 4 MB of XML (a table of huge cells).
    static let measuredBytes = 4 << 20
    static let pieceSize = 1 << 16

    init(name: String, headings: [ColumnHeading], limits: SheetLimits, folder: String?) {
        self.name = name
        self.limits = limits
        self.folder = folder
        rows = SheetRows(headings: headings)
    }

    var columns: [SheetColumn] { rows.columns }

    /// A row of cells in column order.
    public func append(_ cells: [Cell]) throws(WorkbookError) {
        try beginRow()
        let count = min(cells.count, rows.columns.count)
        withRows { rows in for index in 0..<count { rows.appendCell(cells[index], column: index) } }
        try endRow()
    }

    /// The rows lent out for one row's cells: one exclusive access instead of one per append.
    @usableFromInline
    func withRows(_ body: (inout SheetRows) -> Void) {
        body(&rows)
    }

    /// A row of a declared table where it lies (see `Column.cell(at:_:)`).
    @inlinable
    public func append<Row>(rowAt row: UnsafePointer<Row>, of table: TableDeclaration<Row>, _ context: TableContext) throws(WorkbookError) {
        try beginRow()
        table.columns.withUnsafeBufferPointer { columns in
            withRows { rows in
                for index in columns.indices { rows.appendCell(columns[index].cell(at: row, context), column: index) }
            }
        }
        try endRow()
    }

    @inlinable
    public func append<Row>(_ row: Row, of table: TableDeclaration<Row>, _ context: TableContext) throws(WorkbookError) {
        try withUnsafePointer(to: row) { row throws(WorkbookError) in try append(rowAt: row, of: table, context) }
    }

    @inlinable
    public func append<Row>(rows: [Row], of table: TableDeclaration<Row>, _ context: TableContext) throws(WorkbookError) {
        try rows.withUnsafeBufferPointer { rows throws(WorkbookError) in
            guard let first = rows.baseAddress else { return }
            for index in rows.indices { try append(rowAt: first + index, of: table, context) }
        }
    }

    @usableFromInline
    func beginRow() throws(WorkbookError) {
        guard !closed else { throw WorkbookError(path: name, message: "a row after the sheet was finished") }
        if part != nil && (rowsInSheet >= limits.rows || (part?.uncompressedSize ?? 0) + rows.out.bytes.count >= limits.bytes) {
            try finishSheet()
        }
        if part == nil { part = try DeflatedPart(name: sheetName(sheets.count), folder: folder) }
        rows.beginRow(rowsInSheet + 2)
    }

    @usableFromInline
    func endRow() throws(WorkbookError) {
        rows.out.append("</row>")
        rowsInSheet += 1
        if rows.measuring {
            if rowsInSheet >= Self.measuredRows || rows.out.bytes.count >= Self.measuredBytes { try writeHead() }
        } else if rows.out.bytes.count >= Self.pieceSize {
            try drain()
        }
    }

    /// `placements`, then `placements (2)`, … (a sheet name has at most 31 characters).
    func sheetName(_ index: Int) -> String {
        guard index > 0 else { return String(name.prefix(31)) }
        let suffix = " (\(index + 1))"
        return String(name.prefix(31 - suffix.count)) + suffix
    }

    private func drain() throws(WorkbookError) {
        try part?.append(rows.out.bytes)
        rows.out.bytes.removeAll(keepingCapacity: true)
    }

    /// The sheet's start, now that the widths are known, then the rows held so far.
    private func writeHead() throws(WorkbookError) {
        rows.measuring = false
        var head = TextBuffer()
        head.append(WorkbookXML.declaration)
        head.append("<worksheet xmlns=\"\(WorkbookXML.mainNamespace)\" xmlns:r=\"\(WorkbookXML.relationshipNamespace)\">")
        // The header row frozen: rows scroll under it.
        head.append("<sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" "
                    + "state=\"frozen\"/><selection pane=\"bottomLeft\" activeCell=\"A2\" sqref=\"A2\"/></sheetView></sheetViews>")
        head.append("<sheetFormatPr defaultRowHeight=\"15\"/><cols>")
        for index in columns.indices {
            head.append("<col min=\"\(index + 1)\" max=\"\(index + 1)\" width=\"\(min(rows.widths[index] + 2, 80))\" customWidth=\"1\"/>")
        }
        head.append("</cols><sheetData>")
        // The header row goes after the start and before the rows held so far.
        let held = rows.out.bytes
        rows.out.bytes = head.bytes
        rows.appendHeader()
        rows.out.bytes += held
        try drain()
    }

    /// The sheet's end: the autofilter over the header and every row, the utilisation's colours.
    private func finishSheet() throws(WorkbookError) {
        if rows.measuring { try writeHead() }
        let last = rowsInSheet + 1
        let lastLetters = String(decoding: columns.last?.letters ?? [UInt8(ascii: "A")], as: UTF8.self)
        rows.out.append("</sheetData><autoFilter ref=\"A1:\(lastLetters)\(last)\"/>")
        if rowsInSheet > 0 {
            for column in columns where column.heading.spreadsheet == .utilisation {
                WorkbookXML.appendUtilisationBands(column: String(decoding: column.letters, as: UTF8.self), lastRow: last, to: &rows.out)
            }
        }
        rows.out.append("</worksheet>")
        try drain()
        guard let part else { return }
        try part.finish()
        sheets.append(FinishedSheet(name: sheetName(sheets.count), part: part, rows: rowsInSheet, columns: columns.count))
        self.part = nil
        rowsInSheet = 0
        rows.measuring = true
        rows.widths = SheetRows.headerWidths(columns.map(\.heading))
    }

    /// The table's last sheet closed; a table without rows still has its sheet, with its header.
    public func finish() throws(WorkbookError) {
        guard !closed else { return }
        closed = true
        if part == nil && sheets.isEmpty { part = try DeflatedPart(name: sheetName(0), folder: folder) }
        if part != nil { try finishSheet() }
    }
}
