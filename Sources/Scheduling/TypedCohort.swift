/// Several types of student (different remaining requirements): an integer programme over the
/// types, solved by a `LinearSolver` (CoinSolver's CBC in the product).
///
/// Variables: y[t][g][b], the students of type t in group g in block b (only where t needs g in
/// b's family, whole blocks or half-blocks), and e[g][b] ≥ 0, extra slots. Rows: Σ_b y[t][g][b] =
/// count_t × need_t(g, family) for each (t, g, family); Σ_g y[t][g][b] ≤ count_t for each (t, b);
/// Σ_t y[t][g][b] − e[g][b] ≤ slots[g][b] for each (g, b). Objective: minimise Σ e. One solve
/// answers both questions: the cohort fits exactly when the optimum is 0, and otherwise the
/// optimum is the smallest number of extra slots (at an optimum e[g][b] = max(0, load − slots)).
///
/// Why a solution over types is an exact timetable, not a relaxation: fix a type t. Its
/// y[t][g][b] are a flow of CohortFlow's network for count_t students (at most count_t per
/// block, count_t × need per group and family), and CohortFlow's König argument splits every
/// such flow into count_t individual timetables: each group's need as units of count_t
/// student-blocks, units and blocks a bipartite multigraph of maximum degree count_t, its edges
/// coloured with count_t colours, a colour a student. Types do not interact except through the
/// load Σ_t y[t][g][b] on a (g, b), which the third row holds to the slots plus the extra. And
/// every timetable counts up to such a y. So the programme's integer optimum is the exact
/// answer; only its linear relaxation would be a bound.
public enum TypedCohort {
    /// The most types handed to the solver: CBC overran a 2-second limit by 20 s at 500 types
    /// and held it at 200 (docs/planning.md#solver); beyond, the answer is bounded without it.
    public static let largestProgram = 200

    /// The answer for the problem's types. The solver gets `seconds`; proven optimal gives
    /// `.integerProgram`, stopped gives `.linearBound` with the solver's bound (see `answer`).
    /// A type that needs more blocks than the calendar has gives `calendarShortfall`, unsolved.
    public static func solve(_ problem: CohortProblem, solver: LinearSolver, seconds: Double) -> CohortAnswer {
        let types = merged(problem)
        let students = types.reduce(0) { $0 + $1.count }
        if let shortfall = calendarShortfall(types, problem: problem) {
            let empty = zeros(problem)
            return CohortAnswer(method: .integerProgram, students: students, feasible: false, placed: empty, extra: empty,
                                calendarShortfall: shortfall)
        }
        if types.isEmpty {
            return CohortAnswer(method: .integerProgram, students: 0, feasible: true, placed: zeros(problem), extra: zeros(problem))
        }
        var model = Model(problem, types: types)
        let start = sequentialStart(problem, types: types)
        let startLoad = start.reduce(zeros(problem)) { total, type in zip(total, type).map { zip($0, $1).map(+) } }
        if extra(startLoad, problem: problem) == 0 {
            // A timetable with no extra slot: the cohort fits, proven, without the solver.
            return CohortAnswer(method: .integerProgram, students: students, feasible: true, placed: startLoad, extra: zeros(problem))
        }
        model.program.start = model.values(start, problem: problem)
        let relaxed = CohortRelaxation.shortfall(problem, types: types)
        guard types.count <= largestProgram else {
            // Too many types for the solver to hold its time limit (docs/planning.md#solver): the
            // start is the schedule, the one-flow relaxation the lower bound.
            let stopped = LinearProgramSolution(status: .stopped, values: [], objective: nil, bound: Double(relaxed))
            return answer(stopped, model: model, problem: problem, students: students)
        }
        var solution = solver(model.program, seconds)
        // The relaxation's bound may be the better one when the solver stopped early.
        if solution.status == .stopped { solution.bound = max(solution.bound ?? 0, Double(relaxed)) }
        return answer(solution, model: model, problem: problem, students: students)
    }

    /// A timetable to start from, type after type (the largest demand first): each type's
    /// least-cost flow (CohortFlow) on the slots the types before it left, so exact per type and
    /// greedy across types. Tight years found no incumbent in 10 s from CBC or HiGHS without
    /// it (docs/planning.md#solver). start[t][g][b], in the order of `types`.
    static func sequentialStart(_ problem: CohortProblem, types: [StudentType]) -> [[[Int]]] {
        var left = problem.groups.indices.map { g in problem.blocks.indices.map { slots(problem, g, $0) } }
        var start = Array(repeating: zeros(problem), count: types.count)
        let demand = types.map { type in type.count * (type.wholeBlocks.reduce(0, +) + type.halfBlocks.reduce(0, +)) }
        for t in types.indices.sorted(by: { demand[$0] > demand[$1] }) {
            let alone = CohortProblem(groups: problem.groups, blocks: problem.blocks, slots: left, types: [types[t]])
            start[t] = CohortFlow.solve(alone).placed
            left = zip(left, start[t]).map { zip($0, $1).map { max(0, $0 - $1) } }
        }
        return start
    }

