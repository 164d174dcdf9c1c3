// Domain: the plain values that flow from one pipeline stage to the next (days, source
// locations, diagnostics, ingested records, placements, agreements, findings, reference values).
// No stage logic lives here; the rules of SPEC §4–§5 are in Rules (a finding code's severity and
// listing order, and the placement year, belong to the values themselves).

/// A calendar day without time zone, stored as days since 1970-01-01.
///
/// Placements and agreements are whole days; a `Date` would drag time zones and clocks into
/// figures that must be byte-identical between runs.
public struct Day: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let daysSinceEpoch: Int

    public init(daysSinceEpoch: Int) {
        self.daysSinceEpoch = daysSinceEpoch
    }

    /// Returns nil when the triple is not a day of the proleptic Gregorian calendar.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= Day.daysInMonth(year: year, month: month),
              (1...9999).contains(year) else { return nil }
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        daysSinceEpoch = era * 146_097 + doe - 719_468
    }

    public var components: (year: Int, month: Int, day: Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public func adding(days: Int) -> Day { Day(daysSinceEpoch: daysSinceEpoch + days) }

    public static func < (lhs: Day, rhs: Day) -> Bool { lhs.daysSinceEpoch < rhs.daysSinceEpoch }

    /// ISO 8601, `yyyy-mm-dd` (written as bytes: reports print hundreds of thousands of dates).
    public var description: String {
        let (y, m, d) = components
        guard (0...9999).contains(y) else { return "\(y)-\(m)-\(d)" }
        let digit = { (value: Int) -> UInt8 in UInt8(truncatingIfNeeded: 48 + value) }
        let bytes: [UInt8] = [digit(y / 1000), digit(y / 100 % 10), digit(y / 10 % 10), digit(y % 10), 0x2D,
                              digit(m / 10), digit(m % 10), 0x2D, digit(d / 10), digit(d % 10)]
        return String(decoding: bytes, as: UTF8.self)
    }
}
