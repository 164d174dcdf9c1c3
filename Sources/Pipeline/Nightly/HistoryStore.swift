import Foundation
import GRDB
#if canImport(GRDBSQLite)
import GRDBSQLite
#endif
import Report
import Domain

/// The run history in an embedded SQLite database beside the reports (`OUTPUT/history.sqlite`):
/// each run, its inputs, its findings (fingerprints) and its capacity rows, so that the next
/// run can say what changed. The schema is created and upgraded by GRDB migrations, in order,
/// from the first version on; README.md describes it.
struct HistoryStore {
    static let fileName = "history.sqlite"
    let path: String
    let queue: DatabaseQueue

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
        /// Which key made the run's fingerprints (`Pseudonyms.keyCheck`); nil: the office's
        /// unkeyed fingerprints (every run before version 0.6 too). Runs of different keys
        /// cannot compare findings.
        var fingerprintKey: String? = nil
        /// v7: how the run ended, the run an unchanged night equals, the publish guard's figures,
        /// and a held run's reasons (written with the run; `HistoryHolds.swift`); nil before v7.
        var outcome: Outcome? = nil
        var sameAs: String? = nil
        var figures: GuardFigures? = nil
        var hold: Hold? = nil
    }

    struct Input: Sendable, Hashable {
        var source: String
        var path: String
        var bytes: Int
        var sha256: String
        var rowsRead: Int
        var rowsAccepted: Int
        var rowsQuarantined: Int
        /// `FileIdentity` of the file as read (nil before version 0.6, or when it was not read).
        var identity: String? = nil
    }

    /// A finding of an earlier run, as the changes report shows it.
    struct StoredFinding: Sendable, Hashable {
        var fingerprint: String
        var code: String
        var message: String
    }

    struct SiteYear: Sendable, Hashable {
        var site: String
        var year: String
        var recognised: Bool
        var placements: Int
    }

    /// A run's use of one discipline group in the placement year of its as-of date: its
    /// capacity rows' used weeks and slot days summed (v6, for the page's trends).
    struct GroupUse: Sendable, Hashable {
        var group: String
        var usedWeeks: Int
        var slotDays: Int
    }

    /// How many findings a run opened and resolved against the run before it (v6).
    struct FindingChanges: Sendable, Hashable {
        var opened: Int
        var resolved: Int
    }

    /// Everything one run adds.
    struct Record: Sendable {
        var run: Run
        var inputs: [Input]
        var findingCount: Int
        /// Stored as `FindingLines.write` gives them.
        var findings: FindingStore
        /// Stored as `run_capacity` keeps them (see `capacity(of:)`).
        var capacity: [CapacityRow]
        var siteYears: [SiteYear]
        /// nil when the run compared no findings (the first run, fingerprints re-keyed, failed).
        var findingChanges: FindingChanges? = nil
        var groupUse: [GroupUse] = []
    }

    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: runs, inputs, findings, capacity, site years", migrate: createTables)
        // A row per finding cost a third of a second per night to insert and as much to delete
        // at 84,000 findings; one text per run costs a few milliseconds either way.
        migrator.registerMigration("v2: a run's findings as one text; finding counts on the run") { db in
            try db.execute(sql: """
                ALTER TABLE run ADD COLUMN findings INTEGER;
                CREATE TABLE run_findings (
                  run_id TEXT PRIMARY KEY NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                  lines BLOB NOT NULL
                );
                """)
        }
        migrator.registerMigration("v3: capacity rows keep slot days as a number, not figures as text", migrate: capacityAsNumbers)
        migrator.registerMigration("v4: which key made a run's fingerprints (runs for auditors key them)") { db in
            try db.execute(sql: "ALTER TABLE run ADD COLUMN fingerprint_key TEXT")
        }
        migrator.registerMigration("v5: which file each input was read from (device, inode, size, times)") { db in
            try db.execute(sql: "ALTER TABLE run_input ADD COLUMN identity TEXT")
        }
        migrator.registerMigration("v6: findings opened and resolved per run; a run's use per discipline group") { db in
            // Counts only (no id): the trends of a folder for auditors read them too. The group
            // use is a few rows per run and stays when `keepDetails` prunes the big details.
            try db.execute(sql: """
                ALTER TABLE run ADD COLUMN findings_opened INTEGER;
                ALTER TABLE run ADD COLUMN findings_resolved INTEGER;
                CREATE TABLE run_group_use (
                  run_id TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                  grp TEXT NOT NULL, used_weeks INTEGER NOT NULL, slot_days INTEGER NOT NULL
                );
                CREATE INDEX run_group_use_run ON run_group_use(run_id);
                """)
        }
        migrator.registerMigration("v7: how each run ended (held, accepted, unchanged), the guard's figures", migrate: holdsAndOutcomes)
        return migrator
    }

    private static func createTables(_ db: Database) throws {
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

    /// Capacity weeks and utilisation were their printed text ("12.5", "0.038"), which the
    /// changes report parsed back. Now a row keeps its exact slot days, from which both
    /// figures follow as capacity.csv computes them. Printed weeks are slot days / 7 rounded
    /// to a tenth, and slot days are whole, so 7 × the printed weeks rounds to them exactly.
    private static func capacityAsNumbers(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE run_capacity_v3 (
              run_id TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
              site TEXT NOT NULL, discipline TEXT NOT NULL, year TEXT NOT NULL, slots INTEGER NOT NULL,
              slot_days INTEGER NOT NULL, used_weeks INTEGER NOT NULL
            )
            """)
        let insert = try db.makeStatement(sql: "INSERT INTO run_capacity_v3 VALUES (?, ?, ?, ?, ?, ?, ?)")
        let rows = try Row.fetchCursor(db, sql: """
            SELECT run_id, site, discipline, year, slots, capacity_weeks, used_weeks FROM run_capacity ORDER BY rowid
            """)
        while let row = try rows.next() {
            let runID: String = row[0], site: String = row[1], discipline: String = row[2], year: String = row[3]
            let slots: Int = row[4], weeks: String = row[5], usedWeeks: Int = row[6]
            try insert.execute(arguments: [runID, site, discipline, year, slots, slotDays(printedWeeks: weeks), usedWeeks])
        }
        try db.execute(sql: """
            DROP TABLE run_capacity;
            ALTER TABLE run_capacity_v3 RENAME TO run_capacity;
            CREATE INDEX run_capacity_run ON run_capacity(run_id);
            """)
    }

    /// The slot days behind printed capacity weeks ("52.1" → 365); 0 for a text that is not a
    /// decimal (never written by this tool: the row then reads as capacity 0).
    static func slotDays(printedWeeks text: String) -> Int {
        guard let weeks = Ratio(decimalText: text) else { return 0 }
        return Ratio(weeks.numerator * 7, weeks.denominator).units(places: 0)
    }

    /// Opens (creating and migrating when needed); a database that is not SQLite, or is locked
    /// by another program past the busy timeout, is an output error: nothing is published.
    static func open(directory: String) throws(OutputError) -> HistoryStore {
        let path = directory + "/" + fileName
        try refuseLinks(directory: directory)
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(5)
            configuration.prepareDatabase { db in
                // Debian's SQLite is built with secure_delete on: every page a pruned run's
                // findings freed was zeroed and journaled first, and the cache spilled into a
                // dozen journal syncs (3 s a night at 1 M rows). FAST still zeroes what is left
                // on b-tree pages; the freed pages of the blob are reused by the next night's.
                try db.execute(sql: "PRAGMA secure_delete = FAST")
            }
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            // Checked again once SQLite has the file: a link swapped in between is refused
            // before anything is written (GRDB offers no SQLITE_OPEN_NOFOLLOW).
            try refuseLinks(directory: directory)
            try migrator().migrate(queue)
            return HistoryStore(path: path, queue: queue)
        } catch {
            throw OutputError(path: path, message: "cannot open the history database: \(error)")
        }
    }

    /// SQLite opens the database by path and would follow a symbolic link planted as
    /// `history.sqlite` (or as its journal) and write a database wherever it points: neither
    /// may be a link, and the database must be a plain file of one link. A missing database is
    /// created here with `O_NOFOLLOW | O_EXCL` (SQLite takes an empty file as a new database).
    static func refuseLinks(directory: String) throws(OutputError) {
        for name in OutputFolder.historyFiles {
            var status = stat()
            let path = directory + "/" + name
            guard lstat(path, &status) == 0 else { continue }
            if status.st_mode & S_IFMT == S_IFLNK {
                throw OutputFolder.linkRefused(name, in: directory, target: try? FileManager.default.destinationOfSymbolicLink(atPath: path))
            }
            guard name != fileName || (status.st_mode & S_IFMT == S_IFREG && status.st_nlink == 1) else {
                throw OutputError(path: path, message: "'\(name)' is not a plain file of its own (a hard link to another file, "
                                  + "a device or a pipe); stagebalans writes the history there: remove it")
            }
        }
        OutputFolder.createIfMissing(directory + "/" + fileName)
    }

    /// Runs that started in the same second are ordered by when they were recorded (rowid):
    /// their ids end in a pid, which sorts as text (`…-941` after `…-1190`).
    func lastPublished() throws(OutputError) -> (run: Run, inputs: [Input])? { try lastRun(where: "published = 1") }

    /// The newest run whose row meets `condition` (SQL over `run`, written by this module), with its inputs.
    func lastRun(where condition: String) throws(OutputError) -> (run: Run, inputs: [Input])? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM run WHERE \(condition) ORDER BY started_at DESC, rowid DESC LIMIT 1")
            else { return nil }
            let run = Self.run(row)
            let inputs = try Row.fetchAll(db, sql: "SELECT * FROM run_input WHERE run_id = ? ORDER BY rowid", arguments: [run.id])
                .map { row in
                    Input(source: row["source"], path: row["path"], bytes: row["bytes"], sha256: row["sha256"],
                          rowsRead: row["rows_read"], rowsAccepted: row["rows_accepted"], rowsQuarantined: row["rows_quarantined"],
                          identity: row["identity"])
                }
            return (run, inputs)
        }
    }

    func runs() throws(OutputError) -> [(run: Run, findings: Int, inputs: Int)] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT run.*, COALESCE(run.findings, (SELECT COUNT(*) FROM run_finding WHERE run_id = run.id)) AS findings,
                       (SELECT COUNT(*) FROM run_input WHERE run_id = run.id) AS inputs
                FROM run ORDER BY started_at, rowid
                """).map { row in (Self.run(row), row["findings"], row["inputs"]) }
        }
    }

    /// The ids of every published run: the run folders that are the tool's own.
    func publishedRuns() throws(OutputError) -> Set<String> {
        try read { db in Set(try String.fetchAll(db, sql: "SELECT id FROM run WHERE published = 1")) }
    }

    /// The ids of the runs for the office (not for auditors) with a folder, published or held, oldest first.
    func publishedOfficeRuns() throws(OutputError) -> [String] {
        try read { db in
            try String.fetchAll(db, sql: """
                SELECT id FROM run WHERE (published = 1 OR outcome = 'held') AND for_auditors = 0 ORDER BY started_at, rowid
                """)
        }
    }

    /// The fingerprints of a run's findings, and in full those not in `current`.
    func findings(of runID: String, notIn current: Set<UInt64>) throws(OutputError) -> (fingerprints: Set<UInt64>, gone: [StoredFinding]) {
        try read { db in
            var fingerprints = Set<UInt64>()
            var gone: [StoredFinding] = []
            if let stored = try Row.fetchOne(db, sql: "SELECT rowid, length(lines) FROM run_findings WHERE run_id = ?",
                                             arguments: [runID]) {
                let rowID: Int64 = stored[0], length: Int = stored[1]
                try Self.readFindings(rowID: rowID, length: length, in: db) { fingerprint, fields in
                    fingerprints.insert(fingerprint)
                    if !current.contains(fingerprint) {
                        gone.append(StoredFinding(fingerprint: fields.fingerprint(), code: fields.text(1), message: fields.text(4)))
                    }
                }
                return (fingerprints, gone)
            }
            // A run recorded by version 0.4.0: a row per finding.
            let rows = try Row.fetchCursor(db, sql: "SELECT fingerprint, code, message FROM run_finding WHERE run_id = ? ORDER BY rowid",
                                           arguments: [runID])
            while let row = try rows.next() {
                let text: String = row[0]
                guard let fingerprint = UInt64(text, radix: 16) else { continue }
                fingerprints.insert(fingerprint)
                if !current.contains(fingerprint) { gone.append(StoredFinding(fingerprint: text, code: row[1], message: row[2])) }
            }
            return (fingerprints, gone)
        }
    }

    /// A run's capacity rows with what the history keeps of them: the key, slots, slot days and
    /// used weeks, so capacity weeks and utilisation are as capacity.csv printed them. The
    /// counts it does not keep (placements, students, peak, over-capacity days) read as 0. A
    /// row whose year is not a placement year (a damaged database) is left out.
    func capacity(of runID: String) throws(OutputError) -> [CapacityRow] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM run_capacity WHERE run_id = ? ORDER BY rowid", arguments: [runID]).compactMap { row in
                guard let year = PlacementYear(label: row["year"]) else { return nil }
                return CapacityRow(site: row["site"], discipline: row["discipline"], year: year, slots: row["slots"],
                                   slotDays: row["slot_days"], usedWeeks: row["used_weeks"])
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
                                     published, for_auditors, fingerprint_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [run.id, run.asOf, run.startedAt, run.endedAt, run.exitCode, run.definitionSHA256,
                                     run.referenceSHA256, run.toolVersion, run.published, run.forAuditors, run.fingerprintKey])
                if run.published { try Self.forgetFindings(notMadeWith: run.fingerprintKey, in: db) }
                try Self.recordOutcome(of: run, in: db)
                for input in record.inputs {
                    try db.execute(sql: "INSERT INTO run_input VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                   arguments: [run.id, input.source, input.path, input.bytes, input.sha256, input.rowsRead,
                                               input.rowsAccepted, input.rowsQuarantined, input.identity])
                }
                try db.execute(sql: "UPDATE run SET findings = ?, findings_opened = ?, findings_resolved = ? WHERE id = ?",
                               arguments: [record.findingCount, record.findingChanges?.opened, record.findingChanges?.resolved, run.id])
                for use in record.groupUse {
                    try db.execute(sql: "INSERT INTO run_group_use VALUES (?, ?, ?, ?)",
                                   arguments: [run.id, use.group, use.usedWeeks, use.slotDays])
                }
                try Self.storeFindings(record.findings, of: run.id, in: db)
                let capacity = try db.makeStatement(sql: """
                    INSERT INTO run_capacity (run_id, site, discipline, year, slots, slot_days, used_weeks) VALUES (?, ?, ?, ?, ?, ?, ?)
                    """)
                for row in record.capacity {
                    try capacity.execute(arguments: [run.id, row.site, row.discipline, row.year.description, row.slots, row.slotDays,
                                                     row.usedWeeks])
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

    /// The findings of every run whose fingerprints another key made: a run for auditors after
    /// runs whose findings hold ids (the office's, or those before fingerprints were keyed)
    /// leaves none of them in its output folder's history. Deleted with `secure_delete` on, so
    /// that the freed pages are zeroed too (FAST leaves the pages of a freed blob as they were).
    static func forgetFindings(notMadeWith key: String?, in db: Database) throws {
        let others = "SELECT id FROM run WHERE fingerprint_key IS NOT ?"
        guard try Bool.fetchOne(db, sql: """
            SELECT EXISTS (SELECT 1 FROM run_findings WHERE run_id IN (\(others)))
                OR EXISTS (SELECT 1 FROM run_finding WHERE run_id IN (\(others)))
            """, arguments: [key, key]) == true else { return }
        try db.execute(sql: "PRAGMA secure_delete = ON")
        for table in ["run_findings", "run_finding"] {
            try db.execute(sql: "DELETE FROM \(table) WHERE run_id IN (\(others))", arguments: [key])
        }
        try db.execute(sql: "PRAGMA secure_delete = FAST")
    }

    /// The findings' lines written into their blob a megabyte at a time (SQLite's incremental
    /// blob I/O): bound as one value, 130 MB of lines at 10 M rows were held three times over.
    private static func storeFindings(_ findings: FindingStore, of runID: String, in db: Database) throws {
        var length = 0
        try FindingLines.write(findings) { piece throws(OutputError) in length += piece.bytes.count }
        try db.execute(sql: "INSERT INTO run_findings VALUES (?, zeroblob(?))", arguments: [runID, length])
        guard length > 0 else { return }
        let blob = try BlobHandle(db, rowID: db.lastInsertedRowID, writable: true)
        var offset = 0
        try FindingLines.write(findings) { piece throws(OutputError) in
            do {
                try blob.write(piece.bytes, at: offset)
            } catch {
                throw OutputError(path: "history", message: "\(error)")
            }
            offset += piece.bytes.count
        }
    }

    private static func readFindings(rowID: Int64, length: Int, in db: Database, line: (UInt64, FindingLines.Fields) -> Void) throws {
        guard length > 0 else { return }
        let blob = try BlobHandle(db, rowID: rowID, writable: false)
        var offset = 0
        try FindingLines.read(pieces: { piece in
            guard offset < length else { return false }
            let count = min(FindingLines.pieceSize, length - offset)
            try blob.read(into: &piece, count: count, at: offset)
            offset += count
            return true
        }, line: line)
    }

    /// Drops the finding, capacity and site-year rows of runs other than `runs` (whose folders
    /// are gone): the run rows stay, with their finding counts.
    func keepDetails(of runs: [String]) throws(OutputError) {
        // No folders listed (the runs folder could not be read) is no reason to drop anything.
        guard !runs.isEmpty else { return }
        do {
            try queue.write { db in
                let list = databaseQuestionMarks(count: runs.count)
                for table in ["run_findings", "run_finding", "run_capacity", "run_site_year"] {
                    try db.execute(sql: "DELETE FROM \(table) WHERE run_id NOT IN (\(list))", arguments: StatementArguments(runs))
                }
            }
        } catch {
            throw OutputError(path: path, message: "cannot prune the history database: \(error)")
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws(OutputError) -> T {
        do {
            return try queue.read(body)
        } catch {
            throw OutputError(path: path, message: "cannot read the history database: \(error)")
        }
    }

    static func run(_ row: Row) -> Run {
        Run(id: row["id"], asOf: row["as_of"], startedAt: row["started_at"], endedAt: row["ended_at"], exitCode: row["exit_code"],
            definitionSHA256: row["definition_sha256"], referenceSHA256: row["reference_sha256"], toolVersion: row["tool_version"],
            published: row["published"], forAuditors: row["for_auditors"], fingerprintKey: row["fingerprint_key"],
            outcome: (row["outcome"] as String?).flatMap(Outcome.init), sameAs: row["same_as"], figures: guardFigures(row))
    }
}

/// An open blob of `run_findings.lines`, closed when the value goes.
private final class BlobHandle {
    private var blob: OpaquePointer?

    init(_ db: Database, rowID: Int64, writable: Bool) throws {
        let status = sqlite3_blob_open(db.sqliteConnection, "main", "run_findings", "lines", rowID, writable ? 1 : 0, &blob)
        guard status == SQLITE_OK else { throw DatabaseError(resultCode: ResultCode(rawValue: status), message: "cannot open the findings blob") }
    }

    deinit { sqlite3_blob_close(blob) }

    func write(_ bytes: [UInt8], at offset: Int) throws {
        let status = bytes.withUnsafeBytes { sqlite3_blob_write(blob, $0.baseAddress, Int32(bytes.count), Int32(offset)) }
        guard status == SQLITE_OK else { throw DatabaseError(resultCode: ResultCode(rawValue: status), message: "cannot write the findings blob") }
    }

    func read(into bytes: inout [UInt8], count: Int, at offset: Int) throws {
        bytes = [UInt8](repeating: 0, count: count)
        let status = bytes.withUnsafeMutableBytes { sqlite3_blob_read(blob, $0.baseAddress, Int32(count), Int32(offset)) }
        guard status == SQLITE_OK else { throw DatabaseError(resultCode: ResultCode(rawValue: status), message: "cannot read the findings blob") }
    }
}
