import CoinSolver
import Domain
import Rules
@testable import Scheduling
import Testing

@Suite("TypedCohort: the integer programme over types, its answer and CBC")
struct TypedCohortTests {
    static func blocks(_ count: Int, halves: [Int] = []) -> [PlanningBlock] {
        BlockCalendar.blocks(of: PlacementYear(startYear: 2026), CalendarSettings(blockWeeks: 4, blockCount: count, halfBlocks: halves))
    }

    /// Two types that cannot share: A-first students and B-first students, each block's slots
    /// for one group only. 2 students need A then B, the slots allow it in either order.
    static let twoTypes = CohortProblem(groups: ["A", "B"], blocks: blocks(2), slots: [[1, 1], [1, 1]],
                                        types: [StudentType(count: 1, wholeBlocks: [1, 1], halfBlocks: [0, 0]),
                                                StudentType(count: 1, wholeBlocks: [1, 1], halfBlocks: [0, 0])])

    @Test("Types with the same needs are merged, types of no student are dropped")
    func merging() {
        var problem = Self.twoTypes
        problem.types.append(StudentType(count: 0, wholeBlocks: [2, 0], halfBlocks: [0, 0]))
        let merged = TypedCohort.merged(problem)
        #expect(merged.count == 1)
        #expect(merged.first?.count == 2)
        let answer = TypedCohort.solve(problem, solver: CBC.solver, seconds: 5)
        #expect(answer.feasible == true)
        #expect(answer.placed == [[1, 1], [1, 1]])
    }

    @Test("A type needing more blocks than the calendar has is a calendar shortfall, and the solver is not called")
    func calendarShortfall() {
        var problem = Self.twoTypes
        problem.types.append(StudentType(count: 1, wholeBlocks: [2, 1], halfBlocks: [0, 0]))
        let answer = TypedCohort.solve(problem, solver: { _, _ in
            Issue.record("the solver was called")
            return LinearProgramSolution(status: .infeasible, values: [], objective: nil, bound: nil)
        }, seconds: 5)
        #expect(answer.feasible == false)
        #expect(answer.calendarShortfall == "a student needs 3 whole blocks and the calendar has 2")
    }

    @Test("Types competing for one group's autumn: the fewest extra slots, where the load is over the slots")
    func fewestExtra() {
        // Type 1 (2 students) needs A twice; type 2 (1 student) needs A once and B once. A has 1 slot
        // per block, B 2: A's demand is 5 student-blocks over 3 A-slots, so 2 extra.
        let problem = CohortProblem(groups: ["A", "B"], blocks: Self.blocks(3), slots: [[1, 1, 1], [2, 2, 2]],
                                    types: [StudentType(count: 2, wholeBlocks: [2, 0], halfBlocks: [0, 0]),
                                            StudentType(count: 1, wholeBlocks: [1, 1], halfBlocks: [0, 0])])
        let answer = TypedCohort.solve(problem, solver: CBC.solver, seconds: 5)
        #expect(answer.method == .integerProgram)
        #expect(answer.feasible == false)
        #expect(answer.extraSlots == 2)
        #expect(answer.placed[0].reduce(0, +) == 5)
    }

    /// The answer to a stopped solve of `problem`, for a model without a start (the mapping alone).
    static func stopped(_ problem: CohortProblem = twoTypes, values: [Double], bound: Double?) -> CohortAnswer {
        let solution = LinearProgramSolution(status: .stopped, values: values, objective: nil, bound: bound)
        let model = TypedCohort.Model(problem, types: TypedCohort.merged(problem))
        return TypedCohort.answer(solution, model: model, problem: problem, students: problem.students)
    }

    @Test("Stopped with a bound over 0: a proof that the cohort does not fit, the bound rounded up")
    func stoppedWithBound() {
        let answer = Self.stopped(values: [], bound: 1.2)
        #expect(answer.method == .linearBound)
        #expect(answer.feasible == false)
        #expect(answer.extraLowerBound == 2)
        #expect(answer.extraSlots == 0)
        let barely = Self.stopped(values: [], bound: 2 - 1e-9)
        #expect(barely.extraLowerBound == 2)
    }

    @Test("Stopped with bound 0 and no incumbent: undecided; with an incumbent of no extra: a timetable, so it fits")
    func stoppedUndecided() {
        let none = Self.stopped(values: [], bound: 0)
        #expect(none.method == .linearBound)
        #expect(none.feasible == nil)
        #expect(none.extraLowerBound == 0)
        // Columns in order: y[0][A][1], e[A][1], y[0][A][2], e[A][2], y[0][B][1], e[B][1], y[0][B][2], e[B][2].
        let incumbent: [Double] = [1, 0, 1, 0, 1, 0, 1, 0]
        let fits = Self.stopped(values: incumbent, bound: -3)
        #expect(fits.feasible == true)
        #expect(fits.placed == [[1, 1], [1, 1]])
        // An incumbent that misses a demand is no timetable: ignored.
        let broken = Self.stopped(values: [2, 0, 0, 0, 1, 0, 1, 0], bound: 0)
        #expect(broken.feasible == nil)
        #expect(broken.placed == [[0, 0], [0, 0]])
    }

