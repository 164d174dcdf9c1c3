import Reconcile
import Report
import Domain

/// What changed since the previous successful run (SPEC §2's "what changed since the last
/// night"): new and resolved findings, capacity and utilisation changes above the thresholds,
/// newly used non-recognised sites, agreements that entered the expiry horizon.
public struct ChangeSettings: Sendable, Hashable {
    /// A capacity row changes when its capacity weeks move by at least this many weeks.
    public var capacityWeeks = 1
    /// ... or its utilisation by at least this many percentage points.
    public var utilisationPoints = 10

    public init() {}
}

enum Changes {
    struct Current {
        var findings: FindingStore
        var capacity: [CapacityRow]
        var siteYears: [HistoryStore.SiteYear]
        /// The findings opened and resolved against the previous run (`findingChanges(in:)`);
        /// nil when none were compared. Recorded for the trends.
        var findingChanges: HistoryStore.FindingChanges? = nil
        /// Per discipline group, in the placement year of the as-of date. Recorded for the trends.
        var groupUse: [HistoryStore.GroupUse] = []

        var fingerprints: Set<UInt64> { findings.fingerprints }
    }

    /// The findings a changes table lists as opened (new, or entered the expiry horizon) and
    /// as resolved.
    static func findingChanges(in table: ReportTable) -> HistoryStore.FindingChanges {
        var counts = HistoryStore.FindingChanges(opened: 0, resolved: 0)
        for row in table.rows {
            switch row.first?.plainText {
            case "NEW_FINDING", "AGREEMENT_ENTERED_EXPIRY": counts.opened += 1
            case "RESOLVED_FINDING": counts.resolved += 1
            default: break
            }
        }
        return counts
    }

    /// What the comparison needs of the previous run: the fingerprints of its findings, and in
    /// full only those that are gone now (reading all of them was most of the comparison's time).
    struct Previous {
        /// false when another key made the previous run's fingerprints: its findings cannot be
        /// told from this run's, and none is listed as new or resolved.
        var comparesFindings = true
        var fingerprints: Set<UInt64>
        var resolved: [HistoryStore.StoredFinding]
        var capacity: [CapacityRow]
        var siteYears: [HistoryStore.SiteYear]
    }

    /// nil previous: the first run, nothing to compare with (an empty table and a note).
    static func table(previous: Previous?, current: Current, settings: ChangeSettings) throws(OutputError) -> ReportTable {
        guard let previous else { return Tables.changes.table([]) }
        var rows: [ChangeRow] = []
        if previous.comparesFindings { rows += try findingChanges(previous: previous, current: current) }
        rows += capacityChanges(previous: previous.capacity, current: current.capacity, settings: settings)
        let usedBefore = Set(previous.siteYears.filter { $0.placements > 0 }.map { $0.site + " " + $0.year })
        for entry in current.siteYears where !entry.recognised && entry.placements > 0
            && !usedBefore.contains(entry.site + " " + entry.year) {
            rows.append(ChangeRow(change: "NEW_NON_RECOGNISED_SITE", subject: entry.site, year: entry.year, before: .integer(0),
                                  after: .integer(entry.placements),
                                  detail: "placements at a site without a framework agreement in the year"))
        }
        var table = Tables.changes.table(rows)
        table.rows.sort { lhs, rhs in
            lhs.map(\.plainText).lexicographicallyPrecedes(rhs.map(\.plainText))
        }
        return table
    }

    /// New findings (and agreements that entered the expiry horizon) and resolved ones.
    private static func findingChanges(previous: Previous, current: Current) throws(OutputError) -> [ChangeRow] {
        var rows: [ChangeRow] = []
        try current.findings.forEach(sources: false) { finding throws(OutputError) in
            guard !previous.fingerprints.contains(finding.fingerprintHash) else { return }
            let change = finding.code == .agreementExpiring ? "AGREEMENT_ENTERED_EXPIRY" : "NEW_FINDING"
            rows.append(ChangeRow(change: change, subject: finding.code.rawValue, year: nil, before: .empty,
                                  after: .fingerprint(finding.fingerprintHash), detail: finding.message))
        }
        for finding in previous.resolved {
            rows.append(ChangeRow(change: "RESOLVED_FINDING", subject: finding.code, year: nil, before: publishedFingerprint(finding),
                                  after: .empty, detail: finding.message))
        }
        return rows
    }

