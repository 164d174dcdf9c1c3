import Report
import Domain

/// The rows of the sheet being written, rendered as SpreadsheetML into `out`. A struct that
/// the sheet lends out once a row (`SheetStream.withRows`): appending to a class's property
/// is checked for exclusive access every time, which for a million rows of twelve cells cost
/// more than rendering them.
@usableFromInline
struct SheetRows {
    let columns: [SheetColumn]
    let styles: [CellStyle]
    var out = TextBuffer()
    private var scratch = TextBuffer()
    /// The first rows of a sheet are measured for the column widths.
    var measuring = true
    var widths: [Int]

    init(headings: [ColumnHeading]) {
        columns = headings.enumerated().map { SheetColumn($0.element, index: $0.offset) }
        styles = columns.map(\.style)
        widths = Self.headerWidths(headings)
        out.bytes.reserveCapacity(SheetStream.pieceSize + 4096)
    }

    /// A header's width: its name and the autofilter's button.
    static func headerWidths(_ headings: [ColumnHeading]) -> [Int] {
        headings.map { $0.name.unicodeScalars.count + 3 }
    }

    mutating func beginRow(_ number: Int) {
        out.append("<row r=\"")
        out.append(integer: number)
        out.append("\">")
    }

    /// One cell, typed by its kind: numbers and dates are `<v>` values, everything else an
    /// inline string, an empty cell `<c/>`. Cells carry no reference (`r="B7"`): ECMA-376 makes
    /// it optional, a cell without one is the next in its row, and Excel, LibreOffice and
    /// openpyxl read it so. Leaving it out takes a sixth off a sheet's bytes, and so off the
    /// time zlib takes over them (measured on 1 M rows: placements 725 bytes a row with it).
    @usableFromInline
    mutating func appendCell(_ cell: Cell, column index: Int) {
        if measuring { widths[index] = max(widths[index], SheetXML.shownLength(cell, style: styles[index])) }
        switch cell {
        case .empty: out.append("<c/>")
        case .integer, .decimal:
            appendOpening(style: styles[index])
            out.append("><v>")
            out.append(plain: cell)
            out.append("</v></c>")
        case .date(let day) where day.daysSinceEpoch + SheetXML.serialOf1970 >= SheetXML.firstTrueSerial:
            appendOpening(style: .date)
            out.append("><v>")
            out.append(integer: day.daysSinceEpoch + SheetXML.serialOf1970)
            out.append("</v></c>")
        case .text(let text):
            appendOpening(style: .general)
            SheetXML.appendInlineString(text, to: &out)
        default:
            // Years, yes/no, fingerprints, source rows, a day before 1900-03-01: their CSV text.
            scratch.bytes.removeAll(keepingCapacity: true)
            scratch.append(plain: cell)
            appendOpening(style: .general)
            scratch.bytes.withUnsafeBufferPointer { SheetXML.appendInlineString(bytes: $0, to: &out) }
        }
    }

    /// `<c` and the style, when not the default.
    mutating func appendOpening(style: CellStyle) {
        out.append("<c")
        if style != .general {
            out.append(" s=\"")
            out.append(integer: style.rawValue)
            out.append(byte: 0x22)
        }
    }

    /// The header row, bold.
    mutating func appendHeader() {
        beginRow(1)
        for index in columns.indices {
            appendOpening(style: .header)
            SheetXML.appendInlineString(columns[index].heading.name, to: &out)
        }
        out.append("</row>")
    }
}
