import Foundation
import GRDB
@testable import Pipeline
import Report
import Domain
import Testing

/// History v6: what each run keeps for the page's trends, read back night by night.
@Suite("History: trends (v6)")
struct HistoryTrendsTests {
    func run(_ id: String, startedAt: String, forAuditors: Bool = false) -> HistoryStore.Run {
        HistoryStore.Run(id: id, asOf: "2026-04-15", startedAt: startedAt, endedAt: startedAt, exitCode: 0, definitionSHA256: "d",
                         referenceSHA256: "r", toolVersion: stagebalansVersion, published: true, forAuditors: forAuditors)
    }

    func record(_ store: HistoryStore, _ run: HistoryStore.Run, changes: HistoryStore.FindingChanges?,
                use: [HistoryStore.GroupUse], read: Int = 10) throws {
        let input = HistoryStore.Input(source: "evaluations", path: "e.csv", bytes: 1, sha256: "x", rowsRead: read, rowsAccepted: read - 2,
                                       rowsQuarantined: 2)
        try store.record(HistoryStore.Record(run: run, inputs: [input, input], findingCount: 0, findings: FindingStore(sorted: []),
                                             capacity: [], siteYears: [], findingChanges: changes, groupUse: use))
    }

    @Test("a run before v6 reads as not compared and without group use; group use outlives pruning; one kind, the last N, oldest first")
    func trends() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try DatabaseQueue(path: folder + "/" + HistoryStore.fileName).write { db in
            try db.execute(sql: HistoryMigrationTests.todaysFormat)
        }
        let store = try HistoryStore.open(directory: folder)
        try record(store, run("night-2", startedAt: "2026-04-15T21:00:00Z"), changes: .init(opened: 3, resolved: 1),
                   use: [.init(group: "HK", usedWeeks: 12, slotDays: 730), .init(group: "IG", usedWeeks: 30, slotDays: 1095)])
        try record(store, run("auditors-1", startedAt: "2026-04-15T22:00:00Z", forAuditors: true), changes: nil,
                   use: [.init(group: "IG", usedWeeks: 1, slotDays: 2)])
        try record(store, run("night-3", startedAt: "2026-04-16T21:00:00Z"), changes: .init(opened: 0, resolved: 0), use: [], read: 20)
        // Pruning keeps the details of night-3 only: the trends keep every night's counts.
        try store.keepDetails(of: ["night-3"])

        let office = try store.trends(forAuditors: false, last: 60)
        #expect(office.map(\.runID) == ["night-1", "night-2", "night-3"])
        #expect(office[0].comparedFindings == false && office[0].findingsOpened == 0 && office[0].groupUse.isEmpty)
        #expect(office[0].asOf == Day(year: 2025, month: 10, day: 1) && office[0].recordsRead == 0)
        #expect(office[1].comparedFindings && office[1].findingsOpened == 3 && office[1].findingsResolved == 1)
        #expect(office[1].recordsRead == 20 && office[1].recordsQuarantined == 4)
        #expect(office[1].groupUse["IG"]?.usedWeeks == 30 && office[1].groupUse["IG"]?.slotDays == 1095)
        #expect(office[1].groupUse["HK"]?.usedWeeks == 12 && office[1].groupUse.count == 2)
        #expect(office[2].comparedFindings && office[2].findingsOpened == 0 && office[2].recordsRead == 40)
        #expect(try store.trends(forAuditors: false, last: 2).map(\.runID) == ["night-2", "night-3"])
        let auditors = try store.trends(forAuditors: true, last: 60)
        #expect(auditors.map(\.runID) == ["auditors-1"] && auditors[0].comparedFindings == false)
        #expect(auditors[0].groupUse["IG"]?.slotDays == 2)
    }
}
