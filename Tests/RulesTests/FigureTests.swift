// Hand-worked cases of SPEC §5's figures.

import Rules
import Domain
import Testing

@Suite("Rules: figures")
struct FigureTests {
    let year = PlacementYear(startYear: 2025)

    @Test("capacity weeks = Σ slots × days of validity inside the year / 7; utilisation over the unrounded capacity")
    func capacity() {
        // 2 slots from 1 May to 31 July 2025: 31 days (1–31 July) inside 2025-2026.
        let agreement = agreement("A-1", slots: 2, from: "2025-05-01", to: "2025-07-31")
        #expect(CapacityFigures.daysInside(agreement, year) == 31)
        #expect(CapacityFigures.slotDays(agreement, in: year) == 62)
        #expect(CapacityFigures.capacityWeeks(slotDays: 62) == Ratio(62, 7))
        // 8 used weeks against 62/7 capacity weeks: 56/62.
        #expect(CapacityFigures.utilisation(usedWeeks: 8, slotDays: 62) == Ratio(56, 62))
        #expect(CapacityFigures.utilisation(usedWeeks: 8, slotDays: 0) == nil)
        #expect(!CapacityFigures.isValid(agreement, in: PlacementYear(startYear: 2026)))
    }

    @Test("coverage: recognised weeks are those matched to a framework agreement")
    func coverage() {
        let agreements = [agreement("A-1", from: "2025-07-01", to: "2026-06-30"),
                          agreement("I-1", from: "2025-07-01", to: "2026-06-30", kind: .individual, student: "r1")]
        #expect(CoverageFigures.isRecognised(.agreement(0), agreements: agreements))
        #expect(!CoverageFigures.isRecognised(.agreement(1), agreements: agreements))
        #expect(!CoverageFigures.isRecognised(.noAgreement, agreements: agreements))
        #expect(CoverageFigures.shareNonRecognised(nonRecognisedWeeks: 4, studentWeeks: 0) == nil)
        #expect(CoverageFigures.capacityCoverage(recognisedSlotDays: 700, studentWeeks: 50) == Ratio(700, 350))
    }

    @Test("audit: ended before as-of, means in hundredths half up, empty under the minimum")
    func audit() {
        let stay = placement("r1", from: "2025-09-01", to: "2025-09-28")
        #expect(AuditFigures.hasEnded(stay, asOf: day("2025-09-29")))
        #expect(!AuditFigures.hasEnded(stay, asOf: day("2025-09-28")))
        #expect(AuditFigures.isWithoutAgreement(.outsideValidity))
        #expect(!AuditFigures.isWithoutAgreement(.agreement(3)))
        #expect(AuditFigures.mean(sum: 70, count: 5, minimum: 5) == Ratio(1400, 100))
        #expect(AuditFigures.mean(sum: 56, count: 4, minimum: 5) == nil)
        #expect(AuditFigures.completeness(finallyEvaluated: 3, ended: 4) == Ratio(3, 4))
        #expect(AuditFigures.completeness(finallyEvaluated: 0, ended: 0) == nil)
    }

    @Test("progress: passed at the pass mark; scientific placements count towards SCIENTIFIC")
    func progress() {
        #expect(Progress.passes(finalScore: 10, passMark: 10))
        #expect(!Progress.passes(finalScore: 9.99, passMark: 10))
        #expect(!Progress.passes(finalScore: nil, passMark: 10))
        #expect(Progress.total(of: .scientific) == .scientific)
        #expect(Progress.total(of: .abroad) == .clinical)
        #expect(Progress.total(of: nil) == .clinical)
        #expect(Progress.isMet(passedWeeks: 8, requiredWeeks: 8))
        #expect(!Progress.isMet(passedWeeks: 7, requiredWeeks: 8))
    }
}
