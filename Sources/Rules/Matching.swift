// How a placement matches an agreement (SPEC §4 and §5, "Matching").
//
// A placement's candidates are the agreements at its site whose discipline is the placement's
// discipline or one of its ancestors (its group): framework ones, and individual ones that
// name its student. Those whose validity contains all of [start, end] match; a placement must
// fit inside one agreement (consecutive agreements do not add up). Among the matching ones the
// most specific discipline wins, and at equal discipline an individual agreement beats a
// framework one. Several agreements can win together (two framework agreements of one site and
// discipline, both valid): every winner counts as used by the placement, and the placement
// names the lowest id among them. No match but some candidate: OUTSIDE_VALIDITY; no candidate
// at all: NO_AGREEMENT.

import Domain

public enum Matching {
    /// An agreement at the placement's site and discipline (or an ancestor) is a candidate
    /// unless it is an individual agreement for another student.
    @inlinable
    public static func isCandidate(_ agreement: Agreement, forStudent student: String) -> Bool {
        agreement.kind != .individual || agreement.student == student
    }

    /// The agreement is valid on every day of [start, end].
    @inlinable
    public static func covers(_ agreement: Agreement, from start: Day, to end: Day) -> Bool {
        agreement.validFrom <= start && end <= agreement.validTo
    }

    /// Whether a matching agreement at `depth` (0: the placement's own discipline, 1: its parent,
    /// …) wins over the best one so far.
    @inlinable
    public static func beats(_ candidate: Agreement, depth: Int, _ best: Agreement, bestDepth: Int) -> Bool {
        if depth != bestDepth { return depth < bestDepth }
        let individual = candidate.kind == .individual, bestIndividual = best.kind == .individual
        if individual != bestIndividual { return individual }
        return candidate.id < best.id
    }

    /// Whether `other` wins the placement together with `winner`, the agreement it matched:
    /// the winners share the most specific discipline (so the same row of site and discipline)
    /// and the preferred kind, and each must match on its own. Every winner counts as used by
    /// the placement (AGREEMENT_UNUSED concerns an agreement that won no placement of the year).
    @inlinable
    public static func winsAlongside(_ winner: Agreement, _ other: Agreement, student: String, start: Day, end: Day) -> Bool {
        other.siteIndex == winner.siteIndex && other.disciplineIndex == winner.disciplineIndex && other.kind == winner.kind
            && isCandidate(other, forStudent: student) && covers(other, from: start, to: end)
    }

    /// Matches one placement. `candidates` calls its argument with every agreement at the
    /// placement's site for its discipline or an ancestor, as (depth, index in `agreements`),
    /// depth 0 being the placement's own discipline; the engine finds them through its index.
    @inlinable
    public static func match(student: String, start: Day, end: Day, agreements: [Agreement],
                             candidates: ((_ depth: Int, _ index: Int) -> Void) -> Void) -> Match {
        var best: (depth: Int, index: Int)?
        var candidateCount = 0
        candidates { depth, index in
            // Agreements are read in place: a copy retains its strings.
            guard isCandidate(agreements[index], forStudent: student) else { return }
            candidateCount += 1
            guard covers(agreements[index], from: start, to: end) else { return }
            if let current = best, !beats(agreements[index], depth: depth, agreements[current.index], bestDepth: current.depth) {
                return
            }
            best = (depth, index)
        }
        if let best { return .agreement(best.index) }
        return candidateCount > 0 ? .outsideValidity : .noAgreement
    }
}
