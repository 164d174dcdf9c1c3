// Coverage (SPEC §5): per (discipline group, year).

import Domain

public enum CoverageFigures {
    /// Recognised weeks are those of placements matched to a framework agreement; the rest
    /// (individual agreements, unmatched placements) are non-recognised.
    @inlinable
    public static func isRecognised(_ match: Match, agreements: [Agreement]) -> Bool {
        guard let index = match.agreementIndex else { return false }
        return agreements[index].kind == .framework
    }

    /// share_non_recognised = non-recognised weeks / student weeks.
    public static func shareNonRecognised(nonRecognisedWeeks: Int, studentWeeks: Int) -> Ratio? {
        Ratio.defined(nonRecognisedWeeks, studentWeeks)
    }

    /// recognised_capacity_weeks = the group's framework slot days in the year / 7.
    public static func recognisedCapacityWeeks(slotDays: Int) -> Ratio { Ratio(slotDays, 7) }

    /// capacity_coverage = recognised capacity weeks (unrounded) / student weeks.
    public static func capacityCoverage(recognisedSlotDays: Int, studentWeeks: Int) -> Ratio? {
        Ratio.defined(recognisedSlotDays, 7 * studentWeeks)
    }
}
