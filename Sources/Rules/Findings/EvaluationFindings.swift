// Findings made while evaluation rows become a placement: WEEKS_MISMATCH and
// DUPLICATE_EVALUATION (SPEC §4; the rules themselves are in PlacementBuilding.swift).

import Domain

public enum EvaluationFindings {
    /// `statedWeeks`: the other weeks the rows state; `rows`: those rows.
    public static func weeksMismatch(_ placement: Placement, statedWeeks: Set<Int>, rows: [SourceLocation]) -> Finding {
        let listed = statedWeeks.sorted().map(String.init).joined(separator: ", ")
        return Finding(code: .weeksMismatch, key: placement.key,
                       message: "\(placement.student) at \(placement.site) in \(placement.discipline) from \(placement.start): rows state \(listed) weeks, the dates \(placement.start)–\(placement.end) give \(placement.weeks)",
                       sources: rows)
    }

    /// `scores`: the final score of each final evaluation; `rows`: their rows.
    public static func duplicateEvaluation(_ placement: Placement, scores: [Double], rows: [SourceLocation]) -> Finding {
        let listed = Set(scores).sorted().map { String($0) }.joined(separator: ", ")
        return Finding(code: .duplicateEvaluation, key: placement.key,
                       message: "\(placement.student) at \(placement.site) in \(placement.discipline) from \(placement.start) has \(scores.count) final evaluations that disagree (\(listed)); the one submitted last counts",
                       sources: rows)
    }
}
