import Ingest
import Normalize
import Reconcile
import Domain
import Testing

/// Each finding of SPEC §4, provoked by the smallest input, with its code, severity, key and rows.
@Suite("Findings")
struct FindingTests {
    @Test func unknownSite() throws {
        let result = try reconcile([agreement("A1"), evaluation("r1", site: "AZ Sint-Jan Brugg", line: 7),
                                    evaluation("r2", site: "AZ  sint-jan brugg ", line: 9)])
        let finding = try #require(result.findings(.unknownSite).first)
        #expect(result.findings(.unknownSite).count == 1, "two spellings with one canonical form are one finding")
        #expect(finding.severity == .error)
        #expect(finding.key == "site=az sint jan brugg")
        #expect(finding.sources == [at(7), at(9)])
        #expect(finding.message.contains("closest: AZ Sint-Jan Brugge (AZSJ)"))
        #expect(result.placements.isEmpty)
    }

    @Test func unknownDiscipline() throws {
        let result = try reconcile([agreement("A1"), evaluation("r1", discipline: "cardiolgie", line: 4)])
        let finding = try #require(result.findings(.unknownDiscipline).first)
        #expect(finding.severity == .error)
        #expect(finding.key == "discipline=cardiolgie")
        #expect(finding.sources == [at(4)])
        #expect(finding.message.contains("cardiologie (IG-CAR)"))
    }

    @Test func noAgreement() throws {
        let result = try reconcile([agreement("A1", discipline: "heelkunde"), evaluation("r1", line: 3)])
        let finding = try #require(result.findings(.noAgreement).first)
        #expect(finding.severity == .warning)
        #expect(finding.key == "student=r1 site=AZSJ discipline=IG-CAR start=2025-09-01")
        #expect(finding.sources == [at(3)])
        #expect(result.placements.first?.match == .noAgreement)
    }

    @Test("at a site abroad: no approved individual agreement")
    func noIndividualAgreement() throws {
        let result = try reconcile([agreement("I1", site: "NECK", slots: 1, kind: .individual, student: "r9"),
                                    evaluation("r1", site: "NECK", line: 3)])
        let finding = try #require(result.findings(.noAgreement).first)
        #expect(finding.message.contains("no approved individual agreement"))
    }

    @Test func outsideValidity() throws {
        let result = try reconcile([agreement("A1", to: "2025-09-20"), evaluation("r1", line: 5)])
        let finding = try #require(result.findings(.outsideValidity).first)
        #expect(finding.severity == .warning)
        #expect(finding.key == "student=r1 site=AZSJ discipline=IG-CAR start=2025-09-01")
        #expect(result.findings(.noAgreement).isEmpty)
    }

    @Test("consecutive agreements do not add up: the placement must fit inside one")
    func consecutiveAgreements() throws {
        let result = try reconcile([agreement("A1", to: "2025-09-14"), agreement("A2", from: "2025-09-15"),
                                    evaluation("r1", line: 5)])
        #expect(result.findings(.outsideValidity).count == 1)
    }

    @Test("over capacity: one finding per maximal run of days, with the placements behind it")
    func overCapacity() throws {
        let result = try reconcile([
            agreement("A1", slots: 1, line: 2),
            evaluation("r1", start: "2025-09-01", end: "2025-09-28", line: 10),
            evaluation("r2", start: "2025-09-15", end: "2025-10-12", line: 11),
            evaluation("r3", start: "2025-10-06", end: "2025-10-19", line: 12),
        ])
        let findings = result.findings(.overCapacity)
        // r1+r2 overlap 15–28 September; r2+r3 overlap 6–12 October: two runs.
        #expect(findings.map(\.key) == ["site=AZSJ discipline=IG-CAR from=2025-09-15", "site=AZSJ discipline=IG-CAR from=2025-10-06"])
        #expect(findings[0].message.contains("2 students placed against 1 slots on 14 days, 2025-09-15–2025-09-28"))
        #expect(findings[0].sources == [at(10), at(11)])
        #expect(findings[1].message.contains("on 7 days, 2025-10-06–2025-10-12"))
        #expect(findings.allSatisfy { $0.severity == .warning })
    }

