internal import CLibXML2

/// How a cell stores its value (`t` on `<c>`, ECMA-376 §18.18.11).
enum CellKind: UInt8, Sendable {
    /// `n` or none: a number, in the date system when its style's format is a date.
    case number
    /// `s`: an index into the shared-strings table.
    case shared
    /// `inlineStr`: text in the cell itself.
    case inline
    /// `str`: the text result of a formula.
    case formulaText
    /// `b`: 1 or 0.
    case boolean
    /// `e`: an error value, `#N/A`, `#REF!`, `#DIV/0!`.
    case error
    /// `d`: an ISO 8601 date.
    case isoDate
    /// A formula whose result the workbook does not hold (written by a program that does not calculate).
    case formulaWithoutValue
    /// A `t` this reader does not know.
    case unknown
}

/// One cell with a value, as the sheet holds it.
struct SheetCell: Sendable {
    var column: Int
    var kind: CellKind
    /// The index into the workbook's cell styles (`s`), 0 by default.
    var style: Int
    /// The value's text (`v`, or the inline string's text) in the row's buffer.
    var value: Range<Int>
}

/// One row's cells with values, in the order the sheet lists them; reused from row to row.
struct SheetRow: Sendable {
    var number = 0
    var cells: [SheetCell] = []
    /// The column of the last `c` element, with a value or not: a cell without a reference
    /// (`r`) is the next one, also after an empty `<c/>` (our own workbook writes such rows).
    var lastColumn = 0
    var bytes: [UInt8] = []

    func withValue<R>(_ cell: SheetCell, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[cell.value])) }
    }
}

/// Streams a worksheet part (`sheetData`'s rows) node by node, one row at a time: memory is one
/// row, its value texts bounded by `limits.max_record_bytes` and its cells with values by
/// `limits.max_fields` (a larger row rejects the file, as for CSV). Cells without a value
/// (only a style) are passed over and cost nothing. The sheet's `dimension`, which a hostile
/// file may make claim a million columns, is never read: nothing is sized from a claim.
struct SheetRows {
    let xml: PartXML
    let limits: Limits
    private let names: Names

    private struct Names {
        let row, cell, value, formula, inline, text, phonetic, reference, type, style: UnsafePointer<xmlChar>?
    }

    /// What `<c>` is being read.
    private struct OpenCell {
        var column: Int
        var kind: CellKind
        var style: Int
        var start: Int
        var hasValue = false
        var hasFormula = false
    }

    init(_ xml: PartXML, limits: Limits) {
        self.xml = xml
        self.limits = limits
        names = Names(row: xml.intern("row"), cell: xml.intern("c"), value: xml.intern("v"), formula: xml.intern("f"),
                      inline: xml.intern("is"), text: xml.intern("t"), phonetic: xml.intern("rPh"), reference: xml.intern("r"),
                      type: xml.intern("t"), style: xml.intern("s"))
    }

    /// Calls `body` with each row in the order of the part; `body`'s errors pass through.
    func forEach(_ body: (SheetRow) throws -> Void) throws {
        var row = SheetRow()
        var inRow = false, cell: OpenCell?
        var inValue = false, inInlineText = false, phoneticDepth = 0
        while try xml.next() {
            let name = xml.localName
            if xml.isText {
                guard inValue || (inInlineText && phoneticDepth == 0) else { continue }
                row.bytes.append(contentsOf: xml.textBytes)
                guard row.bytes.count <= limits.maxRecordBytes else { throw tooLong(row.number) }
            } else if xml.isElement {
                if name == names.row {
                    if inRow { try body(row) }
                    try startRow(&row)
                    inRow = !xml.isEmptyElement
                    if !inRow { try body(row) }
                } else if name == names.cell, inRow {
                    cell = try startCell(&row)
                    if xml.isEmptyElement { cell = nil }
                } else if cell != nil, !xml.isEmptyElement {
                    if name == names.value {
                        inValue = true
                        cell?.hasValue = true
                    } else if name == names.inline {
                        cell?.hasValue = true
                    } else if name == names.text {
                        inInlineText = true
                    } else if name == names.phonetic {
                        phoneticDepth += 1
                    } else if name == names.formula {
                        cell?.hasFormula = true
                    }
                } else if name == names.formula {
                    cell?.hasFormula = true
                }
            } else if xml.isEndElement {
                if name == names.value {
                    inValue = false
                } else if name == names.text {
                    inInlineText = false
                } else if name == names.phonetic {
                    phoneticDepth = max(0, phoneticDepth - 1)
                } else if name == names.cell, let open = cell {
                    try finish(open, in: &row)
                    cell = nil
                } else if name == names.row, inRow {
                    inRow = false
                    try body(row)
                }
            }
        }
        if inRow { try body(row) }
    }

    /// A new row: its number is `r`, or the one after the last.
    private func startRow(_ row: inout SheetRow) throws(WorkbookFailure) {
        var number = row.number + 1
        xml.forEachAttribute { name, _, value in
            if name == names.reference { number = CellReference.number(value) ?? -1 }
        }
        guard number > 0 else {
            throw WorkbookFailure("part '\(xml.part)': a row after row \(row.number) has no usable number (r); the sheet is damaged")
        }
        row.number = number
        row.cells.removeAll(keepingCapacity: true)
        row.bytes.removeAll(keepingCapacity: true)
        row.lastColumn = 0
    }

    private func startCell(_ row: inout SheetRow) throws(WorkbookFailure) -> OpenCell {
        var open = OpenCell(column: row.lastColumn + 1, kind: .number, style: 0, start: row.bytes.count)
        var badReference: String?
        xml.forEachAttribute { name, _, value in
            if name == names.reference {
                if let reference = CellReference.parse(value) {
                    open.column = reference.column
                } else {
                    badReference = String(decoding: value.prefix(40), as: UTF8.self)
                }
            } else if name == names.type {
                open.kind = Self.kind(value)
            } else if name == names.style {
                open.style = CellReference.index(value) ?? 0
            }
        }
        if let badReference {
            throw WorkbookFailure("part '\(xml.part)': row \(row.number) has a cell with the reference '\(badReference)', which "
                                  + "is not a cell of that row; the sheet is damaged")
        }
        row.lastColumn = open.column
        return open
    }

    private func finish(_ open: OpenCell, in row: inout SheetRow) throws(WorkbookFailure) {
        guard open.hasValue || open.hasFormula else { return }
        let kind = open.hasValue ? open.kind : .formulaWithoutValue
        // An empty `<v/>` or `<is/>` is an empty cell, except text, where it is an empty string.
        if open.hasValue, open.start == row.bytes.count, kind != .inline, kind != .formulaText, kind != .shared { return }
        guard row.cells.count < limits.maxFields else {
            throw WorkbookFailure("row \(row.number) has more than \(limits.maxFields) cells with values (limits.max_fields)")
        }
        row.cells.append(SheetCell(column: open.column, kind: kind, style: open.style, value: open.start..<row.bytes.count))
    }

    private func tooLong(_ row: Int) -> WorkbookFailure {
        WorkbookFailure("row \(row) holds more than \(limits.maxRecordBytes) bytes of values (limits.max_record_bytes)")
    }

    static func kind(_ value: UnsafeBufferPointer<UInt8>) -> CellKind {
        switch String(decoding: value, as: UTF8.self) {
        case "n": return .number
        case "s": return .shared
        case "inlineStr": return .inline
        case "str": return .formulaText
        case "b": return .boolean
        case "e": return .error
        case "d": return .isoDate
        default: return .unknown
        }
    }
}
