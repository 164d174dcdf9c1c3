import Foundation
@testable import Pipeline
import Normalize
import Report
import Workbook
import Domain
import Testing

/// Reference data kept as tables (issue 19, item 3): the export reads back as the same
/// reference data and gives the same reports; every error names its cell.
@Suite("Reference data as tables")
struct ReferenceTableTests {
    func sampleDefinition(output: String) throws -> PipelineDefinition {
        var definition = try DefinitionLoader.load(file: packageRoot + "/pipelines/sample.yml", workingDirectory: packageRoot)
        definition.outputDirectory = output
        return definition
    }

    /// The parts of the reference data that a file states (not where it states them).
    func content(_ reference: ReferenceData) -> [String] {
        reference.sites.map { "\($0.code)|\($0.name)|\($0.aliases)|\($0.kind)|\($0.region)|\($0.city)|\($0.country)" }
            + reference.disciplines.map { "\($0.code)|\($0.dutch)|\($0.english)|\($0.aliases)|\($0.parent ?? "-")" }
            + ["\(reference.curriculum.requiredWeeks.sorted { $0.key < $1.key })", "\(reference.curriculum.blocks)",
               "\(reference.curriculum.clinicalWeeks) \(reference.curriculum.scientificWeeks) \(reference.curriculum.scientificGroup ?? "-") \(reference.curriculum.passMark)"]
    }

    @Test("the sample's reference data exported as CSV reads back the same, and gives the same reports byte for byte")
    func csvRoundTrip() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let yamlDefinition = try sampleDefinition(output: folder + "/yaml")
        let fromYAML = try PipelineRun.reference(for: yamlDefinition)
        let written = try ReferenceExport.writeCSV(fromYAML, to: folder + "/tables", overwrite: false)
        #expect(written.map { ($0 as NSString).lastPathComponent } == ["sites.csv", "disciplines.csv", "curriculum.csv"])
        var tableDefinition = try sampleDefinition(output: folder + "/tables-run")
        tableDefinition.reference = ReferenceLoader.Files(sites: written[0], disciplines: written[1], curriculum: written[2])
        let fromTables = try PipelineRun.reference(for: tableDefinition)
        #expect(content(fromTables) == content(fromYAML))
        #expect(fromTables.sites.first?.source == SourceLocation(path: written[0], line: 2), "entries keep their row")

