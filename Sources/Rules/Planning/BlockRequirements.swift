/// What a student does in the planned year (the `planning:` section's demand, e.g. master 1:
/// surgery 8, internal medicine 8, paediatrics 4 weeks, and 12 free weeks).
public struct YearDemand: Sendable, Hashable {
    public var name: String
    /// Required weeks per discipline group, met at sites with slots of that group.
    public var weeks: [String: Int]
    /// Free-choice and scientific weeks: not tied to a group at a site, they only take up blocks.
    public var freeWeeks: Int

    public init(name: String, weeks: [String: Int], freeWeeks: Int = 0) {
        self.name = name
        self.weeks = weeks
        self.freeWeeks = freeWeeks
    }
}

/// A group's required weeks as blocks of the calendar.
public struct GroupBlocks: Sendable, Hashable {
    public var group: String
    public var weeks: Int
    public var wholeBlocks: Int
    public var halfBlocks: Int
    /// The blocks give more weeks than required: the weeks were rounded up to whole blocks
    /// (no half-blocks in the calendar, or weeks that are not a multiple of a half-block).
    public var weeksInBlocks: Int
    public var roundedUp: Bool { weeksInBlocks > weeks }

    public init(group: String, weeks: Int, wholeBlocks: Int, halfBlocks: Int, weeksInBlocks: Int) {
        self.group = group
        self.weeks = weeks
        self.wholeBlocks = wholeBlocks
        self.halfBlocks = halfBlocks
        self.weeksInBlocks = weeksInBlocks
    }
}

public enum BlockRequirements {
    /// `weeks` of a group as blocks: whole blocks of `blockWeeks`, and one half-block for a
    /// remainder of exactly half a block when the calendar has half-blocks; any other remainder
    /// is rounded up to a whole block. (2 weeks of imaging in 4-week blocks: one half-block, or
    /// one whole block without half-blocks; 6 weeks: one block and a half, or two blocks.)
    public static func blocks(group: String, weeks: Int, blockWeeks: Int, calendarHasHalves: Bool) -> GroupBlocks {
        guard weeks > 0, blockWeeks > 0 else {
            return GroupBlocks(group: group, weeks: max(0, weeks), wholeBlocks: 0, halfBlocks: 0, weeksInBlocks: 0)
        }
        var whole = weeks / blockWeeks
        var half = 0
        let rest = weeks % blockWeeks
        if rest > 0 {
            // Half a block or less: one half-block (its weeks rounded up to the half's).
            if calendarHasHalves, blockWeeks % 2 == 0, rest <= blockWeeks / 2 {
                half = 1
            } else {
                whole += 1
            }
        }
        return GroupBlocks(group: group, weeks: weeks, wholeBlocks: whole, halfBlocks: half,
                           weeksInBlocks: whole * blockWeeks + half * (blockWeeks / 2))
    }

    /// Why a student with these requirements and free weeks cannot fit the calendar at all
    /// (more group blocks than the year has, or no weeks left for the free ones), whatever the
    /// slots; nil when they fit.
    public static func calendarShortfall(_ groups: [GroupBlocks], freeWeeks: Int, blocks: [PlanningBlock]) -> String? {
        let wholeAvailable = blocks.filter { !$0.isHalf }.count
        let halfAvailable = blocks.filter(\.isHalf).count
        let whole = groups.reduce(0) { $0 + $1.wholeBlocks }
        let half = groups.reduce(0) { $0 + $1.halfBlocks }
        if whole > wholeAvailable {
            return "the year's demand needs \(whole) whole blocks per student and the calendar has \(wholeAvailable)"
        }
        if half > halfAvailable {
            return "the year's demand needs \(half) half-blocks per student and the calendar has \(halfAvailable)"
        }
        let left = (wholeAvailable - whole) * (blocks.first { !$0.isHalf }?.weeks ?? 0)
            + (halfAvailable - half) * (blocks.first(where: \.isHalf)?.weeks ?? 0)
        if freeWeeks > left {
            return "the year's demand leaves \(left) weeks per student for its \(freeWeeks) free weeks"
        }
        return nil
    }
}

/// The definition's `planning:` section: the block calendar and what a cohort does in a year.
public struct PlanningSettings: Sendable, Hashable {
    public var calendar = CalendarSettings()
    /// In the order written; `plan --schedule` takes the first unless `--demand` names another.
    public var demands: [YearDemand] = []

    public init(calendar: CalendarSettings = CalendarSettings(), demands: [YearDemand] = []) {
        self.calendar = calendar
        self.demands = demands
    }
}
