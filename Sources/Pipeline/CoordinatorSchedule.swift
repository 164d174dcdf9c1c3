import Foundation
import Domain
import Normalize
import Report
import Rules
import Scheduling
import CoinSolver

/// `plan --schedule`: who is planned.
public enum ScheduleCohort: Sendable, Hashable {
    /// `--students N` (lower == upper) or `--students A..B`.
    case students(ClosedRange<Int>)
    /// `--cohort progress`: the students of the last published run's progress.
    case progress
}

/// The questions of `plan --schedule` that come from the command line.
public struct ScheduleRequest: Sendable, Hashable {
    public var year: PlacementYear
    /// `--demand NAME`; nil: the planning section's first.
    public var demand: String?
    public var cohort: ScheduleCohort
    /// The integer programme's time limit (several types of student).
    public var seconds: Double

    public init(year: PlacementYear, demand: String?, cohort: ScheduleCohort, seconds: Double = 5) {
        self.year = year
        self.demand = demand
        self.cohort = cohort
        self.seconds = seconds
    }
}

extension Coordinator {
    /// The block schedule of `request` from the definition's planning section, its reference data
    /// and the agreements its sources hold today (see docs/planning.md).
    public static func schedule(definition: PipelineDefinition, request: ScheduleRequest,
                                solver: LinearSolver? = nil) throws(RunFailure) -> SchedulePlan {
        let reference = try PipelineRun.reference(for: definition)
        let question = try scheduleQuestion(definition: definition, request: request, reference: reference)
        let agreements = try agreements(of: definition, reference: reference)
        let capacity = BlockCapacity(agreements: agreements, groups: question.groups, blocks: question.blocks, year: request.year,
                                     groupOf: reference.group(of:))
        var problem = CohortProblem(groups: question.groups, blocks: question.blocks, slots: capacity.slots, types: [])
        let one = StudentType(count: 0, wholeBlocks: question.requirements.map(\.wholeBlocks),
                              halfBlocks: question.requirements.map(\.halfBlocks))
        switch request.cohort {
        case .students(let range):
            problem.types = [one]
            problem = problem.withStudents(range.upperBound)
            let largest = range.count > 1 ? CohortRange.largestFitting(problem, in: range) : nil
            return SchedulePlan(year: request.year, demand: question.demand, requirements: question.requirements,
                                cohort: .count(range.upperBound), problem: problem, capacity: capacity,
                                answer: CohortFlow.solve(problem), range: range.count > 1 ? range : nil, largestFitting: largest)
        case .progress:
            let cohort = try progressCohort(definition: definition, requirements: question.requirements,
                                            blockWeeks: question.blockWeeks,
                                            halfBlocks: question.blocks.filter(\.isHalf).count)
            problem.types = cohort.types
            let answer = problem.types.count <= 1 ? CohortFlow.solve(problem)
                : solveTyped(problem, solver: solver, seconds: request.seconds)
            return SchedulePlan(year: request.year, demand: question.demand, requirements: question.requirements,
                                cohort: .progress(run: cohort.run, students: cohort.students, types: cohort.types.count,
                                                  withoutDemand: cohort.withoutDemand),
                                problem: problem, capacity: capacity, answer: answer)
        }
    }

    /// The calendar, the demand and its groups as blocks, checked against the reference data.
    struct ScheduleQuestion {
        var demand: YearDemand
        var groups: [String]
        var requirements: [GroupBlocks]
        var blocks: [PlanningBlock]
        var blockWeeks: Int
    }

