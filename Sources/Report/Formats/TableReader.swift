import Domain

/// A published table read back with the types its declaration gives each column: `007` in a
/// text column stays `007`, `0.750` in a decimal column is the exact figure. Nothing is
/// guessed from how a value looks; a value that is not of its column's type is an error.
public enum TableReader {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// A JSON array of objects as `TableFormats.json` writes it. The table has the declared
    /// columns, in their order; a column the file lacks is empty, a key the declaration lacks
    /// is skipped.
    public static func json(_ bytes: [UInt8], name: String, title: String, headings: [ColumnHeading]) throws(Failure) -> ReportTable {
        var parser = JSONRows(bytes: bytes)
        let objects: [[(key: String, value: JSONRows.Value)]]
        do {
            objects = try parser.objects()
        } catch {
            throw Failure(message: "not a table as a run writes it: \(error.message)")
        }
        var rows: [[Cell]] = []
        rows.reserveCapacity(objects.count)
        for (index, object) in objects.enumerated() {
            var row = [Cell](repeating: .empty, count: headings.count)
            for (key, value) in object {
                guard let column = headings.firstIndex(where: { $0.name == key }) else { continue }
                guard let cell = headings[column].type.cell(value) else {
                    throw Failure(message: "row \(index + 1): '\(key)' is not \(headings[column].type.noun)")
                }
                row[column] = cell
            }
            rows.append(row)
        }
        return ReportTable(name: name, title: title, columns: headings.map(\.name), rows: rows)
    }

    /// CSV fields (a header, then rows) as `TableFormats.csv` writes them in RFC 4180: each field
    /// read as its column's type, without the `'` that guards a formula-like text; an empty
    /// field is an empty cell.
    public static func csv(header: [String], rows: [[String]], name: String, title: String,
                           headings: [ColumnHeading]) throws(Failure) -> ReportTable {
        let positions = headings.map { heading in header.firstIndex(of: heading.name) }
        var table: [[Cell]] = []
        table.reserveCapacity(rows.count)
        for (index, fields) in rows.enumerated() {
            var row: [Cell] = []
            row.reserveCapacity(headings.count)
            for (heading, position) in zip(headings, positions) {
                guard let position, position < fields.count, !fields[position].isEmpty else {
                    row.append(.empty)
                    continue
                }
                guard let cell = heading.type.cell(text: TableFormats.unguardedCSVText(fields[position])) else {
                    throw Failure(message: "row \(index + 1): '\(heading.name)' is not \(heading.type.noun): '\(fields[position])'")
                }
                row.append(cell)
            }
            table.append(row)
        }
        return ReportTable(name: name, title: title, columns: headings.map(\.name), rows: table)
    }
}

extension ColumnType {
    /// For messages: "a decimal".
    var noun: String {
        switch self {
        case .text: return "text"
        case .integer: return "an integer"
        case .decimal(let places): return "a decimal with \(places) places"
        case .score: return "a score"
        case .yesNo: return "yes or no"
        case .year: return "a placement year"
        case .date: return "a date"
        case .fingerprint: return "a fingerprint"
        case .sources: return "a list of source rows"
        case .figure: return "a figure"
        }
    }

    /// A JSON value of this column as a cell; nil when it is not of the column's type.
    func cell(_ value: JSONRows.Value) -> Cell? {
        switch (value, self) {
        case (.null, _): return .empty
        case (.string(let text), .text), (.string(let text), .figure): return .text(text)
        case (.string, .integer), (.string, .decimal), (.string, .score), (.string, .sources): return nil
        case (.string(let text), _): return cell(text: text)
        case (.number(let text), .integer), (.number(let text), .decimal), (.number(let text), .score): return cell(text: text)
        case (.number(let text), .figure):
            if let value = Int(text) { return .integer(value) }
            return Ratio.parse(text).map { .decimal($0.0, places: $0.places) }
        case (.strings(let texts), .sources):
            var locations: [SourceLocation] = []
            for text in texts {
                guard let location = Self.location(text) else { return nil }
                locations.append(location)
            }
            return .sources(.locations(locations))
        default: return nil
        }
    }

    /// A value written as text (a CSV field, a JSON string) as this column's cell.
    func cell(text: String) -> Cell? {
        switch self {
        case .text, .figure: return .text(text)
        case .integer: return Int(text).map(Cell.integer)
        case .decimal(let places): return Ratio(decimalText: text).map { .decimal($0, places: places) }
        case .score: return Ratio.parse(text).map { .decimal($0.0, places: $0.places) }
        case .yesNo: return text == "yes" ? .yesNo(true) : text == "no" ? .yesNo(false) : nil
        case .year: return PlacementYear(label: text).map(Cell.year)
        case .date: return Self.day(text).map(Cell.date)
        case .fingerprint:
            // `fp-` and 16 hex digits; bare in the runs published before the prefix.
            let digits = text.hasPrefix("fp-") ? String(text.dropFirst(3)) : text
            guard digits.utf8.count == 16, digits.allSatisfy(\.isHexDigit), let hash = UInt64(digits, radix: 16) else { return nil }
            return .fingerprint(hash)
        case .sources:
            var locations: [SourceLocation] = []
            for part in text.split(separator: " ") {
                guard let location = Self.location(String(part)) else { return nil }
                locations.append(location)
            }
            return .sources(.locations(locations))
        }
    }

