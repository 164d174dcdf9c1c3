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
    /// `<c r="A`, `<c r="B`, …: each column's cell opening, end to end, ending at `openingEnds`.
    private let openings: [UInt8]
    private let openingEnds: [Int]
    var out = TextBuffer()
    private var scratch = TextBuffer()
    /// The number of the row being written, as digits.
    private var rowDigits = TextBuffer()
    /// The first rows of a sheet are measured for the column widths.
    var measuring = true
    var widths: [Int]

    init(headings: [ColumnHeading]) {
        columns = headings.enumerated().map { SheetColumn($0.element, index: $0.offset) }
        styles = columns.map(\.style)
        var openings: [UInt8] = [], ends: [Int] = []
        for column in columns {
            openings += Array("<c r=\"".utf8) + column.letters
            ends.append(openings.count)
        }
        self.openings = openings
        openingEnds = ends
        widths = Self.headerWidths(headings)
        out.bytes.reserveCapacity(SheetStream.pieceSize + 4096)
    }

    /// A header's width: its name and the autofilter's button.
    static func headerWidths(_ headings: [ColumnHeading]) -> [Int] {
        headings.map { $0.name.unicodeScalars.count + 3 }
    }

    mutating func beginRow(_ number: Int) {
        rowDigits.bytes.removeAll(keepingCapacity: true)
        rowDigits.append(integer: number)
        out.append("<row r=\"")
        rowDigits.bytes.withUnsafeBufferPointer { out.bytes.append(contentsOf: $0) }
        out.append("\">")
    }

    /// One cell with its reference (`<c r="B7" …>`), typed by its kind; nothing for an empty
    /// cell. Numbers and dates are `<v>` values, everything else an inline string.
    @usableFromInline
    mutating func appendCell(_ cell: Cell, column index: Int) {
        if measuring { widths[index] = max(widths[index], SheetXML.shownLength(cell, style: styles[index])) }
        switch cell {
        case .empty: return
        case .integer, .decimal:
            appendOpening(index, style: styles[index])
            out.append("><v>")
            out.append(plain: cell)
            out.append("</v></c>")
        case .date(let day) where day.daysSinceEpoch + SheetXML.serialOf1970 >= SheetXML.firstTrueSerial:
            appendOpening(index, style: .date)
            out.append("><v>")
            out.append(integer: day.daysSinceEpoch + SheetXML.serialOf1970)
            out.append("</v></c>")
        case .text(let text):
            appendOpening(index, style: .general)
            SheetXML.appendInlineString(text, to: &out)
        default:
            // Years, yes/no, fingerprints, source rows, a day before 1900-03-01: their CSV text.
            scratch.bytes.removeAll(keepingCapacity: true)
            scratch.append(plain: cell)
            appendOpening(index, style: .general)
            scratch.bytes.withUnsafeBufferPointer { SheetXML.appendInlineString(bytes: $0, to: &out) }
        }
    }

    /// `<c r="B7"` and the style, when not the default.
    mutating func appendOpening(_ index: Int, style: CellStyle) {
        let start = index == 0 ? 0 : openingEnds[index - 1], end = openingEnds[index]
        openings.withUnsafeBufferPointer { out.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: $0[start..<end])) }
        rowDigits.bytes.withUnsafeBufferPointer { out.bytes.append(contentsOf: $0) }
        out.append(byte: 0x22)
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
            appendOpening(index, style: .header)
            SheetXML.appendInlineString(columns[index].heading.name, to: &out)
        }
        out.append("</row>")
    }
}
