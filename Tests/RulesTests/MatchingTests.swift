// Hand-worked cases of SPEC §5 "Matching".

import Rules
import Domain
import Testing

@Suite("Rules: matching")
struct MatchingTests {
    /// Matches a placement of `student` over [from, to] against `candidates` (depth, agreement).
    func match(_ student: String, _ from: String, _ to: String, _ candidates: [(Int, Agreement)]) -> Match {
        let agreements = candidates.map(\.1)
        return Matching.match(student: student, start: day(from), end: day(to), agreements: agreements) { visit in
            for (index, candidate) in candidates.enumerated() { visit(candidate.0, index) }
        }
    }

    @Test("a placement must fit inside one agreement; consecutive agreements do not add up")
    func fitsInsideOne() {
        let first = agreement("A-1", from: "2025-07-01", to: "2025-09-30")
        let second = agreement("A-2", from: "2025-10-01", to: "2026-06-30")
        #expect(match("r1", "2025-09-01", "2025-09-28", [(0, first), (0, second)]) == .agreement(0))
        // Straddles 30 September: some candidate, no match.
        #expect(match("r1", "2025-09-15", "2025-10-12", [(0, first), (0, second)]) == .outsideValidity)
        #expect(match("r1", "2025-09-15", "2025-10-12", []) == .noAgreement)
    }

    @Test("the most specific discipline wins, then individual over framework, then the lowest id")
    func preference() {
        let group = agreement("G-1", discipline: "INT", from: "2025-07-01", to: "2026-06-30")
        let own = agreement("Z-9", discipline: "INT-CAR", from: "2025-07-01", to: "2026-06-30")
        #expect(match("r1", "2025-09-01", "2025-09-28", [(1, group), (0, own)]) == .agreement(1))
        let framework = agreement("A-1", from: "2025-07-01", to: "2026-06-30")
        let individual = agreement("I-7", slots: 1, from: "2025-07-01", to: "2026-06-30", kind: .individual, student: "r1")
        #expect(match("r1", "2025-09-01", "2025-09-28", [(0, framework), (0, individual)]) == .agreement(1))
        let lower = agreement("A-0", from: "2025-07-01", to: "2026-06-30")
        #expect(match("r1", "2025-09-01", "2025-09-28", [(0, framework), (0, lower)]) == .agreement(1))
    }

    @Test("every winner counts: two framework agreements of one row, both valid, win together")
    func severalWinners() {
        // of one site and discipline, both valid over the placement: A-1 (the lowest id)
        // is named, and A-2 wins alongside it. A-3 ends before the placement ends, the individual
        // one is of another kind, and G-1 (the group, one level up) is less specific: none wins.
        let first = agreement("A-1", from: "2025-07-01", to: "2026-06-30")
        let second = agreement("A-2", slots: 1, from: "2025-09-01", to: "2025-12-31")
        let short = agreement("A-3", from: "2025-07-01", to: "2025-09-20")
        let individual = agreement("I-1", slots: 1, from: "2025-07-01", to: "2026-06-30", kind: .individual, student: "r1")
        var group = agreement("G-1", discipline: "INT", from: "2025-07-01", to: "2026-06-30")
        group.disciplineIndex = 1
        #expect(match("r1", "2025-09-01", "2025-09-28", [(0, second), (0, first), (0, short), (1, group)]) == .agreement(1))
        let alongside = { (other: Agreement) in
            Matching.winsAlongside(first, other, student: "r1", start: day("2025-09-01"), end: day("2025-09-28"))
        }
        #expect(alongside(second))
        #expect(!alongside(short), "not valid on every day of the placement")
        #expect(!alongside(individual), "another kind")
        #expect(!alongside(group), "another row: the group's")
        // Two individual agreements naming the student win together; one naming another student does not.
        let own = agreement("I-2", slots: 1, from: "2025-07-01", to: "2026-06-30", kind: .individual, student: "r1")
        let others = agreement("I-3", slots: 1, from: "2025-07-01", to: "2026-06-30", kind: .individual, student: "r2")
        #expect(Matching.winsAlongside(individual, own, student: "r1", start: day("2025-09-01"), end: day("2025-09-28")))
        #expect(!Matching.winsAlongside(individual, others, student: "r1", start: day("2025-09-01"), end: day("2025-09-28")))
    }

    @Test("an individual agreement is a candidate only for the student it names")
    func individualForItsStudent() {
        let individual = agreement("I-7", slots: 1, from: "2025-07-01", to: "2026-06-30", kind: .individual, student: "r1")
        #expect(match("r2", "2025-09-01", "2025-09-28", [(0, individual)]) == .noAgreement)
        #expect(Matching.isCandidate(individual, forStudent: "r1"))
        #expect(!Matching.isCandidate(individual, forStudent: "r2"))
    }

    @Test("validity contains every day of the placement, ends included")
    func covers() {
        let september = agreement("A-1", from: "2025-09-01", to: "2025-09-28")
        #expect(Matching.covers(september, from: day("2025-09-01"), to: day("2025-09-28")))
        #expect(!Matching.covers(september, from: day("2025-08-31"), to: day("2025-09-28")))
        #expect(!Matching.covers(september, from: day("2025-09-01"), to: day("2025-09-29")))
    }
}
