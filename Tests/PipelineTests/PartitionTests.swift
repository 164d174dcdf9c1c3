import Foundation
import GRDB
import Pipeline
import Domain
import Testing

/// Runs in partitions (inputs above `partitions.above_mb` spilled to disk, placements built a
/// few students at a time) give the bytes of a run in memory, and leave nothing behind.
@Suite("Runs in partitions")
struct PartitionTests {
    static let files = ["audit.csv", "audit.json", "capacity.csv", "capacity.excel.csv", "capacity.json", "changes.csv", "coverage.csv",
                        "coverage.json", "findings.csv", "findings.excel.csv", "findings.json", "placements.csv", "progress.csv",
                        "progress.excel.csv", "progress.json", "quarantine.csv", "summary.md", "report.html",
                        "placements.excel.csv", "quarantine.excel.csv", "report.xlsx"]

    func definition(output: String, partitionRows: Int?) throws -> PipelineDefinition {
        var definition = try DefinitionLoader.load(file: packageRoot + "/pipelines/sample.yml", workingDirectory: packageRoot)
        definition.outputDirectory = output
        definition.report.formats.insert(.excel)
        if let partitionRows {
            definition.partitions.aboveBytes = 0
            definition.partitions.rows = partitionRows
        }
        return definition
    }

    /// A file of the run `latest` names, without the line naming the run compared with (its id
    /// differs between the two output folders).
    func read(_ folder: String, _ name: String) throws -> Data {
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/latest/" + name))
        guard name == "summary.md" || name == "report.html" else { return data }
        let lines = String(decoding: data, as: UTF8.self).components(separatedBy: "\n")
            .filter { !$0.contains("Compared with run") && !$0.contains("Vergeleken met run") }
        return Data(lines.joined(separator: "\n").utf8)
    }

    @Test("every report is the same bytes in memory and in partitions of 1, 40 and 2,000 rows, for the office and for auditors",
          arguments: [1, 40, 2_000])
    func sameBytes(rows: Int) throws {
        let memory = try temporaryFolder(), partitioned = try temporaryFolder()
        defer { for folder in [memory, partitioned] { try? FileManager.default.removeItem(atPath: folder) } }
        let key = ["STAGEBALANS_PSEUDONYM_KEY": "a secret of at least sixteen bytes"]
        for forAuditors in [false, true] {
            // Reports for auditors have an output folder of their own (the office's runs hold ids).
            let memory = forAuditors ? memory + "/auditors" : memory, partitioned = forAuditors ? partitioned + "/auditors" : partitioned
            let inMemory = try PipelineRun.run(try definition(output: memory, partitionRows: nil), asOf: nil,
                                               today: Day(daysSinceEpoch: 0), forAuditors: forAuditors, environment: key)
            let inPartitions = try PipelineRun.run(try definition(output: partitioned, partitionRows: rows), asOf: nil,
                                                   today: Day(daysSinceEpoch: 0), forAuditors: forAuditors, environment: key)
            for name in Self.files {
                let expected = try read(memory, name), produced = try read(partitioned, name)
                #expect(!expected.isEmpty && expected == produced, "\(name), auditors: \(forAuditors), rows: \(rows)")
            }
            #expect(inMemory.findingCounts == inPartitions.findingCounts)
            #expect(inMemory.firstFindings == inPartitions.firstFindings)
            #expect(inMemory.placementCount == inPartitions.placementCount && inPartitions.placementCount > 2_900)
            #expect(inMemory.exitStatus == inPartitions.exitStatus)
            // A run in partitions holds neither its placements nor its findings.
            #expect(inPartitions.reconciliation.placements.isEmpty && inPartitions.reconciliation.findings.isEmpty)
            #expect(inMemory.reconciliation.placements.count == inMemory.placementCount)
        }
        // A second office run in each folder, compared with the first: the same changes.
        _ = try PipelineRun.run(try definition(output: memory, partitionRows: nil), asOf: Day(year: 2026, month: 6, day: 1),
                                today: Day(daysSinceEpoch: 0))
        _ = try PipelineRun.run(try definition(output: partitioned, partitionRows: rows), asOf: Day(year: 2026, month: 6, day: 1),
                                today: Day(daysSinceEpoch: 0))
        let changes = try read(memory, "changes.csv"), changesInPartitions = try read(partitioned, "changes.csv")
        #expect(changes == changesInPartitions && changes.count > 200, "\(String(decoding: changes, as: UTF8.self))")
        // The publish guard's figures, counted before the report jobs, are the same too (the last partition's placements included).
        let guarded = try [memory, partitioned].map { folder in
            try DatabaseQueue(path: folder + "/history.sqlite").read { db in
                try Int.fetchAll(db, sql: "SELECT placements FROM run ORDER BY rowid") + Int.fetchAll(db, sql: """
                    SELECT records_read + 10 * records_quarantined + 100 * agreements + 1000 * no_agreement FROM run ORDER BY rowid
                    """)
            }
        }
        #expect(guarded[0] == guarded[1] && guarded[0].count == 4 && guarded[0][0] > 2_900 && guarded[0][0] == guarded[0][1], "\(guarded)")
        // Nothing of the partitions is left beside the runs.
        let left = try FileManager.default.contentsOfDirectory(atPath: partitioned).filter { $0.hasPrefix(".spill") }
        #expect(left.isEmpty, "left behind: \(left)")
    }

    @Test("inputs at or under above_mb are read in memory: no spill folder is made")
    func threshold() throws {
        let output = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: output) }
        var definition = try definition(output: output, partitionRows: 40)
        definition.partitions.aboveBytes = 1 << 30
        definition.outputDirectory = output + "/out"
        let result = try PipelineRun.run(definition, asOf: nil, today: Day(daysSinceEpoch: 0))
        #expect(!result.reconciliation.placements.isEmpty, "one partition: the placements are held")
    }

    @Test("a spill folder left by a killed run is removed by the next published run; a run in partitions leaves none")
    func leftoverSpillRemoved() throws {
        let output = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let leftover = output + "/.spill-2026-01-01T00-00-00Z-1"
        try FileManager.default.createDirectory(atPath: leftover, withIntermediateDirectories: true)
        try Data(repeating: 7, count: 4_096).write(to: URL(fileURLWithPath: leftover + "/rows.spill"))
        _ = try PipelineRun.run(try definition(output: output, partitionRows: 40), asOf: nil, today: Day(daysSinceEpoch: 0))
        let left = try FileManager.default.contentsOfDirectory(atPath: output).filter { $0.hasPrefix(".spill-") }
        #expect(left.isEmpty, "left: \(left)")
    }

    @Test("the definition's partitions section: above_mb and rows, and what is wrong with a bad one")
    func definitionSection() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        func load(_ section: String) throws -> PipelineDefinition {
            let file = folder + "/p.yml"
            let source = "sources:\n  - {name: e, kind: evaluations, format: csv, path: e.csv}\n"
            try ("name: p\noutput: out\n" + source + section).write(toFile: file, atomically: true, encoding: .utf8)
            return try DefinitionLoader.load(file: file, workingDirectory: folder)
        }
        let defaults = try load("")
        #expect(defaults.partitions.aboveBytes == 1 << 30 && defaults.partitions.rows == 500_000)
        let set = try load("partitions:\n  above_mb: 200\n  rows: 250000\n")
        #expect(set.partitions.aboveBytes == 200 << 20 && set.partitions.rows == 250_000)
        #expect(throws: DefinitionError.self) { try load("partitions:\n  rows: 0\n") }
        #expect(throws: DefinitionError.self) { try load("partitions:\n  row: 10\n") }
    }
}
