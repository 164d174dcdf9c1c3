import Ingest
import Normalize
import Reconcile
@testable import Report
import Rules
import Domain
import TestSupport
import Testing

typealias Location = Domain.SourceLocation

func day(_ text: String) -> Day {
    guard case .success(let day) = DateParser(formats: [DateParser.iso]).parse(text) else { return Day(daysSinceEpoch: 0) }
    return day
}

/// One hospital; internal medicine (IG) with cardiology (IG-CAR) under it; surgery (HK).
func fixtureReference() throws -> ReferenceData {
    let here = Location(path: "ref.yml", line: 1)
    return try ReferenceData(
        sites: [Site(code: "AZSJ", name: "AZ Sint-Jan Brugge", kind: .hospital, region: .peripheral, city: "Brugge", country: "BE",
                     source: here)],
        disciplines: [Discipline(code: "IG", dutch: "interne geneeskunde", english: "internal medicine", parent: nil, source: here),
                      Discipline(code: "IG-CAR", dutch: "cardiologie", english: "cardiology", parent: "IG", source: here),
                      Discipline(code: "HK", dutch: "heelkunde", english: "surgery", parent: nil, source: here)],
        curriculum: Curriculum(requiredWeeks: ["IG": 8, "HK": 8], blocks: [], clinicalWeeks: 62, scientificWeeks: 16, passMark: 10))
}

func agreement(_ id: String, _ discipline: String, slots: Int, from: String, to: String) -> IngestedRecord {
    .agreement(AgreementRecord(agreementID: id, site: "AZSJ", discipline: discipline, slots: slots, validFrom: day(from),
                               validTo: day(to), kind: .framework, student: nil, supervisor: nil, source: Location(path: "a.csv", line: 1)))
}

func placement(_ student: String, _ discipline: String, _ start: String, _ end: String, score: Double = 14, line: Int) -> IngestedRecord {
    .evaluation(EvaluationRecord(student: student, site: "AZSJ", discipline: discipline, start: day(start), end: day(end), weeks: nil,
                                 placementKind: .hospital, role: .supervisor, status: .final,
                                 scores: CriterionScores(knowledgeAndSkills: score, patientContact: score - 1, teamwork: score + 1),
                                 finalScore: score,
                                 submitted: day(end), source: Location(path: "e.csv", line: line)))
}

@Suite("Capacity and coverage figures, worked out by hand")
struct FiguresTests {
    /// A1: cardiology, 2 slots, the whole year 2025-2026 (365 days).
    /// A2: cardiology, 1 slot, 1 January – 30 June 2026 (31+28+31+30+31+30 = 181 days): overlaps A1.
    /// A3: surgery, 1 slot, 1 July – 31 December 2025 (31+31+30+31+30+31 = 184 days): half a year, unused.
    /// r1 1–28 Sep, r2 15 Sep–12 Oct, r3 22 Sep–5 Oct: cardiology, all inside A1 (4, 4 and 2 weeks).
    /// r4: internal medicine (the group) 2 Feb–1 Mar 2026: A1/A2 are for cardiology only → NO_AGREEMENT.
    /// r5: cardiology 15 June–12 July 2026, across 30 June: no agreement covers all of it → OUTSIDE_VALIDITY.
    func reconciliation() throws -> (Reconciliation, ReferenceData) {
        let reference = try fixtureReference()
        var normalizer = Normalizer(reference: reference)
        for record in [
            agreement("A1", "cardiologie", slots: 2, from: "2025-07-01", to: "2026-06-30"),
            agreement("A2", "cardiologie", slots: 1, from: "2026-01-01", to: "2026-06-30"),
            agreement("A3", "heelkunde", slots: 1, from: "2025-07-01", to: "2025-12-31"),
            placement("r1", "cardiologie", "2025-09-01", "2025-09-28", line: 2),
            placement("r2", "cardiologie", "2025-09-15", "2025-10-12", line: 3),
            placement("r3", "cardiologie", "2025-09-22", "2025-10-05", line: 4),
            placement("r4", "interne geneeskunde", "2026-02-02", "2026-03-01", line: 5),
            placement("r5", "cardiologie", "2026-06-15", "2026-07-12", line: 6),
        ] { normalizer.add(record) }
        let reconciliation = Reconciler(reference: reference, settings: ReconcileSettings(asOf: day("2026-08-01")))
            .reconcile(try normalizer.finish())
        return (reconciliation, reference)
    }