        _ = try PipelineRun.run(yamlDefinition, asOf: nil, today: Day(daysSinceEpoch: 0))
        _ = try PipelineRun.run(tableDefinition, asOf: nil, today: Day(daysSinceEpoch: 0))
        for name in ["capacity.csv", "coverage.csv", "progress.csv", "audit.csv", "findings.csv", "placements.csv", "quarantine.csv"] {
            let yaml = try Data(contentsOf: URL(fileURLWithPath: folder + "/yaml/latest/" + name))
            let tables = try Data(contentsOf: URL(fileURLWithPath: folder + "/tables-run/latest/" + name))
            #expect(!yaml.isEmpty && yaml == tables, "\(name)")
        }
        #expect(throws: ReferenceExport.Failure.self, "an existing file is kept without --force") {
            try ReferenceExport.writeCSV(fromYAML, to: folder + "/tables", overwrite: false)
        }
    }

    @Test("the sample's reference data exported as one workbook reads back the same, and gives the same reports")
    func workbookRoundTrip() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let yamlDefinition = try sampleDefinition(output: folder + "/yaml")
        let fromYAML = try PipelineRun.reference(for: yamlDefinition)
        let path = try ReferenceExport.writeWorkbook(fromYAML, to: folder + "/reference.xlsx", overwrite: false,
                                                     date: Day(daysSinceEpoch: 20_000))
        let again = try ReferenceExport.writeWorkbook(fromYAML, to: folder + "/again.xlsx", overwrite: false, date: Day(daysSinceEpoch: 20_000))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(contentsOf: URL(fileURLWithPath: again)), "deterministic")
        var tableDefinition = try sampleDefinition(output: folder + "/workbook-run")
        tableDefinition.reference = ReferenceLoader.Files(sites: path, disciplines: path, curriculum: path)
        let fromWorkbook = try PipelineRun.reference(for: tableDefinition)
        #expect(content(fromWorkbook) == content(fromYAML))
        #expect(fromWorkbook.sites.first?.source == SourceLocation(path: path + "[sites]", line: 2))
        _ = try PipelineRun.run(yamlDefinition, asOf: nil, today: Day(daysSinceEpoch: 0))
        _ = try PipelineRun.run(tableDefinition, asOf: nil, today: Day(daysSinceEpoch: 0))
        for name in ["capacity.csv", "coverage.csv", "progress.csv", "audit.csv", "findings.csv", "placements.csv"] {
            let yaml = try Data(contentsOf: URL(fileURLWithPath: folder + "/yaml/latest/" + name))
            let workbook = try Data(contentsOf: URL(fileURLWithPath: folder + "/workbook-run/latest/" + name))
            #expect(!yaml.isEmpty && yaml == workbook, "\(name)")
        }
    }

    @Test("a workbook's errors name the sheet, row and column; a workbook of one sheet is read whatever its name")
    func workbookErrors() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let headings = ReferenceLoader.siteColumns.map { ColumnHeading(name: $0, type: .text) }
        let row: [Cell] = [.text("AZA"), .text("AZ Alfa"), .empty, .text("hospitl"), .text("peripheral"), .text("Gent"), .text("BE")]
        let path = folder + "/register.xlsx"
        try Data(try Workbook.bytes([WorkbookTable(name: "Blad1", headings: headings, rows: [row])], date: Day(daysSinceEpoch: 0)))
            .write(to: URL(fileURLWithPath: path))
        do {
            _ = try ReferenceLoader.loadSites(path)
            Issue.record("a bad kind was accepted")
        } catch {
            #expect(error.description.hasPrefix("\(path)[Blad1]:2:4: error: unknown kind 'hospitl'; did you mean 'hospital'?"), "\(error)")
        }
        try Data("not a workbook".utf8).write(to: URL(fileURLWithPath: folder + "/fake.xlsx"))
        #expect(throws: DefinitionError.self) { try ReferenceLoader.loadSites(folder + "/fake.xlsx") }
    }

    @Test("reference export through the executable: the paths written; an existing file kept (exit 4) unless --force")
    func exportCommand() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cli = CommandLineTests()
        let arguments = ["reference", "export", "pipelines/sample.yml", "--format", "xlsx", "--output", folder + "/reference.xlsx"]
        let first = try cli.stagebalans(arguments)
        #expect(first.status == 0 && first.out == folder + "/reference.xlsx\n", "\(first.err)")
        let again = try cli.stagebalans(arguments)
        #expect(again.status == 4 && again.err.contains("reference.xlsx exists; give another --output, or --force to overwrite"))
        #expect(try cli.stagebalans(arguments + ["--force"]).status == 0)
        let csv = try cli.stagebalans(["reference", "export", "pipelines/sample.yml", "--output", folder + "/tables"])
        #expect(csv.out.split(separator: "\n").map { ($0 as NSString).lastPathComponent } == ["sites.csv", "disciplines.csv", "curriculum.csv"])
    }

    /// Writes `text` as a table and loads it as `role` (sites, disciplines or curriculum).
    func error(_ role: String, _ text: String, name: String = "t.csv") throws -> String {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        do {
            switch role {
            case "sites": _ = try ReferenceLoader.loadSites(path)
            case "disciplines": _ = try ReferenceLoader.loadDisciplines(path)
            default: _ = try ReferenceLoader.loadCurriculum(path)
            }
            return "no error"
        } catch {
            return error.description.replacingOccurrences(of: folder + "/", with: "")
        }
    }

    @Test("errors name the file, line and column, with the fix")
    func errors() throws {
        #expect(try error("sites", "code,nmae,kind,region\nAZA,AZ Alfa,hospital,peripheral\n")
            .hasPrefix("t.csv:1:6: error: unknown column 'nmae' in the site register; did you mean 'name'?"))
        #expect(try error("sites", "code;name;kind\nAZA;AZ Alfa;hospital\n")
            .hasPrefix("t.csv:1: error: the site register has no column 'region'"))
        #expect(try error("sites", "code,name,kind,region\nAZA,AZ Alfa,hospitl,peripheral\n")
            .hasPrefix("t.csv:2:13: error: unknown kind 'hospitl'; did you mean 'hospital'?"))
        #expect(try error("sites", "code,name,kind,region\nAZA,,hospital,peripheral\n")
            .hasPrefix("t.csv:2:5: error: a site has no name"))
        #expect(try error("disciplines", "code\tnl\ten\tparent\nIG\tinterne\tinternal\t\nIG-CAR\tcardio\tcardiology\tIG\n") == "no error")
        #expect(try error("curriculum", "kind,code,weeks\ngroup,IG,8\nclinical_total,,62\nscientific_total,,16\n")
            .hasPrefix("t.csv:1: error: the curriculum has no pass_mark row"))
        #expect(try error("curriculum", "kind,code,weeks\ngroup,IG,acht\n")
            .hasPrefix("t.csv:2:10: error: weeks of group IG must be a whole number from 0 to 200, not 'acht'"))
        #expect(try error("curriculum", "kind,code,weeks\ngroup,IG,8\ngroup,WET,16\nscientific,WET,\nclinical_total,,62\nscientific_total,,16\npass_mark,,10\n")
            .hasPrefix("t.csv:4:12: error: 'WET' is the scientific group: its required weeks are scientific_total; remove its group row"))
        #expect(try error("curriculum", "kind,code,weeks\npass_mark,,10\npass_mark,,12\n")
            .hasPrefix("t.csv:3:1: error: the curriculum has two pass_mark rows"))
        // An unquoted decimal comma or a comma in a name spills into a column the header does not name.
        #expect(try error("curriculum", "kind,code,weeks,name\npass_mark,,9,5\n")
            .hasPrefix("t.csv:2:14: error: a pass_mark row has no name, but '5' stands there; a delimiter inside an unquoted value?"))
        #expect(try error("curriculum", "kind,code,weeks,name\nblock,,12,Free choice, at home\n")
            .hasPrefix("t.csv:2:23: error: the value 'at home' stands under no column of the header"))
        #expect(try error("sites", "code,name,kind,region\n").hasPrefix("t.csv:1: error: the site register has no sites under its header"))
        // Windows-1252 (Excel's plain "CSV"): "é" is one byte, 0xE9.
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data("code,name,kind,region\nAZA,Caf".utf8 + [0xE9] + ",hospital,peripheral\n".utf8).write(to: URL(fileURLWithPath: folder + "/s.csv"))
        #expect(throws: DefinitionError.self) { try ReferenceLoader.loadSites(folder + "/s.csv") }
        do {
            _ = try ReferenceLoader.loadSites(folder + "/s.csv")
        } catch {
            #expect(error.description.hasPrefix(folder + "/s.csv:1: error: the reference table is not UTF-8 text; save it as 'CSV UTF-8'"))
        }
        #expect(try error("sites", "code,name,kind,region\n\"AZA,AZ Alfa,hospital,peripheral\n")
            .hasPrefix("t.csv:2: error: the CSV record is malformed"))
    }

    @Test("the export writes a pass mark exactly: 9.999 reads back as 9.999, 9.5 as 9.5, 10 as 10")
    func exactPassMark() throws {
        for passMark in [9.999, 9.5, 10, 12.25] {
            let curriculum = Curriculum(requiredWeeks: ["HK": 8], blocks: [], clinicalWeeks: 62, scientificWeeks: 16, passMark: passMark)
            let header = ReferenceTable.Row(location: SourceLocation(path: "c.csv", line: 1), cells: ReferenceLoader.curriculumColumns.map {
                ReferenceTable.Cell(text: $0, location: SourceLocation(path: "c.csv", line: 1))
            })
            let rows = ReferenceExport.curriculumRows(curriculum).enumerated().map { index, cells in
                ReferenceTable.Row(location: SourceLocation(path: "c.csv", line: index + 2), cells: cells.map {
                    ReferenceTable.Cell(text: $0.plainText, location: SourceLocation(path: "c.csv", line: index + 2))
                })
            }
            #expect(try ReferenceLoader.curriculum(ReferenceTable(path: "c.csv", rows: [header] + rows)).0 == curriculum, "\(passMark)")
        }
    }

    @Test("a table's curriculum is the same as the YAML's, pass mark with a decimal comma")
    func curriculum() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/curriculum.csv"
        try """
            kind;code;weeks;name
            group;HK;8;
            block;;12;Oriëntatie
            scientific;WET;;
            clinical_total;;62;
            scientific_total;;16;
            pass_mark;;9,5;

            """.write(toFile: path, atomically: true, encoding: .utf8)
        let (curriculum, _) = try ReferenceLoader.loadCurriculum(path)
        #expect(curriculum == Curriculum(requiredWeeks: ["HK": 8], blocks: [Curriculum.Block(name: "Oriëntatie", weeks: 12)],
                                         clinicalWeeks: 62, scientificWeeks: 16, scientificGroup: "WET", passMark: 9.5))
    }
}
