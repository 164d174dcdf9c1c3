import Domain

/// One block of the planned year's calendar. A student is in one placement per block, so a block
/// holds at most the whole cohort.
public struct PlanningBlock: Sendable, Hashable {
    /// "1" … "13"; the halves of a split block are "13a" and "13b".
    public var label: String
    public var first: Day
    public var last: Day
    public var weeks: Int
    /// A half of a split block. Half-blocks are a family of their own: a requirement of whole
    /// blocks never uses one, a requirement of a half-block only uses one.
    public var isHalf: Bool

    public init(label: String, first: Day, last: Day, weeks: Int, isHalf: Bool) {
        self.label = label
        self.first = first
        self.last = last
        self.weeks = weeks
        self.isHalf = isHalf
    }
}

/// The `planning:` section's calendar: blocks of `blockWeeks` weeks from a day of the planned
/// year, some of them split into two halves where the faculty has half-blocks.
public struct CalendarSettings: Sendable, Hashable {
    public var blockWeeks = 4
    /// The month and day the first block starts, in the planned placement year (1 July: its first day).
    public var firstMonth = 7
    public var firstDay = 1
    /// nil: as many whole blocks as fit before the year ends.
    public var blockCount: Int?
    /// The numbers (from 1) of the blocks split into two half-blocks of `blockWeeks / 2` weeks.
    public var halfBlocks: [Int] = []

    public init(blockWeeks: Int = 4, firstMonth: Int = 7, firstDay: Int = 1, blockCount: Int? = nil, halfBlocks: [Int] = []) {
        self.blockWeeks = blockWeeks
        self.firstMonth = firstMonth
        self.firstDay = firstDay
        self.blockCount = blockCount
        self.halfBlocks = halfBlocks
    }
}

public enum BlockCalendar {
    /// The first day of the first block in `year`: the settings' month and day, in the calendar
    /// year that puts it inside the placement year (July to December in the first, January to
    /// June in the second); nil for a day that does not exist (30 February).
    public static func firstDay(of year: PlacementYear, _ settings: CalendarSettings) -> Day? {
        let calendarYear = settings.firstMonth >= 7 ? year.startYear : year.startYear + 1
        return Day(year: calendarYear, month: settings.firstMonth, day: settings.firstDay)
    }

    /// The blocks of `year` in order, a split block as its two halves. Blocks are consecutive:
    /// block k starts (k − 1) × blockWeeks weeks after the first. Without a count, the blocks
    /// are those that end on or before the year's last day.
    public static func blocks(of year: PlacementYear, _ settings: CalendarSettings) -> [PlanningBlock] {
        guard let start = firstDay(of: year, settings), settings.blockWeeks > 0 else { return [] }
        let days = settings.blockWeeks * 7
        let count = settings.blockCount ?? max(0, (year.lastDay.daysSinceEpoch - start.daysSinceEpoch + 1) / days)
        guard count > 0 else { return [] }
        let split = Set(settings.halfBlocks)
        var blocks: [PlanningBlock] = []
        for number in 1...count {
            let first = start.adding(days: (number - 1) * days)
            let last = first.adding(days: days - 1)
            if split.contains(number) {
                let half = days / 2
                blocks.append(PlanningBlock(label: "\(number)a", first: first, last: first.adding(days: half - 1),
                                            weeks: settings.blockWeeks / 2, isHalf: true))
                blocks.append(PlanningBlock(label: "\(number)b", first: first.adding(days: half), last: last,
                                            weeks: settings.blockWeeks / 2, isHalf: true))
            } else {
                blocks.append(PlanningBlock(label: "\(number)", first: first, last: last, weeks: settings.blockWeeks, isHalf: false))
            }
        }
        return blocks
    }
}
