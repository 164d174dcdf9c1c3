import Domain
import Foundation
import Pipeline
import Report
import Scheduling
import Testing

/// `plan --schedule` on the samples: golden files of the answer in the formats a coordinator
/// opens, for a cohort that fits and a range whose top does not.
@Suite("plan --schedule on the samples")
struct ScheduleSampleTests {
    func sampleDefinition() throws -> PipelineDefinition {
        try DefinitionLoader.load(file: packageRoot + "/pipelines/sample.yml", workingDirectory: packageRoot)
    }

    func rendered(_ plan: SchedulePlan, _ format: Coordinator.OutputFormat, _ language: ReportLanguage) throws -> Data {
        let title = Coordinator.scheduleTitle(plan, language: language)
        return Data(try Coordinator.renderSchedule(plan, format: format, title: title, date: Day(year: 2026, month: 7, day: 15)
                                                   ?? Day(daysSinceEpoch: 0), language: language))
    }

    @Test("golden files: master-1 for 200 students fits (nl md, csv); 150..250: at most 207, the fix for 250 (en md, json)")
    func goldenSchedule() throws {
        let definition = try sampleDefinition()
        let year = PlacementYear(startYear: 2026)
        let fits = try Coordinator.schedule(definition: definition,
                                            request: ScheduleRequest(year: year, demand: nil, cohort: .students(200...200)))
        #expect(fits.answer.feasible == true)
        let range = try Coordinator.schedule(definition: definition,
                                             request: ScheduleRequest(year: year, demand: nil, cohort: .students(150...250)))
        #expect(range.largestFitting == 207)
        #expect(range.answer.feasible == false && range.answer.extraSlots == 43)
        let golden = LanguageTests()
        try golden.expectGolden(try rendered(fits, .md, .nl), "plan-schedule-200.nl.md")
        try golden.expectGolden(try rendered(fits, .csv, .nl), "plan-schedule-200.csv")
        try golden.expectGolden(try rendered(range, .md, .en), "plan-schedule-150-250.en.md")
        try golden.expectGolden(try rendered(range, .json, .en), "plan-schedule-150-250.json")
    }

    @Test("the command line: the answer in words on standard error, the schedule on standard output, exit 0 either way")
    func commandLine() throws {
        let cli = CommandLineTests()
        let result = try cli.stagebalans(["plan", "--pipeline", "pipelines/sample.yml", "--year", "2026-2027", "--students", "150..250",
                                          "--schedule"])
        #expect(result.status == 0)
        #expect(result.err.hasPrefix("plan: of 150..250 students, at most 207 fit; 250 students do not fit 2026-2027 (max-flow), "
                                     + "short by 43 student-blocks; the smallest fix is 43 extra slot-blocks"), "\(result.err)")
        #expect(result.out.hasPrefix("block,first_day,last_day,group,site,agreements,slots,students,extra_slots\n"))
        let master2 = try cli.stagebalans(["plan", "--pipeline", "pipelines/sample.yml", "--year", "2026-2027", "--students", "20",
                                           "--schedule", "--demand", "master-2", "--format", "json"])
        #expect(master2.status == 0)
        #expect(master2.out.contains("\"feasible\":"))
    }
}
