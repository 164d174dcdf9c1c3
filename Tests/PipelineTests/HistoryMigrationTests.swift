import Foundation
import GRDB
@testable import Pipeline
import Report
import Domain
import Testing

/// The history's capacity figures are numbers: databases written before (capacity weeks and
/// utilisation as text) are migrated, and the changes report compares numbers.
@Suite("History: capacity figures as numbers")
struct HistoryMigrationTests {
    /// A history as version 0.5.0 wrote it (migrations v1 and v2), written by hand: one published
    /// run with its capacity rows, the figures as text.
    static let todaysFormat = """
        CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
        INSERT INTO grdb_migrations VALUES ('v1: runs, inputs, findings, capacity, site years'),
          ('v2: a run''s findings as one text; finding counts on the run');
        CREATE TABLE run (id TEXT PRIMARY KEY NOT NULL, as_of TEXT NOT NULL, started_at TEXT NOT NULL, ended_at TEXT NOT NULL,
          exit_code INTEGER NOT NULL, definition_sha256 TEXT NOT NULL, reference_sha256 TEXT NOT NULL, tool_version TEXT NOT NULL,
          published INTEGER NOT NULL, for_auditors INTEGER NOT NULL, findings INTEGER);
        CREATE TABLE run_input (run_id TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE, source TEXT NOT NULL, path TEXT NOT NULL,
          bytes INTEGER NOT NULL, sha256 TEXT NOT NULL, rows_read INTEGER NOT NULL, rows_accepted INTEGER NOT NULL,
          rows_quarantined INTEGER NOT NULL);
        CREATE TABLE run_finding (run_id TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE, fingerprint TEXT NOT NULL,
          code TEXT NOT NULL, severity TEXT NOT NULL, key TEXT NOT NULL, message TEXT NOT NULL);
        CREATE TABLE run_capacity (run_id TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE, site TEXT NOT NULL,
          discipline TEXT NOT NULL, year TEXT NOT NULL, slots INTEGER NOT NULL, capacity_weeks TEXT NOT NULL,
          used_weeks INTEGER NOT NULL, utilisation TEXT);
        CREATE TABLE run_site_year (run_id TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE, site TEXT NOT NULL,
          year TEXT NOT NULL, recognised INTEGER NOT NULL, placements INTEGER NOT NULL);
        CREATE INDEX run_input_run ON run_input(run_id);
        CREATE INDEX run_finding_run ON run_finding(run_id);
        CREATE INDEX run_capacity_run ON run_capacity(run_id);
        CREATE INDEX run_site_year_run ON run_site_year(run_id);
        CREATE TABLE run_findings (run_id TEXT PRIMARY KEY NOT NULL REFERENCES run(id) ON DELETE CASCADE, lines BLOB NOT NULL);
        INSERT INTO run VALUES ('night-1', '2025-10-01', '2025-10-01T21:00:00Z', '2025-10-01T21:00:01Z', 0, 'd', 'r', '0.5.0', 1, 0, 0);
        INSERT INTO run_findings VALUES ('night-1', zeroblob(0));
        INSERT INTO run_capacity VALUES ('night-1', 'AZA', 'HK', '2025-2026', 1, '52.1', 0, '0.000'),
          ('night-1', 'AZA', 'IG', '2025-2026', 2, '104.3', 4, '0.038'), ('night-1', 'AZB', 'HK', '2025-2026', 1, '52.1', 4, '0.077'),
          ('night-1', 'XNR', 'IG', '2025-2026', 0, '0.0', 4, NULL);
        INSERT INTO run_site_year VALUES ('night-1', 'XNR', '2025-2026', 0, 1);
        """

    func printed(_ rows: [CapacityRow], _ column: String) -> [String] {
        rows.map { Tables.capacity.text(column, of: $0) }
    }

