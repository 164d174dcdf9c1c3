/// `--students 280..360`: the largest cohort in a range that fits.
public enum CohortRange {
    /// The largest count in `range` for which the problem's type fits, by bisection: a cohort
    /// that fits still fits without one of its students (their placements only free slots), so
    /// the counts that fit are those up to a largest one. nil when not even the smallest fits.
    public static func largestFitting(_ problem: CohortProblem, in range: ClosedRange<Int>) -> Int? {
        guard CohortFlow.fits(problem, students: range.lowerBound) else { return nil }
        if CohortFlow.fits(problem, students: range.upperBound) { return range.upperBound }
        // fits(fitting) and not fits(failing), always; no `upperBound + 1`, which overflows at Int.max.
        var fitting = range.lowerBound
        var failing = range.upperBound
        while failing - fitting > 1 {
            let middle = fitting + (failing - fitting) / 2
            if CohortFlow.fits(problem, students: middle) { fitting = middle } else { failing = middle }
        }
        return fitting
    }
}
