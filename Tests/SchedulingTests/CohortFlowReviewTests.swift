import Domain
import Rules
@testable import Scheduling
import Testing

/// The review of CohortFlow: the bugs found (each test failed before its fix) and the
/// certificate seen to reject answers that are wrong.
@Suite("CohortFlow review: bugs and the certificate")
struct CohortFlowReviewTests {
    static func blocks(_ count: Int) -> [PlanningBlock] {
        BlockCalendar.blocks(of: PlacementYear(startYear: 2026), CalendarSettings(blockWeeks: 4, blockCount: count))
    }

    @Test("A cell with more slots than students is not named full: the block it fills is busy instead")
    func cellWithRoomIsNotFull() {
        // 3 students need 2 blocks of A; A has 10 slots in block 1 and none in block 2. Short 3:
        // block 1 holds the 3 students once, block 2 has no slot. Capping the cell at the
        // cohort made the cut name "A in block 1" full with 3 of its 10 slots taken.
        let problem = CohortProblem(groups: ["A"], blocks: Self.blocks(2), slots: [[10, 0]],
                                    types: [StudentType(count: 3, wholeBlocks: [2], halfBlocks: [0])])
        let answer = CohortFlow.solve(problem)
        #expect(answer.bottleneck?.busyBlocks == [0])
        #expect(answer.bottleneck?.fullCells == [GroupBlock(group: 0, block: 1)])
        #expect(answer.bottleneck?.capacity == 3)
        #expect(answer.bottleneck?.shortfall == 3)
        #expect(answer.extra == [[0, 3]])
        #expect(ScheduleCertificate.violations(answer, problem) == [])
    }

    @Test("The range search reaches Int.max without overflowing")
    func rangeToIntMax() {
        // A type that needs nothing fits any count; the search used to compute upperBound + 1.
        let problem = CohortProblem(groups: ["A"], blocks: Self.blocks(1), slots: [[1]],
                                    types: [StudentType(count: 1, wholeBlocks: [0], halfBlocks: [0])])
        #expect(CohortRange.largestFitting(problem, in: 1...Int.max) == Int.max)
    }

    @Test("solve answers for the first type only, as it says, when the problem holds more")
    func firstTypeOnly() {
        // 2 students needing 1 block of A fit A's 2 slots; a second type in the problem made the
        // demand count its students too, so the answer was "does not fit" with no bottleneck reason.
        let problem = CohortProblem(groups: ["A"], blocks: Self.blocks(1), slots: [[2]],
                                    types: [StudentType(count: 2, wholeBlocks: [1], halfBlocks: [0]),
                                            StudentType(count: 5, wholeBlocks: [1], halfBlocks: [0])])
        let answer = CohortFlow.solve(problem)
        #expect(answer.feasible == true)
        #expect(answer.placed == [[2]])
    }

    @Test("The certificate rejects a schedule that breaks a rule")
    func certificateRejectsBrokenSchedules() {
        let problem = CohortProblem(groups: ["A", "B"], blocks: Self.blocks(2), slots: [[2, 2], [2, 2]],
                                    types: [StudentType(count: 2, wholeBlocks: [1, 1], halfBlocks: [0, 0])])
        let answer = CohortFlow.solve(problem)
        #expect(answer.feasible == true)
        #expect(ScheduleCertificate.violations(answer, problem) == [])
        var crowded = answer
        crowded.placed = [[2, 0], [2, 0]]  // both groups in block 1: four placements for two students
        #expect(ScheduleCertificate.scheduleViolations(crowded, problem) == ["block 1: 4 students of 2"])
        #expect(ScheduleCertificate.timetableViolations(crowded.placed, problem) == ["the counts do not decompose into timetables"])
        var short = answer
        short.placed[0] = [1, 0]
        #expect(ScheduleCertificate.scheduleViolations(short, problem) == ["A whole: 1 placed, 2 needed"])
        var overSlots = answer
        overSlots.placed = [[2, 0], [0, 2]]
        let tight = CohortProblem(groups: problem.groups, blocks: problem.blocks, slots: [[1, 2], [2, 2]], types: problem.types)
        #expect(ScheduleCertificate.scheduleViolations(overSlots, tight) == ["A in block 1: 2 placed on 1 slots and 0 extra"])
    }

    @Test("The certificate rejects a cut that does not prove the maximum, and a bottleneck that misreads it")
    func certificateRejectsBrokenCuts() throws {
        // A needs 2 blocks, 3 students, 2 slots per block: the maximum is 4 of 6.
        let problem = CohortProblem(groups: ["A"], blocks: Self.blocks(2), slots: [[2, 2]],
                                    types: [StudentType(count: 3, wholeBlocks: [2], halfBlocks: [0])])
        let certificate = try #require(CohortFlow.certificate(problem))
        #expect(certificate.value == 4)
        #expect(ScheduleCertificate.certificateViolations(certificate, problem) == [])
        var sourceOnly = certificate  // the cut around the source alone lets 6 through: no proof
        sourceOnly.sourceWhole = [false]
        sourceOnly.cutCapacity = 6
        #expect(ScheduleCertificate.certificateViolations(sourceOnly, problem)
            == ["the cut lets through 6 and the flow is 4: no proof of the maximum"])
        var answer = CohortFlow.solve(problem)
        #expect(ScheduleCertificate.violations(answer, problem) == [])
        answer.bottleneck?.capacity += 1
        #expect(ScheduleCertificate.answerViolations(answer, certificate, problem)
            == ["the bottleneck's capacity is 5; its cells and blocks hold 4", "demand 6 − capacity 5 is not the shortfall 2"])
    }

    @Test("The decomposition makes N timetables from counts that allow them")
    func decomposition() throws {
        // 3 students, A 2 blocks, B 1 block, 3 blocks: A [2, 1, 3], B [1, 2, 0].
        let problem = CohortProblem(groups: ["A", "B"], blocks: Self.blocks(3), slots: [[3, 3, 3], [3, 3, 3]],
                                    types: [StudentType(count: 3, wholeBlocks: [2, 1], halfBlocks: [0, 0])])
        let years = try #require(TimetableDecomposition.timetables([[2, 1, 3], [1, 2, 0]], problem))
        #expect(years.count == 3)
        for year in years {
            #expect(year.filter { $0 == 0 }.count == 2)
            #expect(year.filter { $0 == 1 }.count == 1)
            #expect(year[2] == 0)  // block 3 holds A only, for all three
        }
        #expect(ScheduleCertificate.timetableViolations([[2, 1, 3], [1, 2, 0]], problem) == [])
    }
}
