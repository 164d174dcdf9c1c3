import Foundation
@testable import Pipeline
import Domain
import Testing

@Suite("History: a run's findings as one text")
struct HistoryLinesTests {
    @Test("findings with tabs, line breaks and backslashes read back as written; only the gone ones in full")
    func roundTrip() {
        let findings = [
            Finding(code: .noAgreement, key: "student=r1\tsite=A", message: "line one\nline two \\ end", sources: []),
            Finding(code: .agreementExpiring, key: "agreement=G1", message: "expires\r\n2026-07-01", sources: []),
            Finding(code: .overCapacity, key: "site=B", message: "plain", sources: []),
        ]
        let bytes = FindingLines.write(findings)
        #expect(bytes.filter { $0 == 0x0A }.count == 3, "one line per finding")
        var seen: [UInt64] = []
        var read: [(String, String, String)] = []
        FindingLines.read(bytes) { fingerprint, fields in
            seen.append(fingerprint)
            read.append((fields.fingerprint(), fields.text(1), fields.text(4)))
        }
        #expect(seen == findings.map(\.fingerprintHash))
        #expect(read.map(\.0) == findings.map(\.fingerprint))
        #expect(read.map(\.1) == findings.map(\.code.rawValue))
        #expect(read.map(\.2) == findings.map(\.message))
        // A damaged line (no fingerprint) is skipped, the others still read.
        var damaged = Array("not a line\n".utf8)
        damaged += bytes
        var count = 0
        FindingLines.read(damaged) { _, _ in count += 1 }
        #expect(count == 3)
    }

    @Test("the history deletes pruned runs with secure_delete FAST, not Debian's default of zeroing every freed page")
    func secureDeleteFast() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try HistoryStore.open(directory: folder)
        // 2 is FAST; Debian's build answers 1 on a connection left as it is.
        let mode = try store.queue.read { db in try Int.fetchOne(db, sql: "PRAGMA secure_delete") }
        #expect(mode == 2)
    }
}
