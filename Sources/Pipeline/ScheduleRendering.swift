import Report
import Scheduling
import Workbook
import Domain

/// `plan --schedule` in every report format (docs/planning.md, "Outputs"): CSV and the Excel CSV
/// are the block schedule; JSON an object with the summary's facts and the schedule and fix
/// arrays; Markdown and HTML the answer in sentences, the block × group grid, the fix and the
/// schedule, in `language`; the workbook the sheets summary, schedule and fix.
extension Coordinator {
    /// "Block plan 2026-2027: 320 students" (a range: "280–360 students"; the cohort of a run:
    /// its students and the run).
    public static func scheduleTitle(_ plan: SchedulePlan, language: ReportLanguage) -> String {
        let head = language.text("Block plan", "Blokplanning") + " \(plan.year): "
        let students = language.text("students", "studenten")
        if let range = plan.range {
            return head + language.integer(range.lowerBound) + "–" + language.integer(range.upperBound) + " " + students
        }
        switch plan.cohort {
        case .count(let count):
            return head + language.integer(count) + " " + students
        case .progress(let run, let count, _, _):
            return head + language.integer(count) + " " + students + " " + language.text("of run", "uit run") + " " + run
        }
    }

    public static func renderSchedule(_ plan: SchedulePlan, format: OutputFormat, title: String, date: Day,
                                      language: ReportLanguage) throws(WorkbookError) -> [UInt8] {
        switch format {
        case .csv: return TableFormats.csv(ScheduleTables.schedule(plan), dialect: .rfc4180)
        case .excel: return TableFormats.csv(ScheduleTables.schedule(plan), dialect: .excelBelgium)
        case .json: return ScheduleDocument.json(plan)
        case .md: return ScheduleDocument.markdown(plan, title: title, language: language)
        case .html: return HTMLPage.schedule(plan, title: title, language: language)
        case .xlsx:
            let tables = [WorkbookTable(ScheduleTables.summary(plan), declaredBy: Tables.scheduleSummary),
                          WorkbookTable(ScheduleTables.schedule(plan), declaredBy: Tables.blockSchedule),
                          WorkbookTable(ScheduleTables.fix(plan), declaredBy: Tables.scheduleFix)]
            do {
                return try Workbook.bytes(tables, date: date)
            } catch let error as WorkbookError {
                throw error
            } catch {
                // A sink in memory never fails: only zlib can.
                throw WorkbookError(path: "schedule.xlsx", message: "\(error)")
            }
        }
    }
}
