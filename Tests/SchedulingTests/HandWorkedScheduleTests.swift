import Domain
import Rules
import Scheduling
import Testing

/// Issue 22's hand-worked cases, from agreements to the answer, each checked by the certificate
/// (the schedule's rules, the cut's capacity = the maximum flow, N real timetables). Blocks of
/// 2026-2027 in 4-week blocks from 1 July: 1 = 1–28 Jul, 2 = 29 Jul–25 Aug, 3 = 26 Aug–22 Sep,
/// 4 = 23 Sep–20 Oct, 5 = 21 Oct–17 Nov, 6 = 18 Nov–15 Dec, 7 = 16 Dec–12 Jan, …, 13 = 2–29 Jun.
@Suite("Hand-worked schedules")
struct HandWorkedScheduleTests {
    /// Four blocks (1 July to 20 October); surgery 8 weeks, internal medicine 4, paediatrics 4:
    /// every block of a student is taken.
    static let fourBlocks = [
        framework("H1", site: "AZGR", discipline: "abdominal surgery", slots: 3, from: "2026-07-01", to: "2027-06-30"),
        // Ends on block 2's last day: blocks 1 and 2.
        framework("H2", site: "UZB", discipline: "trauma surgery", slots: 3, from: "2026-07-01", to: "2026-08-25"),
        // Start on block 3's first day: blocks 3 and 4.
        framework("I1", site: "UZB", discipline: "cardiology", slots: 3, from: "2026-08-26", to: "2027-06-30"),
        framework("P1", site: "AZS", discipline: "paediatrics", slots: 3, from: "2026-08-26", to: "2027-06-30"),
        // For one named student: never capacity.
        framework("X1", site: "AZS", discipline: "paediatrics", slots: 5, from: "2026-07-01", to: "2027-06-30", kind: .individual),
    ]
    static let fourBlockDemand = YearDemand(name: "master 1", weeks: ["HEEL": 8, "INT": 4, "PED": 4])

    static func fourBlockYear(students: Int) -> PlannedYear {
        PlannedYear(fourBlocks, calendar: CalendarSettings(blockWeeks: 4, blockCount: 4), demand: fourBlockDemand, students: students)
    }

