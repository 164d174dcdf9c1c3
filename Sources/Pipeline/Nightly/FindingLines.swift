import Report
import Domain

/// A run's findings in the history: a line per finding, `fingerprint TAB code TAB severity TAB
/// key TAB message LF`, with backslash, tab, CR and LF in the key and message escaped as `\\`,
/// `\t`, `\r`, `\n`. `sqlite3` shows it as text.
enum FindingLines {
    static func write(_ findings: [Finding]) -> [UInt8] {
        var out = TextBuffer()
        for finding in findings { append(finding, to: &out) }
        return out.bytes
    }

    /// The lines in pieces of about a megabyte: a 10 M-row run's findings are 130 MB of lines,
    /// which the history writes straight into its blob instead of holding (and copying) whole.
    static func write(_ findings: FindingStore, piece: (TextBuffer) throws(OutputError) -> Void) throws(OutputError) {
        var out = TextBuffer()
        out.bytes.reserveCapacity(pieceSize + 4096)
        try findings.forEach(sources: false) { finding throws(OutputError) in
            append(finding, to: &out)
            if out.bytes.count >= pieceSize {
                try piece(out)
                out.bytes.removeAll(keepingCapacity: true)
            }
        }
        if !out.bytes.isEmpty { try piece(out) }
    }

    private static func append(_ finding: Finding, to out: inout TextBuffer) {
        func escaped(_ text: String) {
            guard text.utf8.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else {
                out.append(text)
                return
            }
            for byte in text.utf8 {
                switch byte {
                case 0x5C: out.append(bytes: [0x5C, 0x5C])
                case 0x09: out.append(bytes: [0x5C, UInt8(ascii: "t")])
                case 0x0A: out.append(bytes: [0x5C, UInt8(ascii: "n")])
                case 0x0D: out.append(bytes: [0x5C, UInt8(ascii: "r")])
                default: out.append(byte: byte)
                }
            }
        }
        do {
            out.append(fingerprint: finding.fingerprintHash)
            out.append(byte: 0x09)
            out.append(finding.code.rawValue)
            out.append(byte: 0x09)
            out.append(finding.severity.rawValue)
            out.append(byte: 0x09)
            escaped(finding.key)
            out.append(byte: 0x09)
            escaped(finding.message)
            out.append(byte: 0x0A)
        }
    }

    static let pieceSize = 1 << 20

    /// The fields of one line, decoded only when asked for.
    struct Fields {
        let bytes: [UInt8]
        let ranges: [Range<Int>]

        func fingerprint() -> String { String(decoding: bytes[ranges[0]], as: UTF8.self) }

        func text(_ index: Int) -> String {
            guard index < ranges.count else { return "" }
            var out: [UInt8] = []
            var escape = false
            for byte in bytes[ranges[index]] {
                if escape {
                    switch byte {
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    default: out.append(byte)
                    }
                    escape = false
                } else if byte == 0x5C {
                    escape = true
                } else {
                    out.append(byte)
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// `read` over a text given in pieces (a blob read a megabyte at a time): `next` fills the
    /// buffer it is given with the next bytes and returns false at the end.
    static func read(pieces next: (inout [UInt8]) throws -> Bool, line: (UInt64, Fields) -> Void) rethrows {
        var carried: [UInt8] = [], piece: [UInt8] = []
        while try next(&piece) {
            carried += piece
            guard let lastEnd = carried.lastIndex(of: 0x0A) else { continue }
            read(Array(carried[...lastEnd]), line: line)
            carried.removeSubrange(...lastEnd)
        }
        if !carried.isEmpty { read(carried, line: line) }
    }

    /// Calls `line` with each line's fingerprint and fields; lines that do not start with one are skipped.
    static func read(_ bytes: [UInt8], line: (UInt64, Fields) -> Void) {
        var start = 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            var ranges: [Range<Int>] = []
            var fieldStart = start
            for index in start..<end where bytes[index] == 0x09 {
                ranges.append(fieldStart..<index)
                fieldStart = index + 1
            }
            ranges.append(fieldStart..<end)
            if let first = ranges.first, first.count == 16,
               let fingerprint = UInt64(String(decoding: bytes[first], as: UTF8.self), radix: 16) {
                line(fingerprint, Fields(bytes: bytes, ranges: ranges))
            }
            start = end + 1
        }
    }
}
