import Domain

/// One accepted way of writing a date, from a pipeline definition: tokens `d` (1–2 digits),
/// `dd`, `m`, `mm`, `yyyy`, `month` (a month name in Dutch, English or French, full or
/// abbreviated), the whole-word format `excel` (a serial number of Excel's 1900 date system);
/// any other character stands for itself, and a space matches one or more spaces.
public struct DateFormat: Sendable, Hashable, CustomStringConvertible {
    enum Token: Sendable, Hashable {
        case day(exactlyTwo: Bool)
        case month(exactlyTwo: Bool)
        case year
        case monthName
        case literal(UInt8)
        case space

        /// The part of a date the token names, which a format names once.
        var datePart: String? {
            switch self {
            case .day: "day"
            case .month, .monthName: "month"
            case .year: "year"
            case .literal, .space: nil
            }
        }
    }

    public let description: String
    let tokens: [Token]
    let isExcelSerial: Bool

    public struct InvalidFormat: Error, Sendable, Equatable {
        public var message: String
    }

    public init(_ pattern: String) throws(InvalidFormat) {
        description = pattern
        isExcelSerial = pattern == "excel"
        tokens = isExcelSerial ? [] : try Self.tokens(of: pattern)
    }

    /// The pattern's tokens, which must name the day, the month and the year once each.
    private static func tokens(of pattern: String) throws(InvalidFormat) -> [Token] {
        var tokens: [Token] = []
        var seen: Set<String> = []
        let bytes = Array(pattern.utf8)
        var i = 0
        while i < bytes.count {
            let (token, length) = try token(at: i, in: bytes, pattern: pattern)
            if let part = token.datePart, !seen.insert(part).inserted {
                throw InvalidFormat(message: "date format '\(pattern)' names the \(part) twice")
            }
            tokens.append(token)
            i += length
        }
        guard seen == ["day", "month", "year"] else {
            throw InvalidFormat(message: "date format '\(pattern)' must name a day, a month and a year")
        }
        return tokens
    }

    /// The token that starts at `i`, and how many bytes of the pattern it takes.
    private static func token(at i: Int, in bytes: [UInt8], pattern: String) throws(InvalidFormat) -> (Token, Int) {
        if bytes.count - i >= 5, bytes[i..<i + 5].elementsEqual("month".utf8) { return (.monthName, 5) }
        let byte = bytes[i]
        var length = 1
        while i + length < bytes.count && bytes[i + length] == byte { length += 1 }
        switch byte {
        case UInt8(ascii: "d"):
            guard length <= 2 else { throw InvalidFormat(message: "date format '\(pattern)': use d or dd for the day") }
            return (.day(exactlyTwo: length == 2), length)
        case UInt8(ascii: "m"):
            guard length <= 2 else { throw InvalidFormat(message: "date format '\(pattern)': use m, mm or month for the month") }
            return (.month(exactlyTwo: length == 2), length)
        case UInt8(ascii: "y"):
            guard length == 4 else {
                throw InvalidFormat(message: "date format '\(pattern)': the year must be yyyy (two-digit years are ambiguous)")
            }
            return (.year, length)
        case UInt8(ascii: " "):
            return (.space, length)
        default:
            if (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) {
                throw InvalidFormat(message: "date format '\(pattern)': unknown letter '\(Character(Unicode.Scalar(byte)))'; use d, dd, m, mm, month, yyyy or the format excel")
            }
            return (.literal(byte), 1)
        }
    }

    /// The day the text names in this format; nil when it does not have the format's shape.
    /// A text of the right shape naming an impossible day (31/02) is a `.impossible` result.
    enum MatchOutcome: Equatable {
        case day(Day)
        case impossible
        case noMatch
    }

    func match(_ text: UnsafeBufferPointer<UInt8>) -> MatchOutcome {
        if isExcelSerial { return matchExcelSerial(text) }
        var i = 0
        var day = 0, month = 0, year = 0
        func digits(min: Int, max: Int) -> Int? {
            var value = 0
            var count = 0
            while i < text.count, count < max, (48...57).contains(text[i]) {
                value = value * 10 + Int(text[i] - 48)
                i += 1
                count += 1
            }
            if count < min { return nil }
            if i < text.count, (48...57).contains(text[i]) { return nil }
            return value
        }
        for token in tokens {
            switch token {
            case .day(let two):
                guard let value = digits(min: two ? 2 : 1, max: 2) else { return .noMatch }
                day = value
            case .month(let two):
                guard let value = digits(min: two ? 2 : 1, max: 2) else { return .noMatch }
                month = value
            case .year:
                guard let value = digits(min: 4, max: 4) else { return .noMatch }
                year = value
            case .monthName:
                var j = i
                while j < text.count, Self.isLetter(text[j]) { j += 1 }
                guard j > i, let value = MonthNames.month(Canonical.text(String(decoding: UnsafeBufferPointer(rebasing: text[i..<j]), as: UTF8.self))) else {
                    return .noMatch
                }
                month = value
                i = j
                if i < text.count, text[i] == UInt8(ascii: ".") { i += 1 }
            case .literal(let byte):
                guard i < text.count, text[i] == byte else { return .noMatch }
                i += 1
            case .space:
                guard i < text.count, text[i] == UInt8(ascii: " ") else { return .noMatch }
                while i < text.count, text[i] == UInt8(ascii: " ") { i += 1 }
            }
        }
        guard i == text.count else { return .noMatch }
        guard let result = Day(year: year, month: month, day: day) else { return .impossible }
        return .day(result)
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (65...90).contains(byte) || (97...122).contains(byte) || byte >= 0x80
    }

