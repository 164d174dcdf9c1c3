// Cells as SpreadsheetML (ECMA-376 part 1, §18.3): numbers as numbers, dates as date serials,
// everything else as an inline string. No cell is ever a formula: a formula is an `<f>`
// element, and this file writes none, so text that starts with `=`, `+`, `-` or `@` is shown
// as the text it is, without the `'` the CSV writers put before it.

import Report
import Domain

/// A column as a sheet writes it: its heading, the style its numbers get, its letters.
struct SheetColumn {
    var heading: ColumnHeading
    var style: CellStyle
    /// `A`, `B`, … `AA`: the column's part of a cell reference.
    var letters: [UInt8]

    init(_ heading: ColumnHeading, index: Int) {
        self.heading = heading
        style = CellStyle(heading)
        letters = SheetXML.columnLetters(index)
    }
}

/// The cell formats of styles.xml, by their index in `cellXfs` (`WorkbookParts.styles`).
enum CellStyle: Int {
    case general = 0, header, date, oneDecimal, twoDecimals, threeDecimals, percentage

    init(_ heading: ColumnHeading) {
        switch (heading.type, heading.spreadsheet) {
        case (.decimal, .percentage), (.decimal, .utilisation): self = .percentage
        case (.decimal(let places), _): self = [1: .oneDecimal, 2: .twoDecimals, 3: .threeDecimals][places] ?? .general
        case (.date, _): self = .date
        default: self = .general
        }
    }
}

enum SheetXML {
    /// Excel's limit on a cell's text, in UTF-16 units; a longer text is cut (`appendText`).
    static let cellCharacters = 32_767

    /// The days from Excel's day 0 (1899-12-30, its 1900 system counting the phantom
    /// 29 February 1900) to 1970-01-01.
    static let serialOf1970 = 25_569
    /// 1900-03-01: the first day from which serials count days truly.
    static let firstTrueSerial = 61

    static func columnLetters(_ index: Int) -> [UInt8] {
        var letters: [UInt8] = [], number = index + 1
        while number > 0 {
            letters.insert(UInt8(ascii: "A") + UInt8((number - 1) % 26), at: 0)
            number = (number - 1) / 26
        }
        return letters
    }

    static func appendInlineString(_ text: String, to out: inout TextBuffer) {
        if text.utf8.withContiguousStorageIfAvailable({ appendInlineString(bytes: $0, to: &out) }) == nil {
            Array(text.utf8).withUnsafeBufferPointer { appendInlineString(bytes: $0, to: &out) }
        }
    }

