import CoinSolver
import Domain
import Rules
import Scheduling
import Testing

/// The issue's property test: random small instances, each answer against the brute force of
/// every student's every timetable.
@Suite("Cohort answers agree with a brute force on random small instances")
struct CohortPropertyTests {
    /// What every answer must satisfy against the brute force; returns the failures, described.
    static func disagreements(_ answer: CohortAnswer, _ problem: CohortProblem) -> [String] {
        let brute = BruteForceSchedule(problem)
        guard let fewest = brute.fewestExtra else {
            return answer.calendarShortfall != nil && answer.feasible == false ? [] : ["no timetable exists, the answer has no calendar shortfall"]
        }
        var failures: [String] = []
        if answer.feasible != (fewest == 0) { failures.append("feasible \(String(describing: answer.feasible)), brute force \(fewest == 0)") }
        if answer.extraSlots != fewest { failures.append("extra slots \(answer.extraSlots), brute force \(fewest)") }
        if answer.calendarShortfall != nil { failures.append("a calendar shortfall where a timetable exists") }
        let load = problem.groups.indices.flatMap { g in problem.blocks.indices.map { answer.placed[g][$0] } }
        if !brute.loads.contains(load) { failures.append("placed \(answer.placed) is no timetable's load") }
        failures += consistency(answer, problem)
        return failures
    }

    /// Placed and extra as the answer's fields promise: every group's demand, at most the cohort
    /// in a block, the extra slots where the load is over the slots.
    static func consistency(_ answer: CohortAnswer, _ problem: CohortProblem) -> [String] {
        var failures: [String] = []
        for g in problem.groups.indices {
            for half in [false, true] {
                let demand = problem.types.reduce(0) { $0 + $1.count * $1.need(g, half: half) }
                let placed = problem.blocks.indices.filter { problem.blocks[$0].isHalf == half }.reduce(0) { $0 + answer.placed[g][$1] }
                if placed != demand { failures.append("group \(g) \(half ? "half" : "whole"): placed \(placed), demand \(demand)") }
            }
            for b in problem.blocks.indices {
                if answer.placed[g][b] - answer.extra[g][b] > problem.slots[g][b] { failures.append("(\(g), \(b)) over its slots") }
                if answer.extra[g][b] < 0 { failures.append("(\(g), \(b)) negative extra") }
            }
        }
        for b in problem.blocks.indices where problem.groups.indices.reduce(0, { $0 + answer.placed[$1][b] }) > problem.students {
            failures.append("block \(b) holds more than the cohort")
        }
        return failures
    }

    @Test("One type: CohortFlow's feasibility and fewest extra slots are the brute force's (600 instances)")
    func maxFlowAgrees() {
        var random = SplitMix64(state: 22)
        var checked = 0, infeasible = 0
        for index in 0..<600 {
            let problem = RandomCohort.problem(&random, typeCount: 1...1)
            let answer = CohortFlow.solve(problem)
            let failures = Self.disagreements(answer, problem)
            #expect(failures.isEmpty, "instance \(index): \(failures) in \(problem)")
            checked += 1
            if answer.feasible == false { infeasible += 1 }
        }
        // Both answers are exercised, not only one.
        #expect(infeasible > 100 && checked - infeasible > 100, "\(infeasible) of \(checked) infeasible")
    }

    @Test("Types: TypedCohort with CBC gives the brute force's feasibility and fewest extra slots (400 instances)")
    func integerProgrammeAgrees() {
        var random = SplitMix64(state: 2026)
        var infeasible = 0, severalTypes = 0
        for index in 0..<400 {
            let problem = RandomCohort.problem(&random, typeCount: 1...3)
            let answer = TypedCohort.solve(problem, solver: CBC.solver, seconds: 10)
            let failures = Self.disagreements(answer, problem)
            #expect(failures.isEmpty, "instance \(index): \(failures) in \(problem)")
            if answer.calendarShortfall == nil { #expect(answer.method == .integerProgram) }
            // The programme alone, without the start that answers most feasible years: CBC's optimum is the fewest.
            if let fewest = BruteForceSchedule(problem).fewestExtra {
                let direct = CBC.solve(TypedCohort.program(problem), seconds: 10)
                #expect(direct.status == .optimal && direct.objective.map { Int($0.rounded()) } == fewest, "instance \(index)")
            }
            if answer.feasible == false { infeasible += 1 }
            if problem.types.filter({ $0.count > 0 }).count > 1 { severalTypes += 1 }
        }
        #expect(infeasible > 60 && infeasible < 340, "\(infeasible) of 400 infeasible")
        #expect(severalTypes > 100, "\(severalTypes) of 400 with several types")
    }

    @Test("One type: TypedCohort and CohortFlow give the same fewest extra slots (300 instances)")
    func integerProgrammeMatchesFlow() {
        var random = SplitMix64(state: 7)
        for index in 0..<300 {
            let problem = RandomCohort.problem(&random, typeCount: 1...1)
            let flow = CohortFlow.solve(problem)
            let typed = TypedCohort.solve(problem, solver: CBC.solver, seconds: 10)
            #expect(flow.feasible == typed.feasible, "instance \(index)")
            if flow.calendarShortfall == nil { #expect(flow.extraSlots == typed.extraSlots, "instance \(index): \(problem)") }
        }
    }
}