    /// `yyyy-mm-dd` (also the history's as-of dates, for `ComparisonNote`).
    static func day(_ text: String) -> Day? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else { return nil }
        return Day(year: year, month: month, day: day)
    }

    /// `path:line` or `path:line:column`, as `SourceLocation.description` writes it.
    private static func location(_ text: String) -> SourceLocation? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 2, let last = Int(parts[parts.count - 1]) else { return nil }
        if parts.count >= 3, let line = Int(parts[parts.count - 2]) {
            return SourceLocation(path: parts.dropLast(2).joined(separator: ":"), line: line, column: last)
        }
        return SourceLocation(path: parts.dropLast().joined(separator: ":"), line: last)
    }
}

/// The JSON `TableFormats.json` writes: an array of flat objects whose values are strings,
/// numbers (kept as their text, for exact decimals), null, or arrays of strings.
struct JSONRows {
    enum Value {
        case string(String)
        case number(String)
        case null
        case strings([String])
    }

    struct Failure: Error {
        var message: String
    }

    let bytes: [UInt8]
    var position = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func objects() throws(Failure) -> [[(key: String, value: Value)]] {
        var objects: [[(key: String, value: Value)]] = []
        try expect(UInt8(ascii: "["))
        if try peek() == UInt8(ascii: "]") {
            position += 1
        } else {
            repeat { objects.append(try object()) } while try separator(UInt8(ascii: "]"))
        }
        skipSpace()
        guard position == bytes.count else { throw Failure(message: "text after the array at byte \(position)") }
        return objects
    }

    private mutating func object() throws(Failure) -> [(key: String, value: Value)] {
        var members: [(key: String, value: Value)] = []
        try expect(UInt8(ascii: "{"))
        if try peek() == UInt8(ascii: "}") {
            position += 1
            return members
        }
        repeat {
            let key = try string()
            try expect(UInt8(ascii: ":"))
            members.append((key, try value()))
        } while try separator(UInt8(ascii: "}"))
        return members
    }

    private mutating func value() throws(Failure) -> Value {
        switch try peek() {
        case 0x22: return .string(try string())
        case UInt8(ascii: "n"):
            guard bytes[position...].starts(with: Array("null".utf8)) else { throw Failure(message: "a value at byte \(position)") }
            position += 4
            return .null
        case UInt8(ascii: "["):
            position += 1
            var strings: [String] = []
            if try peek() == UInt8(ascii: "]") {
                position += 1
            } else {
                repeat { strings.append(try string()) } while try separator(UInt8(ascii: "]"))
            }
            return .strings(strings)
        default:
            let start = position
            while position < bytes.count, bytes[position] == UInt8(ascii: "-") || bytes[position] == UInt8(ascii: ".")
                || (bytes[position] >= 0x30 && bytes[position] <= 0x39) {
                position += 1
            }
            guard position > start else { throw Failure(message: "a value at byte \(start)") }
            return .number(String(decoding: bytes[start..<position], as: UTF8.self))
        }
    }

    private mutating func string() throws(Failure) -> String {
        try expect(0x22)
        var out: [UInt8] = []
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case 0x22: return String(decoding: out, as: UTF8.self)
            case 0x5C: try escape(into: &out)
            default: out.append(byte)
            }
        }
        throw Failure(message: "a string that does not end")
    }

    private mutating func escape(into out: inout [UInt8]) throws(Failure) {
        guard position < bytes.count else { throw Failure(message: "a string that does not end") }
        let byte = bytes[position]
        position += 1
        switch byte {
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "u"):
            var scalar = try hex4()
            if (0xD800..<0xDC00).contains(scalar), bytes[position...].starts(with: [0x5C, UInt8(ascii: "u")]) {
                position += 2
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (try hex4() - 0xDC00)
            }
            out += Array(String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8)
        default: out.append(byte)
        }
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard position + 4 <= bytes.count, let value = UInt32(String(decoding: bytes[position..<position + 4], as: UTF8.self), radix: 16)
        else { throw Failure(message: "a \\u escape at byte \(position)") }
        position += 4
        return value
    }

    /// After an element: true at a comma (another follows), false at `end`.
    private mutating func separator(_ end: UInt8) throws(Failure) -> Bool {
        let byte = try peek()
        position += 1
        if byte == UInt8(ascii: ",") { return true }
        if byte == end { return false }
        throw Failure(message: "',' or '\(Character(Unicode.Scalar(end)))' expected at byte \(position - 1)")
    }

    private mutating func expect(_ byte: UInt8) throws(Failure) {
        guard try peek() == byte else {
            throw Failure(message: "'\(Character(Unicode.Scalar(byte)))' expected at byte \(position)")
        }
        position += 1
    }

    /// The next byte that is not white space (not consumed).
    private mutating func peek() throws(Failure) -> UInt8 {
        skipSpace()
        guard position < bytes.count else { throw Failure(message: "the text ends early") }
        return bytes[position]
    }

    private mutating func skipSpace() {
        while position < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[position]) { position += 1 }
    }
}
