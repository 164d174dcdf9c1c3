import Foundation
import GRDB

/// The run history in an embedded SQLite database beside the reports (`OUTPUT/history.sqlite`):
/// each run, its inputs, its findings (fingerprints) and its capacity rows, so that the next
/// run can say what changed. The schema is created and upgraded by GRDB migrations, in order,
/// from the first version on; README.md describes it.
struct HistoryStore {
    static let fileName = "history.sqlite"
    let path: String
    private let queue: DatabaseQueue

    struct Run: Sendable, Hashable {
        var id: String
        var asOf: String
        var startedAt: String
        var endedAt: String
        var exitCode: Int
        var definitionSHA256: String
        var referenceSHA256: String
        var toolVersion: String
        var published: Bool
        var forAuditors: Bool
    }

    struct Input: Sendable, Hashable {
        var source: String
        var path: String
        var bytes: Int
        var sha256: String
        var rowsRead: Int
        var rowsAccepted: Int
        var rowsQuarantined: Int
    }

    struct StoredFinding: Sendable, Hashable {
        var fingerprint: String
        var code: String
        var severity: String
        var key: String
        var message: String
    }

    struct StoredCapacity: Sendable, Hashable {
        var site: String
        var discipline: String
        var year: String
        var slots: Int
        var capacityWeeks: String
        var usedWeeks: Int
        var utilisation: String?
    }

    struct SiteYear: Sendable, Hashable {
        var site: String
        var year: String
        var recognised: Bool
        var placements: Int
    }

