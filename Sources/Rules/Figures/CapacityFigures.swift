// Capacity (SPEC §5): per (site, discipline at the agreement's level, year). The day-based
// figures (slots, peak_concurrent, over_capacity_days) are CapacityDays'.

import Domain

public enum CapacityFigures {
    /// Days of an agreement's validity inside a placement year.
    @inlinable
    public static func daysInside(_ agreement: Agreement, _ year: PlacementYear) -> Int {
        let first = max(agreement.validFrom, year.firstDay), last = min(agreement.validTo, year.lastDay)
        return first <= last ? last.daysSinceEpoch - first.daysSinceEpoch + 1 : 0
    }

    /// An agreement counts in a year when it is valid on at least one of its days.
    @inlinable
    public static func isValid(_ agreement: Agreement, in year: PlacementYear) -> Bool { daysInside(agreement, year) > 0 }

    /// Σ slots × days of validity inside the year: capacity weeks × 7, exactly.
    @inlinable
    public static func slotDays(_ agreement: Agreement, in year: PlacementYear) -> Int { agreement.slots * daysInside(agreement, year) }

    /// capacity_weeks = (Σ slots × days) / 7, rounded once when written (one decimal).
    public static func capacityWeeks(slotDays: Int) -> Ratio { Ratio(slotDays, 7) }

    /// utilisation = used_weeks / the unrounded capacity weeks; undefined when capacity is 0.
    public static func utilisation(usedWeeks: Int, slotDays: Int) -> Ratio? { Ratio.defined(usedWeeks * 7, slotDays) }
}
