// Report formats: CSV in two dialects, JSON, and the escaping they share. Rendering works on
// UTF-8 bytes, never on Characters, and gives the same bytes for the same table.

import Domain

/// Bytes being rendered.
public struct TextBuffer: Sendable {
    public var bytes: [UInt8] = []

    public init() {}

    public mutating func append(_ text: String) {
        // Native strings copy as one block; appending the UTF8View element by element was a
        // tenth of the report stage.
        if text.utf8.withContiguousStorageIfAvailable({ bytes.append(contentsOf: $0) }) == nil {
            bytes.append(contentsOf: text.utf8)
        }
    }
    public mutating func append(byte: UInt8) { bytes.append(byte) }
    public mutating func append<S: Sequence>(bytes more: S) where S.Element == UInt8 { bytes.append(contentsOf: more) }

    /// Decimal digits, without building a String.
    public mutating func append(integer value: Int) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        guard magnitude >= 10 else {
            bytes.append(0x30 + UInt8(magnitude))
            return
        }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for any UInt64's 20 digits
        var count = 0
        withUnsafeMutableBytes(of: &digits) { raw in
            while magnitude > 0 {
                raw[23 - count] = 0x30 + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            }
            bytes.append(contentsOf: raw[(24 - count)...])
        }
    }

    /// `yyyy-mm-dd`, as `Day.description` writes it.
    public mutating func append(day: Day) {
        let (y, m, d) = day.components
        guard (0...9999).contains(y) else {
            append(day.description)
            return
        }
        let digit = { (value: Int) -> UInt8 in UInt8(truncatingIfNeeded: 48 + value) }
        bytes.append(digit(y / 1000)); bytes.append(digit(y / 100 % 10)); bytes.append(digit(y / 10 % 10)); bytes.append(digit(y % 10))
        bytes.append(0x2D); bytes.append(digit(m / 10)); bytes.append(digit(m % 10))
        bytes.append(0x2D); bytes.append(digit(d / 10)); bytes.append(digit(d % 10))
    }

    /// `path:line` or `path:line:column`, as `SourceLocation.description` writes it.
    public mutating func append(location: SourceLocation) {
        append(location.path)
        bytes.append(UInt8(ascii: ":"))
        append(integer: location.line)
        if let column = location.column {
            bytes.append(UInt8(ascii: ":"))
            append(integer: column)
        }
    }

    /// A fingerprint as every output writes it: `fp-` and the 16 hex digits
    /// (`fp-910953363494e258`). Bare, `910953363494e258` is a float to a spreadsheet
    /// (9.1 × 10^263) and `0012345678901234` loses its zeros; no spreadsheet reads the prefixed
    /// form as a number.
    public mutating func append(publishedFingerprint hash: UInt64) {
        append(bytes: TextBuffer.fingerprintPrefix)
        append(fingerprint: hash)
    }

    public static let fingerprintPrefix: [UInt8] = Array("fp-".utf8)

    /// The 16 hex digits of a finding's fingerprint, bare: the history's form (its lines are
    /// compared with the last night's as they are, so they keep the form they always had).
    public mutating func append(fingerprint hash: UInt64) {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: 16))
        bytes.withUnsafeMutableBufferPointer { buffer in
            _ = Finding.writeHex(hash, into: UnsafeMutableBufferPointer(rebasing: buffer[start...]))
        }
    }
}

/// Where rendered bytes go: a file that takes them a piece at a time, or memory.
public protocol ByteSink {
    associatedtype Failure: Error
    /// Takes the buffer's bytes and empties it.
    mutating func drain(_ buffer: inout TextBuffer) throws(Failure)
}

/// Keeps everything in memory (tests, `stagebalans report` on standard output).
public struct MemorySink: ByteSink {
    public var bytes: [UInt8] = []

    public init() {}

    public mutating func drain(_ buffer: inout TextBuffer) {
        bytes.append(contentsOf: buffer.bytes)
        buffer.bytes.removeAll(keepingCapacity: true)
    }
}

