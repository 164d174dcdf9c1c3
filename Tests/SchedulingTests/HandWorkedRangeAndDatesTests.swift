import Domain
import Rules
import Scheduling
import Testing

/// Issue 22's hand-worked cases of the range, of agreements that start or end mid-year and of
/// half-blocks, each answer checked by the certificate.
@Suite("Hand-worked ranges, dates and half-blocks")
struct HandWorkedRangeAndDatesTests {
    @Test("The largest cohort in a range")
    func largestInRange() {
        // The feasible four-block year: internal medicine has 3 slots in blocks 3 and 4 only, 6
        // in all, and every student needs one block of it: at most 6 students. 6 fit (the
        // feasible case); at 7, INT and PED each miss one student-block.
        let year = HandWorkedScheduleTests.fourBlockYear(students: 6)
        #expect(CohortRange.largestFitting(year.problem, in: 1...100) == 6)
        #expect(CohortRange.largestFitting(year.problem, in: 1...6) == 6)
        #expect(CohortRange.largestFitting(year.problem, in: 6...6) == 6)
        #expect(CohortRange.largestFitting(year.problem, in: 0...3) == 3)
        #expect(CohortRange.largestFitting(year.problem, in: 7...100) == nil)
        #expect(CohortRange.largestFitting(year.problem, in: 5...7) == 6)
        // At 7: HEEL 14, INT 7, PED 7 = 28 student-blocks. INT and PED get 6 each; blocks 3 and 4
        // hold 7 students, so surgery gets 12 in blocks 1–2 and 1 each in 3 and 4: 14. The cut
        // around INT and PED: 14 (surgery, whole) + 6 + 6 (their cells) = 26, short 2.
        let seven = year.with(students: 7)
        let answer = CohortFlow.solve(seven)
        #expect(answer.bottleneck?.groups == [1, 2])
        #expect(answer.bottleneck.map { [$0.demand, $0.capacity, $0.shortfall] } == [14, 12, 2])
        #expect(answer.bottleneck?.busyBlocks == [])
        #expect(ScheduleCertificate.violations(answer, seven) == [])
        #expect(ScheduleCertificate.violations(CohortFlow.solve(year.with(students: 6)), year.with(students: 6)) == [])
    }

    /// Geriatrics at three sites, the dates on and beside block edges.
    static let midYear = [
        // Ends on 16 November, one day before block 5 ends: blocks 1–4, not 5.
        framework("G1", site: "WZ", discipline: "geriatrics", slots: 2, from: "2026-07-01", to: "2026-11-16"),
        // Ends on block 4's last day: blocks 1–4.
        framework("G4", site: "AZM", discipline: "geriatrics", slots: 1, from: "2026-07-01", to: "2026-10-20"),
        // Starts on block 6's first day: blocks 6 on.
        framework("G2", site: "ZNA", discipline: "geriatrics", slots: 2, from: "2026-11-18", to: "2027-06-30"),
        // Starts one day after block 6's first day: blocks 7 on.
        framework("G3", site: "AZM", discipline: "geriatrics", slots: 1, from: "2026-11-19", to: "2027-06-30"),
        framework("G5", site: "ZNA", discipline: "geriatrics", slots: 3, from: "2026-07-01", to: "2027-06-30", kind: .individual),
    ]

    @Test("Agreements that start or end mid-year: whole blocks only, the expiring ones and what renewing gives")
    func midYear() {
        // Six blocks (July to 15 December); 8 weeks of geriatrics = 2 blocks a student.
        let calendar = CalendarSettings(blockWeeks: 4, blockCount: 6)
        let demand = YearDemand(name: "master 2", weeks: ["GER": 8])
        let year = PlannedYear(Self.midYear, calendar: calendar, demand: demand, students: 7)
        // Blocks 1–4: G1 2 + G4 1; block 5 (21 Oct–17 Nov): none; block 6: G2 2 (G3 starts a day late).
        #expect(year.problem.slots == [[3, 3, 3, 3, 0, 2]])
        #expect(year.capacity.sites[0][0].map(\.site) == ["AZM", "WZ"])
        #expect(year.capacity.sites[0][4] == [])
        #expect(year.capacity.sites[0][5] == [SiteSlots(site: "ZNA", slots: 2, agreements: ["G2"])])
        // Expiring inside the year: G4 (20 October) and G1 (16 November); G2 and G3 run to 30 June.
        #expect(year.capacity.expiring.map(\.id) == ["G4", "G1"])
        // G1 ends inside block 5, so it gives nothing there: renewing it would.
        #expect(year.capacity.renewable(group: 0, before: year.blocks[4]).map(\.id) == ["G4", "G1"])
        #expect(year.capacity.renewable(group: 0, before: year.blocks[3]).map(\.id) == [])
        // 7 students: 14 student-blocks on 3 + 3 + 3 + 3 + 0 + 2 = 14 slots: every slot, fits.
        let seven = CohortFlow.solve(year.problem)
        #expect(seven.feasible == true)
        #expect(seven.placed == [[3, 3, 3, 3, 0, 2]])
        #expect(ScheduleCertificate.violations(seven, year.problem) == [])
        // 8 students: 16 for 14, short 2, the cut is geriatrics' six cells.
        let eight = CohortFlow.solve(year.with(students: 8))
        #expect(eight.bottleneck.map { [$0.demand, $0.capacity, $0.shortfall] } == [16, 14, 2])
        #expect(eight.extraSlots == 2)
        #expect(ScheduleCertificate.violations(eight, year.with(students: 8)) == [])
        // G1 renewed to the year's end gives its 2 slots in blocks 5 and 6 as well: 8 fit.
        var renewed = Self.midYear
        renewed[0].validTo = day("2027-06-30")
        let after = PlannedYear(renewed, calendar: calendar, demand: demand, students: 8)
        #expect(after.problem.slots == [[3, 3, 3, 3, 2, 4]])
        #expect(CohortFlow.solve(after.problem).feasible == true)
    }

