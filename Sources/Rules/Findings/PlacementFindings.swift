// Findings about one placement and the agreements: NO_AGREEMENT, OUTSIDE_VALIDITY (SPEC §4,
// from the outcome of `Matching.match`) and EVALUATION_MISSING.

import Domain

public enum PlacementFindings {
    /// The finding about a placement that matched no agreement (`match` is not `.agreement`).
    public static func unmatched(_ placement: Placement, _ match: Match, at site: Site) -> Finding {
        match == .outsideValidity ? outsideValidity(placement) : noAgreement(placement, at: site)
    }

    public static func outsideValidity(_ placement: Placement) -> Finding {
        Finding(code: .outsideValidity, key: placement.key,
                message: "\(placement.student) at \(placement.site) in \(placement.discipline) \(placement.start)–\(placement.end): an agreement exists for this site and discipline, but not for all of these dates",
                sources: placement.sources)
    }

    /// At a non-recognised site (abroad, or neither hospital nor GP practice) the agreement a
    /// placement lacks is an approved individual one.
    public static func noAgreement(_ placement: Placement, at site: Site) -> Finding {
        let detail = site.region == .abroad || site.kind == .other ? "no approved individual agreement" : "no agreement"
        return Finding(code: .noAgreement, key: placement.key,
                       message: "\(placement.student) at \(placement.site) in \(placement.discipline) \(placement.start)–\(placement.end): \(detail)",
                       sources: placement.sources)
    }

    /// EVALUATION_MISSING when the placement has no final evaluation and as-of − end is more
    /// than the overdue days (30 unless the definition says otherwise).
    @inlinable
    public static func isEvaluationOverdue(finalScore: Double?, end: Day, settings: ReconcileSettings) -> Bool {
        finalScore == nil && settings.asOf.daysSinceEpoch - end.daysSinceEpoch > settings.evaluationOverdueDays
    }

    /// The finding about a placement whose evaluation `isEvaluationOverdue`.
    public static func evaluationMissing(_ placement: Placement, settings: ReconcileSettings) -> Finding {
        let days = settings.asOf.daysSinceEpoch - placement.end.daysSinceEpoch
        return Finding(code: .evaluationMissing, key: placement.key,
                       message: "\(placement.student) at \(placement.site) in \(placement.discipline) ended \(placement.end) and has no final evaluation (\(days) days)",
                       sources: placement.sources)
    }
}
