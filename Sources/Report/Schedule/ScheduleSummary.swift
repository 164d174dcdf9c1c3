import Rules
import Scheduling
import Domain

/// The answer of `plan --schedule` as facts (the summary table of CSV-like formats, the JSON's
/// `summary`, the workbook's sheet) and as the sentences a coordinator reads (Markdown, HTML):
/// what fits, where it breaks, and the smallest fix. The facts' names are an interface and never
/// change with the language.
public struct ScheduleSummary: Sendable {
    public let plan: SchedulePlan
    public let grid: ScheduleGrid
    public let fixRows: [ScheduleFixRow]

    public init(_ plan: SchedulePlan) {
        self.plan = plan
        grid = ScheduleGrid(plan)
        fixRows = ScheduleTables.fixRows(plan)
    }

    /// How many cells a sentence lists before it points to the fix table.
    public static let cellsListed = 12

    var answer: CohortAnswer { plan.answer }

    /// "yes", "no" or "unknown" (only a bound is known).
    public var feasibleText: String { answer.feasible.map { $0 ? "yes" : "no" } ?? "unknown" }

    /// The student-blocks the slots miss: the cut's shortfall; 0 when it fits; nil when unknown.
    public var shortfall: Int? {
        if let cut = answer.bottleneck { return cut.shortfall }
        switch answer.feasible {
        case true?: return 0
        case false?: return answer.extraSlots
        case nil: return nil
        }
    }

    /// "HEEL 8, INT 8, PED 4" in the problem's group order.
    public var demandWeeks: String {
        plan.requirements.map { "\($0.group) \($0.weeks)" }.joined(separator: ", ")
    }

    public var roundedUp: [GroupBlocks] { plan.requirements.filter(\.roundedUp) }
    public var onHalfBlocks: [GroupBlocks] { plan.requirements.filter { $0.halfBlocks > 0 } }

    /// Every fact, always present (an empty value where it does not apply), in this order.
    public var facts: [ScheduleFact] {
        var facts = [ScheduleFact("year", .year(plan.year)), ScheduleFact("demand", .text(plan.demand.name)),
                     ScheduleFact("demand_weeks", .text(demandWeeks)), ScheduleFact("free_weeks", .integer(plan.demand.freeWeeks)),
                     ScheduleFact("blocks", .integer(plan.problem.blocks.count))]
        switch plan.cohort {
        case .count(let count):
            facts += [ScheduleFact("students", .integer(count)), ScheduleFact("cohort_run", .empty),
                      ScheduleFact("student_types", .integer(plan.problem.types.count)),
                      ScheduleFact("students_without_demand", .empty)]
        case .progress(let run, let students, let types, let withoutDemand):
            facts += [ScheduleFact("students", .integer(students)), ScheduleFact("cohort_run", .text(run)),
                      ScheduleFact("student_types", .integer(types)), ScheduleFact("students_without_demand", .integer(withoutDemand))]
        }
        facts += [
            ScheduleFact("students_range", .text(plan.range.map { "\($0.lowerBound)..\($0.upperBound)" })),
            ScheduleFact("largest_fitting", plan.range == nil ? .empty : plan.largestFitting.map(Cell.integer) ?? .empty),
            ScheduleFact("planned_students", .integer(answer.students)),
            ScheduleFact("method", .text(answer.method.rawValue)),
            ScheduleFact("feasible", .text(feasibleText)),
            ScheduleFact("shortfall", shortfall.map(Cell.integer) ?? .empty),
            ScheduleFact("extra_slots", answer.feasible == nil ? .empty : .integer(answer.extraSlots)),
            ScheduleFact("extra_slots_lower_bound", answer.extraLowerBound.map(Cell.integer) ?? .empty),
            ScheduleFact("calendar_shortfall", .text(answer.calendarShortfall)),
            ScheduleFact("rounded_up", .text(roundedUp.isEmpty ? nil : roundedUp.map { "\($0.group) \($0.weeks)->\($0.weeksInBlocks)" }
                .joined(separator: ", "))),
            ScheduleFact("half_blocks", .text(onHalfBlocks.isEmpty ? nil : onHalfBlocks.map(\.group).joined(separator: ", "))),
        ]
        return facts
    }

    /// Block labels as ranges where consecutive in the calendar: "1–3, 5, 13a–13b".
    func blockList(_ indices: [Int]) -> String {
        let sorted = Array(Set(indices)).sorted()
        var parts: [String] = []
        var start = 0
        while start < sorted.count {
            var end = start
            while end + 1 < sorted.count && sorted[end + 1] == sorted[end] + 1 { end += 1 }
            let first = grid.blocks[sorted[start]].label, last = grid.blocks[sorted[end]].label
            parts.append(end == start ? first : end == start + 1 ? "\(first), \(last)" : "\(first)–\(last)")
            start = end + 1
        }
        return parts.joined(separator: ", ")
    }

    /// "HEEL in blocks 1–3; INT in block 2" for the cells `keep` selects, group by group.
    func cellList(_ language: ReportLanguage, _ keep: (ScheduleGrid.GridCell) -> Bool) -> String? {
        var parts: [String] = []
        for (g, group) in grid.groups.enumerated() {
            let blocks = grid.blocks.indices.filter { keep(grid.cells[g][$0]) }
            guard !blocks.isEmpty else { continue }
            parts.append(language.text("\(group) in \(blocks.count == 1 ? "block" : "blocks") ",
                                       "\(group) in \(blocks.count == 1 ? "blok" : "blokken") ") + blockList(blocks))
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }
}