    static func scheduleQuestion(definition: PipelineDefinition, request: ScheduleRequest, reference: ReferenceData)
        throws(RunFailure) -> ScheduleQuestion {
        let at = SourceLocation(path: definition.file, line: 1)
        guard let planning = definition.planning else {
            throw .definition(DefinitionError(at, "plan --schedule needs a planning: section in the definition",
                                              notes: ["for example: planning: {blocks: {weeks: 4, starts: \"07-01\"}, "
                                                      + "demand: {master-1: {HK: 8, IG: 8, PED: 4, free: 32}}}",
                                                      "see docs/planning.md"]))
        }
        let demand = try chooseDemand(planning, request.demand, at: at)
        let calendar = planning.settings.calendar
        guard BlockCalendar.firstDay(of: request.year, calendar) != nil else {
            throw .definition(DefinitionError(at, "planning.blocks.starts: \(calendar.firstMonth)-\(calendar.firstDay) is no day of "
                                              + "\(request.year) (29 February in a year without it); start the blocks on another day"))
        }
        let blocks = BlockCalendar.blocks(of: request.year, calendar)
        let numbers = Set(blocks.map { $0.label.filter(\.isNumber) })
        if let missing = calendar.halfBlocks.first(where: { !numbers.contains(String($0)) }) {
            throw .definition(DefinitionError(at, "planning.blocks.halves: block \(missing) is not in the calendar of \(request.year), "
                                              + "which has blocks 1 to \(numbers.count)"))
        }
        if let last = blocks.last, last.last > request.year.lastDay {
            throw .definition(DefinitionError(at, "planning.blocks: block \(last.label) ends on \(last.last), after the year "
                                              + "\(request.year) ends on \(request.year.lastDay); lower planning.blocks.count or "
                                              + "leave it out (then the blocks are those that fit)"))
        }
        guard !blocks.isEmpty else {
            throw .definition(DefinitionError(at, "planning.blocks: no block of \(calendar.blockWeeks) weeks fits in \(request.year)"))
        }
        let groups = try resolveGroups(demand, planning: planning, reference: reference, definition: definition)
        let hasHalves = blocks.contains(where: \.isHalf)
        let requirements = groups.map { group in
            BlockRequirements.blocks(group: group.code, weeks: group.weeks, blockWeeks: calendar.blockWeeks, calendarHasHalves: hasHalves)
        }
        if let shortfall = BlockRequirements.calendarShortfall(requirements, freeWeeks: demand.freeWeeks, blocks: blocks) {
            throw .definition(DefinitionError(planning.locations[demand.name] ?? at, "planning.demand.\(demand.name): \(shortfall)",
                                              notes: ["a year's demand must fit one student's blocks; lower its weeks"]))
        }
        return ScheduleQuestion(demand: demand, groups: groups.map(\.code), requirements: requirements, blocks: blocks,
                                blockWeeks: calendar.blockWeeks)
    }

    static func chooseDemand(_ planning: PlanningDefinition, _ name: String?, at: SourceLocation) throws(RunFailure) -> YearDemand {
        let demands = planning.settings.demands
        guard let name else {
            guard let first = demands.first else { throw .definition(DefinitionError(at, "planning.demand is empty")) }
            return first
        }
        if let demand = demands.first(where: { $0.name == name }) { return demand }
        throw .definition(DefinitionError(nil, "--demand '\(name)': the planning section has no demand of that name; it has "
                                          + demands.map(\.name).joined(separator: ", ")))
    }

    /// The demand's groups by code, in code order; a name or alias is resolved, a sub-discipline
    /// or an unknown name is an error at its line.
    static func resolveGroups(_ demand: YearDemand, planning: PlanningDefinition, reference: ReferenceData,
                              definition: PipelineDefinition) throws(RunFailure) -> [(code: String, weeks: Int)] {
        let resolver = NameResolver(disciplines: reference.disciplines)
        var weeks: [String: Int] = [:]
        for (typed, count) in demand.weeks.sorted(by: { $0.key < $1.key }) {
            let location = planning.keyLocations[demand.name]?[typed]
            guard let code = resolver.resolve(typed) else {
                let closest = resolver.suggestions(for: typed).map { "\($0.name) (\($0.code))" }.joined(separator: ", ")
                throw .definition(DefinitionError(location, "planning.demand.\(demand.name): '\(typed)' is no discipline group of the "
                                                  + "reference data" + (closest.isEmpty ? "" : "; closest: \(closest)")))
            }
            guard reference.group(of: code) == code else {
                throw .definition(DefinitionError(location, "planning.demand.\(demand.name): '\(typed)' is \(code), a sub-discipline "
                                                  + "of \(reference.group(of: code)); the demand is per discipline group: write "
                                                  + reference.group(of: code)))
            }
            guard weeks[code] == nil else {
                throw .definition(DefinitionError(location, "planning.demand.\(demand.name): '\(typed)' is \(code), named twice"))
            }
            weeks[code] = count
        }
        return weeks.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { (code: $0.key, weeks: $0.value) }
    }
}

