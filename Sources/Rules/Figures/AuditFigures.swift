// Audit (SPEC §5): per (site, year), for the auditors who compare recognised with
// non-recognised sites.

import Domain

public enum AuditFigures {
    /// A placement has ended when its end is before the as-of date.
    @inlinable
    public static func hasEnded(_ placement: Placement, asOf: Day) -> Bool { placement.end < asOf }

    /// placements_without_agreement counts NO_AGREEMENT and OUTSIDE_VALIDITY placements.
    @inlinable
    public static func isWithoutAgreement(_ match: Match) -> Bool { match.agreementIndex == nil }

    /// evaluation_completeness = finally evaluated / ended placements; undefined when none ended.
    public static func completeness(finallyEvaluated: Int, ended: Int) -> Ratio? { Ratio.defined(finallyEvaluated, ended) }

    /// A mean score in hundredths, half up; undefined under `minimum` evaluations (small groups
    /// are not shown). The sums are binary floating point: scores are multiples of 1/100 or
    /// simple fractions, so hundredths are rounded here, once, after a tiny nudge against
    /// representation error, and the mean is that exact number of hundredths.
    public static func mean(sum: Double, count: Int, minimum: Int) -> Ratio? {
        guard count > 0, count >= minimum else { return nil }
        return Ratio(Int((sum / Double(count) * 100 + 0.5 + 1e-7).rounded(.down)), 100)
    }
}
