// Writing and reading a Ratio as decimal text (the domain's Ratio holds the exact value).

import Domain

extension Ratio {
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
