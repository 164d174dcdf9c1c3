import Domain
import Rules

/// Everything `plan --schedule` answers, as plain values for the report formats: the question
/// (year, calendar, demand, cohort), the capacity per site, group and block, and the answer.
public struct SchedulePlan: Sendable {
    /// Where the cohort comes from.
    public enum Cohort: Sendable, Hashable {
        /// `--students N` or a range: N identical students with the demand.
        case count(Int)
        /// `--cohort progress`: the last published run's students, each with what is left of the
        /// demand after the weeks they passed; `withoutDemand` had nothing left.
        case progress(run: String, students: Int, types: Int, withoutDemand: Int)
    }

    public var year: PlacementYear
    public var demand: YearDemand
    /// The demand's groups as blocks, in the order of `problem.groups` (rounding noted there).
    public var requirements: [GroupBlocks]
    public var cohort: Cohort
    public var problem: CohortProblem
    public var capacity: BlockCapacity
    public var answer: CohortAnswer
    /// `--students A..B`: the range and the largest count in it that fits (nil: none does). The
    /// answer is then for B, the cohort the coordinator hopes for.
    public var range: ClosedRange<Int>?
    public var largestFitting: Int?

    public init(year: PlacementYear, demand: YearDemand, requirements: [GroupBlocks], cohort: Cohort, problem: CohortProblem,
                capacity: BlockCapacity, answer: CohortAnswer, range: ClosedRange<Int>? = nil, largestFitting: Int? = nil) {
        self.year = year
        self.demand = demand
        self.requirements = requirements
        self.cohort = cohort
        self.problem = problem
        self.capacity = capacity
        self.answer = answer
        self.range = range
        self.largestFitting = largestFitting
    }

    /// The block schedule at the sites (see `SiteSchedule.rows`).
    public var rows: [ScheduleRow] { SiteSchedule.rows(answer, capacity: capacity) }
}