    @Test func capacity() throws {
        let (reconciliation, reference) = try reconciliation()
        #expect(reconciliation.years.map(\.description) == ["2025-2026"], "r5 starts in 2025-2026; no placement starts later")
        let rows = Figures.capacity(reconciliation, reference: reference)
        #expect(rows.map { "\($0.site) \($0.discipline) \($0.year)" } == ["AZSJ HK 2025-2026", "AZSJ IG 2025-2026", "AZSJ IG-CAR 2025-2026"])

        // Surgery: 1 slot × 184 days = 184 slot-days = 26.285… weeks → 26.3; unused: 0 / 26.29 = 0.000.
        let surgery = rows[0]
        #expect(surgery.slots == 1 && surgery.slotDays == 184 && surgery.capacityWeeks.formatted(decimals: 1) == "26.3")
        #expect(surgery.usedWeeks == 0 && surgery.placements == 0 && surgery.students == 0)
        #expect(surgery.utilisation?.formatted(decimals: 3) == "0.000" && surgery.peakConcurrent == 0 && surgery.overCapacityDays == 0)

        // Unmatched placements at the group: r4 (4 weeks) and r5 (28 days = 4 weeks, wholly in 2025-2026).
        // No framework agreement: slots 0, capacity 0.0, utilisation empty; never more than one on a day.
        let group = rows[1]
        #expect(group.slots == 0 && group.capacityWeeks.formatted(decimals: 1) == "0.0" && group.utilisation == nil)
        #expect(group.usedWeeks == 8 && group.placements == 2 && group.students == 2)
        #expect(group.peakConcurrent == 1 && group.overCapacityDays == 0)

        // Cardiology: 2 × 365 + 1 × 181 = 911 slot-days = 130.142… weeks → 130.1; slots 2 until
        // 31 December, 3 from 1 January → 3. Used 4 + 4 + 2 = 10 weeks → 10 / 130.142… = 0.0768… → 0.077.
        // Per day: 1–14 Sep 1; 15–21 Sep 2; 22–28 Sep 3 (> 2 slots: 7 days over); 29 Sep–5 Oct 2; 6–12 Oct 1.
        let cardiology = rows[2]
        #expect(cardiology.slots == 3 && cardiology.slotDays == 911 && cardiology.capacityWeeks.formatted(decimals: 1) == "130.1")
        #expect(cardiology.usedWeeks == 10 && cardiology.placements == 3 && cardiology.students == 3)
        #expect(cardiology.utilisation?.formatted(decimals: 3) == "0.077")
        #expect(cardiology.peakConcurrent == 3 && cardiology.overCapacityDays == 7)
    }

    @Test func coverage() throws {
        let (reconciliation, reference) = try reconciliation()
        let rows = Figures.coverage(reconciliation, reference: reference)
        #expect(rows.map(\.group) == ["HK", "IG"])

        // Surgery: no placements, framework capacity 184 / 7 = 26.3; nothing to divide by.
        let surgery = rows[0]
        #expect(surgery.students == 0 && surgery.requiredWeeks == 8 && surgery.studentWeeks == 0)
        #expect(surgery.recognisedCapacityWeeks.formatted(decimals: 1) == "26.3" && surgery.shareNonRecognised == nil && surgery.capacityCoverage == nil)

        // Internal medicine (cardiology counts towards it): r1–r5, 4 + 4 + 2 + 4 + 4 = 18 weeks;
        // recognised (framework) 10, non-recognised 8 → 8 / 18 = 0.444; capacity 911 / 7 = 130.1;
        // coverage 130.142… / 18 = 7.2301… → 7.230.
        let medicine = rows[1]
        #expect(medicine.students == 5 && medicine.requiredWeeks == 8 && medicine.studentWeeks == 18)
        #expect(medicine.recognisedWeeks == 10 && medicine.nonRecognisedWeeks == 8)
        #expect(medicine.shareNonRecognised?.formatted(decimals: 3) == "0.444" && medicine.recognisedCapacityWeeks.formatted(decimals: 1) == "130.1")
        #expect(medicine.capacityCoverage?.formatted(decimals: 3) == "7.230")
    }

