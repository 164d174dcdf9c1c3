// The plan's solvers on instances of the size (25 groups, 13 blocks with the last split,
// 5,000 students), built only by scripts/bench_schedule.sh (STAGEBALANS_SCHEDULE_BENCH=1): CBC on
// the integer programme over types, the max-flow on one type, and the cost of loading CBC's model
// in one call against a call per column and per row. No Foundation: it imports CBC's C module.
//
//   ScheduleBench typed TYPES roomy|tight|infeasible SECONDS [MPS-PATH]
//   ScheduleBench flow
//   ScheduleBench load TYPES
internal import CCoinCbc
import CoinSolver
import Domain
import Rules
import Scheduling

struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}

enum Instance {
    static let groups = 25
    static let students = 5_000
    static let blocks = BlockCalendar.blocks(of: PlacementYear(startYear: 2026),
                                             CalendarSettings(blockWeeks: 4, blockCount: 13, halfBlocks: [13]))

    /// Remaining requirements: each group a whole block with probability 0.35 (at most 12 in all),
    /// and half of the types a half-block of one group.
    static func type(_ random: inout SplitMix64, count: Int) -> StudentType {
        var whole = (0..<groups).map { _ in random.below(100) < 35 ? 1 : 0 }
        while whole.reduce(0, +) > 12 { whole[random.below(groups)] = 0 }
        var half = Array(repeating: 0, count: groups)
        if random.below(2) == 0 { half[random.below(groups)] = 1 }
        return StudentType(count: count, wholeBlocks: whole, halfBlocks: half)
    }

    /// 5,000 students in `typeCount` types, slots exactly the load of one random timetable per
    /// student plus one spare slot in a tenth of the cells: tight, and feasible by construction.
    static func problem(types typeCount: Int, seed: UInt64 = 22) -> CohortProblem {
        var random = SplitMix64(state: seed)
        var counts = Array(repeating: 1, count: typeCount)
        for _ in 0..<(students - typeCount) { counts[random.below(typeCount)] += 1 }
        let types = counts.map { type(&random, count: $0) }
        var load = Array(repeating: Array(repeating: 0, count: blocks.count), count: groups)
        let whole = blocks.indices.filter { !blocks[$0].isHalf }, halves = blocks.indices.filter { blocks[$0].isHalf }
        for type in types {
            for _ in 0..<type.count {
                var order = whole
                for index in order.indices.reversed() { order.swapAt(index, random.below(index + 1)) }
                var next = 0
                for g in 0..<groups where type.wholeBlocks[g] > 0 {
                    load[g][order[next]] += 1
                    next += 1
                }
                for g in 0..<groups where type.halfBlocks[g] > 0 { load[g][halves[random.below(halves.count)]] += 1 }
            }
        }
        let slots = load.map { row in row.map { $0 + (random.below(10) == 0 ? 1 : 0) } }
        return CohortProblem(groups: (0..<groups).map { "G\($0)" }, blocks: blocks, slots: slots, types: types)
    }

    /// The same slots in each group's total, but a fifth of groups 0–4's slots in blocks 1–4
    /// moved to blocks 9–12: the yearly totals are enough, the autumn is not.
    static func autumnShortage(_ problem: CohortProblem) -> CohortProblem {
        var copy = problem
        for g in 0..<5 {
            for b in 0..<4 {
                let moved = copy.slots[g][b] / 5
                copy.slots[g][b] -= moved
                copy.slots[g][b + 8] += moved
            }
        }
        return copy
    }
}

/// CBC's infinity is DBL_MAX.
func finite(_ value: Double) -> Double { value.isInfinite ? (value > 0 ? .greatestFiniteMagnitude : -.greatestFiniteMagnitude) : value }

func milliseconds(_ duration: Duration) -> Int {
    Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
}