/// The two CSV dialects of SPEC §5.
public enum CSVDialect: String, Sendable, CaseIterable {
    /// RFC 4180: `,`, decimal point, LF, no BOM.
    case rfc4180 = "csv"
    /// What a Dutch-language spreadsheet on a Belgian machine opens as columns: a UTF-8 BOM, `;`,
    /// decimal comma, CRLF.
    case excelBelgium = "excel"

    public var delimiter: UInt8 { self == .rfc4180 ? UInt8(ascii: ",") : UInt8(ascii: ";") }
    public var decimalMark: UInt8 { self == .rfc4180 ? UInt8(ascii: ".") : UInt8(ascii: ",") }
    public var lineEnd: [UInt8] { self == .rfc4180 ? [0x0A] : [0x0D, 0x0A] }
}

public enum TableFormats {
    /// The table as CSV in `dialect`; decimals get the dialect's mark, text is quoted when it
    /// holds the delimiter, a quote or a line break.
    public static func csv(_ table: ReportTable, dialect: CSVDialect) -> [UInt8] {
        var sink = MemorySink()
        csv(table, dialect: dialect, into: &sink)
        return sink.bytes
    }

    /// Rendered rows go to `sink` every 64 KB, so that no file is held whole in memory.
    public static let pieceSize = 1 << 16

    public static func csv<Sink: ByteSink>(_ table: ReportTable, dialect: CSVDialect, into sink: inout Sink) throws(Sink.Failure) {
        try csv(columns: table.columns, rows: table.rows, dialect: dialect, into: &sink)
    }

    /// Rows from any sequence: a large table (progress: a row per student and part) can be
    /// made row by row as it is written instead of held whole.
    public static func csv<Sink: ByteSink, Rows: Sequence<[Cell]>>(columns: [String], rows: Rows, dialect: CSVDialect,
                                                                 into sink: inout Sink) throws(Sink.Failure) {
        var stream = TableStream(columns: columns, format: .csv(dialect))
        try stream.append(rows: rows, into: &sink)
        try stream.finish(into: &sink)
    }

