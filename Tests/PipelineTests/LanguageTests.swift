import Foundation
import Ingest
@testable import Pipeline
import Report
import Domain
import Testing

/// `report.language` and `--language`: the definition's key, the option overriding it on `run`,
/// `report` and `plan`, and golden files of the sample in both languages.
@Suite("Report language in the pipeline")
struct LanguageTests {
    let cli = CommandLineTests()
    static let goldenFolder = packageRoot + "/Tests/PipelineTests/Fixtures/golden"

    func parse(_ yaml: String) throws(DefinitionError) -> PipelineDefinition {
        try DefinitionLoader.parse(DefinitionTests.minimal + yaml, file: "pipelines/x.yml", workingDirectory: "/data")
    }

    @Test("report.language: nl by default, en when asked; anything else is an error at its line and column")
    func definitionKey() throws {
        #expect(try parse("").report.language == .nl)
        #expect(try parse("report:\n  formats: [csv]\n").report.language == .nl)
        #expect(try parse("report:\n  language: en\n").report.language == .en)
        #expect(try parse("report:\n  language: nl\n").report.language == .nl)
        let text: String
        do {
            _ = try parse("report:\n  language: fr\n")
            text = "no error"
        } catch {
            text = error.description
        }
        #expect(text.hasPrefix("pipelines/x.yml:8:13: error: unknown report language 'fr'"), "\(text)")
        #expect(text.contains("(one of: nl, en)") && text.hasSuffix("write `language: nl` (Dutch, the default) or `language: en`"),
                "\(text)")
        #expect(throws: DefinitionError.self) { try parse("report:\n  language: [nl, en]\n") }
    }

    /// The golden file at `name`, rewritten first with STAGEBALANS_UPDATE_GOLDEN=1.
    func expectGolden(_ produced: Data, _ name: String) throws {
        let path = Self.goldenFolder + "/" + name
        if ProcessInfo.processInfo.environment["STAGEBALANS_UPDATE_GOLDEN"] == "1" { try produced.write(to: URL(fileURLWithPath: path)) }
        let golden = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(produced == golden, "\(name): regenerate with STAGEBALANS_UPDATE_GOLDEN=1 swift test --filter golden, then review the diff")
    }

    func sampleRun(_ language: ReportLanguage?, output: String) throws -> PipelineDefinition {
        var definition = try DefinitionLoader.load(file: packageRoot + "/pipelines/sample.yml", workingDirectory: packageRoot)
        definition.outputDirectory = output
        definition.report.formats.insert(.excel)
        _ = try PipelineRun.run(definition, options: RunOptions(asOf: nil, today: Day(daysSinceEpoch: 0), force: true, language: language))
        return definition
    }

    @Test("golden files in English: the sample's summary.md and report.html, and `report --format md`, beside the Dutch ones")
    func goldenLanguages() throws {
        let dutch = try temporaryFolder(), english = try temporaryFolder()
        defer { for folder in [dutch, english] { try? FileManager.default.removeItem(atPath: folder) } }
        let definition = try sampleRun(nil, output: dutch)
        _ = try sampleRun(.en, output: english)
        // The Dutch summary.md is the sample run's golden file (ReportOutputTests.golden).
        let summary = try Data(contentsOf: URL(fileURLWithPath: english + "/latest/summary.md"))
        try expectGolden(summary, "sample-run/summary.en.md")
        try expectGolden(try Data(contentsOf: URL(fileURLWithPath: english + "/latest/report.html")), "sample-run/report.en.html")
        for name in ["capacity.csv", "capacity.json", "capacity.excel.csv", "findings.json", "report.xlsx"] {
            let one = try Data(contentsOf: URL(fileURLWithPath: dutch + "/latest/" + name))
            let other = try Data(contentsOf: URL(fileURLWithPath: english + "/latest/" + name))
            #expect(one == other, "\(name) never changes with the language")
        }
        var reportDefinition = definition
        reportDefinition.outputDirectory = dutch
        let table = try Coordinator.report(.capacity, definition: reportDefinition,
                                           filters: .init(year: PlacementYear(startYear: 2025), site: "UZ Gent", discipline: nil))
        for language in ReportLanguage.allCases {
            let title = Coordinator.reportTitle(.capacity, year: "2025-2026", site: "UZ Gent", discipline: nil, language: language)
            let markdown = try Coordinator.render(table, format: .md, title: title, language: language)
            try expectGolden(Data(markdown), "report-capacity-uzg.\(language.rawValue).md")
            let csv = try Coordinator.render(table, format: .csv, title: title, language: language)
            #expect(csv == (try Coordinator.render(table, format: .csv, title: title, language: .nl)), "CSV never changes with the language")
        }
    }

    @Test("--language on run, report and plan overrides the definition's report.language; a changed language rewrites the run")
    func commandLineOverride() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let english = RunCommandTests().sampleDefinition(in: folder).replacingOccurrences(of: "report:\n", with: "report:\n  language: en\n")
        #expect(english.contains("  language: en\n"))
        try english.write(toFile: folder + "/p.yml", atomically: true, encoding: .utf8)
        func summary() throws -> String { try String(contentsOfFile: folder + "/out/latest/summary.md", encoding: .utf8) }

        #expect(try cli.stagebalans(["run", "p.yml", "--language", "nl"], in: folder).status == 0)
        #expect(try summary().contains("Stand op 15/07/2026.") && summary().contains("| gelezen records | 7.471 |"))
        // The same inputs in the definition's language: not "unchanged", the reports are rewritten.
        let again = try cli.stagebalans(["run", "p.yml"], in: folder)
        #expect(again.status == 0 && !again.err.contains("unchanged"), "\(again.err)")
        #expect(try summary().contains("As of 2026-07-15.") && summary().contains("| records read | 7,471 |"))

        let byDefinition = try cli.stagebalans(["report", "capacity", "--pipeline", "p.yml", "--site", "UZG", "--format", "md"], in: folder)
        #expect(byDefinition.status == 0 && byDefinition.out.hasPrefix("# capacity · UZG\n"), "\(byDefinition.out.prefix(200))")
        let dutch = try cli.stagebalans(["report", "capacity", "--pipeline", "p.yml", "--site", "UZG", "--format", "md",
                                         "--language", "nl"], in: folder)
        #expect(dutch.status == 0 && dutch.out.hasPrefix("# capaciteit · UZG\n"))
        #expect(dutch.out.contains(",") && dutch.out != byDefinition.out)
        let page = try cli.stagebalans(["plan", "--pipeline", "p.yml", "--year", "2026-2027", "--students", "1300", "--format", "html",
                                        "--language", "nl"], in: folder)
        #expect(page.status == 0 && page.out.contains("<html lang=\"nl\">") && page.out.contains("<h1>Plan 2026-2027: 1.300 studenten</h1>"))
        #expect(page.out.contains("saldo "))
        let plainPlan = try cli.stagebalans(["plan", "--pipeline", "p.yml", "--year", "2026-2027", "--students", "1300", "--format", "md"],
                                            in: folder)
        #expect(plainPlan.status == 0 && plainPlan.out.hasPrefix("# Plan 2026-2027: 1,300 students\n"))
        let csv = try cli.stagebalans(["report", "capacity", "--pipeline", "p.yml", "--format", "csv", "--language", "nl"], in: folder)
        let csvEnglish = try cli.stagebalans(["report", "capacity", "--pipeline", "p.yml", "--format", "csv"], in: folder)
        #expect(csv.status == 0 && csv.out == csvEnglish.out)
        let unknown = try cli.stagebalans(["run", "p.yml", "--language", "fr"], in: folder)
        #expect(unknown.status == 64 && unknown.err.contains("'nl'"), "\(unknown.err)")
    }
}
