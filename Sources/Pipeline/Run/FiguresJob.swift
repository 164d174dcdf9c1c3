import Ingest
import Normalize
import Reconcile
import Report
import Domain

/// The report job that needs the whole run, and so the last partition: it gathers that
/// partition's figures, makes the capacity and audit figures, compares the run with the
/// previous published one (the changes report) and reads the trends of the runs before. It is
/// one of the parallel report jobs, started first as the longest: the placements, findings and
/// progress files do not need it.
struct FiguresJob: Sendable {
    /// The nights the page's trends show: this run and the published runs of its kind before it.
    static let trendNights = 60

    let partitions: PartitionReports
    let years: [PlacementYear]
    let agreements: [Agreement]
    let reference: ReferenceData
    let findings: FindingStore
    let history: HistoryStore
    /// The run compared with; nil on the first run.
    let previous: HistoryStore.Run?
    let settings: ChangeSettings
    /// Another key made the previous run's fingerprints (`RunSession.fingerprintsRekeyed`).
    let fingerprintsRekeyed: Bool
    let runID: String
    let asOf: Day
    let forAuditors: Bool
    let reports: [FileReport]

    init(_ session: RunSession, _ placed: PartitionLoop.Outcome) {
        partitions = placed.partitions
        years = placed.reconciliation.years
        agreements = placed.reconciliation.agreements
        reference = session.plan.reference
        findings = placed.findings
        history = session.history
        previous = session.previous?.run
        settings = session.plan.definition.changes
        fingerprintsRekeyed = session.fingerprintsRekeyed
        runID = session.runID
        asOf = session.plan.asOf
        forAuditors = session.plan.pseudonyms != nil
        reports = session.reports
    }

    func make() throws(OutputError) -> RunFigures {
        partitions.addLastFigures()
        let capacity = partitions.capacity.rows(years: years, agreements: agreements)
        let audit = partitions.audit.rows(years: years, agreements: agreements, reference: reference)
        var current = Changes.Current(
            findings: findings,
            capacity: capacity,
            siteYears: audit.map {
                HistoryStore.SiteYear(site: $0.site, year: $0.year.description, recognised: $0.recognised, placements: $0.placements)
            })
        let changes = try Changes.table(previous: try before(notIn: current.fingerprints), current: current, settings: settings)
        let comparison = ComparisonNote(previousRun: previous?.id, previousAsOf: previous?.asOf, changes: changes.rows.count,
                                        fingerprintsRekeyed: fingerprintsRekeyed)
        if previous != nil && !fingerprintsRekeyed { current.findingChanges = Changes.findingChanges(in: changes) }
        current.groupUse = Self.groupUse(capacity, year: Self.trendYear(capacity, asOf: asOf), reference: reference)
        return RunFigures(capacity: capacity, audit: audit, changes: changes, comparison: comparison, current: current,
                          trends: try trends(current))
    }

    /// The published runs of this run's kind before it, and this run last (recorded only after
    /// the reports are written: its night is made from its own figures).
    private func trends(_ current: Changes.Current) throws(OutputError) -> [NightTrend] {
        var trends = try history.trends(forAuditors: forAuditors, last: Self.trendNights - 1)
        var night = NightTrend(asOf: asOf, runID: runID, findingsOpened: current.findingChanges?.opened ?? 0,
                               findingsResolved: current.findingChanges?.resolved ?? 0,
                               recordsRead: reports.reduce(0) { $0 + $1.read }, recordsQuarantined: reports.reduce(0) { $0 + $1.quarantined },
                               groupUse: [:], comparedFindings: current.findingChanges != nil)
        for use in current.groupUse { night.groupUse[use.group] = (usedWeeks: use.usedWeeks, slotDays: use.slotDays) }
        trends.append(night)
        return trends
    }

    /// The capacity rows of `year` summed per discipline group, by group code.
    /// The placement year a night's utilisation is taken from: the as-of date's, or, when that
    /// year has no capacity row yet (the first weeks of July), the latest year before it that has.
    static func trendYear(_ capacity: [CapacityRow], asOf: Day) -> PlacementYear {
        let current = PlacementYear(containing: asOf)
        guard !capacity.contains(where: { $0.year == current }) else { return current }
        return capacity.map(\.year).filter { $0 < current }.max() ?? current
    }

    static func groupUse(_ capacity: [CapacityRow], year: PlacementYear, reference: ReferenceData) -> [HistoryStore.GroupUse] {
        var uses: [String: HistoryStore.GroupUse] = [:]
        for row in capacity where row.year == year {
            let group = reference.group(of: row.discipline)
            uses[group, default: HistoryStore.GroupUse(group: group, usedWeeks: 0, slotDays: 0)].usedWeeks += row.usedWeeks
            uses[group]?.slotDays += row.slotDays
        }
        return uses.values.sorted { $0.group < $1.group }
    }

    /// What the comparison needs of the previous run, from the history.
    private func before(notIn current: Set<UInt64>) throws(OutputError) -> Changes.Previous? {
        guard let previous else { return nil }
        let capacity = try history.capacity(of: previous.id), siteYears = try history.siteYears(of: previous.id)
        guard !fingerprintsRekeyed else {
            return Changes.Previous(comparesFindings: false, fingerprints: [], resolved: [], capacity: capacity, siteYears: siteYears)
        }
        let findings = try history.findings(of: previous.id, notIn: current)
        return Changes.Previous(fingerprints: findings.fingerprints, resolved: findings.gone, capacity: capacity, siteYears: siteYears)
    }
}
