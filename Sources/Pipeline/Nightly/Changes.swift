import Reconcile
import Report
import StagebalansCore

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
    static let columns = ["change", "subject", "year", "before", "after", "detail"]

    struct Current {
        var findings: FindingStore
        var capacity: [HistoryStore.StoredCapacity]
        var siteYears: [HistoryStore.SiteYear]

        var fingerprints: Set<UInt64> { findings.fingerprints }
    }

    /// What the comparison needs of the previous run: the fingerprints of its findings, and in
    /// full only those that are gone now (reading all of them was most of the comparison's time).
    struct Previous {
        var fingerprints: Set<UInt64>
        var resolved: [HistoryStore.StoredFinding]
        var capacity: [HistoryStore.StoredCapacity]
        var siteYears: [HistoryStore.SiteYear]
    }

    /// nil previous: the first run, nothing to compare with (an empty table and a note).
    static func table(previous: Previous?, current: Current, settings: ChangeSettings) throws(OutputError) -> ReportTable {
        var rows: [[Cell]] = []
        guard let previous else {
            return ReportTable(name: "changes", title: "Changes since the previous successful run", columns: columns, rows: [])
        }
        try current.findings.forEach(sources: false) { finding throws(OutputError) in
            guard !previous.fingerprints.contains(finding.fingerprintHash) else { return }
            let change = finding.code == .agreementExpiring ? "AGREEMENT_ENTERED_EXPIRY" : "NEW_FINDING"
            rows.append([.text(change), .text(finding.code.rawValue), .empty, .empty, .text(finding.fingerprint), .text(finding.message)])
        }
        for finding in previous.resolved {
            rows.append([.text("RESOLVED_FINDING"), .text(finding.code), .empty, .text(finding.fingerprint), .empty,
                         .text(finding.message)])
        }
        func key(_ row: HistoryStore.StoredCapacity) -> String { row.site + " " + row.discipline + " " + row.year }
        let oldCapacity = Dictionary(previous.capacity.map { (key($0), $0) }, uniquingKeysWith: { first, _ in first })
        for row in current.capacity {
            let old = oldCapacity[key(row)]
            let weeksBefore = thousandths(old?.capacityWeeks) ?? 0, weeksAfter = thousandths(row.capacityWeeks) ?? 0
            if abs(weeksAfter - weeksBefore) >= settings.capacityWeeks * 1000 {
                rows.append([.text("CAPACITY_CHANGED"), .text(row.site + " " + row.discipline), .text(row.year),
                             .decimal(old?.capacityWeeks ?? "0.0"), .decimal(row.capacityWeeks),
                             .text(old == nil ? "new row" : "capacity weeks")])
            }
            if let old, let now = thousandths(row.utilisation), let then = thousandths(old.utilisation),
               abs(now - then) >= settings.utilisationPoints * 10 {
                rows.append([.text("UTILISATION_CHANGED"), .text(row.site + " " + row.discipline), .text(row.year),
                             .decimal(old.utilisation), .decimal(row.utilisation), .text("utilisation")])
            }
        }
        let currentKeys = Set(current.capacity.map(key))
        for old in previous.capacity where !currentKeys.contains(key(old)) && (thousandths(old.capacityWeeks) ?? 0) > 0 {
            rows.append([.text("CAPACITY_CHANGED"), .text(old.site + " " + old.discipline), .text(old.year),
                         .decimal(old.capacityWeeks), .decimal("0.0"), .text("row gone")])
        }
        let usedBefore = Set(previous.siteYears.filter { $0.placements > 0 }.map { $0.site + " " + $0.year })
        for entry in current.siteYears where !entry.recognised && entry.placements > 0
            && !usedBefore.contains(entry.site + " " + entry.year) {
            rows.append([.text("NEW_NON_RECOGNISED_SITE"), .text(entry.site), .text(entry.year), .integer(0),
                         .integer(entry.placements), .text("placements at a site without a framework agreement in the year")])
        }
        rows.sort { lhs, rhs in
            lhs.map(\.plainText).lexicographicallyPrecedes(rhs.map(\.plainText))
        }
        return ReportTable(name: "changes", title: "Changes since the previous successful run", columns: columns, rows: rows)
    }

    /// "12.5" → 12500; nil for an empty figure.
    static func thousandths(_ text: String?) -> Int? {
        guard let text, !text.isEmpty else { return nil }
        let parts = text.split(separator: ".", maxSplits: 1)
        guard let whole = Int(parts[0]) else { return nil }
        var fraction = parts.count > 1 ? String(parts[1].prefix(3)) : ""
        while fraction.count < 3 { fraction += "0" }
        return whole * 1000 + (Int(fraction) ?? 0)
    }
}
