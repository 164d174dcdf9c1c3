import Domain

/// The language of what people read: the page, the Markdown summary, `report` and `plan` as
/// Markdown or HTML. Column names of CSV, JSON and xlsx are an interface and never change with it.
///
/// Dutch (Belgium) writes a decimal comma and a point between thousands (`1.234,5`), dates as
/// dd/mm/yyyy; English a decimal point, a comma between thousands (`1,234.5`) and ISO dates.
public enum ReportLanguage: String, Sendable, CaseIterable, Hashable {
    case nl
    case en

    /// The faculty's default: the office reads Dutch.
    public static let standard = ReportLanguage.nl

    /// The text in this language.
    @inlinable
    public func text(_ english: String, _ dutch: String) -> String { self == .nl ? dutch : english }

    var decimalMark: UInt8 { self == .nl ? UInt8(ascii: ",") : UInt8(ascii: ".") }
    var thousandsSeparator: UInt8 { self == .nl ? UInt8(ascii: ".") : UInt8(ascii: ",") }

    /// A whole number with a separator between thousands: 12.345 (nl), 12,345 (en).
    public func integer(_ value: Int) -> String {
        let digits = Array(String(value.magnitude).utf8)
        var out: [UInt8] = value < 0 ? [UInt8(ascii: "-")] : []
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(thousandsSeparator) }
            out.append(digit)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// An exact figure rounded once to `places` decimals (as every format rounds it), with this
    /// language's marks; "" when undefined.
    public func decimal(_ value: Ratio?, places: Int) -> String {
        guard let value, value.denominator > 0 else { return "" }
        let units = value.units(places: places), scale = Ratio.scale(places)
        let whole = integer(Int(units.magnitude / UInt(scale)))
        let sign = units < 0 ? "-" : ""
        guard places > 0 else { return sign + whole }
        let fraction = String(units.magnitude % UInt(scale))
        let padded = String(repeating: "0", count: places - fraction.count) + fraction
        return sign + whole + String(decoding: [decimalMark], as: UTF8.self) + padded
    }

    /// A share as a percentage with `places` decimals: "87%" / "87,5%"; "" when undefined.
    public func percent(_ value: Ratio?, places: Int = 0) -> String {
        guard let value, value.denominator > 0 else { return "" }
        return decimal(Ratio(value.numerator * 100, value.denominator), places: places) + "%"
    }

    /// A day: 15/07/2026 (nl) or 2026-07-15 (en).
    public func date(_ day: Day) -> String {
        var out = TextBuffer()
        append(date: day, to: &out)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    /// A day as `date(_:)` writes it, into `out` without a String (the page writes thousands).
    public func append(date day: Day, to out: inout TextBuffer) {
        let (year, month, dayOfMonth) = day.components
        guard self == .nl, (0...9999).contains(year) else {
            out.append(day: day)
            return
        }
        func two(_ value: Int) {
            out.append(byte: UInt8(truncatingIfNeeded: 48 + value / 10))
            out.append(byte: UInt8(truncatingIfNeeded: 48 + value % 10))
        }
        two(dayOfMonth)
        out.append(byte: UInt8(ascii: "/"))
        two(month)
        out.append(byte: UInt8(ascii: "/"))
        two(year / 100)
        two(year % 100)
    }

    /// A cell as a person reads it in this language: numbers with its marks and separators,
    /// dates in its order, yes/no translated; text, years, fingerprints and sources as written.
    public func display(_ cell: Cell) -> String {
        switch cell {
        case .integer(let value): return integer(value)
        case .decimal(let value, let places): return decimal(value, places: places)
        case .date(let day): return date(day)
        case .yesNo(let value): return value ? text("yes", "ja") : text("no", "nee")
        default: return cell.plainText
        }
    }
}
