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
        for scalar in VisibleText.marked(text).unicodeScalars {
            switch scalar.value {
            case 0x22: out.append("\\\"")
            case 0x5C: out.append("\\\\")
            case 0x0A: out.append("\\n")
            case 0x0D: out.append("\\r")
            case 0x09: out.append("\\t")
            case 0x3C: out.append("\\u003c")
            case 0x3E: out.append("\\u003e")
            case 0x26: out.append("\\u0026")
            case 0x2028: out.append("\\u2028")
            case 0x2029: out.append("\\u2029")
            case 0..<0x20, 0x7F:
                let hex = Array("0123456789abcdef".utf8)
                out.append("\\u00")
                out.append(byte: hex[Int(scalar.value >> 4)])
                out.append(byte: hex[Int(scalar.value & 0xF)])
            default:
                out.append(String(scalar))
            }
        }
        out.append(byte: 0x22)
    }

    mutating func integer(_ value: Int) { out.append(integer: value) }

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
