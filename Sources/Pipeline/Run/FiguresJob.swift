import Normalize
import Reconcile
import Report
import Domain

/// The report job that needs the whole run, and so the last partition: it gathers that
/// partition's figures, makes the capacity and audit figures, and compares the run with the
/// previous published one (the changes report). It is one of the parallel report jobs,
/// started first as the longest: the placements, findings and progress files do not need it.
struct FiguresJob: Sendable {
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
    }

    func make() throws(OutputError) -> RunFigures {
        partitions.addLastFigures()
        let capacity = partitions.capacity.rows(years: years, agreements: agreements)
        let audit = partitions.audit.rows(years: years, agreements: agreements, reference: reference)
        let current = Changes.Current(
            findings: findings,
            capacity: capacity,
            siteYears: audit.map {
                HistoryStore.SiteYear(site: $0.site, year: $0.year.description, recognised: $0.recognised, placements: $0.placements)
            })
        let changes = try Changes.table(previous: try before(notIn: current.fingerprints), current: current, settings: settings)
        let comparison = ComparisonNote(previousRun: previous?.id, previousAsOf: previous?.asOf, changes: changes.rows.count,
                                        fingerprintsRekeyed: fingerprintsRekeyed)
        return RunFigures(capacity: capacity, audit: audit, changes: changes, comparison: comparison, current: current)
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
