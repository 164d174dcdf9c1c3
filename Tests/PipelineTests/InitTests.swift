import Foundation
import Ingest
@testable import Pipeline
import Normalize
import Domain
import Testing

/// `stagebalans init` (issue 21, item 1) on the samples' exports, in shapes the samples do not
/// have, and the figures of `run` on what it writes.
@Suite("init: a definition from a folder of exports")
struct InitTests {
    static let today = Day(year: 2026, month: 12, day: 1) ?? Day(daysSinceEpoch: 0)

    static func initialise(_ exports: String, into folder: String, force: Bool = false) throws(SetupFailure) -> PipelineSetup.Result {
        try PipelineSetup.run(PipelineSetup.Options(folder: folder, exports: exports, force: force, today: today))
    }

    /// A temporary folder with `exports/` holding copies of the samples' files with these extensions.
    static func samplesCopy(_ extensions: Set<String>) throws -> String {
        let root = try temporaryFolder()
        try FileManager.default.createDirectory(atPath: root + "/exports", withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: packageRoot + "/samples")
        where extensions.contains(URL(fileURLWithPath: name).pathExtension) {
            try FileManager.default.copyItem(atPath: packageRoot + "/samples/" + name, toPath: root + "/exports/" + name)
        }
        return root
    }

    /// Per file name: records accepted and quarantined by `validate`.
    static func counts(_ result: ValidationResult) -> [String: [Int]] {
        Dictionary(uniqueKeysWithValues: result.reports.map { (URL(fileURLWithPath: $0.path).lastPathComponent, [$0.accepted, $0.quarantined]) })
    }

