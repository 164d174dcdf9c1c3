import Foundation
@testable import Pipeline
import Report
import Rules
import Domain
import Testing

/// What a run hands the page beyond its tables (issue 20): the drill-down samples, the
/// occupancy timelines, the first quarantined rows and the trends, each checked against the
/// run's own files (placements.csv, quarantine.csv, changes.csv) on real runs.
@Suite("Page content from a run", .serialized)
struct PageContentTests {
    /// A run in-process, its page content caught as the report job makes it.
    static func run(_ definition: PipelineDefinition, asOf: Day? = nil, forAuditors: Bool = false,
                    force: Bool = false) throws -> (result: RunResult, content: ReportPageContent) {
        let caught = CaughtContent()
        var options = RunOptions(asOf: asOf, today: Day(daysSinceEpoch: 0), forAuditors: forAuditors, force: force)
        if forAuditors { options.environment[PseudonymKey.environmentVariable] = AuditorsPrivacyTests.key }
        options.onPageContent = { content in caught.set(content) }
        let result = try #require(try PipelineRun.run(definition, options: options).result)
        return (result, try #require(caught.get()))
    }

    /// Run ids are the second a run started and the process id: in-process runs of one folder
    /// start a second apart.
    static func nextSecond() {
        let now = Date().timeIntervalSince1970
        usleep(useconds_t((now.rounded(.down) + 1 - now) * 1_000_000) + 10_000)
    }

    static func sample(into output: String) throws -> (definition: PipelineDefinition, result: RunResult, content: ReportPageContent) {
        var definition = try DefinitionLoader.load(file: packageRoot + "/pipelines/sample.yml", workingDirectory: packageRoot)
        definition.outputDirectory = output
        let (result, content) = try run(definition)
        return (definition, result, content)
    }

    /// A CSV of the run as rows of named fields (the project's RFC 4180 reader).
    static func rows(_ directory: String, _ name: String) throws -> [[String: String]] {
        let fields = try Coordinator.csvFields(Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))),
                                               path: name, name: name).filter { $0 != [""] }
        let header = try #require(fields.first)
        return fields.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }

    static func sourcesText(_ sources: [Domain.SourceLocation]) -> String { sources.map(\.description).joined(separator: " ") }

    @Test("drill-down: every cell and bar counts its placements.csv rows and lists the first of them, sources and all")
    func drillDown() throws {
        let output = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let (definition, result, content) = try Self.sample(into: output)
        let reference = try PipelineRun.reference(for: definition)
        let placements = try Self.rows(result.directory, "placements.csv")
        #expect(placements.count == result.placementCount)
        var cells: [PageDrillDown.CellKey: [[String: String]]] = [:], groups: [PageDrillDown.GroupKey: [[String: String]]] = [:]
        for row in placements {
            let year = try #require(PlacementYear(label: row["year"] ?? "")), group = reference.group(of: row["discipline"] ?? "")
            cells[PageDrillDown.CellKey(year: year, site: row["site"] ?? "", group: group), default: []].append(row)
            groups[PageDrillDown.GroupKey(year: year, group: group), default: []].append(row)
        }
        #expect(Set(content.drillDown.cells.keys) == Set(cells.keys))
        #expect(Set(content.drillDown.groups.keys) == Set(groups.keys))
        func check(_ sample: PlacementSample?, _ rows: [[String: String]], cap: Int, _ label: String) {
            #expect(sample?.total == rows.count, "\(label)")
            #expect(sample?.first.count == min(cap, rows.count), "\(label)")
            for (placement, row) in zip(sample?.first ?? [], rows) {
                #expect(placement.student == row["student"] && placement.site == row["site"] && placement.discipline == row["discipline"],
                        "\(label)")
                #expect(placement.start.description == row["start"] && placement.end.description == row["end"], "\(label)")
                #expect(String(placement.weeks) == row["weeks"] && (placement.agreement ?? "") == row["agreement"], "\(label)")
                #expect(Self.sourcesText(placement.sources) == row["sources"], "\(label)")
            }
        }
        for (key, rows) in cells { check(content.drillDown.cells[key], rows, cap: DrillDownTally.perCell, "\(key)") }
        for (key, rows) in groups { check(content.drillDown.groups[key], rows, cap: DrillDownTally.perGroupBar, "\(key)") }
        // The sample has cells of more than five placements: the cap is exercised.
        #expect(cells.values.contains { $0.count > DrillDownTally.perCell })
        #expect(content.drillDown.cells.values.contains { !$0.first.contains { $0.agreement == nil } })
    }

    @Test("timelines: AZJP IG 2025-2026 shows its 28 days of 3 placements on 2 slots; the days add up to the year")
    func timelines() throws {
        let output = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let (_, result, content) = try Self.sample(into: output)
        let over = try Self.rows(result.directory, "capacity.csv").filter { ($0["over_capacity_days"] ?? "0") != "0" }
        #expect(content.timelines.count == over.count && !over.isEmpty)
        let year = PlacementYear(startYear: 2025)
        let timeline = try #require(content.timelines.first { $0.site == "AZJP" && $0.discipline == "IG" && $0.year == year })
        let overDays = timeline.stretches.filter { $0.placements == 3 && $0.slots == 2 }.reduce(0) { $0 + $1.days }
        #expect(overDays == 28)
        #expect(!timeline.stretches.contains { $0.placements > 3 || ($0.placements > $0.slots && $0.placements != 3) })
        for timeline in content.timelines {
            #expect(timeline.stretches.reduce(0) { $0 + $1.days } == timeline.year.lastDay.daysSinceEpoch - timeline.year.firstDay.daysSinceEpoch + 1)
            #expect(timeline.stretches.first?.first == timeline.year.firstDay)
            let row = over.first { $0["site"] == timeline.site && $0["discipline"] == timeline.discipline && $0["year"] == timeline.year.description }
            let days = timeline.stretches.filter { CapacityDays.isOverCapacity(placements: $0.placements, slots: $0.slots) }.reduce(0) { $0 + $1.days }
            #expect(row?["over_capacity_days"] == String(days), "\(timeline.site) \(timeline.discipline) \(timeline.year)")
        }
    }

    @Test("quarantine: the first rows are quarantine.csv's (path, line, column, field, reason) and the total is its row count")
    func quarantine() throws {
        let output = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let (_, result, content) = try Self.sample(into: output)
        let rows = try Self.rows(result.directory, "quarantine.csv")
        #expect(rows.count == 17)
        #expect(content.quarantineTotal == rows.count)
        #expect(content.quarantine.count == min(rows.count, QuarantineWriter.rowsOnPage))
        for (shown, row) in zip(content.quarantine, rows) {
            #expect(shown.location.path == row["path"] && String(shown.location.line) == row["line"])
            #expect(shown.location.column.map(String.init) ?? "" == row["column"])
            #expect(shown.field == row["field"] && shown.reason == row["reason"])
        }
    }
}