    /// Σ over (g, b) of the load over the slots.
    static func extra(_ load: [[Int]], problem: CohortProblem) -> Int {
        var total = 0
        for g in problem.groups.indices {
            for b in problem.blocks.indices { total += max(0, load[g][b] - slots(problem, g, b)) }
        }
        return total
    }

    /// The integer programme `solve` hands its solver (for a peer solver or a benchmark).
    public static func program(_ problem: CohortProblem) -> LinearProgram { Model(problem, types: merged(problem)).program }

    /// The types with students, each need as a count (negative: met already, so 0), and types of
    /// the same needs as one: students with the same needs are interchangeable.
    static func merged(_ problem: CohortProblem) -> [StudentType] {
        var order: [[Int]] = []
        var counts: [[Int]: Int] = [:]
        for type in problem.types where type.count > 0 {
            let needs = problem.groups.indices.map { max(0, element(type.wholeBlocks, $0)) }
                + problem.groups.indices.map { max(0, element(type.halfBlocks, $0)) }
            if counts[needs] == nil { order.append(needs) }
            counts[needs, default: 0] += type.count
        }
        let groupCount = problem.groups.count
        return order.map { needs in
            StudentType(count: counts[needs] ?? 0, wholeBlocks: Array(needs[..<groupCount]), halfBlocks: Array(needs[groupCount...]))
        }
    }

    /// Why a student of some type cannot be timetabled whatever the slots: more blocks of a family
    /// than the calendar has.
    static func calendarShortfall(_ types: [StudentType], problem: CohortProblem) -> String? {
        for half in [false, true] {
            let available = problem.blocks.filter { $0.isHalf == half }.count
            for type in types {
                let needed = problem.groups.indices.reduce(0) { $0 + type.need($1, half: half) }
                if needed > available {
                    let family = half ? "half-blocks" : "whole blocks"
                    return "a student needs \(needed) \(family) and the calendar has \(available)"
                }
            }
        }
        return nil
    }

    static func zeros(_ problem: CohortProblem) -> [[Int]] {
        Array(repeating: Array(repeating: 0, count: problem.blocks.count), count: problem.groups.count)
    }

    static func element(_ values: [Int], _ index: Int) -> Int { values.indices.contains(index) ? values[index] : 0 }

    /// slots[g][b], 0 where the problem has none (a short row) or a negative count.
    static func slots(_ problem: CohortProblem, _ g: Int, _ b: Int) -> Int {
        problem.slots.indices.contains(g) ? max(0, element(problem.slots[g], b)) : 0
    }
}

extension TypedCohort {
    /// The programme and where its columns are.
    struct Model {
        var program = LinearProgram()
        /// y[t][g][b]: the column of type t's students in (g, b); nil where t does not need g in b's family.
        var y: [[[Int?]]]
        /// e[g][b]: the extra slots' column; nil where no type needs g in b's family.
        var e: [[Int?]]
        var types: [StudentType]

        init(_ problem: CohortProblem, types: [StudentType]) {
            self.types = types
            let none = Array(repeating: [Int?](repeating: nil, count: problem.blocks.count), count: problem.groups.count)
            y = Array(repeating: none, count: types.count)
            e = none
            for (t, type) in types.enumerated() {
                for g in problem.groups.indices {
                    for (b, block) in problem.blocks.enumerated() where type.need(g, half: block.isHalf) > 0 {
                        y[t][g][b] = program.addColumn(.init(upper: Double(type.count)))
                        if e[g][b] == nil { e[g][b] = program.addColumn(.init(objective: 1)) }
                    }
                }
            }
            addRows(problem)
        }

        mutating func addRows(_ problem: CohortProblem) {
            for (t, type) in types.enumerated() {
                for g in problem.groups.indices {
                    for half in [false, true] where type.need(g, half: half) > 0 {
                        let columns = problem.blocks.indices.compactMap { problem.blocks[$0].isHalf == half ? y[t][g][$0] : nil }
                        let demand = Double(type.count * type.need(g, half: half))
                        program.addRow(.init(columns: columns, coefficients: columns.map { _ in 1 }, lower: demand, upper: demand))
                    }
                }
                // A student is in one placement per block (one column alone is held by its bound).
                for b in problem.blocks.indices {
                    let columns = problem.groups.indices.compactMap { y[t][$0][b] }
                    guard columns.count > 1 else { continue }
                    program.addRow(.init(columns: columns, coefficients: columns.map { _ in 1 }, upper: Double(type.count)))
                }
            }
            for g in problem.groups.indices {
                for b in problem.blocks.indices {
                    guard let extra = e[g][b] else { continue }
                    let columns = types.indices.compactMap { y[$0][g][b] }
                    program.addRow(.init(columns: columns + [extra], coefficients: columns.map { _ in 1 } + [-1],
                                         upper: Double(TypedCohort.slots(problem, g, b))))
                }
            }
        }