    /// ` t="inlineStr"><is><t>…</t></is></c>`, the text escaped (`appendText`); spaces at
    /// either end kept (`xml:space`).
    static func appendInlineString(bytes text: UnsafeBufferPointer<UInt8>, to out: inout TextBuffer) {
        let spaced = text.first.map(isSpace) == true || text.last.map(isSpace) == true
        out.append(spaced ? " t=\"inlineStr\"><is><t xml:space=\"preserve\">" : " t=\"inlineStr\"><is><t>")
        appendText(text, to: &out)
        out.append("</t></is></c>")
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

    /// Text as XML 1.0 character data, in a defined way for what XML cannot hold:
    /// - `&`, `<`, `>` as entities; a carriage return as `&#13;` (a parser would turn a raw one
    ///   into a line feed); tab and line feed as they are.
    /// - the other C0 controls and U+FFFE, U+FFFF, which no XML 1.0 document may hold even as a
    ///   reference, as the visible marker the page and the terminal show (`⟨U+0001⟩`, `VisibleText`);
    /// - `_x` followed by four hex digits and `_`, which Excel reads as an escaped character, with
    ///   its `_` escaped as Excel writes it (`_x005F_`), so the text reads back as it was;
    /// - a text over Excel's 32,767 characters cut, with `…⟨cut: N characters⟩` at its end (the
    ///   CSV and JSON hold the whole text).
    static func appendText(_ text: UnsafeBufferPointer<UInt8>, to out: inout TextBuffer) {
        // A marker is 8 characters: a text of up to 4,095 bytes stays within the limit whatever it holds.
        guard text.count > cellCharacters / 8 else {
            appendEscaped(text, to: &out)
            return
        }
        var shown = TextBuffer()
        appendEscaped(text, to: &shown, markersOnly: true)
        let whole = String(decoding: shown.bytes, as: UTF8.self)
        guard whole.utf16.count > cellCharacters else {
            appendEscaped(text, to: &out)
            return
        }
        let mark = "…⟨cut: \(whole.utf16.count) characters⟩"
        let room = cellCharacters - mark.utf16.count
        var kept = String.UnicodeScalarView(), units = 0
        for scalar in whole.unicodeScalars {
            units += scalar.utf16.count
            if units > room { break }
            kept.append(scalar)
        }
        Array(String(kept).utf8).withUnsafeBufferPointer { appendEscaped($0, to: &out) }
        out.append(mark)
    }

    /// Bytes `appendText` looks at twice: controls, `&`, `<`, `>`, `_`, and 0xEF (U+FFFE, U+FFFF).
    static let needsCare: [Bool] = (0...255).map { byte in
        (byte < 0x20 && byte != 0x09 && byte != 0x0A) || byte == 0x26 || byte == 0x3C || byte == 0x3E || byte == 0x5F || byte == 0xEF
    }

    /// Runs of plain bytes copied whole; the bytes `needsCare` flags one by one.
    /// `markersOnly`: the text as a cell shows it (only what XML cannot hold replaced), to count it.
    private static func appendEscaped(_ text: UnsafeBufferPointer<UInt8>, to out: inout TextBuffer, markersOnly: Bool = false) {
        var plainStart = 0, index = 0
        while index < text.count {
            guard needsCare[Int(text[index])], !(markersOnly && isLegal(text[index])) else {
                index += 1
                continue
            }
            if plainStart < index { out.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[plainStart..<index])) }
            index = appendSpecial(text, at: index, to: &out)
            plainStart = index
        }
        if plainStart < text.count { out.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[plainStart...])) }
    }

    /// `&`, `<`, `>`, `_`, CR: characters XML holds once escaped.
    private static func isLegal(_ byte: UInt8) -> Bool { byte >= 0x20 && byte != 0xEF || byte == 0x0D }

    /// One byte `needsCare` flags; the index after what it wrote.
    private static func appendSpecial(_ text: UnsafeBufferPointer<UInt8>, at index: Int, to out: inout TextBuffer) -> Int {
        switch text[index] {
        case UInt8(ascii: "&"): out.append("&amp;")
        case UInt8(ascii: "<"): out.append("&lt;")
        case UInt8(ascii: ">"): out.append("&gt;")
        case 0x0D: out.append("&#13;")
        case UInt8(ascii: "_"): out.append(isExcelEscape(text, after: index) ? "_x005F_" : "_")
        case 0xEF:
            guard index + 2 < text.count, text[index + 1] == 0xBF, text[index + 2] == 0xBE || text[index + 2] == 0xBF else {
                out.append(byte: 0xEF)
                return index + 1
            }
            out.append(text[index + 2] == 0xBE ? "⟨U+FFFE⟩" : "⟨U+FFFF⟩")
            return index + 3
        default: out.append(VisibleText.marker(Unicode.Scalar(text[index])))
        }
        return index + 1
    }

    /// `_xHHHH_` at `index`: what Excel would decode as one character.
    private static func isExcelEscape(_ text: UnsafeBufferPointer<UInt8>, after index: Int) -> Bool {
        guard index + 6 < text.count, text[index + 1] == UInt8(ascii: "x"), text[index + 6] == UInt8(ascii: "_") else { return false }
        return (index + 2...index + 5).allSatisfy { position in
            let byte = text[position]
            return (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x66)
        }
    }

    /// The number of characters a cell shows, for the column's width: its text, a date's ten,
    /// a share as a percentage (`85.7%`).
    static func shownLength(_ cell: Cell, style: CellStyle) -> Int {
        switch cell {
        case .empty: return 0
        case .text(let text): return text.unicodeScalars.count
        case .date: return 10
        case .decimal(let ratio, _) where style == .percentage:
            return (Ratio(ratio.numerator * 100, ratio.denominator).formatted(decimals: 1)?.utf8.count ?? 0) + 1
        default: return cell.plainText.unicodeScalars.count
        }
    }
}
