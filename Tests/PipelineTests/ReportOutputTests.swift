import Foundation
import Ingest
import Pipeline
import Report
import Domain
import Testing

/// The report files of a run on samples/: golden files, determinism whatever the thread count
/// and source order, the Excel dialect, pseudonyms for auditors, the suppression threshold,
/// the manifest, and the coordinators' `report` and `plan`.
@Suite("Report outputs")
struct ReportOutputTests {
    static let reportFiles = ["audit.csv", "audit.json", "capacity.csv", "capacity.excel.csv", "capacity.json", "coverage.csv",
                              "coverage.json", "findings.csv", "findings.json", "placements.csv", "progress.csv", "summary.md",
                              "report.html", "placements.excel.csv", "report.xlsx"]

    func definition(output: String) throws -> PipelineDefinition {
        var definition = try DefinitionLoader.load(file: packageRoot + "/pipelines/sample.yml", workingDirectory: packageRoot)
        definition.outputDirectory = output
        definition.report.formats.insert(.excel)
        return definition
    }

    /// A file of the run `latest` names.
    func read(_ folder: String, _ name: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: folder + "/latest/" + name))
    }

    @Test("the sample reports match their golden files")
    func golden() throws {
        let output = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: output) }
        _ = try PipelineRun.run(try definition(output: output), asOf: nil, today: Day(daysSinceEpoch: 0))
        let goldenFolder = packageRoot + "/Tests/PipelineTests/Fixtures/golden/sample-run"
        let update = ProcessInfo.processInfo.environment["STAGEBALANS_UPDATE_GOLDEN"] == "1"
        if update { try FileManager.default.createDirectory(atPath: goldenFolder, withIntermediateDirectories: true) }
        for name in ["audit.csv", "capacity.csv", "capacity.excel.csv", "coverage.csv", "coverage.json", "findings.csv", "progress.csv",
                     "summary.md", "report.html"] {
            let produced = try read(output, name)
            if update { try produced.write(to: URL(fileURLWithPath: goldenFolder + "/" + name)) }
            let golden = try Data(contentsOf: URL(fileURLWithPath: goldenFolder + "/" + name))
            #expect(produced == golden, "\(name): regenerate with STAGEBALANS_UPDATE_GOLDEN=1 swift test --filter golden, then review the diff")
        }
    }

    @Test("the same inputs give the same report bytes read on one thread or two, and with the sources in reverse order")
    func deterministic() throws {
        let inline = try temporaryFolder(), threaded = try temporaryFolder(), reversed = try temporaryFolder()
        defer { for folder in [inline, threaded, reversed] { try? FileManager.default.removeItem(atPath: folder) } }
        _ = try PipelineRun.run(try definition(output: inline), asOf: nil, today: Day(daysSinceEpoch: 0), threading: .never)
        _ = try PipelineRun.run(try definition(output: threaded), asOf: nil, today: Day(daysSinceEpoch: 0), threading: .always)
        var backwards = try definition(output: reversed)
        backwards.sources.reverse()
        _ = try PipelineRun.run(backwards, asOf: nil, today: Day(daysSinceEpoch: 0))
        for name in Self.reportFiles {
            let expected = try read(inline, name)
            let fromThreads = try read(threaded, name), fromReversed = try read(reversed, name)
            #expect(!expected.isEmpty && expected == fromThreads, "\(name) threaded")
            // The workbook's quarantine sheet and the page's first quarantined rows list rows in the order the sources
            // are read, as quarantine.csv does.
            #expect(expected == fromReversed || ["report.xlsx", "report.html"].contains(name), "\(name) reversed sources")
        }
    }

    @Test("the Excel-for-Belgium CSV has a BOM, ';', decimal commas and CRLF, and the same figures as the RFC 4180 one")
    func excelDialect() throws {
        let output = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: output) }
        _ = try PipelineRun.run(try definition(output: output), asOf: nil, today: Day(daysSinceEpoch: 0))
        let excel = try read(output, "capacity.excel.csv"), plain = try read(output, "capacity.csv")
        #expect(Array(excel.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let excelLines = String(decoding: excel.dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }
        let plainLines = String(decoding: plain, as: UTF8.self).components(separatedBy: "\n").filter { !$0.isEmpty }
        #expect(excelLines.count == plainLines.count && excelLines.count > 10)
        for (excelLine, plainLine) in zip(excelLines, plainLines) {
            let excelCells = excelLine.components(separatedBy: ";"), plainCells = plainLine.components(separatedBy: ",")
            #expect(excelCells.count == plainCells.count)
            for (excelCell, plainCell) in zip(excelCells, plainCells) {
                #expect(excelCell == plainCell.replacingOccurrences(of: ".", with: ","), "\(excelCell) vs \(plainCell)")
            }
        }
        #expect(excelLines[1].contains(",") && !excelLines[1].contains("."), "decimals use a comma: \(excelLines[1])")
    }

    @Test("reports for auditors: no student id anywhere, stable pseudonyms; without a key the run refuses and writes nothing")
    func auditors() throws {
        let output = try temporaryFolder(), second = try temporaryFolder()
        defer { for folder in [output, second] { try? FileManager.default.removeItem(atPath: folder) } }
        let key = ["STAGEBALANS_PSEUDONYM_KEY": "a secret of at least sixteen bytes"]
        #expect(throws: RunFailure.self) {
            try PipelineRun.run(try definition(output: output), asOf: nil, today: Day(daysSinceEpoch: 0), forAuditors: true,
                                environment: [:])
        }
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: output)) ?? []).isEmpty, "nothing written without a key")
        #expect(!FileManager.default.fileExists(atPath: output + "/latest"))
        #expect(throws: RunFailure.self) {
            try PipelineRun.run(try definition(output: output), asOf: nil, today: Day(daysSinceEpoch: 0), forAuditors: true,
                                environment: ["STAGEBALANS_PSEUDONYM_KEY": "short"])
        }
        let result = try PipelineRun.run(try definition(output: output), asOf: nil, today: Day(daysSinceEpoch: 0),
                                         forAuditors: true, environment: key)
        _ = try PipelineRun.run(try definition(output: second), asOf: nil, today: Day(daysSinceEpoch: 0), forAuditors: true,
                                environment: key)
        // The ids are those of the office's run of the same inputs: the run for auditors never
        // had them past its normalizer.
        let office = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: office) }
        let plain = try PipelineRun.run(try definition(output: office), asOf: nil, today: Day(daysSinceEpoch: 0))
        let students = Set(plain.reconciliation.placements.map(\.placement.student))
        #expect(students.count > 100)
        #expect(result.reconciliation.placements.allSatisfy { $0.placement.student.hasPrefix("p-") })
        for name in Self.reportFiles + ["quarantine.csv", "quarantine.json", "changes.csv"] {
            let text = String(decoding: try read(output, name), as: UTF8.self)
            let leaked = students.filter { text.contains($0) }
            #expect(leaked.isEmpty, "\(name) names \(leaked.prefix(3))")
            let first = try read(output, name), again = try read(second, name)
            #expect(first == again, "\(name): pseudonyms are stable")
        }
        let progress = String(decoding: try read(output, "progress.csv"), as: UTF8.self)
        #expect(progress.split(separator: "\n")[1].hasPrefix("p-"))
        let pseudonyms = try #require(Pseudonyms(key: Array("a secret of at least sixteen bytes".utf8)))
        let someone = try #require(students.sorted().first)
        #expect(progress.contains(pseudonyms.pseudonym(someone) + ","))
    }

    @Test("means under the definition's minimum_evaluations are left empty")
    func suppression() throws {
        let strict = try temporaryFolder(), loose = try temporaryFolder()
        defer { for folder in [strict, loose] { try? FileManager.default.removeItem(atPath: folder) } }
        var high = try definition(output: strict)
        high.report.minimumEvaluations = 1000
        var low = try definition(output: loose)
        low.report.minimumEvaluations = 1
        _ = try PipelineRun.run(high, asOf: nil, today: Day(daysSinceEpoch: 0))
        _ = try PipelineRun.run(low, asOf: nil, today: Day(daysSinceEpoch: 0))
        func means(_ folder: String) throws -> [String] {
            let lines = String(decoding: try read(folder, "audit.csv"), as: UTF8.self).split(separator: "\n").dropFirst()
            return lines.map { $0.split(separator: ",", omittingEmptySubsequences: false).suffix(4).joined(separator: ",") }
        }
        #expect(try means(strict).allSatisfy { $0 == ",,," })
        #expect(try means(loose).contains { $0 != ",,," })
    }

    @Test("the manifest lists every input with its sha256 and rows, and every output with the sha256 of its bytes")
    func manifest() throws {
        let output = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let result = try PipelineRun.run(try definition(output: output), asOf: nil, today: Day(daysSinceEpoch: 0))
        let object = try JSONSerialization.jsonObject(with: try read(output, "manifest.json")) as? [String: Any]
        let inputs = try #require(object?["inputs"] as? [[String: Any]])
        #expect(inputs.count == result.reports.count)
        let firstInput = try #require(inputs.first)
        #expect((firstInput["sha256"] as? String)?.count == 64)
        #expect(firstInput["rows_read"] as? Int == result.reports[0].read)
        let outputs = try #require(object?["outputs"] as? [[String: Any]])
        #expect(Set(outputs.compactMap { $0["path"] as? String }).isSuperset(of: Self.reportFiles))
        // An independent digest of one output, with sha256sum.
        let capacity = try #require(outputs.first { $0["path"] as? String == "capacity.csv" })
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [output + "/latest/capacity.csv"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        let digest = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).prefix(64)
        #expect(capacity["sha256"] as? String == String(digest))
        #expect(object?["as_of"] as? String == "2026-07-15")
        // Every input's digest is taken while ingest reads it (CSV in every sample form, XML):
        // each equals sha256sum of the file.
        for input in inputs {
            let path = try #require(input["path"] as? String)
            let check = Process()
            check.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
            check.arguments = [path]
            let out = Pipe()
            check.standardOutput = out
            try check.run()
            check.waitUntilExit()
            let expected = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).prefix(64)
            #expect(input["sha256"] as? String == String(expected), "\(path)")
        }
        let extensions = Set(inputs.compactMap { ($0["path"] as? String)?.split(separator: ".").last.map(String.init) })
        #expect(extensions.isSuperset(of: ["csv", "xml"]))
    }

    @Test("report filters the last run by year, site and discipline, names resolved like in the pipeline")
    func coordinatorReport() throws {
        let output = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let definition = try definition(output: output)
        _ = try PipelineRun.run(definition, asOf: nil, today: Day(daysSinceEpoch: 0))
        let all = try Coordinator.report(.capacity, definition: definition, filters: .init(year: nil, site: nil, discipline: nil))
        let table = try Coordinator.report(.capacity, definition: definition,
                                           filters: .init(year: PlacementYear(startYear: 2025), site: "u.z. gent ", discipline: "Heelkunde"))
        #expect(!table.rows.isEmpty && table.rows.count < all.rows.count)
        for row in table.rows {
            #expect(row[0] == .text("UZG"))
            #expect(row[1].plainText.hasPrefix("HK"))
            #expect(row[2] == .year(PlacementYear(startYear: 2025)))
        }
        // Cells keep their kinds: the Excel rendering of the filtered table uses decimal commas.
        let excel = String(decoding: try Coordinator.render(table, format: .excel, title: "t"), as: UTF8.self)
        #expect(excel.contains(";UZG;") == false && excel.contains("UZG;HK"))
        #expect(throws: DefinitionError.self) {
            try Coordinator.report(.capacity, definition: definition, filters: .init(year: nil, site: "Nowhere Hospital", discipline: nil))
        }
        #expect(throws: DefinitionError.self) {
            try Coordinator.report(.coverage, definition: definition, filters: .init(year: nil, site: "UZ Gent", discipline: nil))
        }
    }
}
