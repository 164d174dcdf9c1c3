import Domain

/// What a cell's number format makes of its number: a date (or time), a percentage, or a plain number.
enum NumberFormatKind: UInt8, Sendable {
    case general, date, percent

    /// ECMA-376 §18.8.30's built-in formats: 9 and 10 are percentages; 14–22 and 45–47 dates
    /// and times; 27–36 and 50–58 the East Asian locales' date formats.
    static func builtin(_ id: Int) -> NumberFormatKind {
        switch id {
        case 9, 10: return .percent
        case 14...22, 27...36, 45...47, 50...58: return .date
        default: return .general
        }
    }

    /// A custom format code, e.g. `dd/mm/yyyy`, `[$-813]d mmmm yyyy`, `0.0%`, `#,##0 "dagen"`:
    /// its first section with quoted text, escaped characters and bracketed colours and locales
    /// left out; a d, m, y, h or s makes it a date (or time), a `%` a percentage.
    static func custom(_ code: String) -> NumberFormatKind {
        var bytes = Array(code.utf8)[...]
        var sawDate = false, sawPercent = false
        while let byte = bytes.popFirst() {
            switch byte {
            case UInt8(ascii: ";"):
                bytes = []
            case UInt8(ascii: "\""):
                while let next = bytes.popFirst(), next != UInt8(ascii: "\"") {}
            case UInt8(ascii: "\\"), UInt8(ascii: "_"), UInt8(ascii: "*"):
                _ = bytes.popFirst()
            case UInt8(ascii: "["):
                var inside: [UInt8] = []
                while let next = bytes.popFirst(), next != UInt8(ascii: "]") { inside.append(next | 0x20) }
                // Elapsed time, [h]:mm:ss, is a time; [Red] and [$-813] are not.
                if !inside.isEmpty, inside.allSatisfy({ $0 == UInt8(ascii: "h") || $0 == UInt8(ascii: "m") || $0 == UInt8(ascii: "s") }) {
                    sawDate = true
                }
            case UInt8(ascii: "%"):
                sawPercent = true
            default:
                switch byte | 0x20 {
                case UInt8(ascii: "d"), UInt8(ascii: "m"), UInt8(ascii: "y"), UInt8(ascii: "h"), UInt8(ascii: "s"): sawDate = true
                default: break
                }
            }
        }
        return sawDate ? .date : (sawPercent ? .percent : .general)
    }
}

/// A cell's number as text: OOXML writes `14.5`, `-3`, `0.825` or `1.0000000000000001E-2`.
enum ExcelNumber {
    /// Plain decimal text with a `.` (`0.01`), rounded to 15 significant digits as Excel shows
    /// it, so that binary noise (`14.499999999999998`) reads as the number typed; with
    /// `percent`, times 100 and a `%`. Worked on the digits, not on a `Double`: 0.825 stays
    /// 82.5%. False when the text is no number.
    static func canonical(_ text: UnsafeBufferPointer<UInt8>, percent: Bool, into out: inout [UInt8]) -> Bool {
        guard var parsed = Parsed(Whitespace.trim(text)) else { return false }
        if percent { parsed.pointPosition += 2 }
        parsed.round(toSignificant: 15)
        parsed.render(into: &out)
        if percent { out.append(UInt8(ascii: "%")) }
        return true
    }

    /// Digits without leading or trailing zeros, and where the point goes among them.
    private struct Parsed {
        var negative = false
        var digits: [UInt8] = []
        /// How many digits stand before the point (negative: zeros after the point first).
        var pointPosition = 0

        init?(_ text: UnsafeBufferPointer<UInt8>) {
            var index = 0, beforePoint: Int?, sawDigit = false
            if index < text.count, text[index] == UInt8(ascii: "-") || text[index] == UInt8(ascii: "+") {
                negative = text[index] == UInt8(ascii: "-")
                index += 1
            }
            var exponent = 0
            scan: while index < text.count {
                let byte = text[index]
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    sawDigit = true
                    if digits.isEmpty && byte == UInt8(ascii: "0") {
                        if beforePoint != nil { pointPosition -= 1 }
                    } else {
                        digits.append(byte)
                        if beforePoint == nil { pointPosition += 1 }
                    }
                case UInt8(ascii: "."):
                    guard beforePoint == nil else { return nil }
                    beforePoint = index
                case UInt8(ascii: "e"), UInt8(ascii: "E"):
                    guard sawDigit, let value = Self.exponent(UnsafeBufferPointer(rebasing: text[(index + 1)...])) else { return nil }
                    exponent = value
                    break scan
                default:
                    return nil
                }
                index += 1
            }
            guard sawDigit else { return nil }
            while digits.last == UInt8(ascii: "0") { digits.removeLast() }
            pointPosition += exponent
            if digits.isEmpty { negative = false }
        }