    /// Already rendered bytes as one field.
    public static func appendCSVField(bytes: [UInt8], to out: inout TextBuffer, delimiter: UInt8) {
        guard startsLikeFormula(bytes) || bytes.contains(where: { $0 == delimiter || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else {
            out.append(bytes: bytes)
            return
        }
        appendCSVField(String(decoding: bytes, as: UTF8.self), to: &out, delimiter: delimiter)
    }

    /// Every text field of every CSV passes here (both dialects, streamed or not, headers too):
    /// quoted when it holds the delimiter, a quote or a line break, and neutralised as OWASP's
    /// CSV-injection advice says when a spreadsheet would run it as a formula: a leading `'`,
    /// the field quoted. Numbers are cells of their own kind and never come here.
    public static func appendCSVField(_ text: String, to out: inout TextBuffer, delimiter: UInt8) {
        let utf8 = text.utf8
        let formula = startsLikeFormula(utf8)
        guard formula || utf8.contains(where: { $0 == delimiter || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else {
            out.append(text)
            return
        }
        out.append(byte: 0x22)
        if formula { out.append(byte: formulaGuard) }
        for byte in utf8 {
            if byte == 0x22 { out.append(byte: 0x22) }
            out.append(byte: byte)
        }
        out.append(byte: 0x22)
    }

    /// The apostrophe that makes a spreadsheet take a field for text.
    public static let formulaGuard = UInt8(ascii: "'")

    /// Whether a spreadsheet would read text as a formula: it starts with `=`, `+`, `-`, `@`, a
    /// tab or a carriage return (OWASP's list). Also when it starts with apostrophes followed
    /// by such a character, so that the guard can be taken off again exactly
    /// (`unguardedCSVText`): `'=1` is written `''=1`. Only the first byte is looked at for any
    /// other text; this runs for every text cell of a million-row table.
    @inlinable
    public static func startsLikeFormula<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        var index = bytes.startIndex
        while index != bytes.endIndex {
            switch bytes[index] {
            case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D: return true
            case formulaGuard: index = bytes.index(after: index)
            default: return false
            }
        }
        return false
    }

    /// A text field read back from a CSV this tool wrote (`report` without a JSON): the value
    /// before `appendCSVField` guarded it.
    public static func unguardedCSVText(_ field: String) -> String {
        guard field.utf8.first == formulaGuard, startsLikeFormula(field.utf8.dropFirst()) else { return field }
        return String(field.dropFirst())
    }

    /// The table as a JSON array of objects, one per row, keys in column order; integers and
    /// decimals as numbers, undefined figures as null.
    public static func json(_ table: ReportTable) -> [UInt8] {
        var sink = MemorySink()
        json(table, into: &sink)
        return sink.bytes
    }

    public static func json<Sink: ByteSink>(_ table: ReportTable, into sink: inout Sink) throws(Sink.Failure) {
        try json(columns: table.columns, rows: table.rows, into: &sink)
    }

    public static func json<Sink: ByteSink, Rows: Sequence<[Cell]>>(columns: [String], rows: Rows,
                                                                  into sink: inout Sink) throws(Sink.Failure) {
        var stream = TableStream(columns: columns, format: .json)
        try stream.append(rows: rows, into: &sink)
        try stream.finish(into: &sink)
    }

    /// A cell as JSON: integers and decimals as numbers, undefined figures as null, source rows
    /// as an array of strings, everything else as a string.
    public static func appendJSON(_ cell: Cell, to out: inout TextBuffer) {
        var scratch = TextBuffer()
        appendJSON(cell, to: &out, scratch: &scratch)
    }

    @inlinable
    static func appendJSON(_ cell: Cell, to out: inout TextBuffer, scratch: inout TextBuffer) {
        switch cell {
        case .text(let text): appendJSONString(text, to: &out)
        case .integer, .decimal: out.append(plain: cell)
        case .yesNo, .year, .date, .fingerprint:
            out.append(byte: 0x22)
            out.append(plain: cell)
            out.append(byte: 0x22)
        case .sources(let sources):
            out.append(byte: UInt8(ascii: "["))
            var first = true
            sources.forEach { location in
                if !first { out.append(byte: UInt8(ascii: ",")) }
                first = false
                scratch.bytes.removeAll(keepingCapacity: true)
                scratch.append(location: location)
                appendJSONString(bytes: scratch.bytes, to: &out)
            }
            out.append(byte: UInt8(ascii: "]"))
        case .empty: out.append("null")
        }
    }

    /// A cell as a CSV field: text quoted when it must be, decimals with the dialect's mark.
    @inlinable
    static func appendCSV(_ cell: Cell, dialect: CSVDialect, to out: inout TextBuffer, scratch: inout TextBuffer) {
        switch cell {
        case .text(let text): appendCSVField(text, to: &out, delimiter: dialect.delimiter)
        case .sources:
            scratch.bytes.removeAll(keepingCapacity: true)
            scratch.append(plain: cell)
            appendCSVField(bytes: scratch.bytes, to: &out, delimiter: dialect.delimiter)
        default: out.append(plain: cell, mark: dialect.decimalMark)
        }
    }

    /// Already rendered bytes as a JSON string literal.
    public static func appendJSONString(bytes: [UInt8], to out: inout TextBuffer) {
        guard bytes.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else {
            out.append(byte: 0x22)
            out.append(bytes: bytes)
            out.append(byte: 0x22)
            return
        }
        appendJSONString(String(decoding: bytes, as: UTF8.self), to: &out)
    }

    /// A JSON string literal: only `"`, `\` and control characters change.
    public static func appendJSONString(_ text: String, to out: inout TextBuffer) {
        out.append(byte: 0x22)
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            out.append(text)
            out.append(byte: 0x22)
            return
        }
        let hex = Array("0123456789abcdef".utf8)
        for byte in text.utf8 {
            switch byte {
            case 0x22: out.append(bytes: [0x5C, 0x22])
            case 0x5C: out.append(bytes: [0x5C, 0x5C])
            case 0x0A: out.append(bytes: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(bytes: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(bytes: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20: out.append(bytes: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
            default: out.append(byte: byte)
            }
        }
        out.append(byte: 0x22)
    }

    /// Text for HTML element content and attribute values: markup characters as entities,
    /// hidden characters as visible markers (`VisibleText`).
    public static func appendHTML(_ text: String, to out: inout TextBuffer) {
        for byte in VisibleText.marked(text).utf8 {
            switch byte {
            case UInt8(ascii: "&"): out.append("&amp;")
            case UInt8(ascii: "<"): out.append("&lt;")
            case UInt8(ascii: ">"): out.append("&gt;")
            case 0x22: out.append("&quot;")
            case UInt8(ascii: "'"): out.append("&#39;")
            default: out.append(byte: byte)
            }
        }
    }

    /// Text in Markdown (a table cell, a list item, a heading) that shows as the text it is:
    /// every character that could start markup is backslash-escaped, so an input's `<script>`,
    /// `![x](http://tracker/p.png)` or `[x](javascript:…)` is shown, never rendered, fetched or
    /// linked; line breaks become spaces (a table row is one line); hidden characters become
    /// visible markers (`VisibleText`). `_` stays: inside a word (every code and column name)
    /// it is no markup, and elsewhere it can only make italics.
    static func markdownCell(_ text: String) -> String {
        var out = TextBuffer()
        for byte in VisibleText.marked(text).utf8 {
            switch byte {
            case 0x0A, 0x0D: out.append(byte: 0x20)
            case UInt8(ascii: "|"), UInt8(ascii: "\\"), UInt8(ascii: "`"), UInt8(ascii: "*"),
                 UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"),
                 UInt8(ascii: "!"), UInt8(ascii: "~"):
                out.append(byte: UInt8(ascii: "\\"))
                out.append(byte: byte)
            default: out.append(byte: byte)
            }
        }
        return String(decoding: out.bytes, as: UTF8.self)
    }

    /// Text as a Markdown code span: shown literally, so only a backtick in the text matters; the
    /// fence is one backtick longer than the longest run in the text (CommonMark), with spaces
    /// inside it when the text starts or ends with one.
    static func markdownCode(_ text: String) -> String {
        let visible = VisibleText.marked(text).map { $0.isNewline ? " " : $0 }
        var longest = 0, run = 0
        for character in visible {
            run = character == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: longest + 1)
        let padding = visible.first == "`" || visible.last == "`" ? " " : ""
        return fence + padding + String(visible) + padding + fence
    }
}

/// A table written row by row, as CSV in a dialect or as a JSON array of objects: rows can come
/// in several batches (a run's partitions) and the bytes are those of the whole table at once.
public struct TableStream: Sendable {
    public enum Format: Sendable, Hashable {
        case csv(CSVDialect)
        case json
    }

    // Internal for the inlinable row functions below: written row by row from another module,
    // they are specialized there for the row type (unspecialized, looking up the generic
    // types' metadata per cell cost placements.csv three times its time).
    @usableFromInline let format: Format
    /// JSON: each key rendered once, with its quotes and colon.
    @usableFromInline let keys: [[UInt8]]
    @usableFromInline var out = TextBuffer()
    /// Source rows are rendered here first (CSV: to see whether the field needs quotes).
    @usableFromInline var scratch = TextBuffer()
    @usableFromInline var rows = 0

    public init<Row>(_ table: TableDeclaration<Row>, format: Format) {
        self.init(columns: table.columnNames, format: format)
    }

    public init(columns: [String], format: Format) {
        self.format = format
        out.bytes.reserveCapacity(TableFormats.pieceSize + 4096)
        switch format {
        case .csv(let dialect):
            keys = []
            if dialect == .excelBelgium { out.append(bytes: [0xEF, 0xBB, 0xBF]) }
            for (index, column) in columns.enumerated() {
                if index > 0 { out.append(byte: dialect.delimiter) }
                TableFormats.appendCSVField(column, to: &out, delimiter: dialect.delimiter)
            }
            out.append(bytes: dialect.lineEnd)
        case .json:
            keys = columns.map { column in
                var key = TextBuffer()
                TableFormats.appendJSONString(column, to: &key)
                key.append(byte: UInt8(ascii: ":"))
                return key.bytes
            }
            out.append("[")
        }
    }

    public mutating func append<Sink: ByteSink, Rows: Sequence<[Cell]>>(rows: Rows, into sink: inout Sink) throws(Sink.Failure) {
        for row in rows { try append(row, into: &sink) }
    }

    public mutating func append<Sink: ByteSink>(_ row: [Cell], into sink: inout Sink) throws(Sink.Failure) {
        for (index, cell) in row.enumerated() { append(cell, at: index) }
        try endRow(into: &sink)
    }

    /// Rows of a declared table, each cell rendered as it is made (no row of cells is built).
    /// The rows are read where they are: copying each out of the array was a third of the time.
    @inlinable
    public mutating func append<Row, Sink: ByteSink>(rows: [Row], of table: TableDeclaration<Row>, _ context: TableContext,
                                                     into sink: inout Sink) throws(Sink.Failure) {
        try rows.withUnsafeBufferPointer { rows throws(Sink.Failure) in
            guard let first = rows.baseAddress else { return }
            for index in rows.indices { try append(rowAt: first + index, of: table, context, into: &sink) }
        }
    }

    /// A row where it lies: each cell's getter takes its address (see `Column.getter`).
    @inlinable
    public mutating func append<Row, Sink: ByteSink>(rowAt row: UnsafePointer<Row>, of table: TableDeclaration<Row>, _ context: TableContext,
                                                     into sink: inout Sink) throws(Sink.Failure) {
        table.columns.withUnsafeBufferPointer { columns in
            // The format once a row, not once a cell.
            switch format {
            case .csv(let dialect):
                for index in columns.indices {
                    if index > 0 { out.append(byte: dialect.delimiter) }
                    TableFormats.appendCSV(columns[index].getter(row, context), dialect: dialect, to: &out, scratch: &scratch)
                }
            case .json:
                for index in columns.indices {
                    appendJSONKey(index)
                    TableFormats.appendJSON(columns[index].getter(row, context), to: &out, scratch: &scratch)
                }
            }
        }
        try endRow(into: &sink)
    }

    @inlinable
    public mutating func append<Row, Sink: ByteSink>(_ row: Row, of table: TableDeclaration<Row>, _ context: TableContext,
                                                     into sink: inout Sink) throws(Sink.Failure) {
        try withUnsafePointer(to: row) { row throws(Sink.Failure) in try append(rowAt: row, of: table, context, into: &sink) }
    }

    mutating func append(_ cell: Cell, at index: Int) {
        switch format {
        case .csv(let dialect):
            if index > 0 { out.append(byte: dialect.delimiter) }
            TableFormats.appendCSV(cell, dialect: dialect, to: &out, scratch: &scratch)
        case .json:
            appendJSONKey(index)
            TableFormats.appendJSON(cell, to: &out, scratch: &scratch)
        }
    }

    /// The object's opening brace before the first key, a comma before the others.
    @usableFromInline
    mutating func appendJSONKey(_ index: Int) {
        if index == 0 { out.append(rows == 0 ? "\n  {" : ",\n  {") } else { out.append(byte: UInt8(ascii: ",")) }
        out.append(bytes: keys[index])
    }

    @inlinable
    mutating func endRow<Sink: ByteSink>(into sink: inout Sink) throws(Sink.Failure) {
        switch format {
        case .csv(let dialect):
            if dialect == .rfc4180 { out.append(byte: 0x0A) } else { out.append(bytes: dialect.lineEnd) }
        case .json:
            out.append(byte: UInt8(ascii: "}"))
        }
        rows += 1
        if out.bytes.count >= TableFormats.pieceSize { try sink.drain(&out) }
    }

    /// The end of the table, and everything still buffered.
    public mutating func finish<Sink: ByteSink>(into sink: inout Sink) throws(Sink.Failure) {
        if format == .json { out.append(rows == 0 ? "]\n" : "\n]\n") }
        try sink.drain(&out)
    }
}
