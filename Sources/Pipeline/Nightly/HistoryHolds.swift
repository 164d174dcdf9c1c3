import Foundation
import GRDB

/// Migration v7 and what it records: how each run ended (published, held by the publish
/// guard, accepted after a hold, failed, or unchanged and equal to an earlier run), the
/// figures the guard compares, and each hold with its reasons and its acceptance.
extension HistoryStore {
    enum Outcome: String, Sendable, Hashable {
        /// Its reports were published and `latest` switched to it.
        case published
        /// Written to `runs/ID`; `latest` left where it was until `accept`.
        case held
        /// Held, then accepted: published since (`published` is 1).
        case accepted
        /// Nothing published (`exit_code` says why).
        case failed
        /// No run folder: the definition, the reference data and every input were as in `same_as`.
        case unchanged
    }

    /// A hold as the history keeps it: the run compared with, each threshold crossed (English,
    /// as the log says it), and who accepted it when.
    struct Hold: Sendable, Hashable {
        var comparedWith: String
        var reasons: [String]
        var acceptedAt: String? = nil
        var acceptedBy: String? = nil
    }

    /// Held runs, oldest first: those still waiting (no run published after them) and those
    /// superseded by a later published run (pruned like published runs from then on).
    struct HeldRuns: Sendable {
        var pending: [String] = []
        var superseded: [String] = []
    }

    static func holdsAndOutcomes(_ db: Database) throws {
        // Before v7 a run was published or failed: nothing was held or recorded unchanged.
        try db.execute(sql: """
            ALTER TABLE run ADD COLUMN outcome TEXT;
            ALTER TABLE run ADD COLUMN same_as TEXT;
            ALTER TABLE run ADD COLUMN records_read INTEGER;
            ALTER TABLE run ADD COLUMN records_quarantined INTEGER;
            ALTER TABLE run ADD COLUMN agreements INTEGER;
            ALTER TABLE run ADD COLUMN placements INTEGER;
            ALTER TABLE run ADD COLUMN no_agreement INTEGER;
            UPDATE run SET outcome = CASE WHEN published = 1 THEN 'published' ELSE 'failed' END;
            CREATE TABLE run_hold (
              run_id TEXT PRIMARY KEY NOT NULL REFERENCES run(id) ON DELETE CASCADE,
              compared_with TEXT NOT NULL,
              reasons TEXT NOT NULL,
              accepted_at TEXT,
              accepted_by TEXT
            );
            """)
    }

    /// The v7 columns of a run just inserted, and its hold.
    static func recordOutcome(of run: Run, in db: Database) throws {
        let outcome = run.outcome ?? (run.published ? .published : .failed)
        let figures = run.figures
        try db.execute(sql: """
            UPDATE run SET outcome = ?, same_as = ?, records_read = ?, records_quarantined = ?, agreements = ?, placements = ?,
                           no_agreement = ? WHERE id = ?
            """, arguments: [outcome.rawValue, run.sameAs, figures?.recordsRead, figures?.recordsQuarantined, figures?.agreements,
                             figures?.placements, figures?.noAgreement, run.id])
        if let hold = run.hold {
            try db.execute(sql: "INSERT INTO run_hold (run_id, compared_with, reasons) VALUES (?, ?, ?)",
                           arguments: [run.id, hold.comparedWith, hold.reasons.joined(separator: "\n")])
        }
    }

    /// The guard's figures of a run recorded since v7 (published or held); nil otherwise.
    static func guardFigures(_ row: Row) -> GuardFigures? {
        guard let read: Int = row["records_read"], let quarantined: Int = row["records_quarantined"], let agreements: Int = row["agreements"],
              let placements: Int = row["placements"], let noAgreement: Int = row["no_agreement"] else { return nil }
        return GuardFigures(recordsRead: read, recordsQuarantined: quarantined, agreements: agreements, placements: placements,
                            noAgreement: noAgreement)
    }

    /// The newest run whose folder is the tool's own and current: published, accepted, or held
    /// and not yet superseded. The unchanged check compares with it, so that a night whose
    /// inputs are those of a held run is that run again, still held.
    func lastKept() throws(OutputError) -> (run: Run, inputs: [Input])? {
        try lastRun(where: "published = 1 OR outcome = 'held'")
    }

    func heldRuns() throws(OutputError) -> HeldRuns {
        try read { db in
            var held = HeldRuns()
            let rows = try Row.fetchAll(db, sql: """
                SELECT h.id, EXISTS (SELECT 1 FROM run p WHERE p.published = 1 AND (p.started_at > h.started_at
                                     OR (p.started_at = h.started_at AND p.rowid > h.rowid))) AS superseded
                FROM run h WHERE h.outcome = 'held' ORDER BY h.started_at, h.rowid
                """)
            for row in rows {
                if row["superseded"] as Bool { held.superseded.append(row["id"]) } else { held.pending.append(row["id"]) }
            }
            return held
        }
    }

    /// Every hold, by run id.
    func holds() throws(OutputError) -> [String: Hold] {
        try read { db in
            var holds: [String: Hold] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM run_hold") {
                let reasons: String = row["reasons"]
                holds[row["run_id"]] = Hold(comparedWith: row["compared_with"], reasons: reasons.split(separator: "\n").map(String.init),
                                            acceptedAt: row["accepted_at"], acceptedBy: row["accepted_by"])
            }
            return holds
        }
    }

    /// One run by id, with its inputs; nil when the history has none of that id.
    func run(id: String) throws(OutputError) -> Run? {
        try read { db in try Row.fetchOne(db, sql: "SELECT * FROM run WHERE id = ?", arguments: [id]).map(Self.run) }
    }

    /// A held run becomes published: `latest` may name it and the next night compares with it.
    /// One transaction, checked again inside it.
    func accept(_ runID: String, at time: String, by person: String) throws(OutputError) {
        do {
            try queue.write { db in
                guard try String.fetchOne(db, sql: "SELECT outcome FROM run WHERE id = ?", arguments: [runID]) == Outcome.held.rawValue else {
                    throw OutputError(path: path, message: "run \(runID) is not held (any more)")
                }
                try db.execute(sql: "UPDATE run SET outcome = 'accepted', published = 1 WHERE id = ?", arguments: [runID])
                try db.execute(sql: "UPDATE run_hold SET accepted_at = ?, accepted_by = ? WHERE run_id = ?",
                               arguments: [time, person, runID])
                let key = try String.fetchOne(db, sql: "SELECT fingerprint_key FROM run WHERE id = ?", arguments: [runID])
                try Self.forgetFindings(notMadeWith: key, in: db)
            }
        } catch let error as OutputError {
            throw error
        } catch {
            throw OutputError(path: path, message: "cannot record the acceptance in the history database: \(error)")
        }
    }
}
