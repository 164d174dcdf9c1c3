import Foundation
import Ingest
import Normalize
import Engine
import Domain
import TestSupport
import Testing

@Suite("Normalize in partitions")
struct NormalizePartitionTests {
    /// Eight students, each with a placement of three rows (one a supervisor's final), and one
    /// with two placements; names out of order on purpose.
    func records() -> [IngestedRecord] {
        var records: [IngestedRecord] = [agreement("A1", slots: 20)]
        var line = 2
        for student in ["r7", "r1", "r5", "r3", "r8", "r2", "r6", "r4"] {
            for role in [EvaluatorRole.resident, .assistant, .supervisor] {
                records.append(evaluation(student, role: role, status: role == .supervisor ? .final : .submitted,
                                          score: role == .supervisor ? 15 : 12, line: line))
                line += 1
            }
        }
        records.append(evaluation("r3", start: "2025-10-06", end: "2025-11-02", weeks: 5, line: line))
        return records
    }

    @Test("placements in partitions of 1 to 30 rows, concatenated, are those of a normalizer in memory; a student is never split")
    func sameAsInMemory() throws {
        let reference = try reference()
        var inMemory = Normalizer(reference: reference)
        for record in records() { inMemory.add(record) }
        let expected = try inMemory.finish()
        for rows in [1, 2, 3, 4, 7, 30] {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("spill-\(rows)-\(getpid())").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: folder) }
            var spilling = try Normalizer(reference: reference, spillingTo: SpillSettings(directory: folder, partitionRows: rows))
            for record in records() { spilling.add(record) }
            let partitioned = try spilling.finishInPartitions()
            var placements: [Placement] = []
            var findings = partitioned.findings
            var studentsSeen: [String: Int] = [:]
            for index in 0..<partitioned.partitions.count {
                let part = try partitioned.partitions.take(index)
                for placement in part.placements {
                    #expect(studentsSeen[placement.student].map { $0 == index } ?? true, "\(placement.student) split across partitions")
                    studentsSeen[placement.student] = index
                    #expect(partitioned.partitions.partition(of: placement.student) == index)
                }
                placements += part.placements
                findings += part.findings
            }
            #expect(placements == expected.placements, "rows per partition: \(rows)")
            #expect(Set(findings) == Set(expected.findings), "rows per partition: \(rows)")
            #expect(partitioned.agreements == expected.agreements)
            // Three rows a student (r3 four): a partition takes students until it holds `rows`
            // rows; 1–3 rows: one student each; 4: r1+r2, r3, r4+r5, r6+r7, r8; 7: r1–r3, r4–r6, r7+r8.
            #expect(partitioned.partitions.count == (rows <= 3 ? 8 : rows == 4 ? 5 : rows == 7 ? 3 : 1))
            let left = try FileManager.default.contentsOfDirectory(atPath: folder)
            #expect(left.filter { $0.hasPrefix("partition-") }.isEmpty, "partitions taken are removed: \(left)")
        }
    }

    @Test("a spill folder that does not exist: an error naming the file, before any row is read")
    func missingFolder() throws {
        #expect {
            _ = try Normalizer(reference: try reference(), spillingTo: SpillSettings(directory: "/nonexistent/stagebalans", partitionRows: 10))
        } throws: { error in
            (error as? SpillError)?.description.hasPrefix("/nonexistent/stagebalans/rows.spill: error: cannot create the spill file") ?? false
        }
    }

    @Test("a finding written to a spill file and read back is the same finding, sources, columns and paths included")
    func findingRoundTrip() {
        let findings = [
            Finding(code: .overCapacity, key: "site=AZSJ discipline=IG-CAR from=2025-09-01", message: "2 against 1 \u{2013} \"quoted\"",
                    sources: [at(9, "b.csv"), at(3, "a.csv"), at(4, "a.csv"), Location(path: "x.xml", line: 7, column: 12)]),
            Finding(code: .unknownSite, key: "site=é", message: "", sources: []),
        ]
        var bytes: [UInt8] = []
        for finding in findings { finding.encode(into: &bytes) }
        var decoded: [Finding] = [], skipped: [Finding] = []
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while let finding = Finding.decode(buffer, at: &offset) { decoded.append(finding) }
            #expect(offset == buffer.count)
            offset = 0
            while let finding = Finding.decode(buffer, at: &offset, sources: false) { skipped.append(finding) }
            // Cut short: nothing, not a wrong finding.
            var short = 0
            #expect(Finding.decode(UnsafeRawBufferPointer(rebasing: buffer[0..<(buffer.count - 1)]), at: &short) != nil)
            short = bytes.count - 3
            #expect(Finding.decode(buffer, at: &short) == nil)
        }
        #expect(decoded == findings)
        #expect(decoded[0].sources.count == 4 && decoded[0].sources[3].column == 12)
        #expect(skipped.map(\.fingerprint) == findings.map(\.fingerprint) && skipped.allSatisfy { $0.sources.isEmpty })
    }
}
