// OVER_CAPACITY: on some days more students are placed at a site and discipline than its
// slots; one finding per maximal run of such days (the days come from CapacityDays).

import Domain

public enum CapacityFindings {
    /// `rows`: the source rows of the placements covering any day of the run.
    public static func overCapacity(site: String, discipline: String, run: CapacityDays.OverCapacityRun,
                                    rows: [SourceLocation]) -> Finding {
        Finding(code: .overCapacity, key: "site=\(site) discipline=\(discipline) from=\(run.first)",
                message: "\(site) \(discipline): \(run.peak) students placed against \(run.slots) slots on \(run.days) days, \(run.first)–\(run.last)",
                sources: rows)
    }

    /// Whether a placement (start, end) covers a day of the run.
    public static func covers(_ run: CapacityDays.OverCapacityRun, start: Day, end: Day) -> Bool {
        start <= run.last && run.first <= end
    }
}