    @Test("a run of over-capacity days is not cut at 30 June")
    func overCapacityAcrossYears() throws {
        let result = try reconcile([
            agreement("A1", slots: 1, from: "2025-01-01", to: "2026-12-31"),
            evaluation("r1", start: "2026-06-15", end: "2026-07-12", line: 10),
            evaluation("r2", start: "2026-06-22", end: "2026-07-05", line: 11),
        ])
        let findings = result.findings(.overCapacity)
        #expect(findings.count == 1)
        #expect(findings.first?.message.contains("on 14 days, 2026-06-22–2026-07-05") == true)
    }

    @Test("days without slots are never over capacity")
    func zeroSlots() throws {
        let result = try reconcile([agreement("A1", slots: 0), evaluation("r1", line: 2), evaluation("r2", line: 3)])
        #expect(result.findings(.overCapacity).isEmpty)
    }

    @Test("evaluation missing: more than 30 days after the end, no final row")
    func evaluationMissing() throws {
        // Ends 28 September; 31 days later is 29 October.
        let rows = [agreement("A1"), evaluation("r1", role: .resident, status: .submitted, line: 6)]
        #expect(try reconcile(rows, asOf: "2025-10-28").findings(.evaluationMissing).isEmpty)
        let late = try reconcile(rows, asOf: "2025-10-29")
        let finding = try #require(late.findings(.evaluationMissing).first)
        #expect(finding.severity == .warning && finding.sources == [at(6)])
        #expect(finding.key == "student=r1 site=AZSJ discipline=IG-CAR start=2025-09-01")
        let evaluated = try reconcile([agreement("A1"), evaluation("r1", line: 6)], asOf: "2026-01-01")
        #expect(evaluated.findings(.evaluationMissing).isEmpty)
    }

    @Test("duplicate evaluation: two final rows disagree; the latest submitted counts, on a tie the lower score")
    func duplicateEvaluation() throws {
        let result = try reconcile([agreement("A1"),
                                    evaluation("r1", score: 15, submitted: "2025-10-01", line: 3),
                                    evaluation("r1", score: 12, submitted: "2025-10-05", line: 4),
                                    evaluation("r1", role: .resident, status: .submitted, score: 9, line: 5)])
        let finding = try #require(result.findings(.duplicateEvaluation).first)
        #expect(finding.sources == [at(3), at(4)])
        #expect(result.placements.first?.placement.finalScore == 12)
        let tie = try reconcile([agreement("A1"), evaluation("r1", score: 15, line: 3), evaluation("r1", score: 12, line: 4)])
        #expect(tie.placements.first?.placement.finalScore == 12)
        let agreeing = try reconcile([agreement("A1"), evaluation("r1", score: 15, line: 3), evaluation("r1", score: 15, line: 4)])
        #expect(agreeing.findings(.duplicateEvaluation).isEmpty)
    }

    @Test("overlapping placements: one finding per pair")
    func overlapping() throws {
        let result = try reconcile([agreement("A1", slots: 5), agreement("A2", discipline: "heelkunde", slots: 5),
                                    evaluation("r1", line: 3),
                                    evaluation("r1", discipline: "heelkunde", start: "2025-09-28", end: "2025-10-12", line: 4),
                                    evaluation("r1", discipline: "chirurgie", start: "2025-09-29", end: "2025-10-26", line: 5)])
        let findings = result.findings(.overlappingPlacements)
        // 1–28 Sep with 28 Sep–12 Oct (one day); 28 Sep–12 Oct with 29 Sep–26 Oct. 1–28 Sep and 29 Sep– do not touch.
        #expect(findings.count == 2)
        #expect(findings.allSatisfy { $0.severity == .warning })
        #expect(findings.contains { $0.sources == [at(3), at(4)] })
    }

    @Test("weeks mismatch: a row states other weeks than the dates give; weeks come from the dates")
    func weeksMismatch() throws {
        let result = try reconcile([agreement("A1"), evaluation("r1", weeks: 4, line: 3),
                                    evaluation("r1", weeks: 5, role: .resident, status: .submitted, line: 4)])
        let finding = try #require(result.findings(.weeksMismatch).first)
        #expect(finding.sources == [at(4)])
        #expect(result.placements.first?.placement.weeks == 4)
    }

