import GRDB
import Ingest
import Report
import Domain

/// The page's trends (`NightTrend`): what the history keeps of each published run, night by
/// night. Counts only: no id reaches the trends, so a folder for auditors shows them too.
extension HistoryStore {
    /// The last `count` published runs of one kind (for the office or for auditors), oldest
    /// first. A run recorded before v6 has no finding changes (`comparedFindings` false, the
    /// counts 0) and no group use (an empty `groupUse`: no figure that night, not a zero).
    /// A run whose `as_of` is not a date (a damaged database) is left out.
    func trends(forAuditors: Bool, last count: Int) throws(OutputError) -> [NightTrend] {
        try read { db in
            let runs = try Row.fetchAll(db, sql: """
                SELECT id, as_of, findings_opened, findings_resolved,
                       (SELECT COALESCE(SUM(rows_read), 0) FROM run_input WHERE run_id = run.id) AS rows_read,
                       (SELECT COALESCE(SUM(rows_quarantined), 0) FROM run_input WHERE run_id = run.id) AS rows_quarantined
                FROM run WHERE published = 1 AND for_auditors = ? ORDER BY started_at DESC, rowid DESC LIMIT ?
                """, arguments: [forAuditors, max(0, count)])
            let iso = DateParser(formats: [DateParser.iso])
            var trends: [NightTrend] = []
            for row in runs.reversed() {
                guard case .success(let asOf) = iso.parse(row["as_of"] as String) else { continue }
                let opened: Int? = row["findings_opened"], resolved: Int? = row["findings_resolved"]
                var trend = NightTrend(asOf: asOf, runID: row["id"], findingsOpened: opened ?? 0, findingsResolved: resolved ?? 0,
                                       recordsRead: row["rows_read"], recordsQuarantined: row["rows_quarantined"], groupUse: [:])
                trend.comparedFindings = opened != nil && resolved != nil
                let uses = try Row.fetchAll(db, sql: "SELECT grp, used_weeks, slot_days FROM run_group_use WHERE run_id = ? ORDER BY rowid",
                                            arguments: [trend.runID])
                for use in uses { trend.groupUse[use["grp"]] = (usedWeeks: use["used_weeks"], slotDays: use["slot_days"]) }
                trends.append(trend)
            }
            return trends
        }
    }
}
