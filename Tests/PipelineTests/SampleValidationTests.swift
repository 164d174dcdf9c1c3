import Foundation
import Ingest
@testable import Pipeline
import Domain
import Testing

/// `validate` on samples/: exactly the rows the generator planted are quarantined.
@Suite("Validation of the samples")
struct SampleValidationTests {
    struct PlantedRow: Decodable, Hashable {
        var path: String
        var line: Int
        var field: String?
    }

    struct Planted: Decodable {
        var bad_rows: [PlantedRow]
    }

    func validateSamples() throws -> (ValidationResult, String) {
        let definition = try DefinitionLoader.load(file: packageRoot + "/pipelines/sample.yml", workingDirectory: packageRoot)
        let output = try temporaryFolder()
        return (try Validation.run(definition, quarantineDirectory: output, maxProblems: 20), output)
    }

    @Test("quarantine holds exactly the planted bad rows, at their line and field")
    func plantedRows() throws {
        let (result, output) = try validateSamples()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let planted = try JSONDecoder().decode(Planted.self, from: Data(contentsOf: URL(fileURLWithPath: packageRoot + "/samples/PLANTED.json")))

        struct Row: Decodable, Hashable {
            var path: String
            var line: Int
            var field: String?
        }
        let quarantined = try JSONDecoder().decode([Row].self, from: Data(contentsOf: URL(fileURLWithPath: output + "/quarantine.json")))
        #expect(Set(quarantined.map { PlantedRow(path: $0.path, line: $0.line, field: $0.field) }) == Set(planted.bad_rows))
        #expect(quarantined.count == planted.bad_rows.count)
        #expect(result.rejected.isEmpty)
        #expect(result.exitStatus == .success)
        for report in result.reports {
            #expect(report.read == report.accepted + report.quarantined)
        }
        #expect(result.totalRead > 7_000, "the samples are a realistic size")

        let csv = try String(contentsOfFile: output + "/quarantine.csv", encoding: .utf8)
        #expect(csv.hasPrefix(QuarantineWriter.csvHeader))
        #expect(csv.split(separator: "\n").count >= planted.bad_rows.count + 1)
    }

    @Test("the validate report matches its golden file")
    func golden() throws {
        let (result, output) = try validateSamples()
        defer { try? FileManager.default.removeItem(atPath: output) }
        var text = ValidationText.render(result, workingDirectory: packageRoot)
        text = text.replacingOccurrences(of: output, with: "QUARANTINE") + "\n"
        let goldenPath = packageRoot + "/Tests/PipelineTests/Fixtures/golden/validate-sample.txt"
        if ProcessInfo.processInfo.environment["STAGEBALANS_UPDATE_GOLDEN"] == "1" {
            try text.write(toFile: goldenPath, atomically: true, encoding: .utf8)
        }
        let golden = try String(contentsOfFile: goldenPath, encoding: .utf8)
        #expect(text == golden, "regenerate with STAGEBALANS_UPDATE_GOLDEN=1 swift test --filter golden, then review the diff")
    }
}
