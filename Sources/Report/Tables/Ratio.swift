/// An exact fraction: how every non-integer figure is held until a format writes it, so that
/// rounding happens once, when it is printed.
public struct Ratio: Sendable, Hashable {
    public var numerator: Int
    public var denominator: Int

    public init(_ numerator: Int, _ denominator: Int) {
        self.numerator = numerator
        self.denominator = denominator
    }

    /// nil when the denominator is 0: the figure is undefined (its cell is left empty).
    public static func defined(_ numerator: Int, _ denominator: Int) -> Ratio? {
        denominator > 0 ? Ratio(numerator, denominator) : nil
    }

    /// The figure as printed with `places` decimals, in units of its last decimal: its magnitude
    /// rounded half up (so a negative figure rounds half away from zero). 12.46 at 1 place is 125.
    public func units(places: Int) -> Int {
        guard denominator > 0 else { return 0 }
        let scale = Self.scale(places)
        let magnitude = (2 * numerator.magnitude * UInt(scale) + UInt(denominator)) / (2 * UInt(denominator))
        return numerator < 0 ? -Int(magnitude) : Int(magnitude)
    }

    /// 10 to the power `places`.
    public static func scale(_ places: Int) -> Int {
        var scale = 1
        for _ in 0..<max(0, places) { scale *= 10 }
        return scale
    }

    /// The figure rounded as `units(places:)`, with a decimal point; nil when undefined. A figure
    /// that rounds to zero has no minus sign.
    public func formatted(decimals: Int) -> String? {
        guard denominator > 0 else { return nil }
        var out = TextBuffer()
        out.append(decimal: self, places: decimals, mark: UInt8(ascii: "."))
        return String(decoding: out.bytes, as: UTF8.self)
    }

    /// A published decimal ("12.5", "-0.250", "7") exactly, and how many decimals it was
    /// written with; nil for anything else. Reading a typed file back, never guessing a type.
    public init?(decimalText text: some StringProtocol, mark: UInt8 = UInt8(ascii: ".")) {
        guard let (ratio, _) = Ratio.parse(text, mark: mark) else { return nil }
        self = ratio
    }

    /// The exact value and its number of decimals.
    public static func parse(_ text: some StringProtocol, mark: UInt8 = UInt8(ascii: ".")) -> (Ratio, places: Int)? {
        var bytes = Substring(text).utf8[...]
        let negative = bytes.first == UInt8(ascii: "-")
        if negative { bytes = bytes.dropFirst() }
        var value = 0, places = 0, digits = 0, afterMark = false
        for byte in bytes {
            if byte == mark && !afterMark {
                afterMark = true
                continue
            }
            guard byte >= 0x30 && byte <= 0x39, digits < 18 else { return nil }
            value = value * 10 + Int(byte - 0x30)
            digits += 1
            if afterMark { places += 1 }
        }
        guard digits > 0, !(afterMark && places == 0) else { return nil }
        return (Ratio(negative ? -value : value, scale(places)), places)
    }
}

extension TextBuffer {
    /// A figure with `places` decimals after `mark`, as `Ratio.units(places:)` rounds it, without
    /// building a String.
    public mutating func append(decimal ratio: Ratio, places: Int, mark: UInt8) {
        let units = ratio.units(places: places)
        let scale = Ratio.scale(places)
        if units < 0 { append(byte: UInt8(ascii: "-")) }
        append(integer: Int(units.magnitude / UInt(scale)))
        guard places > 0 else { return }
        append(byte: mark)
        var fraction = Int(units.magnitude % UInt(scale))
        var divisor = scale / 10
        while divisor > 0 {
            append(byte: 0x30 + UInt8(fraction / divisor))
            fraction %= divisor
            divisor /= 10
        }
    }
}