    @Test("An incumbent with extra slots above the bound is reported with the bound, not as optimal")
    func stoppedWithIncumbent() {
        let incumbent: [Double] = [1, 0, 1, 0, 1, 0, 1, 0]
        var problem = Self.twoTypes
        problem.slots = [[0, 1], [1, 1]]
        let answer = Self.stopped(problem, values: incumbent, bound: 0.5)
        #expect(answer.method == .integerProgram)
        #expect(answer.extraSlots == 1)
        let looser = Self.stopped(problem, values: incumbent, bound: 0)
        #expect(looser.method == .linearBound)
        #expect(looser.feasible == nil)
        #expect(looser.extraSlots == 1)
        #expect(looser.extraLowerBound == 0)
    }

    @Test("A year the start (type after type, a flow each) fits is answered without the solver")
    func startFits() {
        let answer = TypedCohort.solve(Self.twoTypes, solver: { _, _ in
            Issue.record("the solver was called")
            return LinearProgramSolution(status: .infeasible, values: [], objective: nil, bound: nil)
        }, seconds: 5)
        #expect(answer.method == .integerProgram)
        #expect(answer.feasible == true)
        #expect(answer.placed == [[1, 1], [1, 1]])
    }

    @Test("The solver is handed the start; one that ignores it and stops with nothing still gets the start as incumbent")
    func startHandedOver() {
        let problem = CohortProblem(groups: ["A", "B"], blocks: Self.blocks(3), slots: [[1, 1, 1], [2, 2, 2]],
                                    types: [StudentType(count: 2, wholeBlocks: [2, 0], halfBlocks: [0, 0]),
                                            StudentType(count: 1, wholeBlocks: [1, 1], halfBlocks: [0, 0])])
        let answer = TypedCohort.solve(problem, solver: { program, _ in
            #expect(program.start?.count == program.columns.count)
            return LinearProgramSolution(status: .stopped, values: [], objective: nil, bound: 2)
        }, seconds: 5)
        // The start has 2 extra slots, the bound is 2: optimal after all.
        #expect(answer.method == .integerProgram)
        #expect(answer.feasible == false)
        #expect(answer.extraSlots == 2)
        #expect(answer.placed[0].reduce(0, +) == 5)
    }

    @Test("Hostile shapes: needs and slots rows shorter than the groups, negative needs and slots, answered without a trap")
    func hostileShapes() {
        let problem = CohortProblem(groups: ["A", "B"], blocks: Self.blocks(2), slots: [[-5]],
                                    types: [StudentType(count: 1, wholeBlocks: [1], halfBlocks: [-1, 0])])
        let answer = TypedCohort.solve(problem, solver: CBC.solver, seconds: 5)
        #expect(answer.feasible == false)
        #expect(answer.extraSlots == 1)
    }
}

@Suite("CBC through CoinSolver")
struct CBCTests {
    @Test("A small knapsack: integer optimum, not the linear one")
    func knapsack() {
        // max 5a + 4b + 3c with 2a + 3b + c ≤ 5, 4a + b + 2c ≤ 11, 3a + 4b + 2c ≤ 6, binary: a = c = 1 (8);
        // the relaxation gives 9 (b = 1/4).
        var program = LinearProgram()
        for objective in [-5.0, -4, -3] { _ = program.addColumn(.init(upper: 1, objective: objective)) }
        program.addRow(.init(columns: [0, 1, 2], coefficients: [2, 3, 1], upper: 5))
        program.addRow(.init(columns: [0, 1, 2], coefficients: [4, 1, 2], upper: 11))
        program.addRow(.init(columns: [0, 1, 2], coefficients: [3, 4, 2], upper: 6))
        let solution = CBC.solve(program, seconds: 5)
        #expect(solution.status == .optimal)
        #expect(solution.values.map { $0.rounded() } == [1, 0, 1])
        #expect(solution.objective.map { $0.rounded() } == -8)
    }

    @Test("Infeasible rows are proven so; a column named twice in a row counts twice")
    func infeasibleAndDuplicates() {
        var program = LinearProgram()
        _ = program.addColumn(.init(upper: 10))
        program.addRow(.init(columns: [0], coefficients: [1], lower: 3))
        program.addRow(.init(columns: [0], coefficients: [1], upper: 2))
        #expect(CBC.solve(program, seconds: 5).status == .infeasible)

        var doubled = LinearProgram()
        _ = doubled.addColumn(.init(upper: 10, objective: -1))
        doubled.addRow(.init(columns: [0, 0], coefficients: [1, 1], upper: 7))
        let solution = CBC.solve(doubled, seconds: 5)
        #expect(solution.status == .optimal)
        #expect(solution.values.map { $0.rounded() } == [3])
    }

    @Test("No columns: the rows' bounds around 0 decide, without CBC")
    func noColumns() {
        var program = LinearProgram()
        program.addRow(.init(columns: [], coefficients: [], lower: 0, upper: 0))
        #expect(CBC.solve(program, seconds: 1).status == .optimal)
        program.addRow(.init(columns: [], coefficients: [], lower: 1))
        #expect(CBC.solve(program, seconds: 1).status == .infeasible)
    }
}
