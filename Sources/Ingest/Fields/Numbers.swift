/// Which decimal separator a source writes. `auto` accepts either: the numbers read here
/// (scores on 0–20, slots, weeks) never carry thousands separators, so `14,5` and `14.5` can
/// only mean one thing.
public enum DecimalSeparator: String, Sendable, Hashable, CaseIterable {
    case auto, comma, point
}

enum NumberParsing {
    /// A non-negative decimal number: digits with at most one separator.
    static func decimal(_ text: String, separator: DecimalSeparator) -> Double? {
        var integer: UInt64 = 0
        var fraction: UInt64 = 0
        var fractionDigits = 0
        var seenSeparator = false
        var digits = 0
        for byte in text.utf8 {
            switch byte {
            case 48...57:
                digits += 1
                guard digits <= 15 else { return nil }
                if seenSeparator {
                    fraction = fraction * 10 + UInt64(byte - 48)
                    fractionDigits += 1
                } else {
                    integer = integer * 10 + UInt64(byte - 48)
                }
            case UInt8(ascii: ","), UInt8(ascii: "."):
                guard !seenSeparator else { return nil }
                if separator == .comma && byte == UInt8(ascii: ".") { return nil }
                if separator == .point && byte == UInt8(ascii: ",") { return nil }
                seenSeparator = true
            default:
                return nil
            }
        }
        guard digits > 0 else { return nil }
        var scale = 1.0
        for _ in 0..<fractionDigits { scale *= 10 }
        return Double(integer) + Double(fraction) / scale
    }

    /// A whole number; `3,0` and `3.0` (Excel's habit) are accepted as 3.
    static func wholeNumber(_ text: String, separator: DecimalSeparator) -> Int? {
        guard let value = decimal(text, separator: separator), value == value.rounded(.towardZero),
              value < 1_000_000_000 else { return nil }
        return Int(value)
    }

    enum ScoreFailure: Error, Equatable {
        case unreadable
        case outOfRange(Double)
    }

    /// A score in any of the forms of SPEC §3 on the 0–20 scale: `14`, `14,5`, `14/20`, `7/10`, `70%`.
    static func score(_ text: String, separator: DecimalSeparator) -> Result<Double, ScoreFailure> {
        let trimmed = text.replacingSpaces()
        let value: Double
        if trimmed.hasSuffix("%") {
            guard let percent = decimal(String(trimmed.dropLast()), separator: separator) else { return .failure(.unreadable) }
            guard percent <= 100 else { return .failure(.outOfRange(percent / 5)) }
            value = percent / 5
        } else if let slash = trimmed.firstIndex(of: "/") {
            guard let numerator = decimal(String(trimmed[..<slash]), separator: separator),
                  let denominator = decimal(String(trimmed[trimmed.index(after: slash)...]), separator: separator),
                  denominator > 0 else { return .failure(.unreadable) }
            guard numerator <= denominator else { return .failure(.outOfRange(numerator * 20 / denominator)) }
            value = numerator * 20 / denominator
        } else {
            guard let plain = decimal(trimmed, separator: separator) else { return .failure(.unreadable) }
            value = plain
        }
        guard value >= 0 && value <= 20 else { return .failure(.outOfRange(value)) }
        return .success(value)
    }
}

extension String {
    /// Without any spaces (incl. non-breaking ones), for `14 / 20` and `70 %`.
    func replacingSpaces() -> String {
        if utf8.allSatisfy({ $0 > 0x20 && $0 < 0x80 }) { return self }
        return String(String.UnicodeScalarView(unicodeScalars.filter { !$0.properties.isWhitespace }))
    }

    /// Trimmed of white space at both ends, incl. non-breaking spaces.
    public var trimmedOfWhitespace: String {
        // Most values start and end with a visible ASCII character: no Unicode look-up needed.
        if let first = utf8.first, let last = utf8.last, first > 0x20, first < 0x80, last > 0x20, last < 0x80 {
            return self
        }
        if isEmpty { return self }
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}
