import Domain

/// The page's data block: JSON inside `<script type="application/json" id="page-data">`, read
/// by the page's script with `JSON.parse` and never executed.
///
/// Every string is escaped for JSON and for the script element it sits in: `<`, `>` and `&`
/// as `\u003c`, `\u003e`, `\u0026` (so that neither `</script>` nor `<!--` can end or bend the
/// element), U+2028 and U+2029 as escapes (old parsers end a line there), other control
/// characters as `\u00XX`; hidden characters are first made visible as everywhere else
/// (`VisibleText`). The script puts every value into the page with `textContent`, never as markup.
struct PageData {
    /// An object whose members each writer adds, each followed by a comma; `PageWriter.dataBlock` closes it.
    private(set) var out: TextBuffer = {
        var buffer = TextBuffer()
        buffer.append("{")
        return buffer
    }()
    /// Source paths by number: each `path:line` is written as [number, line], since a run's
    /// thousands of rows come from a handful of files.
    private var pathNumbers: [String: Int] = [:]
    private(set) var paths: [String] = []

    mutating func raw(_ text: String) { out.append(text) }

    mutating func string(_ text: String) {
        out.append(byte: 0x22)
        // Byte by byte over the UTF-8, without a String per character: the block is a few
        // megabytes on a 1 M-row run. U+2028 and U+2029 are the only characters beyond ASCII
        // escaped (E2 80 A8 and E2 80 A9); VisibleText has made them visible markers already.
        var marked = VisibleText.marked(text)
        marked.withUTF8 { bytes in escape(bytes) }
        out.append(byte: 0x22)
    }

    private mutating func escape(_ bytes: UnsafeBufferPointer<UInt8>) {
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case 0x22: out.append("\\\"")
            case 0x5C: out.append("\\\\")
            case 0x0A: out.append("\\n")
            case 0x0D: out.append("\\r")
            case 0x09: out.append("\\t")
            case 0x3C: out.append("\\u003c")
            case 0x3E: out.append("\\u003e")
            case 0x26: out.append("\\u0026")
            case 0..<0x20, 0x7F:
                let hex = Array("0123456789abcdef".utf8)
                out.append("\\u00")
                out.append(byte: hex[Int(byte >> 4)])
                out.append(byte: hex[Int(byte & 0xF)])
            case 0xE2 where index + 2 < bytes.count && bytes[index + 1] == 0x80 && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9):
                out.append(bytes[index + 2] == 0xA8 ? "\\u2028" : "\\u2029")
                index += 2
            default:
                out.append(byte: byte)
            }
            index += 1
        }
    }

    mutating func integer(_ value: Int) { out.append(integer: value) }

    /// A day as a JSON string in `language`'s order (digits and slashes need no escape).
    mutating func date(_ day: Day, _ language: ReportLanguage) {
        out.append(byte: 0x22)
        language.append(date: day, to: &out)
        out.append(byte: 0x22)
    }

    /// `"key":` — keys are the tool's own words.
    mutating func key(_ name: String) {
        string(name)
        out.append(byte: UInt8(ascii: ":"))
    }

    /// `[a,b,…]`, each element written by `element`.
    mutating func array<Items: Sequence>(_ items: Items, _ element: (inout PageData, Items.Element) -> Void) {
        out.append(byte: UInt8(ascii: "["))
        var first = true
        for item in items {
            if !first { out.append(byte: UInt8(ascii: ",")) }
            first = false
            element(&self, item)
        }
        out.append(byte: UInt8(ascii: "]"))
    }

    mutating func strings<Items: Sequence<String>>(_ items: Items) { array(items) { $0.string($1) } }

    /// Source rows as [[path number, line], …].
    mutating func sources<Locations: Sequence<SourceLocation>>(_ locations: Locations) {
        array(locations) { data, location in
            let number: Int
            if let known = data.pathNumbers[location.path] {
                number = known
            } else {
                number = data.paths.count
                data.pathNumbers[location.path] = number
                data.paths.append(location.path)
            }
            data.out.append("[\(number),\(location.line)]")
        }
    }

    /// The block's bytes, for the page.
    var bytes: [UInt8] { out.bytes }
}