    @Test("expiring: as-of ≤ valid_to ≤ as-of + 90 days, framework agreements only")
    func expiring() throws {
        let rows = [agreement("A1", to: "2026-10-13"), agreement("I1", to: "2026-08-01", kind: .individual, student: "r1")]
        #expect(try reconcile(rows, asOf: "2026-07-15").findings(.agreementExpiring).map(\.key) == ["agreement=A1"])
        #expect(try reconcile(rows, asOf: "2026-07-14").findings(.agreementExpiring).isEmpty, "91 days ahead")
        #expect(try reconcile(rows, asOf: "2026-10-13").findings(.agreementExpiring).count == 1, "ends on the as-of date")
        #expect(try reconcile(rows, asOf: "2026-10-14").findings(.agreementExpiring).isEmpty)
        #expect(try reconcile(rows).findings(.agreementExpiring).first?.severity == .info)
    }

    @Test("unused: per framework agreement and reported year it overlaps, with no placement of that year")
    func unused() throws {
        let result = try reconcile([agreement("A1", from: "2024-07-01", to: "2026-06-30"),
                                    agreement("A2", discipline: "heelkunde", from: "2024-07-01", to: "2025-06-30"),
                                    evaluation("r1", line: 3),
                                    evaluation("r2", start: "2024-09-02", end: "2024-09-29", line: 4)])
        // Reported years: 2024-2025 and 2025-2026. A1 is used in both; A2 (valid 2024-2025 only) in neither.
        #expect(result.findings(.agreementUnused).map(\.key) == ["agreement=A2 year=2024-2025"])
        #expect(result.findings(.agreementUnused).first?.severity == .info)
    }

    @Test("unused: every winner counts as used, not only the lowest id (issue 18's reproduction)")
    func unusedWithSeveralWinners() throws {
        // A-1 (2 slots) and A-2 (1 slot), same site and discipline, both valid all year; three
        // students overlap in September. Both win each placement: neither is unused, the
        // placements name A-1, and the row has 3 slots, so 3 students are not over capacity.
        let result = try reconcile([agreement("A-2", slots: 1), agreement("A-1", slots: 2),
                                    evaluation("r1", line: 3), evaluation("r2", line: 4), evaluation("r3", line: 5)])
        #expect(result.findings(.agreementUnused).isEmpty)
        #expect(result.placements.map { $0.match.agreementIndex.map { result.agreements[$0].id } } == ["A-1", "A-1", "A-1"])
        #expect(result.findings(.overCapacity).isEmpty)
        // With a fourth student the row is over capacity (4 > 2 + 1), and still neither is unused.
        let four = try reconcile([agreement("A-2", slots: 1), agreement("A-1", slots: 2), evaluation("r1", line: 3),
                                  evaluation("r2", line: 4), evaluation("r3", line: 5), evaluation("r4", line: 6)])
        #expect(four.findings(.overCapacity).count == 1)
        #expect(four.findings(.agreementUnused).isEmpty)
        // A-2 valid only until 20 September does not win the September placements: it is unused.
        let short = try reconcile([agreement("A-2", slots: 1, to: "2025-09-20"), agreement("A-1", slots: 2),
                                   evaluation("r1", line: 3), evaluation("r2", line: 4)])
        #expect(short.findings(.agreementUnused).map(\.key) == ["agreement=A-2 year=2025-2026"])
    }
}

@Suite("Matching and placement edges")
struct MatchingTests {
    @Test("validity includes both ends")
    func validityBoundaries() throws {
        let exact = try reconcile([agreement("A1", from: "2025-09-01", to: "2025-09-28"), evaluation("r1", line: 2)])
        #expect(exact.placements.first?.match == .agreement(0))
        let short = try reconcile([agreement("A1", from: "2025-09-02", to: "2025-09-28"), evaluation("r1", line: 2)])
        #expect(short.placements.first?.match == .outsideValidity)
    }

    @Test("a placement starting 30 June belongs to the year before one starting 1 July")
    func yearBoundary() throws {
        let result = try reconcile([agreement("A1", from: "2025-01-01", to: "2026-12-31"),
                                    evaluation("r1", start: "2025-06-30", end: "2025-07-13", line: 2),
                                    evaluation("r2", start: "2025-07-01", end: "2025-07-14", line: 3)])
        #expect(result.placements.map(\.placement.year.description) == ["2024-2025", "2025-2026"])
        #expect(result.years.map(\.description) == ["2024-2025", "2025-2026"])
    }

