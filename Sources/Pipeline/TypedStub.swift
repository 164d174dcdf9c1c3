import Scheduling
import Report
import Workbook
import Domain
// TEMPORARY until the integer programme lands (engineer A): not to be committed as done.
extension Coordinator {
    static func solveTyped(_ problem: CohortProblem, solver: LinearSolver?, seconds: Double) -> CohortAnswer {
        CohortFlow.solve(problem)
    }
}
extension Coordinator {
    public static func scheduleTitle(_ plan: SchedulePlan, language: ReportLanguage) -> String { "plan" }
    public static func renderSchedule(_ plan: SchedulePlan, format: OutputFormat, title: String, date: Day,
                                      language: ReportLanguage) throws(WorkbookError) -> [UInt8] {
        Array(plan.rows.map { "\(plan.problem.blocks[$0.block].label),\(plan.problem.groups[$0.group]),\($0.site ?? ""),\($0.slots),\($0.students)" }.joined(separator: "\n").utf8)
    }
}
