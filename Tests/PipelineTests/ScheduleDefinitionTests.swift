import Domain
import Foundation
import Pipeline
import Rules
import Scheduling
import Testing

/// The `planning:` section and `Coordinator.schedule` on the samples' agreements.
@Suite("plan --schedule: the definition and the question")
struct ScheduleDefinitionTests {
    /// The sample definition with its planning section replaced by `planning` (nil: kept).
    func definition(planning: String? = nil, output: String? = nil) throws -> PipelineDefinition {
        let folder = try temporaryFolder()
        var text = try String(contentsOfFile: packageRoot + "/pipelines/sample.yml", encoding: .utf8)
            .replacingOccurrences(of: "../samples/", with: packageRoot + "/samples/")
            .replacingOccurrences(of: "  sites: sample/", with: "  sites: \(packageRoot)/pipelines/sample/")
            .replacingOccurrences(of: "  disciplines: sample/", with: "  disciplines: \(packageRoot)/pipelines/sample/")
            .replacingOccurrences(of: "  curriculum: sample/", with: "  curriculum: \(packageRoot)/pipelines/sample/")
            .replacingOccurrences(of: "output: ../out/sample", with: "output: \(output ?? folder + "/out")")
        if let planning, let start = text.range(of: "\nplanning:") {
            text = String(text[..<start.lowerBound]) + "\n" + (planning == "none" ? "" : planning) + "\n"
        }
        try text.write(toFile: folder + "/p.yml", atomically: true, encoding: .utf8)
        return try DefinitionLoader.load(file: folder + "/p.yml", workingDirectory: folder)
    }

    /// "p.yml:L:C: error: " for line `line` of a planning section put in place of the sample's.
    func at(_ line: Int, _ column: Int) throws -> String {
        let text = try String(contentsOfFile: packageRoot + "/pipelines/sample.yml", encoding: .utf8)
        let before = try #require(text.range(of: "\nplanning:")).lowerBound
        let first = text[..<before].filter { $0 == "\n" }.count + 2
        return "p.yml:\(first + line - 1):\(column): error: "
    }

    func loadError(_ planning: String) throws -> String {
        do {
            _ = try definition(planning: planning)
        } catch {
            return String(describing: error)
        }
        Issue.record("the definition loaded")
        return ""
    }