        /// A timetable per type (start[t][g][b]) as the programme's values: y, and e the load over the slots.
        func values(_ start: [[[Int]]], problem: CohortProblem) -> [Double] {
            var values = Array(repeating: 0.0, count: program.columns.count)
            var load = TypedCohort.zeros(problem)
            for t in types.indices {
                for g in problem.groups.indices {
                    for b in problem.blocks.indices {
                        load[g][b] += start[t][g][b]
                        if let column = y[t][g][b] { values[column] = Double(start[t][g][b]) }
                    }
                }
            }
            for g in problem.groups.indices {
                for b in problem.blocks.indices {
                    if let column = e[g][b] { values[column] = Double(max(0, load[g][b] - TypedCohort.slots(problem, g, b))) }
                }
            }
            return values
        }

        /// The load of an integer solution per (g, b), nil when the values (rounded) are not one:
        /// a demand missed or a type over its count in a block.
        func placed(_ values: [Double], problem: CohortProblem) -> [[Int]]? {
            guard values.count == program.columns.count else { return nil }
            var placed = TypedCohort.zeros(problem)
            for (t, type) in types.enumerated() {
                var perGroup = Array(repeating: [0, 0], count: problem.groups.count)
                for b in problem.blocks.indices {
                    var inBlock = 0
                    for g in problem.groups.indices {
                        guard let column = y[t][g][b] else { continue }
                        let students = Int((values[column]).rounded())
                        guard students >= 0 else { return nil }
                        placed[g][b] += students
                        perGroup[g][problem.blocks[b].isHalf ? 1 : 0] += students
                        inBlock += students
                    }
                    guard inBlock <= type.count else { return nil }
                }
                for g in problem.groups.indices where perGroup[g] != [type.count * type.need(g, half: false),
                                                                      type.count * type.need(g, half: true)] {
                    return nil
                }
            }
            return placed
        }
    }
}

extension TypedCohort {
    /// Tolerance on the solver's bound before it is rounded up: 2 − 1e-9 is a bound of 2.
    static let boundTolerance = 1e-6

    /// The solver's bound rounded up to whole extra slots (0 when it has none or a negative one).
    static func lowerBound(_ bound: Double?) -> Int {
        guard let bound, bound.isFinite else { return 0 }
        let rounded = (bound - boundTolerance).rounded(.up)
        return rounded <= 0 ? 0 : Int(min(rounded, 1e15))
    }

    /// The answer from a solution. Optimal: exact. Stopped: the bound, rounded up, is a lower bound
    /// on the extra slots: over 0 it proves the cohort does not fit; an incumbent with no extra
    /// proves it does (a timetable); otherwise it is undecided. An incumbent whose extra equals
    /// the bound is optimal after all.
    static func answer(_ solution: LinearProgramSolution, model: Model, problem: CohortProblem, students: Int) -> CohortAnswer {
        let empty = zeros(problem)
        if solution.status == .infeasible {
            // Not reached after the calendar check (extra slots are unlimited); said, not trapped.
            return CohortAnswer(method: .integerProgram, students: students, feasible: false, placed: empty, extra: empty,
                                calendarShortfall: "the integer programme has no solution, whatever the extra slots")
        }
        // The solver's incumbent, or the start when the solver has none as good (a solver may ignore starts).
        let candidates = [solution.values, model.program.start ?? []].compactMap { model.placed($0, problem: problem) }
        let placed = candidates.min { TypedCohort.extra($0, problem: problem) < TypedCohort.extra($1, problem: problem) }
        let extra = placed.map { load in
            problem.groups.indices.map { g in problem.blocks.indices.map { b in max(0, load[g][b] - slots(problem, g, b)) } }
        }
        let found = extra.map { $0.reduce(0) { $0 + $1.reduce(0, +) } }
        if solution.status == .optimal, let placed, let extra, let found {
            return CohortAnswer(method: .integerProgram, students: students, feasible: found == 0, placed: placed, extra: extra)
        }
        let bound = lowerBound(solution.bound)
        if let found, found <= bound, let placed, let extra {
            return CohortAnswer(method: .integerProgram, students: students, feasible: found == 0, placed: placed, extra: extra)
        }
        let feasible: Bool? = bound > 0 ? false : (found == 0 ? true : nil)
        return CohortAnswer(method: .linearBound, students: students, feasible: feasible, placed: placed ?? empty,
                            extra: extra ?? empty, extraLowerBound: bound)
    }
}
