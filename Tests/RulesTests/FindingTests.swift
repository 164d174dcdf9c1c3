// Hand-worked cases of the finding rules: when each is made, its key and its message.

import Rules
import Domain
import Testing

@Suite("Rules: findings")
struct RuleFindingTests {
    let settings = ReconcileSettings(asOf: day("2026-03-01"))

    @Test("EVALUATION_MISSING when as-of − end > 30 days and no final evaluation")
    func evaluationMissing() {
        // Ended 30 January: 30 days before 1 March, not yet overdue; 29 January is.
        #expect(!PlacementFindings.isEvaluationOverdue(finalScore: nil, end: day("2026-01-30"), settings: settings))
        #expect(PlacementFindings.isEvaluationOverdue(finalScore: nil, end: day("2026-01-29"), settings: settings))
        #expect(!PlacementFindings.isEvaluationOverdue(finalScore: 14, end: day("2025-01-29"), settings: settings))
        let finding = PlacementFindings.evaluationMissing(placement("r1", from: "2026-01-02", to: "2026-01-29"), settings: settings)
        #expect(finding.code == .evaluationMissing)
        #expect(finding.message == "r1 at AZGR in HEEL ended 2026-01-29 and has no final evaluation (31 days)")
    }

    @Test("NO_AGREEMENT names an individual agreement at a non-recognised site")
    func noAgreement() {
        let abroad = Site(code: "XX", name: "Abroad", kind: .hospital, region: .abroad, city: "", country: "NL",
                          source: SourceLocation(path: "sites.yml", line: 1))
        var home = abroad
        home.region = .central
        let stay = placement("r1", from: "2025-09-01", to: "2025-09-28")
        #expect(PlacementFindings.unmatched(stay, .noAgreement, at: abroad).message.hasSuffix("no approved individual agreement"))
        #expect(PlacementFindings.unmatched(stay, .noAgreement, at: home).message.hasSuffix(": no agreement"))
        #expect(PlacementFindings.unmatched(stay, .outsideValidity, at: home).code == .outsideValidity)
    }

    @Test("AGREEMENT_EXPIRING when as-of ≤ valid_to ≤ as-of + 90 days; framework agreements only")
    func expiring() {
        #expect(AgreementFindings.expiring(agreement("A-1", from: "2025-07-01", to: "2026-05-30"), settings: settings) != nil)
        #expect(AgreementFindings.expiring(agreement("A-1", from: "2025-07-01", to: "2026-05-31"), settings: settings) == nil)
        #expect(AgreementFindings.expiring(agreement("A-1", from: "2025-07-01", to: "2026-02-28"), settings: settings) == nil)
        let individual = agreement("I-1", from: "2025-07-01", to: "2026-03-10", kind: .individual, student: "r1")
        #expect(AgreementFindings.expiring(individual, settings: settings) == nil)
    }

    @Test("AGREEMENT_UNUSED per reported year overlapping the validity with no placement")
    func unused() {
        let years = [PlacementYear(startYear: 2024), PlacementYear(startYear: 2025)]
        let agreements = [agreement("A-1", from: "2025-01-01", to: "2025-12-31")]
        let findings = AgreementFindings.findings(agreements, years: years, settings: ReconcileSettings(asOf: day("2027-01-01"))) {
            _, year in year.startYear == 2025
        }
        #expect(findings.map(\.key) == ["agreement=A-1 year=2024-2025"])
    }

    @Test("OVERLAPPING_PLACEMENTS: one per pair sharing a day, in a fixed order")
    func overlapping() {
        let placements = [placement("r1", site: "AZGR", from: "2025-09-01", to: "2025-09-28", line: 2),
                          placement("r1", site: "UZG", from: "2025-09-15", to: "2025-10-12", line: 3),
                          placement("r1", site: "AZAL", from: "2025-09-20", to: "2025-09-21", line: 4),
                          placement("r1", site: "AZAL", from: "2025-10-13", to: "2025-10-20", line: 5)]
        let findings = OverlapFindings.findings(ofOneStudent: placements[...])
        #expect(findings.count == 3)
        #expect(findings.allSatisfy { $0.code == .overlappingPlacements })
        #expect(findings[0].key.hasPrefix("student=r1 site=AZGR") && findings[0].key.contains(" & student=r1 site=UZG"))
    }

    @Test("WEEKS_MISMATCH and DUPLICATE_EVALUATION messages list the values sorted")
    func evaluationFindings() {
        let stay = placement("r1", from: "2025-09-01", to: "2025-09-28")
        let mismatch = EvaluationFindings.weeksMismatch(stay, statedWeeks: [6, 5], rows: stay.sources)
        #expect(mismatch.message == "r1 at AZGR in HEEL from 2025-09-01: rows state 5, 6 weeks, the dates 2025-09-01–2025-09-28 give 4")
        let duplicate = EvaluationFindings.duplicateEvaluation(stay, scores: [14, 12, 14], rows: stay.sources)
        #expect(duplicate.message.contains("has 3 final evaluations that disagree (12.0, 14.0)"))
    }

    @Test("findings are listed errors first, then in SPEC §4's order of codes, then by key")
    func listingOrder() {
        let findings = [Finding(code: .agreementUnused, key: "a", message: "", sources: []),
                        Finding(code: .noAgreement, key: "b", message: "", sources: []),
                        Finding(code: .unknownDiscipline, key: "c", message: "", sources: []),
                        Finding(code: .noAgreement, key: "a", message: "", sources: [])]
        #expect(Finding.inListingOrder(findings).map { "\($0.code.rawValue) \($0.key)" }
            == ["UNKNOWN_DISCIPLINE c", "NO_AGREEMENT a", "NO_AGREEMENT b", "AGREEMENT_UNUSED a"])
        #expect(Finding.inListingOrder(findings) == findings.sorted())
    }
}