    @Test("Two weeks of imaging in 4-week blocks, with a split block: one half-block, and the halves are shared")
    func imagingInHalfBlocks() throws {
        // Block 13 split: 13a = 2–15 June, 13b = 16–29 June. Imaging 2 weeks = one half-block;
        // internal medicine 6 weeks = one block and a half. Each student spends 13a and 13b on
        // one of each. Radiology 3 and cardiology 3 slots all year.
        let agreements = [
            framework("B1", site: "UZB", discipline: "radiology", slots: 3, from: "2026-07-01", to: "2027-06-30"),
            framework("I1", site: "AZGR", discipline: "cardiology", slots: 3, from: "2026-07-01", to: "2027-06-30"),
        ]
        let demand = YearDemand(name: "master 3", weeks: ["BEELD": 2, "INT": 6])
        let year = PlannedYear(agreements, calendar: CalendarSettings(halfBlocks: [13]), demand: demand, students: 6)
        #expect(year.blocks.suffix(2).map { "\($0.label) \($0.first)–\($0.last) \($0.weeks)" }
            == ["13a 2027-06-02–2027-06-15 2", "13b 2027-06-16–2027-06-29 2"])
        #expect(year.requirements.map { [$0.wholeBlocks, $0.halfBlocks] } == [[0, 1], [1, 1]])
        #expect(year.requirements.allSatisfy { !$0.roundedUp })
        // 6 students: 6 imaging and 6 internal-medicine half-blocks on 3 + 3 slots in each half.
        let answer = CohortFlow.solve(year.problem)
        #expect(answer.feasible == true)
        #expect(answer.placed[0].suffix(2) == [3, 3])
        #expect(answer.placed[1].suffix(2) == [3, 3])
        #expect(ScheduleCertificate.violations(answer, year.problem) == [])
        let years = try #require(TimetableDecomposition.timetables(answer.placed, year.problem))
        #expect(years.allSatisfy { Set($0.suffix(2)) == [0, 1] })
        // 7 students: each half holds 3 + 3; the free whole blocks cannot take a half need.
        // Short 1 of imaging and 1 of internal medicine's halves.
        let seven = CohortFlow.solve(year.with(students: 7))
        #expect(seven.bottleneck.map { [$0.demand, $0.capacity, $0.shortfall] } == [14, 12, 2])
        #expect(seven.bottleneck?.fullCells == [12, 13].flatMap { b in [0, 1].map { GroupBlock(group: $0, block: b) } })
        #expect(ScheduleCertificate.violations(seven, year.with(students: 7)) == [])
    }

    @Test("Without the split block, imaging and a 6-week requirement round up to whole blocks")
    func roundedUpWithoutHalves() {
        let agreements = [
            framework("B1", site: "UZB", discipline: "radiology", slots: 3, from: "2026-07-01", to: "2027-06-30"),
            framework("I1", site: "AZGR", discipline: "cardiology", slots: 3, from: "2026-07-01", to: "2027-06-30"),
        ]
        let demand = YearDemand(name: "master 3", weeks: ["BEELD": 2, "INT": 6])
        let year = PlannedYear(agreements, calendar: CalendarSettings(), demand: demand, students: 6)
        // Imaging 2 weeks → 1 block (4 weeks); internal medicine 6 → 2 blocks (8): both rounded up.
        #expect(year.requirements.map { [$0.wholeBlocks, $0.halfBlocks, $0.weeksInBlocks] } == [[1, 0, 4], [2, 0, 8]])
        #expect(year.requirements.allSatisfy { $0.roundedUp })
        let answer = CohortFlow.solve(year.problem)
        #expect(answer.feasible == true)
        #expect(ScheduleCertificate.violations(answer, year.problem) == [])
    }
}