    @Test("the sample's planning section: 13 blocks of 4 weeks from 1 July, block 13 in halves, two demands")
    func samplePlanning() throws {
        let planning = try #require(try definition().planning)
        #expect(planning.settings.calendar == CalendarSettings(blockWeeks: 4, firstMonth: 7, firstDay: 1, blockCount: 13,
                                                                halfBlocks: [13]))
        #expect(planning.settings.demands.map(\.name) == ["master-1", "master-2"])
        #expect(planning.settings.demands[0].weeks == ["HK": 8, "IG": 8, "PED": 4])
        #expect(planning.settings.demands[0].freeWeeks == 32)
        let blocks = BlockCalendar.blocks(of: PlacementYear(startYear: 2026), planning.settings.calendar)
        #expect(blocks.map(\.label).suffix(3) == ["12", "13a", "13b"])
        #expect(blocks.first?.first.description == "2026-07-01" && blocks.last?.last.description == "2027-06-29")
    }

    @Test("a mistake in the planning section is an error at its line, saying what was expected")
    func planningErrors() throws {
        #expect(try loadError("planning:\n  blocks: {weeks: 4, start: \"07-01\"}\n  demand: {m1: {HK: 8}}")
            .contains(try at(2, 22) + "unknown field 'start' in planning.blocks; did you mean 'starts'?"))
        #expect(try loadError("planning:\n  blocks: {starts: \"13-01\"}\n  demand: {m1: {HK: 8}}")
            .contains("planning.blocks.starts is the month and day the first block starts, as mm-dd (\"07-01\" for 1 July), not '13-01'"))
        #expect(try loadError("planning:\n  blocks: {weeks: 3, halves: [2]}\n  demand: {m1: {HK: 8}}")
            .contains("needs an even planning.blocks.weeks, not 3"))
        #expect(try loadError("planning:\n  demand: {m1: {HK: acht}}")
            .contains(try at(2, 21) + "planning.demand.m1.HK (weeks) must be a whole number from 0 to 104, not 'acht'"))
        #expect(try loadError("planning:\n  blocks: {weeks: 4}").contains("planning needs 'demand'"))
        #expect(try loadError("planning:\n  demand: {}").contains("planning.demand must name at least one cohort"))
    }

    func scheduleError(_ planning: String?, _ request: ScheduleRequest) throws -> String {
        let loaded = try definition(planning: planning)
        do {
            _ = try Coordinator.schedule(definition: loaded, request: request)
        } catch {
            #expect(error.exitStatus == .badDefinition)
            return error.description
        }
        Issue.record("the schedule was made")
        return ""
    }

    @Test("the demand's groups are checked against the reference data, and the demand against the calendar")
    func questionErrors() throws {
        let request = ScheduleRequest(year: PlacementYear(startYear: 2026), demand: nil, cohort: .students(100...100))
        #expect(try scheduleError("planning:\n  demand:\n    m1: {HK: 8, KARDIO: 4}", request)
            .contains(try at(3, 17) + "planning.demand.m1: 'KARDIO' is no discipline group of the reference data"))
        #expect(try scheduleError("planning:\n  demand:\n    m1: {cardiologie: 4}", request)
            .contains("'cardiologie' is IG-CAR, a sub-discipline of IG; the demand is per discipline group: write IG"))
        #expect(try scheduleError("planning:\n  demand:\n    m1: {heelkunde: 8, HK: 4}", request).contains("named twice"))
        #expect(try scheduleError("planning:\n  demand:\n    m1: {HK: 40, IG: 20}", request)
            .contains("planning.demand.m1: the year's demand needs 15 whole blocks per student and the calendar has 13"))
        #expect(try scheduleError("planning:\n  blocks: {starts: \"07-08\", count: 13}\n  demand: {m1: {HK: 8}}", request)
            .contains("block 13 ends on 2027-07-06, after the year 2026-2027 ends on 2027-06-30"))
        #expect(try scheduleError("planning:\n  blocks: {halves: [14]}\n  demand: {m1: {HK: 8}}", request)
            .contains("planning.blocks.halves: block 14 is not in the calendar of 2026-2027, which has blocks 1 to 13"))
        #expect(try scheduleError("planning:\n  blocks: {starts: \"02-29\"}\n  demand: {m1: {HK: 8}}", request)
            .contains("planning.blocks.starts: 2-29 is no day of 2026-2027"))
        #expect(try scheduleError("none", request).contains("plan --schedule needs a planning: section"))
        var named = request
        named.demand = "master-3"
        #expect(try scheduleError(nil, named).contains("--demand 'master-3': the planning section has no demand of that name; "
                                                         + "it has master-1, master-2"))
    }
}

extension ScheduleDefinitionTests {
    @Test("--cohort progress: each student's weeks left of the demand, grouped into types; students with nothing left counted")
    func progressCohort() throws {
        let output = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: output) }
        try FileManager.default.createDirectory(atPath: output + "/runs/R1", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: output + "/latest", withDestinationPath: "runs/R1")
        // master-1 is HK 8, IG 8, PED 4 weeks in 4-week blocks: 2, 2 and 1 blocks.
        let progress = """
        student,part,passed_weeks,required_weeks,met
        s1,HK,8,8,yes
        s1,IG,0,8,no
        s1,PED,0,4,no
        s2,HK,4,8,no
        s2,IG,8,8,yes
        s2,PED,4,4,yes
        s3,HK,8,8,yes
        s3,IG,8,8,yes
        s3,PED,4,4,yes
        s4,HK,8,8,yes
        s4,IG,0,8,no
        s4,PED,0,4,no
        s5,CLINICAL,0,62,no
        s6,HK,10,8,yes
        s6,IG,6,8,no
        s6,PED,4,4,yes

        """
        try progress.write(toFile: output + "/runs/R1/progress.csv", atomically: true, encoding: .utf8)
        let loaded = try definition(output: output)
        let request = ScheduleRequest(year: PlacementYear(startYear: 2026), demand: "master-1", cohort: .progress)
        let plan = try Coordinator.schedule(definition: loaded, request: request, solver: nil)
        #expect(plan.cohort == .progress(run: "R1", students: 6, types: 4, withoutDemand: 1))
        #expect(plan.problem.groups == ["HK", "IG", "PED"])
        // s1 and s4: IG 2, PED 1; s2: HK 1; s5 (no row of a demanded group): the whole demand;
        // s6: 2 weeks of IG left, and the sample calendar has half-blocks: one half-block.
        let types = plan.problem.types.map { "\($0.count): \($0.wholeBlocks) \($0.halfBlocks)" }
        #expect(types == ["2: [0, 2, 1] [0, 0, 0]", "1: [0, 0, 0] [0, 1, 0]", "1: [1, 0, 0] [0, 0, 0]", "1: [2, 2, 1] [0, 0, 0]"])
    }
}

