import Domain
import Rules
import Scheduling
import Testing

@Suite("Several types: the one-flow relaxation and the cap on the solver's types")
struct CohortRelaxationTests {
    static func blocks(_ count: Int) -> [PlanningBlock] {
        BlockCalendar.blocks(of: PlacementYear(startYear: 2026), CalendarSettings(blockWeeks: 4, blockCount: count))
    }

    @Test("The relaxation's shortfall: types apart fit; the cohort short of slots by 3 is short by 3")
    func shortfall() {
        // Type 1 (2 students) needs A once, type 2 (2 students) needs B once; 1 block, A 2 and B 2
        // slots: the block holds all 4 students, nothing short.
        let fits = CohortProblem(groups: ["A", "B"], blocks: Self.blocks(1), slots: [[2], [2]],
                                 types: [StudentType(count: 2, wholeBlocks: [1, 0], halfBlocks: [0, 0]),
                                         StudentType(count: 2, wholeBlocks: [0, 1], halfBlocks: [0, 0])])
        #expect(CohortRelaxation.shortfall(fits, types: fits.types) == 0)
        // A with 1 slot: 1 student-block of A short. Type 1 in 2 blocks needing A twice, 1 slot a
        // block: 4 needed, 2 slots: short by 2; plus type 2's 1 of B on 0 slots: 3 in all.
        let short = CohortProblem(groups: ["A", "B"], blocks: Self.blocks(2), slots: [[1, 1], [0, 0]],
                                  types: [StudentType(count: 2, wholeBlocks: [2, 0], halfBlocks: [0, 0]),
                                          StudentType(count: 1, wholeBlocks: [0, 1], halfBlocks: [0, 0])])
        #expect(CohortRelaxation.shortfall(short, types: short.types) == 3)
    }

    @Test("More types than the solver takes: no solver call; a start that meets the relaxation's bound is the answer")
    func tooManyTypes() {
        // 8 groups, every need vector of 0s and 1s but all-0: 255 types, one student each, no slots.
        let groups = (1...8).map { "G\($0)" }
        var types: [StudentType] = []
        for mask in 1..<256 {
            types.append(StudentType(count: 1, wholeBlocks: (0..<8).map { mask >> $0 & 1 }, halfBlocks: Array(repeating: 0, count: 8)))
        }
        let problem = CohortProblem(groups: groups, blocks: Self.blocks(13), slots: Array(repeating: Array(repeating: 0, count: 13), count: 8),
                                    types: types)
        #expect(types.count > TypedCohort.largestProgram)
        // A solver that, if called, says the programme has no solution: the answer would then name
        // a calendar shortfall.
        let refusing: LinearSolver = { _, _ in LinearProgramSolution(status: .infeasible, values: [], objective: nil, bound: nil) }
        let answer = TypedCohort.solve(problem, solver: refusing, seconds: 1)
        #expect(answer.calendarShortfall == nil)
        #expect(answer.feasible == false)
        // Every student-block needs an extra slot: 8 × 128 = 1,024, and the bound says as much.
        #expect(answer.extraSlots == 1024)
    }
}