    @Test("two runs started in the same second: the last published is the one recorded last, whatever the pids in their ids")
    func sameSecond() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try HistoryStore.open(directory: folder)
        try store.queue.write { db in
            for id in ["2026-11-30T16-11-29Z-941", "2026-11-30T16-11-29Z-1190"] {
                try db.execute(sql: """
                    INSERT INTO run (id, as_of, started_at, ended_at, exit_code, definition_sha256, reference_sha256, tool_version,
                                     published, for_auditors) VALUES (?, '2026-04-15', '2026-11-30T16:11:29Z', '2026-11-30T16:11:29Z',
                                     0, 'd', 'r', '0.6.0', 1, 0)
                    """, arguments: [id])
            }
        }
        #expect(try store.lastPublished()?.run.id == "2026-11-30T16-11-29Z-1190")
        #expect(try store.publishedOfficeRuns() == ["2026-11-30T16-11-29Z-941", "2026-11-30T16-11-29Z-1190"])
    }

    @Test("a database of the format before: opened, its capacity figures become slot days and read back as they were printed")
    func migration() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try DatabaseQueue(path: folder + "/" + HistoryStore.fileName).write { db in try db.execute(sql: Self.todaysFormat) }

        let store = try HistoryStore.open(directory: folder)
        #expect(try store.lastPublished()?.run.id == "night-1")
        let rows = try store.capacity(of: "night-1")
        #expect(rows.map { "\($0.site) \($0.discipline) \($0.year)" } == ["AZA HK 2025-2026", "AZA IG 2025-2026", "AZB HK 2025-2026",
                                                                          "XNR IG 2025-2026"])
        #expect(rows.map(\.slotDays) == [365, 730, 365, 0] && rows.map(\.usedWeeks) == [0, 4, 4, 4] && rows.map(\.slots) == [1, 2, 1, 0])
        #expect(printed(rows, "capacity_weeks") == ["52.1", "104.3", "52.1", "0.0"])
        #expect(printed(rows, "utilisation") == ["0.000", "0.038", "0.077", ""])
        let stored = try store.queue.read { db in
            try Row.fetchAll(db, sql: "SELECT typeof(slot_days), typeof(used_weeks) FROM run_capacity").map { "\($0[0] as String) \($0[1] as String)" }
        }
        #expect(stored == Array(repeating: "integer integer", count: 4))
        let columns = try store.queue.read { db in try db.columns(in: "run_capacity").map(\.name) }
        #expect(columns == ["run_id", "site", "discipline", "year", "slots", "slot_days", "used_weeks"])

        // The next night compares its numbers with the migrated ones: AZB HK 1 → 3 slots, AZA HK
        // ends 30 March (273 days), AZA IG 4 → 30 used weeks.
        let current = [CapacityRow(site: "AZA", discipline: "HK", year: PlacementYear(startYear: 2025), slots: 1, slotDays: 273, usedWeeks: 0),
                       CapacityRow(site: "AZA", discipline: "IG", year: PlacementYear(startYear: 2025), slots: 2, slotDays: 730, usedWeeks: 30),
                       CapacityRow(site: "AZB", discipline: "HK", year: PlacementYear(startYear: 2025), slots: 3, slotDays: 1095, usedWeeks: 4)]
        let previous = Changes.Previous(fingerprints: [], resolved: [], capacity: rows, siteYears: try store.siteYears(of: "night-1"))
        let changes = try Changes.table(previous: previous, current: Changes.Current(findings: FindingStore(sorted: []), capacity: current,
                                                                                      siteYears: []), settings: ChangeSettings())
        #expect(String(decoding: TableFormats.csv(changes, dialect: .rfc4180), as: UTF8.self) == """
            change,subject,year,before,after,detail
            CAPACITY_CHANGED,AZA HK,2025-2026,52.1,39.0,capacity weeks
            CAPACITY_CHANGED,AZB HK,2025-2026,52.1,156.4,capacity weeks
            UTILISATION_CHANGED,AZA IG,2025-2026,0.038,0.288,utilisation

            """)
    }

    @Test("printed capacity weeks give back their slot days exactly: 7 × weeks rounds to them")
    func slotDaysFromPrintedWeeks() throws {
        for slotDays in 0...20_000 {
            let printed = try #require(Ratio(slotDays, 7).formatted(decimals: 1))
            #expect(HistoryStore.slotDays(printedWeeks: printed) == slotDays, "\(printed)")
        }
        #expect(HistoryStore.slotDays(printedWeeks: "not a figure") == 0)
    }

    @Test("a new database stores capacity rows as numbers and reads them back whole")
    func roundTrip() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try HistoryStore.open(directory: folder)
        let row = CapacityRow(site: "007", discipline: "IG", year: PlacementYear(startYear: 2025), slots: 2, slotDays: 911, usedWeeks: 10)
        let run = HistoryStore.Run(id: "r", asOf: "2026-04-15", startedAt: "s", endedAt: "e", exitCode: 0, definitionSHA256: "d",
                                   referenceSHA256: "r", toolVersion: stagebalansVersion, published: true, forAuditors: false)
        try store.record(HistoryStore.Record(run: run, inputs: [], findingCount: 0, findings: FindingStore(sorted: []), capacity: [row],
                                             siteYears: []))
        #expect(try store.capacity(of: "r") == [row])
        #expect(printed([row], "capacity_weeks") == ["130.1"] && printed([row], "utilisation") == ["0.077"])
    }
}