    static func validateSample(_ definition: String) throws -> ValidationResult {
        let loaded = try DefinitionLoader.load(file: packageRoot + "/pipelines/" + definition, workingDirectory: packageRoot)
        let quarantine = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: quarantine) }
        return try Validation.run(loaded, quarantineDirectory: quarantine)
    }

    @Test("samples/ (CSV, TSV, XML): the definition init writes validates with the sample's accepted counts per source")
    func samples() throws {
        let root = try Self.samplesCopy(["csv", "tsv", "xml"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let result = try Self.initialise(root + "/exports", into: root + "/faculty")
        #expect(result.definitionError == nil && result.fileErrors.isEmpty && result.exitStatus == .success)
        let validation = try #require(result.validation)
        #expect(Self.counts(validation) == Self.counts(try Self.validateSample("sample.yml")))
        #expect(validation.reports.count == 5)

        let text = try String(contentsOfFile: root + "/faculty/pipeline.yml", encoding: .utf8)
        for decided in ["encoding: windows-1252", "delimiter: \";\"", "dates: [\"d/m/yyyy\", \"d month yyyy\", \"excel\"]", "delimiter: tab",
                        "record: \"a:aanvraag\"", "a: \"urn:example:faculteit:aanvragen:1\"", "record: \"ev:evaluatie\"",
                        "score_knowledge: \"ev:criterium[@naam='kennis']\"", "valid_from: \"a:periode/@van\""] {
            #expect(text.contains(decided), "\(decided)")
        }
        // The guesses are marked for a person, in the file and in the list printed at the end.
        #expect(text.contains("agreement_id: \"@nummer\"  # CHECK: a guess from the values"))
        let guesses = result.leftForAPerson.first { $0.topic.hasPrefix("Guesses") }?.lines ?? []
        #expect(guesses.count == 3 && guesses.allSatisfy { $0.contains("←") })
        let printed = SetupText.render(result, workingDirectory: "/")
        #expect(printed.contains("Columns not read:") && printed.contains("\"Opmerking\"") && printed.contains("\"31/06/2025\""))
    }

    /// The hand edits that bring the written definition to the sample's figures: init takes the
    /// samples' three planted typos (`AZ Groenige`, `Jesa Ziekenhuis`, `cardiolgie`) as aliases,
    /// which the sample leaves unresolved on purpose (2 lines each), and pins the as-of date (1).
    static func handEdits(_ folder: String) throws -> Int {
        var changed = 0
        for (file, alias) in [("sites.yml", "\"AZ Groenige\""), ("sites.yml", "\"Jesa Ziekenhuis\""), ("disciplines.yml", "\"cardiolgie\"")] {
            var lines = try String(contentsOfFile: folder + "/" + file, encoding: .utf8).components(separatedBy: "\n")
            let item = try #require(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix("- \(alias)") })
            #expect(lines[item - 1].trimmingCharacters(in: .whitespaces) == "aliases:" && !lines[item + 1].contains("- \""))
            lines.removeSubrange(item - 1...item)
            changed += 2
            try lines.joined(separator: "\n").write(toFile: folder + "/" + file, atomically: true, encoding: .utf8)
        }
        let definition = try String(contentsOfFile: folder + "/pipeline.yml", encoding: .utf8)
        try definition.replacingOccurrences(of: "# as_of: \(today)", with: "as_of: 2026-07-15")
            .write(toFile: folder + "/pipeline.yml", atomically: true, encoding: .utf8)
        return changed + 1
    }

    @Test("run on it, after 7 lines changed by hand, gives the sample's figures (sites matched by name)")
    func sampleFigures() throws {
        let root = try Self.samplesCopy(["csv", "tsv", "xml"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = try Self.initialise(root + "/exports", into: root + "/faculty")
        #expect(try Self.handEdits(root + "/faculty") == 7)
        let written = try DefinitionLoader.load(file: root + "/faculty/pipeline.yml")
        let ours = try PipelineRun.run(written, asOf: nil, today: Self.today)
        var sample = try DefinitionLoader.load(file: packageRoot + "/pipelines/sample.yml", workingDirectory: packageRoot)
        sample.outputDirectory = root + "/sample-out"
        let theirs = try PipelineRun.run(sample, asOf: nil, today: Self.today)
        #expect(ours.findingCounts == theirs.findingCounts && ours.placementCount == theirs.placementCount)
        let codes = try FigureComparison.siteCodes(from: root + "/faculty/sites.yml", to: packageRoot + "/pipelines/sample/sites.yml")
        for table in ["capacity.csv", "coverage.csv", "audit.csv", "progress.csv"] {
            let differing = try FigureComparison.differingRows(root + "/faculty/out/latest/" + table, root + "/sample-out/latest/" + table,
                                                              mapping: codes)
            #expect(differing.isEmpty, "\(table): \(differing.prefix(4))")
        }
    }

    @Test("samples/ as workbooks (.xlsx and the XML): the accepted counts of pipelines/sample-xlsx.yml")
    func workbooks() throws {
        let root = try Self.samplesCopy(["xlsx", "xml"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let result = try Self.initialise(root + "/exports", into: root + "/faculty")
        #expect(result.exitStatus == .success)
        #expect(Self.counts(try #require(result.validation)) == Self.counts(try Self.validateSample("sample-xlsx.yml")))
        let text = try String(contentsOfFile: root + "/faculty/pipeline.yml", encoding: .utf8)
        #expect(text.contains("sheet: \"Overeenkomsten\"") && text.contains("header_row: 3"))
    }

    @Test("both copies of one export (the samples as CSV and as .xlsx): the first is read, the second named as left out")
    func copies() throws {
        let root = try Self.samplesCopy(["csv", "xlsx", "json"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let result = try Self.initialise(root + "/exports", into: root + "/faculty")
        let text = try String(contentsOfFile: root + "/faculty/pipeline.yml", encoding: .utf8)
        #expect(text.contains("#   agreements_framework.xlsx: the same name as agreements_framework.csv"))
        #expect(text.contains("#   PLANTED.json: not an export"))
        #expect(result.validation?.reports.count == 3)
    }
}

/// Report tables of two runs compared with their site codes matched by the sites' names.
enum FigureComparison {
    static func siteCodes(from ours: String, to theirs: String) throws -> [String: String] {
        let byName = Dictionary(try ReferenceLoader.loadSites(theirs).0.map { (SiteNames.canonical($0.name), $0.code) },
                                uniquingKeysWith: { first, _ in first })
        return Dictionary(uniqueKeysWithValues: try ReferenceLoader.loadSites(ours).0.map { ($0.code, byName[SiteNames.canonical($0.name)] ?? "?") })
    }

    /// Rows of either table that the other lacks, after mapping the first table's site column.
    static func differingRows(_ ours: String, _ theirs: String, mapping: [String: String]) throws -> [String] {
        func rows(_ path: String, _ map: [String: String]?) throws -> [String] {
            let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
            let siteColumn = lines.first?.split(separator: ",").firstIndex(of: "site")
            return lines.dropFirst().map { line in
                guard let map, let siteColumn else { return line }
                var cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                cells[siteColumn] = map[cells[siteColumn]] ?? "?"
                return cells.joined(separator: ",")
            }
        }
        var count: [String: Int] = [:]
        for row in try rows(ours, mapping) { count[row, default: 0] += 1 }
        for row in try rows(theirs, nil) { count[row, default: 0] -= 1 }
        return count.filter { $0.value != 0 }.map { ($0.value > 0 ? "init: " : "sample: ") + $0.key }.sorted()
    }
}