func typed(_ arguments: [String]) {
    let typeCount = arguments.count > 2 ? Int(arguments[2]) ?? 50 : 50
    let kind = arguments.count > 3 ? arguments[3] : "tight"
    let seconds = arguments.count > 4 ? Double(arguments[4]) ?? 10 : 10
    let tight = Instance.problem(types: typeCount)
    var problem = kind == "infeasible" ? Instance.autumnShortage(tight) : tight
    if kind == "roomy" { problem.slots = problem.slots.map { row in row.map { $0 + max(1, $0 / 10) } } }
    let clock = ContinuousClock()
    let started = clock.now
    // SECONDS 0: no solver (it stops at once), so the time is the start's and the model's alone.
    let none: LinearSolver = { _, _ in LinearProgramSolution(status: .stopped, values: [], objective: nil, bound: nil) }
    let solver: LinearSolver = seconds > 0 ? CBC.solver : none
    let answer = TypedCohort.solve(problem, solver: solver, seconds: seconds)
    let took = clock.now - started
    let program = TypedCohort.program(problem)
    if arguments.count > 5 { _ = CBC.writeMPS(program, path: arguments[5]) }
    print("typed types=\(typeCount) \(kind) columns=\(program.columns.count)",
          "rows=\(program.rows.count) ms=\(milliseconds(took)) method=\(answer.method.rawValue)",
          "feasible=\(answer.feasible.map(String.init) ?? "unknown") extra=\(answer.extraSlots)",
          "bound=\(answer.extraLowerBound.map(String.init) ?? "-")")
}

func flow() {
    var problem = Instance.problem(types: 1)
    let clock = ContinuousClock()
    let started = clock.now
    let answer = CohortFlow.solve(problem)
    let took = clock.now - started
    problem = Instance.autumnShortage(problem)
    let shortStarted = clock.now
    let short = CohortFlow.solve(problem)
    let shortTook = clock.now - shortStarted
    print("flow tight ms=\(milliseconds(took)) feasible=\(answer.feasible == true)",
          "| autumn shortage ms=\(milliseconds(shortTook)) feasible=\(short.feasible == true) extra=\(short.extraSlots)")
}

/// Loading the model: one Cbc_loadProblem against Cbc_addCol per column and Cbc_addRow per row.
func load(_ arguments: [String]) {
    let typeCount = arguments.count > 2 ? Int(arguments[2]) ?? 200 : 200
    let problem = Instance.problem(types: typeCount)
    let program = TypedCohort.program(problem)
    let clock = ContinuousClock()
    let started = clock.now
    var starts: [Int32] = [0], rows: [Int32] = [], values: [Double] = []
    var perColumn = Array(repeating: [Int32](), count: program.columns.count)
    for (index, row) in program.rows.enumerated() {
        for column in row.columns { perColumn[column].append(Int32(index)) }
    }
    for entries in perColumn {
        rows += entries
        values += entries.map { _ in 1 }  // the programme's coefficients are 1 but e's −1; the timing is the same
        starts.append(Int32(rows.count))
    }
    if let model = Cbc_newModel() {
        Cbc_loadProblem(model, Int32(program.columns.count), Int32(program.rows.count), starts, rows, values,
                        program.columns.map(\.lower), program.columns.map { finite($0.upper) }, program.columns.map(\.objective),
                        program.rows.map { finite($0.lower) }, program.rows.map { finite($0.upper) })
        for (index, column) in program.columns.enumerated() where column.isInteger { Cbc_setInteger(model, Int32(index)) }
        Cbc_deleteModel(model)
    }
    let oneCall = clock.now - started
    let rowsStarted = clock.now
    if let model = Cbc_newModel() {
        for column in program.columns {
            Cbc_addCol(model, "", column.lower, finite(column.upper), column.objective, column.isInteger ? 1 : 0, 0, nil, nil)
        }
        for row in program.rows {
            let columns = row.columns.map(Int32.init)
            let sense: CChar = row.lower == row.upper ? 69 : 76  // "E" or "L": the programme has no other rows
            Cbc_addRow(model, "", Int32(columns.count), columns, row.coefficients, sense, row.lower == row.upper ? row.lower : row.upper)
        }
        Cbc_deleteModel(model)
    }
    let perRow = clock.now - rowsStarted
    print("load types=\(typeCount) columns=\(program.columns.count) rows=\(program.rows.count)",
          "loadProblem ms=\(milliseconds(oneCall)) addCol+addRow ms=\(milliseconds(perRow))")
}

let arguments = CommandLine.arguments
switch arguments.count > 1 ? arguments[1] : "" {
case "typed": typed(arguments)
case "flow": flow()
case "load": load(arguments)
default: print("usage: ScheduleBench typed TYPES roomy|tight|infeasible SECONDS [MPS-PATH] | flow | load TYPES")
}