    /// Excel's 1900 system counts 1900-01-01 as 1 and has a 29 February 1900 (serial 60) that
    /// never existed; serials after it are days since 1899-12-30.
    private func matchExcelSerial(_ text: UnsafeBufferPointer<UInt8>) -> MatchOutcome {
        guard !text.isEmpty, text.count <= 7, text.allSatisfy({ (48...57).contains($0) }) else { return .noMatch }
        let serial = text.reduce(0) { $0 * 10 + Int($1 - 48) }
        guard serial >= 1 else { return .noMatch }
        if serial == 60 { return .impossible }
        guard let base = Day(year: 1899, month: 12, day: serial < 60 ? 31 : 30) else { return .noMatch }
        return .day(base.adding(days: serial))
    }
}

enum MonthNames {
    static func month(_ canonical: String) -> Int? { table[canonical] }

    private static let table: [String: Int] = {
        let names: [[String]] = [
            ["januari", "jan", "january", "janvier", "janv"],
            ["februari", "feb", "febr", "february", "fevrier", "fevr"],
            ["maart", "mrt", "march", "mar", "mars"],
            ["april", "apr", "avril", "avr"],
            ["mei", "may", "mai"],
            ["juni", "jun", "june", "juin"],
            ["juli", "jul", "july", "juillet", "juil"],
            ["augustus", "aug", "august", "aout"],
            ["september", "sep", "sept", "septembre"],
            ["oktober", "okt", "october", "oct", "octobre"],
            ["november", "nov", "novembre"],
            ["december", "dec", "decembre"],
        ]
        var table: [String: Int] = [:]
        for (index, group) in names.enumerated() {
            for name in group { table[name] = index + 1 }
        }
        return table
    }()
}

/// The ordered list of formats a source accepts. The first format whose shape fits decides;
/// formats are never guessed row by row.
public struct DateParser: Sendable, Hashable {
    public let formats: [DateFormat]
    /// Dates outside these years are typos (2205, 1025), not placements.
    public let plausibleYears: ClosedRange<Int>

    public static let defaultPatterns = ["d/m/yyyy", "d-m-yyyy", "yyyy-m-d", "d month yyyy", "excel"]

    /// `yyyy-mm-dd`, for dates the tool itself is given (`--as-of`, `as_of:`).
    public static var iso: DateFormat {
        // A literal pattern that is valid by construction; the fallback is never taken.
        (try? DateFormat("yyyy-mm-dd")) ?? (try? DateFormat("yyyy-m-d")) ?? DateParser.standard.formats[0]
    }

    public init(formats: [DateFormat], plausibleYears: ClosedRange<Int> = 1950...2100) {
        self.formats = formats
        self.plausibleYears = plausibleYears
    }

    public static var standard: DateParser {
        // The default patterns are valid by construction; a failure here is a programming error
        // caught by the tests, so fall back to an empty list rather than trap.
        DateParser(formats: defaultPatterns.compactMap { try? DateFormat($0) })
    }

    public enum Failure: Error, Equatable {
        case unrecognised
        case impossible
        case implausible(Day)
    }

    public func parse(_ text: String) -> Result<Day, Failure> {
        var text = text
        return text.withUTF8 { parse(bytes: $0) }
    }

    public func parse(bytes: UnsafeBufferPointer<UInt8>) -> Result<Day, Failure> {
        var sawImpossible = false
        for format in formats {
            switch format.match(bytes) {
            case .day(let day):
                guard plausibleYears.contains(day.components.year) else { return .failure(.implausible(day)) }
                return .success(day)
            case .impossible:
                sawImpossible = true
            case .noMatch:
                continue
            }
        }
        return .failure(sawImpossible ? .impossible : .unrecognised)
    }
}
