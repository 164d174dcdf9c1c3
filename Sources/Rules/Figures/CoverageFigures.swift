// Coverage (SPEC §5): per (discipline group, year).

import Domain

public enum CoverageFigures {
    /// A group's required weeks: the curriculum's, 0 for a group outside it; the scientific
    /// group is a group like the others, with the scientific weeks (SPEC §5, "Progress rows").
    /// The plan's demand takes the same weeks.
    public static func requiredWeeks(of group: String, _ curriculum: Curriculum) -> Int {
        group == curriculum.scientificGroup ? curriculum.scientificWeeks : curriculum.requiredWeeks[group] ?? 0
    }

    /// The groups the curriculum requires weeks of, the scientific group included.
    public static func curriculumGroups(_ curriculum: Curriculum) -> Set<String> {
        Set(curriculum.requiredWeeks.keys).union(curriculum.scientificGroup.map { [$0] } ?? [])
    }

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