    @Test("weeks and end dates across a leap day")
    func leapDay() throws {
        // 2028-02-28 + 7 × 1 − 1 = 2028-03-05 (29 February exists in 2028).
        let result = try reconcile([agreement("A1", from: "2028-01-01", to: "2028-12-31"),
                                    evaluation("r1", start: "2028-02-28", end: nil, weeks: 1, line: 2),
                                    evaluation("r2", start: "2028-02-01", end: "2028-02-29", line: 3)])
        let placements = result.placements.map(\.placement)
        #expect(placements.first { $0.student == "r1" }?.end == day("2028-03-05"))
        #expect(placements.first { $0.student == "r2" }?.weeks == 5, "29 days is ⌈29/7⌉ = 5 weeks")
    }

    @Test("a group agreement covers a sub-discipline; the most specific agreement wins")
    func groupVersusSubDiscipline() throws {
        let groupOnly = try reconcile([agreement("G1", discipline: "interne geneeskunde"), evaluation("r1", line: 2)])
        #expect(groupOnly.placements.first?.match == .agreement(0))
        let both = try reconcile([agreement("G1", discipline: "interne geneeskunde"), agreement("S1"), evaluation("r1", line: 2)])
        guard case .agreement(let index) = both.placements.first?.match else {
            Issue.record("expected a match")
            return
        }
        #expect(both.agreements[index].id == "S1")
        let subOnly = try reconcile([agreement("S1"), evaluation("r1", discipline: "interne geneeskunde", line: 2)])
        #expect(subOnly.placements.first?.match == .noAgreement, "an agreement for cardiology does not cover internal medicine")
    }

    @Test("an individual agreement for another student does not match; at equal discipline individual beats framework")
    func individualAgreements() throws {
        let other = try reconcile([agreement("I1", site: "NECK", kind: .individual, student: "r2"), evaluation("r1", site: "NECK", line: 2)])
        #expect(other.placements.first?.match == .noAgreement)
        let both = try reconcile([agreement("F1"), agreement("I1", kind: .individual, student: "r1"), evaluation("r1", line: 2)])
        guard case .agreement(let index) = both.placements.first?.match else {
            Issue.record("expected a match")
            return
        }
        #expect(both.agreements[index].id == "I1")
    }

    @Test("a name close to two sites is not matched to either")
    func ambiguousName() throws {
        let twins = [Site(code: "AZSJ2", name: "AZ Sint-Jan Brussel", kind: .hospital, region: .peripheral, city: "Brussel",
                          country: "BE", source: at(1, "sites.yml"))]
        let result = try reconcile([agreement("A1"), evaluation("r1", site: "AZ Sint-Jan Brug", line: 2)],
                                   reference: try reference(extraSites: twins))
        #expect(result.placements.isEmpty)
        let finding = try #require(result.findings(.unknownSite).first)
        #expect(finding.message.contains("AZ Sint-Jan Brugge (AZSJ)") && finding.message.contains("AZ Sint-Jan Brussel (AZSJ2)"))
    }

    @Test("names resolve by canonical form: case, accents, A.Z., St., campus suffixes, non-breaking spaces, codes, aliases")
    func resolution() throws {
        let resolver = NameResolver(sites: try reference().sites)
        for typed in ["AZ Sint-Jan Brugge", "A.Z. Sint-Jan Brugge", "az st.-jan brugge", "AZ SINT-JAN BRUGGE - campus Sint-Jan",
                      "AZ\u{00A0}Sint-Jan Brugge", "azsj"] {
            #expect(resolver.resolve(typed) == "AZSJ", "\(typed)")
        }
        #expect(resolver.resolve("Groeninge, Kortrijk") == "AZGR")
        #expect(resolver.resolve("hopital necker") == "NECK")
        #expect(resolver.resolve("AZ Sint-Jan") == nil)
    }

    @Test("the same input gives the same fingerprints; reordering the rows changes nothing")
    func determinism() throws {
        let rows: [IngestedRecord] = [
            agreement("A1", slots: 1, line: 1), agreement("A2", discipline: "heelkunde", line: 2),
            evaluation("r1", score: 15, submitted: "2025-10-01", line: 3), evaluation("r1", score: 12, submitted: "2025-10-01", line: 4),
            evaluation("r2", start: "2025-09-15", end: "2025-10-12", line: 5), evaluation("r3", site: "Nergens", line: 6),
            evaluation("r2", discipline: "heelkunde", start: "2025-10-01", end: "2025-10-14", role: .resident, status: .submitted, line: 7),
        ]
        let first = try reconcile(rows)
        #expect(first.findings.count >= 5)
        #expect(try reconcile(rows).findings.map(\.fingerprint) == first.findings.map(\.fingerprint))
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5 {
            let shuffled = try reconcile(rows.shuffled(using: &generator))
            #expect(shuffled.findings == first.findings)
            #expect(shuffled.placements.map(\.placement) == first.placements.map(\.placement))
        }
        #expect(first.findings[0].fingerprint.count == 16)
    }
}

