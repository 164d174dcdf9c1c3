import Domain

/// One value of a report, typed as its column declares it. Figures stay numbers (exact
/// integers and ratios) here; only a format turns a cell into text: CSV in either dialect,
/// JSON, Markdown, HTML.
public enum Cell: Sendable, Hashable {
    case text(String)
    case integer(Int)
    /// An exact figure written with `places` decimals, rounded once (half up on its magnitude).
    case decimal(Ratio, places: Int)
    /// Written `yes` or `no`.
    case yesNo(Bool)
    /// Written `2025-2026`.
    case year(PlacementYear)
    /// Written `yyyy-mm-dd`.
    case date(Day)
    /// A finding's fingerprint: written `fp-` and 16 hex digits in every output, so that no
    /// spreadsheet takes it for a number.
    case fingerprint(UInt64)
    /// Source rows as `path:line`: in CSV one field, separated by spaces; in JSON an array.
    case sources(SourceList)
    /// An absent value or an undefined figure: an empty field, JSON null.
    case empty

    /// `decimal`, or `empty` when the figure is undefined.
    public static func decimal(_ value: Ratio?, places: Int) -> Cell {
        guard let value, value.denominator > 0 else { return .empty }
        return .decimal(value, places: places)
    }

    /// `text`, or `empty` for an absent value.
    public static func text(_ value: String?) -> Cell { value.map(Cell.text) ?? .empty }

    /// The cell as Markdown, HTML, sorting and filters see it: CSV's text with a decimal point.
    public var plainText: String {
        switch self {
        case .text(let text): return text
        case .integer(let value): return String(value)
        case .yesNo(let value): return value ? "yes" : "no"
        case .year(let year): return year.description
        case .date(let day): return day.description
        case .empty: return ""
        case .decimal, .fingerprint, .sources:
            var out = TextBuffer()
            out.append(plain: self)
            return String(decoding: out.bytes, as: UTF8.self)
        }
    }

    /// Right-aligned in HTML tables.
    var isNumeric: Bool {
        switch self {
        case .integer, .decimal: return true
        default: return false
        }
    }
}

/// The source rows of a cell: a list, or a finding's rows walked where they are packed (a
/// finding about thousands of rows is never copied into an array to be written). The finding
/// is boxed: held inline it made every cell five times its size, and a row of cells slower
/// to copy.
public enum SourceList: Sendable, Hashable {
    case locations([SourceLocation])
    indirect case finding(Finding)

    public func forEach(_ body: (SourceLocation) -> Void) {
        switch self {
        case .locations(let locations): locations.forEach(body)
        case .finding(let finding): finding.forEachSource(body)
        }
    }
}

extension TextBuffer {
    /// A cell's text with a decimal point, for CSV with `mark` as its decimal mark: every kind
    /// but text, which formats escape their own way.
    @inlinable
    public mutating func append(plain cell: Cell, mark: UInt8 = UInt8(ascii: ".")) {
        switch cell {
        case .text(let text): append(text)
        case .integer(let value): append(integer: value)
        case .decimal(let ratio, let places): append(decimal: ratio, places: places, mark: mark)
        case .yesNo(let value): append(value ? "yes" : "no")
        case .year(let year):
            append(integer: year.startYear)
            append(byte: UInt8(ascii: "-"))
            append(integer: year.startYear + 1)
        case .date(let day): append(day: day)
        case .fingerprint(let hash): append(publishedFingerprint: hash)
        case .sources(let sources):
            var first = true
            sources.forEach { location in
                if !first { append(byte: 0x20) }
                first = false
                append(location: location)
            }
        case .empty: break
        }
    }
}
