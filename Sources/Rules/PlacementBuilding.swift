// Rules: SPEC §4–§5 as plain functions over plain values. The engine (Normalize, Reconcile,
// Report) calls them, whether a run is held in memory or cut into partitions; nothing here
// knows of arenas, tapes, spill files or packed rows.
//
// This file: how evaluation rows become one placement (SPEC §4 and the precise readings of §5).

import Domain

public enum PlacementBuilding {
    /// Placement weeks = ⌈(end − start + 1 day) / 7⌉.
    @inlinable
    public static func weeks(from start: Day, to end: Day) -> Int {
        let days = end.daysSinceEpoch - start.daysSinceEpoch + 1
        return (days + 6) / 7
    }

    /// Given only a start and a number of weeks: end = start + 7 × weeks − 1 day.
    @inlinable
    public static func end(start: Day, weeks: Int) -> Day { start.adding(days: 7 * weeks - 1) }

    /// The end a row states: its end date, or the end its weeks give.
    @inlinable
    public static func statedEnd(start: Day, end: Day?, weeks: Int?) -> Day? {
        end ?? weeks.map { self.end(start: start, weeks: $0) }
    }

    /// Rows of one placement may state different ends: the end most rows state wins, and on a
    /// tie the later one. (SPEC is silent; this keeps one mistyped row from cutting a placement.)
    @inlinable
    public static func chosenEnd<Ends: Sequence>(_ stated: Ends) -> Day? where Ends.Element == (end: Day, rows: Int) {
        var best: (end: Day, rows: Int)?
        for candidate in stated {
            guard let current = best else {
                best = candidate
                continue
            }
            if (candidate.rows, candidate.end) > (current.rows, current.end) { best = candidate }
        }
        return best?.end
    }

    /// The kind most rows state; on a tie the first in alphabetical order of its code. `rows`
    /// gives how many rows state a kind. (SPEC is silent on disagreeing rows.)
    @inlinable
    public static func mostStatedKind(rows: (PlacementKind) -> Int) -> PlacementKind? {
        var best: (kind: PlacementKind, rows: Int)?
        for kind in PlacementKind.inCodeOrder {
            let count = rows(kind)
            if count > 0 && count > (best?.rows ?? 0) { best = (kind, count) }
        }
        return best?.kind
    }

    /// WEEKS_MISMATCH: a row states other weeks than the placement's dates give (a placement's
    /// weeks always come from its dates).
    @inlinable
    public static func statesOtherWeeks(_ stated: Int?, datesGive weeks: Int) -> Bool {
        guard let stated else { return false }
        return stated != weeks
    }

    /// A placement belongs to the placement year that contains its start date.
    @inlinable
    public static func year(of start: Day) -> PlacementYear { PlacementYear(containing: start) }
}

extension PlacementKind {
    /// Every kind in alphabetical order of its code (the tie-break of `mostStatedKind`).
    public static let inCodeOrder: [PlacementKind] = allCases.sorted { $0.rawValue < $1.rawValue }
}

/// One supervisor's final evaluation of a placement. `Position` is where its row stands in the
/// inputs (file, then line): the last tie-break, so that the choice never depends on the order
/// rows were read in.
public struct FinalEvaluation<Position: Comparable & Sendable>: Sendable {
    public var score: Double
    public var criteria: CriterionScores
    public var submitted: Day?
    public var position: Position

    @inlinable
    public init(score: Double, criteria: CriterionScores, submitted: Day?, position: Position) {
        self.score = score
        self.criteria = criteria
        self.submitted = submitted
        self.position = position
    }
}

public enum FinalEvaluations {
    /// Only supervisor rows with status final count as a final evaluation.
    @inlinable
    public static func counts(role: EvaluatorRole, status: EvaluationStatus) -> Bool {
        role == .supervisor && status == .final
    }

    /// The placement takes the latest submitted one; on a tie, the lower score; then the
    /// earlier row.
    @inlinable
    public static func chosen<Position>(_ finals: some Sequence<FinalEvaluation<Position>>) -> FinalEvaluation<Position>? {
        var chosen: FinalEvaluation<Position>?
        for final in finals where chosen.map({ isPreferred(final, over: $0) }) ?? true { chosen = final }
        return chosen
    }

    @inlinable
    static func isPreferred<Position>(_ a: FinalEvaluation<Position>, over b: FinalEvaluation<Position>) -> Bool {
        let left = (a.submitted?.daysSinceEpoch ?? .min, -a.score), right = (b.submitted?.daysSinceEpoch ?? .min, -b.score)
        return left != right ? left > right : a.position < b.position
    }

    /// DUPLICATE_EVALUATION: two final evaluations disagree when their final scores differ.
    @inlinable
    public static func disagree<Position>(_ finals: some Sequence<FinalEvaluation<Position>>, chosen: FinalEvaluation<Position>) -> Bool {
        finals.contains { $0.score != chosen.score }
    }
}
