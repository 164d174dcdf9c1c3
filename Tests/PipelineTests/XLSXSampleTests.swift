import Domain
import Foundation
import Ingest
@testable import Pipeline
import Testing

/// The samples' CSV exports given as .xlsx workbooks (`pipelines/sample-xlsx.yml`): the same
/// reports byte for byte; findings, placements and the quarantine equal apart from where their
/// rows are; the workbook hashed as a file, and the unchanged check working on it.
@Suite("The samples as .xlsx")
struct XLSXSampleTests {
    static func run(_ pipeline: String, into output: String, force: Bool = true) throws -> RunOutcome {
        var definition = try DefinitionLoader.load(file: packageRoot + "/pipelines/" + pipeline, workingDirectory: packageRoot)
        definition.outputDirectory = output
        var options = RunOptions(asOf: nil, today: Day(daysSinceEpoch: 0), force: force)
        options.threading = .never
        return try PipelineRun.run(definition, options: options)
    }

    /// The digest coreutils' sha256sum gives: of the file's bytes, not of the parts inside.
    static func sha256sum(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: out.prefix(64), as: UTF8.self)
    }

    static func file(_ output: String, _ name: String) throws -> String {
        try String(contentsOfFile: output + "/latest/" + name, encoding: .utf8)
    }

    /// A CSV's rows with the columns that say where a row came from taken out, read by the
    /// project's RFC 4180 reader (`Coordinator.csvFields`), rejoined with `,` for comparing.
    static func rows(_ text: String, without columns: Set<String>) throws -> [String] {
        var records = try Coordinator.csvFields(Array(text.utf8), path: "test", name: "test").filter { $0 != [""] }
        guard !records.isEmpty else { return [] }
        let names = records.removeFirst()
        let kept = names.indices.filter { !columns.contains(names[$0]) }
        return records.map { fields in kept.map { $0 < fields.count ? fields[$0] : "" }.joined(separator: ",") }
    }

    @Test("same capacity, coverage, progress and audit reports, byte for byte; findings and placements apart from their sources")
    func sameReports() throws {
        let csv = try temporaryFolder(), xlsx = try temporaryFolder()
        defer {
            try? FileManager.default.removeItem(atPath: csv)
            try? FileManager.default.removeItem(atPath: xlsx)
        }
        _ = try Self.run("sample.yml", into: csv)
        _ = try Self.run("sample-xlsx.yml", into: xlsx)
        for name in ["capacity.csv", "coverage.csv", "progress.csv", "audit.csv", "capacity.json", "coverage.json", "progress.json", "audit.json"] {
            let a = try Self.file(csv, name), b = try Self.file(xlsx, name)
            #expect(!a.isEmpty && a == b, "\(name)")
        }
        let findings = (try Self.file(csv, "findings.csv"), try Self.file(xlsx, "findings.csv"))
        #expect(try Self.rows(findings.0, without: ["sources"]) == Self.rows(findings.1, without: ["sources"]))
        #expect(findings.1.contains("samples/evaluations_2024-2025.xlsx[Evaluaties]:"), "findings cite file.xlsx[Sheet]:row")
        let placements = (try Self.file(csv, "placements.csv"), try Self.file(xlsx, "placements.csv"))
        #expect(try Self.rows(placements.0, without: ["sources"]) == Self.rows(placements.1, without: ["sources"]))
        #expect(placements.0 != placements.1)
    }

    @Test("the quarantine: the same rows and reasons, at file.xlsx[Sheet]:row:column; the two breakages only a CSV can have are error values")
    func sameQuarantine() throws {
        let csv = try temporaryFolder(), xlsx = try temporaryFolder()
        defer {
            try? FileManager.default.removeItem(atPath: csv)
            try? FileManager.default.removeItem(atPath: xlsx)
        }
        _ = try Self.run("sample.yml", into: csv)
        _ = try Self.run("sample-xlsx.yml", into: xlsx)
        let sources: Set<String> = ["path", "line", "column", "raw"]
        // A repeated agreement id's reason cites the first one's place, a source reference too.
        func withoutCitedPlace(_ row: String) -> String {
            row.replacingOccurrences(of: #"repeats the agreement at [^;]+;"#, with: "repeats the agreement at …;", options: .regularExpression)
        }
        let a = try Self.rows(try Self.file(csv, "quarantine.csv"), without: sources).map(withoutCitedPlace)
        let b = try Self.rows(try Self.file(xlsx, "quarantine.csv"), without: sources).map(withoutCitedPlace)
        #expect(a.count == b.count)
        // A delimiter that shifts a CSV row's columns, and a byte that is not UTF-8, cannot
        // happen in a workbook: the generator writes an error value in that cell instead.
        let onlyCSV = Set(a).subtracting(b), onlyXLSX = Set(b).subtracting(a)
        #expect(onlyCSV.count == 2 && onlyXLSX.count == 2, "\(onlyCSV) \(onlyXLSX)")
        #expect(onlyXLSX.allSatisfy { $0.contains("the cell holds the error #") }, "\(onlyXLSX)")
        #expect(onlyCSV.contains { $0.contains("a delimiter inside an unquoted value shifted the columns") })
        #expect(onlyCSV.contains { $0.contains("is not UTF-8") || $0.contains("not valid UTF-8") }, "\(onlyCSV)")
        let quarantine = try Self.file(xlsx, "quarantine.csv")
        #expect(quarantine.contains("agreements-framework,samples/agreements_framework.xlsx[Overeenkomsten],9,4,capacity,"
                                    + "field 'capacity' (column 'Capaciteit'): 'twee' is not a whole number,"), "\(quarantine)")
    }

    @Test("the manifest and history hold the digest of the .xlsx file's bytes; a second run sees the input unchanged")
    func digestAndUnchanged() throws {
        let output = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: output) }
        guard case .published = try Self.run("sample-xlsx.yml", into: output, force: false) else {
            Issue.record("the first run did not publish")
            return
        }
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output + "/latest/manifest.json")))
        let inputs = try #require((manifest as? [String: Any])?["inputs"] as? [[String: Any]])
        for path in ["samples/agreements_framework.xlsx", "samples/evaluations_2024-2025.xlsx", "samples/roster.xlsx"] {
            let input = try #require(inputs.first { $0["path"] as? String == path })
            let bytes = try Data(contentsOf: URL(fileURLWithPath: packageRoot + "/" + path))
            #expect(input["sha256"] as? String == (try Self.sha256sum(packageRoot + "/" + path)), "\(path)")
            #expect(input["bytes"] as? Int == bytes.count)
        }
        guard case .unchanged = try Self.run("sample-xlsx.yml", into: output, force: false) else {
            Issue.record("the second run on the same workbooks was not unchanged")
            return
        }
    }
}