/// The trends, over two nights of the mini faculty in the history, and a run for auditors.
@Suite("Page trends from the history", .serialized)
struct PageTrendsTests {
    static func definition(_ faculty: NightlyTests.Faculty) throws -> PipelineDefinition {
        // The working folder is the package's (as `swift test` runs): the faculty's files, outside
        // it, are named by their absolute paths.
        try DefinitionLoader.load(file: faculty.folder + "/p.yml", workingDirectory: packageRoot)
    }

    @Test("two nights: the second shows one finding opened and one resolved, as changes.csv; records and group use per night")
    func twoNights() throws {
        let faculty = try NightlyTests.Faculty()
        defer { try? FileManager.default.removeItem(atPath: faculty.folder) }
        let asOf = try #require(Day(year: 2025, month: 12, day: 15))
        try faculty.nightOne()
        let one = try PageContentTests.run(try Self.definition(faculty), asOf: asOf)
        #expect(one.content.trends.count == 1)
        #expect(one.content.trends.last?.runID == one.result.runID && one.content.trends.last?.comparedFindings == false)
        // Night two: s2's final evaluation arrives (EVALUATION_MISSING resolved); s3 goes to the
        // private clinic, which has no agreement (one finding opened).
        try faculty.write("evaluations.csv", NightlyTests.Faculty.evaluationHeader + """
            s1,AZ Alfa,interne geneeskunde,2025-09-01,2025-09-28,hospital,supervisor,final,14,2025-09-30
            s2,AZ Beta,heelkunde,2025-08-04,2025-08-31,hospital,resident,submitted,,2025-09-01
            s2,AZ Beta,heelkunde,2025-08-04,2025-08-31,hospital,supervisor,final,12,2025-10-20
            s3,Privékliniek X,interne geneeskunde,2025-10-06,2025-11-02,hospital,supervisor,final,16,2025-11-03

            """)
        PageContentTests.nextSecond()
        let two = try PageContentTests.run(try Self.definition(faculty), asOf: asOf)
        let changes = try PageContentTests.rows(two.result.directory, "changes.csv")
        let opened = changes.filter { ["NEW_FINDING", "AGREEMENT_ENTERED_EXPIRY"].contains($0["change"] ?? "") }
        let resolved = changes.filter { $0["change"] == "RESOLVED_FINDING" }
        #expect(opened.count == 1 && resolved.count == 1, "\(changes)")
        let trends = two.content.trends
        #expect(trends.map(\.runID) == [one.result.runID, two.result.runID])
        let last = try #require(trends.last)
        #expect(last.comparedFindings && last.findingsOpened == 1 && last.findingsResolved == 1)
        #expect(last.recordsRead == 3 + 4 && last.recordsQuarantined == 0)
        // IG: G1's 2 slots all year (730 slot days), s1's 4 weeks and s3's at the clinic; HK: G2 and G3.
        #expect(last.groupUse["IG"]?.usedWeeks == 8 && last.groupUse["IG"]?.slotDays == 730)
        #expect(last.groupUse["HK"]?.usedWeeks == 4 && last.groupUse["HK"]?.slotDays == 730)
        // The first night as the history recorded it (v6): the same figures as its own page had.
        #expect(trends.first == one.content.trends.last)
        #expect(trends.first?.groupUse["IG"]?.usedWeeks == one.content.trends.last?.groupUse["IG"]?.usedWeeks)
        // A third night reads both back from the history, the second with its counts.
        PageContentTests.nextSecond()
        let three = try PageContentTests.run(try Self.definition(faculty), asOf: asOf, force: true)
        #expect(three.content.trends.count == 3 && three.content.trends[1] == last)
        #expect(three.content.trends[2].findingsOpened == 0 && three.content.trends[2].findingsResolved == 0)
    }

