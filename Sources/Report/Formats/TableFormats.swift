// Report formats: CSV in two dialects, JSON, and the escaping they share. Rendering works on
// UTF-8 bytes, never on Characters, and gives the same bytes for the same table.

/// Bytes being rendered.
public struct TextBuffer: Sendable {
    public var bytes: [UInt8] = []

    public init() {}

    public mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }
    public mutating func append(byte: UInt8) { bytes.append(byte) }
    public mutating func append<S: Sequence>(bytes more: S) where S.Element == UInt8 { bytes.append(contentsOf: more) }
}

/// The two CSV dialects of SPEC §5.
public enum CSVDialect: String, Sendable, CaseIterable {
    /// RFC 4180: `,`, decimal point, LF, no BOM.
    case rfc4180 = "csv"
    /// What a Dutch-language spreadsheet on a Belgian machine opens as columns: a UTF-8 BOM, `;`,
    /// decimal comma, CRLF.
    case excelBelgium = "excel"

    var delimiter: UInt8 { self == .rfc4180 ? UInt8(ascii: ",") : UInt8(ascii: ";") }
    var decimalMark: UInt8 { self == .rfc4180 ? UInt8(ascii: ".") : UInt8(ascii: ",") }
    var lineEnd: [UInt8] { self == .rfc4180 ? [0x0A] : [0x0D, 0x0A] }
}

public enum TableFormats {
    /// The table as CSV in `dialect`; decimals get the dialect's mark, text is quoted when it
    /// holds the delimiter, a quote or a line break.
    public static func csv(_ table: ReportTable, dialect: CSVDialect) -> [UInt8] {
        var out = TextBuffer()
        if dialect == .excelBelgium { out.append(bytes: [0xEF, 0xBB, 0xBF]) }
        for (index, column) in table.columns.enumerated() {
            if index > 0 { out.append(byte: dialect.delimiter) }
            appendCSVField(column, to: &out, delimiter: dialect.delimiter)
        }
        out.append(bytes: dialect.lineEnd)
        for row in table.rows {
            for (index, cell) in row.enumerated() {
                if index > 0 { out.append(byte: dialect.delimiter) }
                switch cell {
                case .text(let text): appendCSVField(text, to: &out, delimiter: dialect.delimiter)
                case .integer(let value): out.append(String(value))
                case .decimal(let text):
                    for byte in text.utf8 { out.append(byte: byte == UInt8(ascii: ".") ? dialect.decimalMark : byte) }
                case .empty: break
                }
            }
            out.append(bytes: dialect.lineEnd)
        }
        return out.bytes
    }

    public static func appendCSVField(_ text: String, to out: inout TextBuffer, delimiter: UInt8) {
        let utf8 = text.utf8
        guard utf8.contains(where: { $0 == delimiter || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else {
            out.append(text)
            return
        }
        out.append(byte: 0x22)
        for byte in utf8 {
            if byte == 0x22 { out.append(byte: 0x22) }
            out.append(byte: byte)
        }
        out.append(byte: 0x22)
    }

    /// The table as a JSON array of objects, one per row, keys in column order; integers and
    /// decimals as numbers, undefined figures as null.
    public static func json(_ table: ReportTable) -> [UInt8] {
        var out = TextBuffer()
        out.append("[")
        for (rowIndex, row) in table.rows.enumerated() {
            out.append(rowIndex == 0 ? "\n  {" : ",\n  {")
            for (index, cell) in row.enumerated() {
                if index > 0 { out.append(",") }
                appendJSONString(table.columns[index], to: &out)
                out.append(":")
                appendJSON(cell, to: &out)
            }
            out.append("}")
        }
        out.append(table.rows.isEmpty ? "]\n" : "\n]\n")
        return out.bytes
    }

    public static func appendJSON(_ cell: Cell, to out: inout TextBuffer) {
        switch cell {
        case .text(let text): appendJSONString(text, to: &out)
        case .integer(let value): out.append(String(value))
        case .decimal(let text): out.append(text)
        case .empty: out.append("null")
        }
    }

    /// A JSON string literal: only `"`, `\` and control characters change.
    public static func appendJSONString(_ text: String, to out: inout TextBuffer) {
        out.append(byte: 0x22)
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

    /// Text for HTML element content and attribute values.
    public static func appendHTML(_ text: String, to out: inout TextBuffer) {
        for byte in text.utf8 {
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

    /// Markdown table cell text: pipes escaped, line breaks as spaces.
    static func markdownCell(_ text: String) -> String {
        var out = TextBuffer()
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "|"): out.append("\\|")
            case 0x0A, 0x0D: out.append(byte: 0x20)
            default: out.append(byte: byte)
            }
        }
        return String(decoding: out.bytes, as: UTF8.self)
    }
}