    @Test("A feasible year: 6 students, the one schedule there is, and its sites")
    func feasibleYear() throws {
        // Slots per block (1, 2, 3, 4): HEEL 3 + 3 = 6, 6, then 3, 3 (H2 ended); INT 0, 0, 3, 3;
        // PED 0, 0, 3, 3 (X1 is individual). Each student needs HEEL 2 blocks, INT 1, PED 1: all 4.
        // PED's 6 student-blocks fit only in blocks 3 and 4, 3 each; so do INT's. Blocks 3 and 4
        // then hold 3 + 3 = 6 students, the whole cohort, and HEEL's 12 go to blocks 1 and 2: 6
        // each, all its slots there. No other schedule exists.
        let year = Self.fourBlockYear(students: 6)
        #expect(year.requirements.map(\.wholeBlocks) == [2, 1, 1])
        #expect(year.problem.slots == [[6, 6, 3, 3], [0, 0, 3, 3], [0, 0, 3, 3]])
        let answer = CohortFlow.solve(year.problem)
        #expect(answer.feasible == true)
        #expect(answer.placed == [[6, 6, 0, 0], [0, 0, 3, 3], [0, 0, 3, 3]])
        #expect(answer.extraSlots == 0)
        #expect(ScheduleCertificate.violations(answer, year.problem) == [])
        // At the sites: a site's share is never above its slots; AZGR's surgery in blocks 3 and
        // 4 is a row with no student, to show the room left.
        let rows = SiteSchedule.rows(answer, capacity: year.capacity).map { "\(year.blocks[$0.block].label) \(year.problem.groups[$0.group]) \($0.site ?? "extra") \($0.students)/\($0.slots)" }
        #expect(rows == ["1 HEEL AZGR 3/3", "1 HEEL UZB 3/3", "2 HEEL AZGR 3/3", "2 HEEL UZB 3/3",
                         "3 HEEL AZGR 0/3", "3 INT UZB 3/3", "3 PED AZS 3/3", "4 HEEL AZGR 0/3", "4 INT UZB 3/3", "4 PED AZS 3/3"])
        // The students: surgery in blocks 1 and 2, then internal medicine and paediatrics in
        // either order, three each way.
        let years = try #require(TimetableDecomposition.timetables(answer.placed, year.problem))
        #expect(years.allSatisfy { $0[0] == 0 && $0[1] == 0 })
        #expect(years.filter { $0[2] == 1 && $0[3] == 2 }.count == 3)
        #expect(years.filter { $0[2] == 2 && $0[3] == 1 }.count == 3)
    }

    /// A whole year; surgery all year at AZGR, internal medicine and paediatrics only from 16
    /// December (new agreements from block 7).
    static let autumnAgreements = [
        framework("H1", site: "AZGR", discipline: "abdominal surgery", slots: 3, from: "2026-07-01", to: "2027-06-30"),
        framework("I1", site: "UZB", discipline: "internal medicine", slots: 6, from: "2026-12-16", to: "2027-06-30"),
        framework("P1", site: "AZS", discipline: "paediatrics", slots: 5, from: "2026-12-16", to: "2027-06-30"),
    ]
    static let autumnDemand = YearDemand(name: "master 1", weeks: ["HEEL": 8, "INT": 16, "PED": 12], freeWeeks: 16)

    @Test("A year that fails only in autumn, although the yearly totals are enough")
    func failsInAutumn() {
        // 10 students: HEEL 2 blocks, INT 4, PED 3, and 16 free weeks (the 4 blocks left).
        let year = PlannedYear(Self.autumnAgreements, calendar: CalendarSettings(), demand: Self.autumnDemand, students: 10)
        #expect(year.blocks.count == 13)
        #expect(BlockRequirements.calendarShortfall(year.requirements, freeWeeks: 16, blocks: year.blocks) == nil)
        // The yearly totals of `plan` (slot-days / 7 against students × weeks): HEEL 3 × 365 =
        // 1,095 slot-days = 156.4 weeks for 80 needed; INT 6 × 197 (16 Dec–30 Jun) = 1,182 = 168.9
        // weeks for 160; PED 5 × 197 = 985 = 140.7 weeks for 120. Every group has enough.
        let slotDays = Self.autumnAgreements.map { CapacityFigures.slotDays($0, in: year.year) }
        #expect(slotDays == [1_095, 1_182, 985])
        #expect(zip(slotDays, [8, 16, 12]).allSatisfy { $0 >= 7 * 10 * $1 })
        // By blocks: INT has 6 slots in each of blocks 7–13, PED 5: their 40 + 30 = 70
        // student-blocks need all 7 × 10 places of those blocks (INT ≤ 6 and PED ≤ 5 a block,
        // e.g. 6 + 4 five times and 5 + 5 twice). Surgery is left the autumn, blocks 1–6, with 3
        // slots a block: 18 for its 20 student-blocks. Short 2.
        let answer = CohortFlow.solve(year.problem)
        #expect(answer.feasible == false)
        #expect(ScheduleCertificate.violations(answer, year.problem) == [])
        let (heel, int, ped) = (year.group("HEEL"), year.group("INT"), year.group("PED"))
        let autumn = Array(0...5), spring = Array(6...12)
        // The cut: all three groups (90 student-blocks) get through only surgery's full autumn
        // cells (18), INT's and PED's autumn cells (no slot) and the busy spring (70): 88.
        let cut = answer.bottleneck
        #expect(cut?.groups == [heel, int, ped])
        #expect(cut?.busyBlocks == spring)
        #expect(cut?.fullCells == autumn.flatMap { b in [heel, int, ped].map { GroupBlock(group: $0, block: b) } })
        #expect(cut.map { [$0.demand, $0.capacity, $0.shortfall] } == [90, 88, 2])
        // The least fix: 2 extra slots, in the autumn (where the cut is).
        #expect(answer.extraSlots == 2)
        #expect(spring.allSatisfy { b in answer.extra.allSatisfy { $0[b] == 0 } })
    }

    @Test("The smallest fix: the cut's shortfall is a lower bound and the fix reaches it")
    func smallestFix() {
        // Autumn case: each extra slot lets one more student-block through (it widens one edge by
        // one), so 2 are needed; the answer has 2. Check both directions on the numbers: the
        // slots plus the fix fit; the fix less any one slot does not.
        let year = PlannedYear(Self.autumnAgreements, calendar: CalendarSettings(), demand: Self.autumnDemand, students: 10)
        let answer = CohortFlow.solve(year.problem)
        #expect(answer.extraSlots == answer.bottleneck?.shortfall)
        var fixed = year.problem
        fixed.slots = zip(year.problem.slots, answer.extra).map { zip($0, $1).map(+) }
        let fixedAnswer = CohortFlow.solve(fixed)
        #expect(fixedAnswer.feasible == true)
        #expect(ScheduleCertificate.violations(fixedAnswer, fixed) == [])
        for g in answer.extra.indices {
            for b in answer.extra[g].indices where answer.extra[g][b] > 0 {
                var less = fixed
                less.slots[g][b] -= 1
                #expect(CohortFlow.fits(less, students: 10) == false)
            }
        }
    }

    @Test("The smallest fix when the students' blocks are the limit: extra slots where the cut is, as many as the shortfall")
    func smallestFixWhenBlocksAreBusy() {
        // 3 blocks; 10 students need HEEL 2 blocks and INT 1; both groups have 10 slots until 25
        // August (blocks 1 and 2) and none in block 3. Blocks 1 and 2 hold 20 of the 30
        // student-blocks: every student is placed in them, the blocks are busy. More slots there
        // would not help (a student is in one placement per block); 10 extra slots in block 3
        // do, and no fewer can: the shortfall is 10.
        let agreements = [
            framework("H1", site: "AZGR", discipline: "abdominal surgery", slots: 10, from: "2026-07-01", to: "2026-08-25"),
            framework("I1", site: "UZB", discipline: "internal medicine", slots: 10, from: "2026-07-01", to: "2026-08-25"),
        ]
        let demand = YearDemand(name: "master 1", weeks: ["HEEL": 8, "INT": 4])
        let year = PlannedYear(agreements, calendar: CalendarSettings(blockWeeks: 4, blockCount: 3), demand: demand, students: 10)
        let answer = CohortFlow.solve(year.problem)
        #expect(answer.bottleneck?.busyBlocks == [0, 1])
        #expect(answer.bottleneck?.fullCells == [GroupBlock(group: 0, block: 2), GroupBlock(group: 1, block: 2)])
        #expect(answer.bottleneck?.shortfall == 10)
        #expect(answer.extraSlots == 10)
        #expect(answer.extra.map { $0[2] }.reduce(0, +) == 10)
        #expect(ScheduleCertificate.violations(answer, year.problem) == [])
        // Both agreements ended before block 3: renewing either gives slots there.
        #expect(year.capacity.renewable(group: 0, before: year.blocks[2]).map(\.id) == ["H1"])
        #expect(year.capacity.renewable(group: 1, before: year.blocks[2]).map(\.id) == ["I1"])
        // The calendar as the limit: 16 weeks of surgery is 4 blocks, the calendar has 3. No
        // number of slots helps, and the answer says so instead of a fix.
        let tooLong = PlannedYear(agreements, calendar: CalendarSettings(blockWeeks: 4, blockCount: 3),
                                  demand: YearDemand(name: "m", weeks: ["HEEL": 16]), students: 10)
        #expect(BlockRequirements.calendarShortfall(tooLong.requirements, freeWeeks: 0, blocks: tooLong.blocks)
            == "the year's demand needs 4 whole blocks per student and the calendar has 3")
        let impossible = CohortFlow.solve(tooLong.problem)
        #expect(impossible.feasible == false)
        #expect(impossible.calendarShortfall != nil)
    }
}