@Suite("Reference data")
struct ReferenceDataTests {
    let here = Location(path: "sites.yml", line: 3)
    let curriculum = Curriculum(requiredWeeks: [:], blocks: [], clinicalWeeks: 62, scientificWeeks: 16, passMark: 10)

    func site(_ code: String, _ name: String, aliases: [String] = [], line: Int = 3) -> Site {
        Site(code: code, name: name, aliases: aliases, kind: .hospital, region: .peripheral, city: "", country: "BE",
             source: Location(path: "sites.yml", line: line))
    }

    func discipline(_ code: String, parent: String? = nil, line: Int = 5) -> Discipline {
        Discipline(code: code, dutch: code.lowercased() + " nl", english: code.lowercased() + " en", parent: parent,
                   source: Location(path: "disciplines.yml", line: line))
    }

    func errors(sites: [Site] = [], disciplines: [Discipline] = [], curriculum given: Curriculum? = nil) -> [String] {
        do {
            _ = try ReferenceData(sites: sites, disciplines: disciplines, curriculum: given ?? curriculum)
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    @Test func duplicateCodes() {
        #expect(errors(sites: [site("A", "Een", line: 3), site("A", "Twee", line: 9)])
            == ["sites.yml:9: error: site code 'A' is used twice\n    first at sites.yml:3"])
        #expect(errors(disciplines: [discipline("X"), discipline("X", line: 8)]).first?.contains("discipline code 'X' is used twice") == true)
    }

    @Test func aliasClaimedByTwoSites() {
        let found = errors(sites: [site("A", "Een", aliases: ["Het Ziekenhuis"]), site("B", "Twee", aliases: ["het ziekenhuis"], line: 8)])
        #expect(found.first?.hasPrefix("sites.yml:8: error: 'het ziekenhuis' of site B reads the same as a name of site A") == true)
    }

    @Test func missingParentAndCycle() {
        #expect(errors(disciplines: [discipline("A", parent: "Z")]) == ["disciplines.yml:5: error: discipline A names parent 'Z', which does not exist"])
        let cycle = errors(disciplines: [discipline("A", parent: "B"), discipline("B", parent: "A", line: 9)])
        #expect(cycle.count == 2 && cycle.allSatisfy { $0.contains("is its own ancestor") })
    }

    @Test func curriculumNamesUnknownGroup() {
        let found = errors(disciplines: [discipline("A")],
                           curriculum: Curriculum(requiredWeeks: ["Q": 4], blocks: [], clinicalWeeks: 62, scientificWeeks: 16, passMark: 10))
        #expect(found.first?.contains("requires weeks of 'Q'") == true)
    }

    @Test("near-identical register names are a warning, not an error")
    func likelyDuplicates() throws {
        let data = try ReferenceData(sites: [site("A", "AZ Sint-Jan Brugge"), site("B", "AZ Sint Jan Bruge", line: 7), site("C", "UZ Gent")],
                                     disciplines: [], curriculum: curriculum)
        #expect(data.warnings.count == 1)
        #expect(data.warnings.first?.description.hasPrefix("sites.yml:7: warning: sites A 'AZ Sint-Jan Brugge' and B") == true)
    }
}

@Suite("Bounded edit distance")
struct BoundedEditDistanceTests {
    @Test("isWithin agrees with the full edit distance on 5,000 seeded random pairs")
    func agreesWithFullDistance() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let alphabet = Array("abcz ".unicodeScalars)
        for _ in 0..<5000 {
            let a = String(String.UnicodeScalarView((0..<next(9)).map { _ in alphabet[next(alphabet.count)] }))
            let b = String(String.UnicodeScalarView((0..<next(9)).map { _ in alphabet[next(alphabet.count)] }))
            let distance = EditDistance.between(a, b)
            for limit in 0...3 {
                #expect(EditDistance.isWithin(Array(a.unicodeScalars), Array(b.unicodeScalars), limit: limit) == (distance <= limit),
                        "'\(a)' '\(b)' distance \(distance) limit \(limit)")
            }
        }
    }
}