    /// A resolved finding's fingerprint as the outputs write it (`fp-…`), from the bare hex the
    /// history keeps.
    private static func publishedFingerprint(_ finding: HistoryStore.StoredFinding) -> Cell {
        UInt64(finding.fingerprint, radix: 16).map(Cell.fingerprint) ?? .text(finding.fingerprint)
    }

    /// A capacity figure's column, as capacity.csv declares it.
    private struct FigureColumn {
        let column: Column<CapacityRow>?
        let places: Int

        init(_ name: String) {
            column = Tables.capacity.column(name)
            if case .decimal(let places) = column?.type { self.places = places } else { places = 0 }
        }
    }

    private static let capacityWeeks = FigureColumn("capacity_weeks"), utilisation = FigureColumn("utilisation")

    /// A capacity figure as capacity.csv prints it: the cell, and the printed figure in units of
    /// its last decimal (nil when empty).
    private struct Figure {
        var cell: Cell
        var units: Int?
        /// 10 to the power of the figure's decimals: one unit of the figure is 1 / scale.
        var scale: Int

        init(_ figure: FigureColumn, _ row: CapacityRow?) {
            scale = Ratio.scale(figure.places)
            cell = row.flatMap { figure.column?.cell($0, .plain) } ?? .decimal(Ratio(0, 1), places: figure.places)
            if case .decimal(let ratio, _) = cell { units = ratio.units(places: figure.places) }
        }
    }

    /// Capacity rows whose capacity weeks or utilisation moved past the thresholds, compared as
    /// printed; rows that appeared or went.
    private static func capacityChanges(previous: [CapacityRow], current: [CapacityRow], settings: ChangeSettings) -> [ChangeRow] {
        func key(_ row: CapacityRow) -> String { row.site + " " + row.discipline + " " + row.year.description }
        var rows: [ChangeRow] = []
        let oldCapacity = Dictionary(previous.map { (key($0), $0) }, uniquingKeysWith: { first, _ in first })
        for row in current {
            let old = oldCapacity[key(row)]
            let weeksBefore = Figure(capacityWeeks, old), weeksAfter = Figure(capacityWeeks, row)
            if abs((weeksAfter.units ?? 0) - (weeksBefore.units ?? 0)) >= settings.capacityWeeks * weeksAfter.scale {
                rows.append(ChangeRow(change: "CAPACITY_CHANGED", subject: row.site + " " + row.discipline, year: row.year.description,
                                      before: weeksBefore.cell, after: weeksAfter.cell, detail: old == nil ? "new row" : "capacity weeks"))
            }
            // Percentage points: hundredths of the utilisation.
            let before = Figure(utilisation, old), after = Figure(utilisation, row)
            if old != nil, let now = after.units, let then = before.units, abs(now - then) * 100 >= settings.utilisationPoints * after.scale {
                rows.append(ChangeRow(change: "UTILISATION_CHANGED", subject: row.site + " " + row.discipline, year: row.year.description,
                                      before: before.cell, after: after.cell, detail: "utilisation"))
            }
        }
        let currentKeys = Set(current.map(key))
        for old in previous where !currentKeys.contains(key(old)) {
            let weeks = Figure(capacityWeeks, old)
            guard (weeks.units ?? 0) > 0 else { continue }
            rows.append(ChangeRow(change: "CAPACITY_CHANGED", subject: old.site + " " + old.discipline, year: old.year.description,
                                  before: weeks.cell, after: Figure(capacityWeeks, nil).cell, detail: "row gone"))
        }
        return rows
    }
}
