import ArgumentParser
import Domain
import Foundation
import Pipeline
import Report
import Scheduling
import Workbook

struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Demand against recognised capacity for a future year and cohort: per discipline group, or block by block.",
        discussion: """
        Without --schedule, per discipline group: demand = students × the curriculum's required \
        weeks, the recognised capacity-weeks of the framework agreements valid in the year, the \
        balance in weeks and in year-round slots (weeks / 52.1; negative is a shortfall), and the \
        agreements that expire inside the year.

        With --schedule, block by block (the definition's planning: section gives the blocks and \
        what a student does in the year): whether every student can do the year's weeks with the \
        slots of the agreements valid over each block, one placement per block; if so, how many \
        students each site takes per block and group; if not, where it breaks (the blocks and \
        groups of the bottleneck) and the smallest set of extra slots that makes it fit. \
        --students 280..360 gives the largest cohort that fits. --cohort progress plans for the \
        students of the last published run, each with the weeks they still need. Reads the \
        definition's agreement sources. See docs/planning.md.

        Example: stagebalans plan --year 2027-2028 --students 280..360 --schedule --format md
        """
    )

    @Option(help: "The pipeline definition (default: $STAGEBALANS_PIPELINE).")
    var pipeline: String?

    @Option(help: "The placement year to plan, e.g. 2026-2027.")
    var year: String

    @Option(help: "The expected number of students, or with --schedule a range such as 280..360.")
    var students: String?

    @Flag(help: "Plan block by block with the definition's planning: section.")
    var schedule = false

    @Option(help: "With --schedule: the planning section's demand to plan (default: its first).")
    var demand: String?

    @Option(help: "With --schedule: 'progress' plans for the students of the last published run instead of --students.")
    var cohort: String?

    @Option(help: "With --schedule and several kinds of student: seconds the integer programme may take.")
    var timeLimit: Double = 5

    @Option(help: "Without --schedule: one discipline group, by code or name.")
    var group: String?

    @Option(help: "csv, excel, json, md, html or xlsx (a workbook: redirect it to a file, `> plan.xlsx`).")
    var format: Coordinator.OutputFormat = .csv

    @Option(help: "nl or en: the language of md and html; default: the definition's report.language, else nl.")
    var language: ReportLanguage?

    func validate() throws {
        if !schedule {
            for (given, option) in [(demand, "--demand"), (cohort, "--cohort")] where given != nil {
                throw ValidationError("\(option) plans block by block: add --schedule")
            }
            guard students != nil else { throw ValidationError("--students: give the expected number of students, e.g. --students 300") }
        } else {
            guard group == nil else { throw ValidationError("--group is for the yearly plan; --schedule plans every group of the demand") }
            switch (students, cohort) {
            case (nil, nil): throw ValidationError("--schedule plans --students N (or A..B) or --cohort progress: give one")
            case (.some, .some): throw ValidationError("--students and --cohort both name the cohort: give one")
            default: break
            }
            if let cohort, cohort != "progress" {
                throw ValidationError("--cohort '\(cohort)': the only cohort from the data is 'progress' (the last published run's students)")
            }
            guard timeLimit > 0, timeLimit <= 3600 else { throw ValidationError("--time-limit must be between 0 and 3600 seconds") }
        }
    }

    func run() throws {
        try refuseWorkbookOnTerminal(format)
        let definition = try loadDefinition(try pipelineFile(pipeline))
        guard let placementYear = try parseYear(year) else { return }
        if schedule {
            try runSchedule(definition, year: placementYear)
        } else {
            try runYearly(definition, year: placementYear)
        }
    }

    func runYearly(_ definition: PipelineDefinition, year placementYear: PlacementYear) throws {
        let count = try StudentCount.parse(students ?? "", option: "--students")
        guard count.lowerBound == count.upperBound else {
            throw ValidationError("--students \(students ?? ""): a range is for --schedule; the yearly plan takes one number")
        }
        let rows: [PlanRow]
        do {
            (rows, _) = try Coordinator.plan(definition: definition, year: placementYear, students: count.lowerBound, group: group)
        } catch {
            printError(error.description)
            throw ExitCode(error.exitStatus.rawValue)
        }
        let language = language ?? definition.report.language
        let title = Coordinator.planTitle(year: placementYear, students: count.lowerBound, language: language)
        try writeOut { () throws(WorkbookError) in
            try Coordinator.render(Tables.plan.table(rows), format: format, plan: rows, title: title, headings: Tables.plan.headings,
                                   date: definition.asOf ?? Today.day, language: language)
        }
    }

    func runSchedule(_ definition: PipelineDefinition, year placementYear: PlacementYear) throws {
        let cohort: ScheduleCohort = try students.map { .students(try StudentCount.parse($0, option: "--students")) } ?? .progress
        let request = ScheduleRequest(year: placementYear, demand: demand, cohort: cohort, seconds: timeLimit)
        let plan: SchedulePlan
        do {
            plan = try Coordinator.schedule(definition: definition, request: request)
        } catch {
            printError(error.description)
            throw ExitCode(error.exitStatus.rawValue)
        }
        let language = language ?? definition.report.language
        printError(ScheduleText.summaryLine(plan))
        let title = Coordinator.scheduleTitle(plan, language: language)
        try writeOut { () throws(WorkbookError) in
            try Coordinator.renderSchedule(plan, format: format, title: title, date: definition.asOf ?? Today.day, language: language)
        }
    }
}

/// `--students 300` or `--students 280..360`.
enum StudentCount {
    static func parse(_ text: String, option: String) throws -> ClosedRange<Int> {
        let parts = text.components(separatedBy: "..")
        let numbers = parts.map { Int($0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "")) }
        switch (parts.count, numbers.first ?? nil, numbers.last ?? nil) {
        case (1, .some(let count), _) where (0...1_000_000).contains(count):
            return count...count
        case (2, .some(let low), .some(let high)) where 0 <= low && low <= high && high <= 1_000_000:
            return low...high
        default:
            throw ValidationError("\(option) '\(text)': give a number of students (300) or a range from low to high (280..360), "
                                  + "at most 1,000,000")
        }
    }
}