/// `--cohort progress`: the last published run's students as types of identical remaining demand.
struct ProgressCohort {
    var run: String
    var students: Int
    var types: [StudentType]
    var withoutDemand: Int
}

extension Coordinator {
    /// Several types of student: the integer programme over the types (CBC unless the caller
    /// hands another solver, as tests do), within `seconds`.
    static func solveTyped(_ problem: CohortProblem, solver: LinearSolver?, seconds: Double) -> CohortAnswer {
        TypedCohort.solve(problem, solver: solver ?? CBC.solver, seconds: seconds)
    }

    /// Each student of the last published run's progress (read typed, as `report` reads it),
    /// with what is left of each demanded group's weeks this year: the demand's weeks, at most
    /// the required weeks the student has not passed yet. Students with the same blocks left are
    /// one type; students with nothing left are counted, not planned.
    static func progressCohort(definition: PipelineDefinition, requirements: [GroupBlocks], blockWeeks: Int,
                               halfBlocks: Int) throws(RunFailure) -> ProgressCohort {
        let latest = definition.outputDirectory + "/latest"
        let table: ReportTable
        do {
            table = try readTable(path: latest + "/progress.csv", name: "progress", headings: Kind.progress.headings)
        } catch {
            throw .definition(error)
        }
        guard let student = table.column("student"), let part = table.column("part"), let passed = table.column("passed_weeks"),
              let required = table.column("required_weeks") else {
            throw .definition(DefinitionError(SourceLocation(path: latest + "/progress.csv", line: 1),
                                              "the progress report lacks student, part, passed_weeks or required_weeks"))
        }
        let position = Dictionary(uniqueKeysWithValues: requirements.enumerated().map { ($1.group, $0) })
        // Per student, the weeks still to do per demanded group (absent: none passed yet).
        var left: [String: [Int?]] = [:]
        for row in table.rows {
            guard case .text(let id) = row[student] else { continue }
            let none = [Int?](repeating: nil, count: requirements.count)
            guard case .text(let group) = row[part], let g = position[group], case .integer(let passedWeeks) = row[passed],
                  case .integer(let requiredWeeks) = row[required] else {
                left[id] = left[id] ?? none
                continue
            }
            left[id, default: none][g] = max(0, requiredWeeks - passedWeeks)
        }
        var byNeed: [[Int]: Int] = [:]
        var withoutDemand = 0
        for (_, weeksLeft) in left {
            var blocks = requirements.enumerated().map { g, requirement in
                BlockRequirements.blocks(group: requirement.group, weeks: min(requirement.weeks, weeksLeft[g] ?? requirement.weeks),
                                         blockWeeks: blockWeeks, calendarHasHalves: halfBlocks > 0)
            }
            // Half-blocks beyond the calendar's (2 weeks left of a 4-week group, beside the
            // demand's own 2-week groups) are rounded up to whole blocks, the last groups first.
            var halvesOver = blocks.reduce(0) { $0 + $1.halfBlocks } - halfBlocks
            for g in blocks.indices.reversed() where halvesOver > 0 && blocks[g].halfBlocks > 0 {
                blocks[g].halfBlocks -= 1
                blocks[g].wholeBlocks += 1
                halvesOver -= 1
            }
            let need = blocks.map(\.wholeBlocks) + blocks.map(\.halfBlocks)
            if need.allSatisfy({ $0 == 0 }) { withoutDemand += 1 } else { byNeed[need, default: 0] += 1 }
        }
        let groups = requirements.count
        let types = byNeed.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.lexicographicallyPrecedes($1.key) }
            .map { need, count in StudentType(count: count, wholeBlocks: Array(need[..<groups]), halfBlocks: Array(need[groups...])) }
        let run = (try? FileManager.default.destinationOfSymbolicLink(atPath: latest)).map { ($0 as NSString).lastPathComponent }
        return ProgressCohort(run: run ?? "latest", students: left.count, types: types, withoutDemand: withoutDemand)
    }
}