extension ScheduleDefinitionTests {
    @Test("plan's options: a range or --cohort needs --schedule, --schedule needs a cohort and no --group (exit 64)")
    func usage() throws {
        let cli = CommandLineTests()
        let base = ["plan", "--pipeline", "pipelines/sample.yml", "--year", "2026-2027"]
        let cases: [([String], String)] = [
            (["--students", "280..360"], "a range is for --schedule"),
            (["--students", "300", "--cohort", "progress"], "--cohort plans block by block: add --schedule"),
            (["--schedule"], "--schedule plans --students N (or A..B) or --cohort progress: give one"),
            (["--schedule", "--students", "300", "--group", "HK"], "--group is for the yearly plan"),
            (["--schedule", "--students", "360..280"], "give a number of students (300) or a range from low to high (280..360)"),
            (["--schedule", "--cohort", "master-1"], "the only cohort from the data is 'progress'"),
        ]
        for (arguments, message) in cases {
            let result = try cli.stagebalans(base + arguments)
            #expect(result.status == 64, "\(arguments)")
            #expect(result.err.contains(message), "\(arguments): \(result.err)")
        }
    }
}

extension ScheduleDefinitionTests {
    @Test("--cohort progress: half-blocks beyond the calendar's two are rounded up to whole blocks, the last groups first")
    func progressHalvesRoundedUp() throws {
        let output = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: output) }
        try FileManager.default.createDirectory(atPath: output + "/runs/R2", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: output + "/latest", withDestinationPath: "runs/R2")
        // master-2 is BV 2, GYN 4, HA 4 weeks: BV a half-block. s1 has 2 weeks left of GYN and of
        // HA too: three half-blocks, the calendar has two (13a, 13b): HA's becomes a whole block.
        try "student,part,passed_weeks,required_weeks,met\ns1,GYN,2,4,no\ns1,HA,2,4,no\ns1,BV,0,2,no\n"
            .write(toFile: output + "/runs/R2/progress.csv", atomically: true, encoding: .utf8)
        let request = ScheduleRequest(year: PlacementYear(startYear: 2026), demand: "master-2", cohort: .progress)
        let plan = try Coordinator.schedule(definition: try definition(output: output), request: request)
        #expect(plan.problem.groups == ["BV", "GYN", "HA"])
        #expect(plan.problem.types.map { "\($0.wholeBlocks) \($0.halfBlocks)" } == ["[0, 0, 1] [1, 1, 0]"])
    }
}

extension ScheduleDefinitionTests {
    @Test("--cohort progress never names a student: a hostile id appears in no format; a hostile run name is escaped on the page")
    func progressHostile() throws {
        let output = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let run = "R<script>x"
        try FileManager.default.createDirectory(atPath: output + "/runs/" + run, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: output + "/latest", withDestinationPath: "runs/" + run)
        let hostile = "=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")"
        try "student,part,passed_weeks,required_weeks,met\n\"\(hostile)\",HK,0,8,no\nr0801234,IG,0,8,no\n"
            .write(toFile: output + "/runs/\(run)/progress.csv", atomically: true, encoding: .utf8)
        let request = ScheduleRequest(year: PlacementYear(startYear: 2026), demand: "master-1", cohort: .progress)
        let plan = try Coordinator.schedule(definition: try definition(output: output), request: request)
        #expect(plan.cohort == .progress(run: run, students: 2, types: 1, withoutDemand: 0))
        // The workbook is deflated: its cells are read back in WorkbookTests; here the text formats.
        for format in Coordinator.OutputFormat.allCases where format != .xlsx {
            let bytes = try Coordinator.renderSchedule(plan, format: format, title: "t", date: Day(daysSinceEpoch: 0), language: .en)
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(!text.contains("HYPERLINK") && !text.contains("r0801234"), "\(format)")
            if format == .html { #expect(!text.contains("R<script>") && text.contains("R&lt;script&gt;x"), "\(format)") }
        }
    }
}