    @Test("a run for auditors: no office id in the drill-down, quarantine or trends; its students are its placements.csv's pseudonyms")
    func auditors() throws {
        let privacy = AuditorsPrivacyTests()
        let office = try privacy.faculty(), auditors = try privacy.faculty()
        defer {
            try? FileManager.default.removeItem(atPath: office.folder)
            try? FileManager.default.removeItem(atPath: auditors.folder)
        }
        let asOf = try #require(Day(year: 2025, month: 12, day: 15))
        let plain = try PageContentTests.run(try Self.definition(office), asOf: asOf)
        let officeIDs = Set(try PageContentTests.rows(plain.result.directory, "placements.csv").compactMap { $0["student"] })
        #expect(officeIDs.isSuperset(of: ["jan.peeters", "s_123", "000123456"]))
        let keyed = try PageContentTests.run(try Self.definition(auditors), asOf: asOf, forAuditors: true)
        let pseudonyms = Set(try PageContentTests.rows(keyed.result.directory, "placements.csv").compactMap { $0["student"] })
        let sampled = keyed.content.drillDown.cells.values.flatMap(\.first) + keyed.content.drillDown.groups.values.flatMap(\.first)
        #expect(!sampled.isEmpty)
        for placement in sampled {
            #expect(pseudonyms.contains(placement.student) && !officeIDs.contains(placement.student), "\(placement.student)")
        }
        // Everything the content holds, as text: no id in any form the page could embed.
        let text = String(reflecting: keyed.content.drillDown) + String(reflecting: keyed.content.quarantine)
            + String(reflecting: keyed.content.trends) + String(reflecting: keyed.content.timelines)
        for id in AuditorsPrivacyTests.ids { #expect(!text.contains(id), "\(id)") }
        #expect(keyed.content.forAuditors && keyed.content.quarantineTotal > 0)
    }
}

/// The page content a report job hands over, kept under a lock. Not Synchronization's `Mutex`:
/// importing Synchronization in this target, beside Foundation, made a clean build fail on ICU's
/// `UErrorCode` defined twice (libxml2's headers reach the target through Ingest).
final class CaughtContent: @unchecked Sendable {
    private let lock = NSLock()
    private var content: ReportPageContent?

    func set(_ content: ReportPageContent) {
        lock.lock()
        defer { lock.unlock() }
        self.content = content
    }

    func get() -> ReportPageContent? {
        lock.lock()
        defer { lock.unlock() }
        return content
    }
}