        /// `+12`, `-5`, `3`: at most four digits (a double's exponent is at most 308).
        private static func exponent(_ text: UnsafeBufferPointer<UInt8>) -> Int? {
            var index = 0, sign = 1
            if index < text.count, text[index] == UInt8(ascii: "-") || text[index] == UInt8(ascii: "+") {
                sign = text[index] == UInt8(ascii: "-") ? -1 : 1
                index += 1
            }
            guard index < text.count, text.count - index <= 4 else { return nil }
            var value = 0
            while index < text.count {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(text[index]) else { return nil }
                value = value * 10 + Int(text[index] - UInt8(ascii: "0"))
                index += 1
            }
            return sign * value
        }

        mutating func round(toSignificant count: Int) {
            guard digits.count > count else { return }
            let up = digits[count] >= UInt8(ascii: "5")
            digits.removeSubrange(count...)
            if up {
                var index = count - 1
                while index >= 0 && digits[index] == UInt8(ascii: "9") {
                    digits[index] = UInt8(ascii: "0")
                    index -= 1
                }
                if index >= 0 {
                    digits[index] += 1
                } else {
                    digits.insert(UInt8(ascii: "1"), at: 0)
                    pointPosition += 1
                }
            }
            while digits.last == UInt8(ascii: "0") { digits.removeLast() }
        }

