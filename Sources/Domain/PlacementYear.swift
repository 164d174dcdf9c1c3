/// A placement year runs from 1 July to 30 June; `startYear` 2025 is `2025-2026`.
public struct PlacementYear: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let startYear: Int

    public init(startYear: Int) {
        self.startYear = startYear
    }

    /// The year that contains `day`.
    public init(containing day: Day) {
        let (year, month, _) = day.components
        startYear = month >= 7 ? year : year - 1
    }

    public init?(label: String) {
        let parts = label.split(separator: "-")
        guard parts.count == 2, let first = Int(parts[0]), let second = Int(parts[1]), second == first + 1 else { return nil }
        startYear = first
    }

    public var firstDay: Day { Day(year: startYear, month: 7, day: 1) ?? Day(daysSinceEpoch: 0) }
    public var lastDay: Day { Day(year: startYear + 1, month: 6, day: 30) ?? Day(daysSinceEpoch: 0) }

    public func contains(_ day: Day) -> Bool { firstDay <= day && day <= lastDay }

    public var description: String { "\(startYear)-\(startYear + 1)" }

    public static func < (lhs: PlacementYear, rhs: PlacementYear) -> Bool { lhs.startYear < rhs.startYear }
}