    /// Everything one run adds.
    struct Record: Sendable {
        var run: Run
        var inputs: [Input]
        var findings: [StoredFinding]
        var capacity: [StoredCapacity]
        var siteYears: [SiteYear]
    }

    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: runs, inputs, findings, capacity, site years") { db in
            try db.execute(sql: """
                CREATE TABLE run (
                  id TEXT PRIMARY KEY NOT NULL,
                  as_of TEXT NOT NULL,
                  started_at TEXT NOT NULL,
                  ended_at TEXT NOT NULL,
                  exit_code INTEGER NOT NULL,
                  definition_sha256 TEXT NOT NULL,
                  reference_sha256 TEXT NOT NULL,
                  tool_version TEXT NOT NULL,
                  published INTEGER NOT NULL,
                  for_auditors INTEGER NOT NULL
                );
                CREATE TABLE run_input (
                  run_id TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                  source TEXT NOT NULL, path TEXT NOT NULL, bytes INTEGER NOT NULL, sha256 TEXT NOT NULL,
                  rows_read INTEGER NOT NULL, rows_accepted INTEGER NOT NULL, rows_quarantined INTEGER NOT NULL
                );
                CREATE TABLE run_finding (
                  run_id TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                  fingerprint TEXT NOT NULL, code TEXT NOT NULL, severity TEXT NOT NULL, key TEXT NOT NULL, message TEXT NOT NULL
                );
                CREATE TABLE run_capacity (
                  run_id TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                  site TEXT NOT NULL, discipline TEXT NOT NULL, year TEXT NOT NULL, slots INTEGER NOT NULL,
                  capacity_weeks TEXT NOT NULL, used_weeks INTEGER NOT NULL, utilisation TEXT
                );
                CREATE TABLE run_site_year (
                  run_id TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                  site TEXT NOT NULL, year TEXT NOT NULL, recognised INTEGER NOT NULL, placements INTEGER NOT NULL
                );
                CREATE INDEX run_input_run ON run_input(run_id);
                CREATE INDEX run_finding_run ON run_finding(run_id);
                CREATE INDEX run_capacity_run ON run_capacity(run_id);
                CREATE INDEX run_site_year_run ON run_site_year(run_id);
                """)
        }
        return migrator
    }

    /// Opens (creating and migrating when needed); a database that is not SQLite, or is locked
    /// by another program past the busy timeout, is an output error: nothing is published.
    static func open(directory: String) throws(OutputError) -> HistoryStore {
        let path = directory + "/" + fileName
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(5)
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            try migrator().migrate(queue)
            return HistoryStore(path: path, queue: queue)
        } catch {
            throw OutputError(path: path, message: "cannot open the history database: \(error)")
        }
    }

    func lastPublished() throws(OutputError) -> (run: Run, inputs: [Input])? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM run WHERE published = 1 ORDER BY started_at DESC, id DESC LIMIT 1")
            else { return nil }
            let run = Self.run(row)
            let inputs = try Row.fetchAll(db, sql: "SELECT * FROM run_input WHERE run_id = ? ORDER BY rowid", arguments: [run.id])
                .map { row in
                    Input(source: row["source"], path: row["path"], bytes: row["bytes"], sha256: row["sha256"],
                          rowsRead: row["rows_read"], rowsAccepted: row["rows_accepted"], rowsQuarantined: row["rows_quarantined"])
                }
            return (run, inputs)
        }
    }

    func runs() throws(OutputError) -> [(run: Run, findings: Int, inputs: Int)] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT run.*, (SELECT COUNT(*) FROM run_finding WHERE run_id = run.id) AS findings,
                       (SELECT COUNT(*) FROM run_input WHERE run_id = run.id) AS inputs
                FROM run ORDER BY started_at, id
                """).map { row in (Self.run(row), row["findings"], row["inputs"]) }
        }
    }

    func findings(of runID: String) throws(OutputError) -> [StoredFinding] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM run_finding WHERE run_id = ? ORDER BY rowid", arguments: [runID]).map { row in
                StoredFinding(fingerprint: row["fingerprint"], code: row["code"], severity: row["severity"], key: row["key"],
                              message: row["message"])
            }
        }
    }

    func capacity(of runID: String) throws(OutputError) -> [StoredCapacity] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM run_capacity WHERE run_id = ? ORDER BY rowid", arguments: [runID]).map { row in
                StoredCapacity(site: row["site"], discipline: row["discipline"], year: row["year"], slots: row["slots"],
                               capacityWeeks: row["capacity_weeks"], usedWeeks: row["used_weeks"], utilisation: row["utilisation"])
            }
        }
    }

    func siteYears(of runID: String) throws(OutputError) -> [SiteYear] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM run_site_year WHERE run_id = ? ORDER BY rowid", arguments: [runID]).map { row in
                SiteYear(site: row["site"], year: row["year"], recognised: row["recognised"], placements: row["placements"])
            }
        }
    }

    /// One transaction: a run is in the history whole or not at all.
    func record(_ record: Record) throws(OutputError) {
        do {
            try queue.write { db in
                let run = record.run
                try db.execute(sql: """
                    INSERT INTO run (id, as_of, started_at, ended_at, exit_code, definition_sha256, reference_sha256, tool_version,
                                     published, for_auditors) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [run.id, run.asOf, run.startedAt, run.endedAt, run.exitCode, run.definitionSHA256,
                                     run.referenceSHA256, run.toolVersion, run.published, run.forAuditors])
                for input in record.inputs {
                    try db.execute(sql: "INSERT INTO run_input VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                   arguments: [run.id, input.source, input.path, input.bytes, input.sha256, input.rowsRead,
                                               input.rowsAccepted, input.rowsQuarantined])
                }
                let finding = try db.makeStatement(sql: "INSERT INTO run_finding VALUES (?, ?, ?, ?, ?, ?)")
                for entry in record.findings {
                    try finding.execute(arguments: [run.id, entry.fingerprint, entry.code, entry.severity, entry.key, entry.message])
                }
                let capacity = try db.makeStatement(sql: "INSERT INTO run_capacity VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                for row in record.capacity {
                    try capacity.execute(arguments: [run.id, row.site, row.discipline, row.year, row.slots, row.capacityWeeks,
                                                     row.usedWeeks, row.utilisation])
                }
                let siteYear = try db.makeStatement(sql: "INSERT INTO run_site_year VALUES (?, ?, ?, ?, ?)")
                for row in record.siteYears {
                    try siteYear.execute(arguments: [run.id, row.site, row.year, row.recognised, row.placements])
                }
            }
        } catch {
            throw OutputError(path: path, message: "cannot record the run in the history database: \(error)")
        }
    }

    private func read<T>(_ body: (Database) throws -> T) throws(OutputError) -> T {
        do {
            return try queue.read(body)
        } catch {
            throw OutputError(path: path, message: "cannot read the history database: \(error)")
        }
    }

    private static func run(_ row: Row) -> Run {
        Run(id: row["id"], asOf: row["as_of"], startedAt: row["started_at"], endedAt: row["ended_at"], exitCode: row["exit_code"],
            definitionSHA256: row["definition_sha256"], referenceSHA256: row["reference_sha256"], toolVersion: row["tool_version"],
            published: row["published"], forAuditors: row["for_auditors"])
    }
}