        /// Plain decimal text; a number too large or too small for that, with an exponent (`1.5E+30`).
        func render(into out: inout [UInt8]) {
            guard !digits.isEmpty else { return out.append(UInt8(ascii: "0")) }
            if negative { out.append(UInt8(ascii: "-")) }
            let zero = UInt8(ascii: "0"), point = UInt8(ascii: ".")
            if pointPosition > 21 || pointPosition < -20 {
                out.append(digits[0])
                if digits.count > 1 { out.append(point); out.append(contentsOf: digits[1...]) }
                out.append(contentsOf: Array("E\(pointPosition > 0 ? "+" : "")\(pointPosition - 1)".utf8))
            } else if pointPosition <= 0 {
                out.append(contentsOf: [zero, point])
                out.append(contentsOf: repeatElement(zero, count: -pointPosition))
                out.append(contentsOf: digits)
            } else if pointPosition >= digits.count {
                out.append(contentsOf: digits)
                out.append(contentsOf: repeatElement(zero, count: pointPosition - digits.count))
            } else {
                out.append(contentsOf: digits[..<pointPosition])
                out.append(point)
                out.append(contentsOf: digits[pointPosition...])
            }
        }
    }

    /// Why a date cell's serial number names no day.
    enum SerialProblem: Error, Equatable {
        case notANumber
        /// Before the date system's first day (Excel shows ####).
        case outOfRange(Int)
        /// Serial 60 of the 1900 system: the 29 February 1900 that Excel counts but that never was.
        case phantomLeapDay
    }

    /// The day a serial number names, its time of day dropped. The 1900 system (Windows
    /// Excel's) counts 1900-01-01 as 1 and, like Lotus 1-2-3, a 29 February 1900 that never
    /// existed as 60, so serials from 61 on are days since 1899-12-30; the 1904 system
    /// (`date1904` in workbook.xml; old Mac Excel) counts days since 1904-01-01.
    static func day(serial text: UnsafeBufferPointer<UInt8>, date1904: Bool) -> Result<Day, SerialProblem> {
        guard let value = Double(String(decoding: Whitespace.trim(text), as: UTF8.self)), value.isFinite else {
            return .failure(.notANumber)
        }
        guard value > -1e7, value < 1e7 else { return .failure(.outOfRange(value < 0 ? -10_000_000 : 10_000_000)) }
        let serial = Int(value.rounded(.down))
        let last = date1904 ? 2_957_003 : 2_958_465  // 9999-12-31
        guard serial >= (date1904 ? 0 : 1), serial <= last else { return .failure(.outOfRange(serial)) }
        if date1904 { return Day(year: 1904, month: 1, day: 1).map { .success($0.adding(days: serial)) } ?? .failure(.notANumber) }
        guard serial != 60 else { return .failure(.phantomLeapDay) }
        return Day(year: 1899, month: 12, day: serial < 60 ? 31 : 30).map { .success($0.adding(days: serial)) } ?? .failure(.notANumber)
    }

    /// A `t="d"` cell: ISO 8601, `2025-09-01` or `2025-09-01T00:00:00`; the time is dropped.
    static func day(iso text: UnsafeBufferPointer<UInt8>) -> Day? {
        let trimmed = Whitespace.trim(text)
        guard trimmed.count == 10 || (trimmed.count > 10 && trimmed[10] == UInt8(ascii: "T")),
              trimmed[4] == UInt8(ascii: "-"), trimmed[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(trimmed[index]) else { return nil }
                value = value * 10 + Int(trimmed[index] - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
        return Day(year: year, month: month, day: day)
    }
}

/// Cell references: `AB12` is column 28 (AB), row 12.
enum CellReference {
    /// The column of a reference's letters (1-based), and the offset after them; nil for no
    /// letters or more than three (XFD, 16,384, is the last column).
    static func column(_ text: UnsafeBufferPointer<UInt8>) -> Int? {
        var column = 0, index = 0
        while index < text.count, index < 4 {
            let letter = text[index] & ~0x20
            guard letter >= UInt8(ascii: "A"), letter <= UInt8(ascii: "Z") else { break }
            column = column * 26 + Int(letter - UInt8(ascii: "A")) + 1
            index += 1
        }
        return index == 0 || index > 3 ? nil : column
    }

    /// `1` → A, `28` → AB.
    static func letters(_ column: Int) -> String {
        var column = column, letters: [UInt8] = []
        while column > 0 {
            letters.insert(UInt8(ascii: "A") + UInt8((column - 1) % 26), at: 0)
            column = (column - 1) / 26
        }
        return String(decoding: letters, as: UTF8.self)
    }

    /// A cell's `r`: letters, then the row's digits.
    static func parse(_ text: UnsafeBufferPointer<UInt8>) -> (column: Int, row: Int)? {
        guard let column = column(text) else { return nil }
        let letters = text.prefix { ($0 & ~0x20) >= UInt8(ascii: "A") && ($0 & ~0x20) <= UInt8(ascii: "Z") }.count
        guard let row = number(UnsafeBufferPointer(rebasing: text[letters...])) else { return nil }
        return (column, row)
    }

    /// A non-negative whole number of at most nine digits (a style's index, a shared string's).
    static func index(_ text: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !text.isEmpty, text.count <= 9 else { return nil }
        var value = 0
        for byte in text {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// A whole number of digits (a row's `r`), at most `limit`.
    static func number(_ text: UnsafeBufferPointer<UInt8>, limit: Int = 1 << 30) -> Int? {
        guard !text.isEmpty, text.count <= 10 else { return nil }
        var value = 0
        for byte in text {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value >= 1 && value <= limit ? value : nil
    }
}

/// OOXML's text escapes (ECMA-376 §22.9.2.19, ST_Xstring): a character XML cannot carry is
/// written `_xHHHH_` (a UTF-16 code unit in hex); `_x005F_` escapes an underscore.
enum OOXMLText {
    static func appendDecoding(_ text: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        guard text.contains(UInt8(ascii: "_")) else { return out.append(contentsOf: text) }
        var index = 0
        while index < text.count {
            // `_x0000_` stays as written: a NUL is no character of any value.
            if let unit = codeUnit(text, at: index), unit != 0 {
                var scalar = Unicode.Scalar(unit)
                var length = 7
                if (0xD800...0xDBFF).contains(unit), let low = codeUnit(text, at: index + 7), (0xDC00...0xDFFF).contains(low) {
                    scalar = Unicode.Scalar(0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00))
                    length = 14
                }
                out.append(contentsOf: Array(String(scalar ?? "\u{FFFD}").utf8))
                index += length
            } else {
                out.append(text[index])
                index += 1
            }
        }
    }

    /// The code unit of an escape starting at `index`, if one does.
    private static func codeUnit(_ text: UnsafeBufferPointer<UInt8>, at index: Int) -> UInt16? {
        guard index + 7 <= text.count, text[index] == UInt8(ascii: "_"), text[index + 1] == UInt8(ascii: "x"),
              text[index + 6] == UInt8(ascii: "_") else { return nil }
        var value: UInt16 = 0
        for offset in 2..<6 {
            let byte = text[index + offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt16(digit)
        }
        return value
    }
}
