import Foundation
import Pipeline
import Reconcile
import Domain
import Testing

/// `run` on samples/: exactly the findings the generator planted, every code at least once,
/// and byte-identical outputs from two runs.
@Suite("Run on the samples")
struct SampleRunTests {
    struct Planted: Decodable {
        struct Planted: Decodable, Hashable {
            var code: String
            var key: String
        }

        var findings: [Planted]
        var as_of: String
    }

    func run(into output: String) throws -> RunResult {
        var definition = try DefinitionLoader.load(file: packageRoot + "/pipelines/sample.yml", workingDirectory: packageRoot)
        definition.outputDirectory = output
        return try PipelineRun.run(definition, asOf: nil, today: Day(daysSinceEpoch: 0))
    }

    @Test("the findings are exactly the planted ones")
    func plantedFindings() throws {
        let output = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let result = try run(into: output)
        let planted = try JSONDecoder().decode(Planted.self, from: Data(contentsOf: URL(fileURLWithPath: packageRoot + "/samples/PLANTED.json")))
        #expect(result.asOf.description == planted.as_of)
        let found = result.reconciliation.findings.map { Planted.Planted(code: $0.code.rawValue, key: $0.key) }
        let expected = Set(planted.findings)
        #expect(Set(found).subtracting(expected).isEmpty, "found but not planted")
        #expect(expected.subtracting(Set(found)).isEmpty, "planted but not found")
        #expect(found.count == planted.findings.count)
        #expect(Set(result.reconciliation.findings.map(\.code)) == Set(FindingCode.allCases), "every finding code at least once")
        for finding in result.reconciliation.findings {
            #expect(!finding.sources.isEmpty, "\(finding.code) \(finding.key) has no source rows")
        }
    }

    @Test("two runs write byte-identical files")
    func deterministic() throws {
        let first = try temporaryFolder(), second = try temporaryFolder()
        defer {
            try? FileManager.default.removeItem(atPath: first)
            try? FileManager.default.removeItem(atPath: second)
        }
        _ = try run(into: first)
        _ = try run(into: second)
        for name in ["audit.csv", "capacity.csv", "coverage.csv", "findings.csv", "findings.json", "placements.csv", "progress.csv",
                     "quarantine.csv", "quarantine.json"] {
            let a = try Data(contentsOf: URL(fileURLWithPath: first + "/latest/" + name))
            let b = try Data(contentsOf: URL(fileURLWithPath: second + "/latest/" + name))
            #expect(!a.isEmpty && a == b, "\(name)")
        }
        let findings = try String(contentsOfFile: first + "/latest/findings.csv", encoding: .utf8)
        #expect(findings.hasPrefix("code,severity,fingerprint,key,message,sources\nUNKNOWN_SITE,error,"))
    }
}
