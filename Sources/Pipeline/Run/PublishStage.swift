import Domain
import Ingest
import Report

/// Publishing: the staging folder becomes `runs/ID` in one rename, the run is recorded in
/// the history as published, `latest` is switched to it, and old runs are pruned. A run the
/// publish guard holds stops after its record: `latest` stays, nothing is pruned.
enum PublishStage {
    /// The published (or held) folder and the run's exit status.
    static func run(_ session: RunSession, findings: FindingStore, current: Changes.Current, figures: GuardFigures,
                    hold: PublishHold?, clock: StageClock) throws(OutputError) -> (directory: String, exitStatus: ExitStatus) {
        let exitStatus = hold == nil ? exitStatus(failOn: session.plan.definition.failOn, findings: findings) : .held
        let directory = try session.publisher.moveIntoPlace(stagingName: session.stagingName, runID: session.runID)
        clock.crashPoint("record")
        do {
            try session.record(exitStatus, published: hold == nil, current: current, figures: figures, hold: hold)
        } catch {
            // Not recorded is not published (a full disk, a locked database): the folder goes
            // now rather than linger as an orphan until the next run's start removes it.
            session.publisher.withdraw(runID: session.runID)
            throw error
        }
        guard hold == nil else { return (directory, exitStatus) }
        try session.publisher.switchLatest(to: session.runID)
        // Housekeeping: the detail rows of runs whose folders are gone. A failure here leaves
        // them for the next night; the run is published. Held runs a published run came after
        // are pruned like published ones; one still waiting for `accept` never is.
        if let published = try? session.history.publishedRuns(), let held = try? session.history.heldRuns() {
            let kept = session.publisher.prune(published: published.union(held.superseded))
            try? session.history.keepDetails(of: kept + held.pending)
        }
        return (directory, exitStatus)
    }

    /// What the publish guard compares of this run, before the report jobs.
    static func figures(reports: [FileReport], _ placed: PartitionLoop.Outcome) -> GuardFigures {
        GuardFigures(recordsRead: reports.reduce(0) { $0 + $1.read }, recordsQuarantined: reports.reduce(0) { $0 + $1.quarantined },
                     agreements: placed.reconciliation.agreements.count, placements: placed.partitions.placementsBeforeReportJobs,
                     noAgreement: placed.findings.countsPerCode[.noAgreement] ?? 0)
    }

    /// The hold, when the guard finds this run too far from the last published run.
    static func hold(_ session: RunSession, figures: GuardFigures) -> PublishHold? {
        guard let previous = session.previous?.run else { return nil }
        let reasons = PublishGuard.reasons(current: figures, previous: previous.figures,
                                           settings: session.plan.definition.nightly.publishGuard)
        return reasons.isEmpty ? nil : PublishHold(runID: session.runID, comparedWith: previous.id, reasons: reasons)
    }

    /// 1 when a finding at or above the definition's `fail_on` was found, else 0.
    static func exitStatus(failOn: Severity?, findings: FindingStore) -> ExitStatus {
        guard let failOn else { return .success }
        return Severity.allCases.contains { $0 >= failOn && findings.count($0) > 0 } ? .findings : .success
    }
}
