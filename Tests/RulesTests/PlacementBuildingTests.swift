// Hand-worked cases of SPEC §4 (building a placement): weeks, ends, kinds, final evaluations.

import Rules
import Domain
import Testing

/// A day written as yyyy-mm-dd (test data only).
func day(_ text: String) -> Day {
    let parts = text.split(separator: "-").compactMap { Int($0) }
    guard parts.count == 3, let value = Day(year: parts[0], month: parts[1], day: parts[2]) else {
        preconditionFailure("bad test date \(text)")
    }
    return value
}

@Suite("Rules: building a placement")
struct PlacementBuildingTests {
    @Test("weeks = ⌈(end − start + 1 day) / 7⌉")
    func weeks() {
        // 1–28 September: 28 days, 4 weeks; one day more is a fifth, started week.
        #expect(PlacementBuilding.weeks(from: day("2025-09-01"), to: day("2025-09-28")) == 4)
        #expect(PlacementBuilding.weeks(from: day("2025-09-01"), to: day("2025-09-29")) == 5)
        // One day is one week.
        #expect(PlacementBuilding.weeks(from: day("2025-09-01"), to: day("2025-09-01")) == 1)
    }

    @Test("a start and weeks give end = start + 7 × weeks − 1 day")
    func endFromWeeks() {
        #expect(PlacementBuilding.end(start: day("2025-09-01"), weeks: 4) == day("2025-09-28"))
        #expect(PlacementBuilding.statedEnd(start: day("2025-09-01"), end: nil, weeks: 2) == day("2025-09-14"))
        // A stated end wins over stated weeks.
        #expect(PlacementBuilding.statedEnd(start: day("2025-09-01"), end: day("2025-09-10"), weeks: 2) == day("2025-09-10"))
        #expect(PlacementBuilding.statedEnd(start: day("2025-09-01"), end: nil, weeks: nil) == nil)
    }

    @Test("the end most rows state wins; on a tie the later")
    func chosenEnd() {
        let a = day("2025-09-28"), b = day("2025-10-05")
        #expect(PlacementBuilding.chosenEnd([(end: a, rows: 2), (end: b, rows: 1)]) == a)
        #expect(PlacementBuilding.chosenEnd([(end: b, rows: 1), (end: a, rows: 1)]) == b)
        #expect(PlacementBuilding.chosenEnd([(end: Day, rows: Int)]()) == nil)
    }

    @Test("the kind most rows state; on a tie the first code alphabetically")
    func mostStatedKind() {
        #expect(PlacementBuilding.mostStatedKind { $0 == .hospital ? 2 : $0 == .abroad ? 1 : 0 } == .hospital)
        // hospital and abroad tie: "abroad" < "hospital".
        #expect(PlacementBuilding.mostStatedKind { $0 == .hospital || $0 == .abroad ? 1 : 0 } == .abroad)
        #expect(PlacementBuilding.mostStatedKind { _ in 0 } == nil)
    }

    @Test("WEEKS_MISMATCH only for rows that state other weeks")
    func statesOtherWeeks() {
        #expect(PlacementBuilding.statesOtherWeeks(5, datesGive: 4))
        #expect(!PlacementBuilding.statesOtherWeeks(4, datesGive: 4))
        #expect(!PlacementBuilding.statesOtherWeeks(nil, datesGive: 4))
    }

    @Test("a placement belongs to the year containing its start (1 July–30 June)")
    func year() {
        #expect(PlacementBuilding.year(of: day("2025-06-30")).description == "2024-2025")
        #expect(PlacementBuilding.year(of: day("2025-07-01")).description == "2025-2026")
    }

    @Test("final evaluation: only supervisors' final rows; the last submitted, then the lower score, then the earlier row")
    func finalEvaluation() {
        #expect(FinalEvaluations.counts(role: .supervisor, status: .final))
        #expect(!FinalEvaluations.counts(role: .resident, status: .final))
        #expect(!FinalEvaluations.counts(role: .supervisor, status: .submitted))
        func final(_ score: Double, _ submitted: String?, row: Int) -> FinalEvaluation<Int> {
            FinalEvaluation(score: score, criteria: CriterionScores(), submitted: submitted.map(day), position: row)
        }
        // Submitted later wins even with a lower row.
        let later = FinalEvaluations.chosen([final(14, "2025-10-01", row: 1), final(12, "2025-10-03", row: 2)])
        #expect(later?.score == 12)
        // Same day: the lower score.
        #expect(FinalEvaluations.chosen([final(15, "2025-10-01", row: 1), final(13, "2025-10-01", row: 2)])?.score == 13)
        // A date beats none.
        #expect(FinalEvaluations.chosen([final(15, nil, row: 1), final(16, "2025-10-01", row: 2)])?.score == 16)
        // Same day and score: the earlier row, whatever the order read.
        #expect(FinalEvaluations.chosen([final(13, "2025-10-01", row: 9), final(13, "2025-10-01", row: 3)])?.position == 3)
        let finals = [final(14, "2025-10-01", row: 1), final(12, "2025-10-03", row: 2)]
        #expect(FinalEvaluations.disagree(finals, chosen: finals[1]))
        #expect(!FinalEvaluations.disagree([finals[1]], chosen: finals[1]))
    }
}