    /// Every placement has final score 14 (criteria 14, 13 and 15), at or above the pass mark 10.
    @Test func progress() throws {
        let (reconciliation, reference) = try reconciliation()
        let rows = Figures.progress(reconciliation, reference: reference)
        // Five students × (HK, IG, CLINICAL, SCIENTIFIC).
        #expect(rows.count == 20)
        let r1 = rows.filter { $0.student == "r1" }
        #expect(r1.map(\.part) == ["HK", "IG", "CLINICAL", "SCIENTIFIC"])
        #expect(r1.map(\.passedWeeks) == [0, 4, 4, 0])
        #expect(r1.map(\.requiredWeeks) == [8, 8, 62, 16])
        #expect(r1.allSatisfy { !$0.met })
        #expect(rows.first { $0.student == "r3" && $0.part == "IG" }?.passedWeeks == 2)
        #expect(rows.first { $0.student == "r5" && $0.part == "IG" }?.passedWeeks == 4, "counted wholly, across 30 June")
    }

    @Test("progress counts only weeks whose final score reaches the pass mark; met when passed ≥ required")
    func progressPassMark() throws {
        let reference = try fixtureReference()
        var normalizer = Normalizer(reference: reference)
        for record in [agreement("A1", "cardiologie", slots: 2, from: "2025-07-01", to: "2026-06-30"),
                       agreement("A3", "heelkunde", slots: 1, from: "2025-07-01", to: "2026-06-30"),
                       placement("s1", "cardiologie", "2025-09-01", "2025-10-26", score: 10, line: 2),
                       placement("s1", "heelkunde", "2025-11-03", "2025-11-30", score: 9.5, line: 3)] {
            normalizer.add(record)
        }
        let rows = Figures.progress(Reconciler(reference: reference, settings: ReconcileSettings(asOf: day("2026-08-01")))
            .reconcile(try normalizer.finish()), reference: reference)
        // 1 Sep – 26 Oct is 56 days = 8 weeks at exactly the pass mark: IG met. Surgery at 9.5 fails: 0 of 8.
        #expect(rows.map { "\($0.part) \($0.passedWeeks)/\($0.requiredWeeks) \($0.met)" }
            == ["HK 0/8 false", "IG 8/8 true", "CLINICAL 8/62 false", "SCIENTIFIC 0/16 false"])
    }

    @Test("progress: students on the roster without placements get rows of zeros, in student order among the others")
    func progressRoster() throws {
        let reference = try fixtureReference()
        var normalizer = Normalizer(reference: reference)
        for record in [agreement("A1", "cardiologie", slots: 2, from: "2025-07-01", to: "2026-06-30"),
                       placement("s3", "cardiologie", "2025-09-01", "2025-09-28", score: 12, line: 2),
                       placement("s1", "cardiologie", "2025-10-06", "2025-11-02", score: 8, line: 3),
                       placement("s1", "cardiologie", "2025-11-03", "2025-11-30", score: 15, line: 4),
                       .roster(RosterRecord(student: "s2", masterYear: 1, cohort: nil, source: Location(path: "r.tsv", line: 2))),
                       .roster(RosterRecord(student: "s4", masterYear: 1, cohort: nil, source: Location(path: "r.tsv", line: 3))),
                       .roster(RosterRecord(student: "s1", masterYear: 1, cohort: nil, source: Location(path: "r.tsv", line: 4)))] {
            normalizer.add(record)
        }
        let rows = Figures.progress(Reconciler(reference: reference, settings: ReconcileSettings(asOf: day("2026-08-01")))
            .reconcile(try normalizer.finish()), reference: reference)
        // s1: one of its two IG placements passes (4 weeks); s2 and s4 only on the roster; s3 4 weeks.
        #expect(rows.filter { $0.part == "IG" }.map { "\($0.student) \($0.passedWeeks)" } == ["s1 4", "s2 0", "s3 4", "s4 0"])
        #expect(rows.filter { $0.part == "CLINICAL" }.map(\.passedWeeks) == [4, 0, 4, 0])
        #expect(rows.count == 16)
    }

    /// s1: cardiology 1–28 Sep 2025 (4 weeks, hospital) and the scientific placement in WET,
    /// 6 Oct – 30 Nov 2025 (56 days: 8 weeks, kind scientific), both final 14. The curriculum
    /// names WET its scientific group (16 weeks).
    @Test("the scientific group: no progress row of its own (its weeks are SCIENTIFIC); in coverage and the plan, the scientific weeks")
    func scientificGroup() throws {
        let here = Location(path: "ref.yml", line: 1)
        let base = try fixtureReference()
        let reference = try ReferenceData(
            sites: base.sites,
            disciplines: base.disciplines + [Discipline(code: "WET", dutch: "wetenschappelijke stage", english: "scientific placement",
                                                        parent: nil, source: here)],
            curriculum: Curriculum(requiredWeeks: ["IG": 8, "HK": 8], blocks: [], clinicalWeeks: 62, scientificWeeks: 16,
                                   scientificGroup: "WET", passMark: 10))
        var normalizer = Normalizer(reference: reference)
        let scientific = EvaluationRecord(student: "s1", site: "AZSJ", discipline: "wetenschappelijke stage", start: day("2025-10-06"),
                                          end: day("2025-11-30"), weeks: nil, placementKind: .scientific, role: .supervisor,
                                          status: .final, scores: CriterionScores(knowledgeAndSkills: 14, patientContact: 14, teamwork: 14),
                                          finalScore: 14, submitted: day("2025-12-01"), source: Location(path: "e.csv", line: 3))
        for record in [agreement("A1", "cardiologie", slots: 2, from: "2025-07-01", to: "2026-06-30"),
                       placement("s1", "cardiologie", "2025-09-01", "2025-09-28", line: 2), .evaluation(scientific)] {
            normalizer.add(record)
        }
        let reconciliation = Reconciler(reference: reference, settings: ReconcileSettings(asOf: day("2026-08-01")))
            .reconcile(try normalizer.finish())
        let progress = Figures.progress(reconciliation, reference: reference)
        #expect(progress.map { "\($0.part) \($0.passedWeeks)/\($0.requiredWeeks)" }
            == ["HK 0/8", "IG 4/8", "CLINICAL 4/62", "SCIENTIFIC 8/16"], "no WET row")
        let coverage = Figures.coverage(reconciliation, reference: reference)
        #expect(coverage.map { "\($0.group) \($0.studentWeeks)/\($0.requiredWeeks)" } == ["IG 4/8", "WET 8/16"])
        let plan = Figures.plan(year: PlacementYear(startYear: 2026), students: 10, group: nil, agreements: reconciliation.agreements,
                                reference: reference)
        #expect(plan.map { "\($0.group) \($0.demandWeeks)" } == ["HK 80", "IG 80", "WET 160"])
    }

    /// As of 1 August 2026 every placement has ended (r5 on 12 July) and has its final evaluation.
    @Test func audit() throws {
        let (reconciliation, reference) = try reconciliation()
        let rows = Figures.audit(reconciliation, reference: reference, asOf: day("2026-08-01"))
        #expect(rows.count == 1)
        let row = try #require(rows.first)
        #expect(row.site == "AZSJ" && row.year.description == "2025-2026" && row.recognised && row.region == .peripheral)
        #expect(row.placements == 5 && row.studentWeeks == 18)
        #expect(row.withoutAgreement == 2, "r4 (no agreement) and r5 (outside validity)")
        #expect(row.individualAgreements == 0)
        #expect(row.completeness?.formatted(decimals: 3) == "1.000")
        // Five final evaluations: means 14, 14 (knowledge), 13 (patient), 15 (team).
        #expect(row.meanFinal(minimum: 5)?.formatted(decimals: 2) == "14.00" && row.meanKnowledge(minimum: 5)?.formatted(decimals: 2) == "14.00")
        #expect(row.meanPatient(minimum: 5)?.formatted(decimals: 2) == "13.00" && row.meanTeam(minimum: 5)?.formatted(decimals: 2) == "15.00")
        #expect(row.meanFinal(minimum: 6) == nil, "fewer than the minimum: left empty")
        let early = try #require(Figures.audit(reconciliation, reference: reference, asOf: day("2025-10-01")).first)
        // As of 1 October only r1 (ended 28 September) has ended.
        #expect(early.endedPlacements == 1 && early.completeness?.formatted(decimals: 3) == "1.000")
    }

    /// G1: internal medicine (the group), 1 slot, the whole year 2025-2026 (365 days).
    /// C1: cardiology, 1 slot, 1 July – 31 December 2025 (184 days).
    /// q1: cardiology 1–28 Sep 2025 (4 weeks): G1 and C1 both cover it; the more specific C1 wins.
    /// q2: cardiology 2 Feb – 1 Mar 2026 (4 weeks): C1 has ended; the group agreement G1 covers
    ///     the sub-discipline placement, and it counts in G1's row (AZSJ, IG).
    /// q3: internal medicine 2–15 Mar 2026 (2 weeks): G1.
    @Test("a group-level agreement covers a sub-discipline placement; the most specific agreement wins")
    func groupAgreement() throws {
        let reference = try fixtureReference()
        var normalizer = Normalizer(reference: reference)
        for record in [agreement("G1", "interne geneeskunde", slots: 1, from: "2025-07-01", to: "2026-06-30"),
                       agreement("C1", "cardiologie", slots: 1, from: "2025-07-01", to: "2025-12-31"),
                       placement("q1", "cardiologie", "2025-09-01", "2025-09-28", line: 2),
                       placement("q2", "cardiologie", "2026-02-02", "2026-03-01", line: 3),
                       placement("q3", "interne geneeskunde", "2026-03-02", "2026-03-15", line: 4)] {
            normalizer.add(record)
        }
        let reconciliation = Reconciler(reference: reference, settings: ReconcileSettings(asOf: day("2026-08-01")))
            .reconcile(try normalizer.finish())
        #expect(reconciliation.findings.filter { $0.code == .noAgreement || $0.code == .outsideValidity }.isEmpty)
        let rows = Figures.capacity(reconciliation, reference: reference)
        #expect(rows.map { "\($0.site) \($0.discipline)" } == ["AZSJ IG", "AZSJ IG-CAR"])
        // IG: 365 slot-days / 7 = 52.142… → 52.1; q2 + q3 = 6 weeks → 42 / 365 = 0.1150… → 0.115; never two at once.
        #expect(rows[0].slots == 1 && rows[0].capacityWeeks.formatted(decimals: 1) == "52.1" && rows[0].usedWeeks == 6 && rows[0].placements == 2)
        #expect(rows[0].utilisation?.formatted(decimals: 3) == "0.115" && rows[0].peakConcurrent == 1 && rows[0].overCapacityDays == 0)
        // IG-CAR: 184 / 7 = 26.285… → 26.3; q1 4 weeks → 28 / 184 = 0.1521… → 0.152.
        #expect(rows[1].capacityWeeks.formatted(decimals: 1) == "26.3" && rows[1].usedWeeks == 4 && rows[1].utilisation?.formatted(decimals: 3) == "0.152")
        // Coverage IG: 10 weeks, all recognised; capacity (365 + 184) / 7 = 78.428… → 78.4; 549 / 70 = 7.8428… → 7.843.
        let coverage = Figures.coverage(reconciliation, reference: reference)
        #expect(coverage.map(\.group) == ["IG"])
        #expect(coverage[0].studentWeeks == 10 && coverage[0].recognisedWeeks == 10 && coverage[0].shareNonRecognised?.formatted(decimals: 3) == "0.000")
        #expect(coverage[0].recognisedCapacityWeeks.formatted(decimals: 1) == "78.4" && coverage[0].capacityCoverage?.formatted(decimals: 3) == "7.843")
    }

    @Test("ratios round once, half up")
    func rounding() {
        #expect(Ratio(1, 8).formatted(decimals: 2) == "0.13")
        #expect(Ratio(1, 16).formatted(decimals: 3) == "0.063")
        #expect(Ratio(5, 100).formatted(decimals: 1) == "0.1")
        #expect(Ratio(911, 7).formatted(decimals: 1) == "130.1")
        #expect(Ratio(2, 3).formatted(decimals: 0) == "1")
        #expect(Ratio(3, 0).formatted(decimals: 1) == nil)
        #expect(AuditFigures.mean(sum: 29.01, count: 2, minimum: 1)?.formatted(decimals: 2) == "14.51", "14.505 rounds up despite binary representation")
        #expect(AuditFigures.mean(sum: 28.99, count: 2, minimum: 1)?.formatted(decimals: 2) == "14.50")
        #expect(AuditFigures.mean(sum: 40, count: 3, minimum: 1)?.formatted(decimals: 2) == "13.33")
    }
}
