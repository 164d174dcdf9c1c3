import Domain

/// Publishing: the staging folder becomes `runs/ID` in one rename, the run is recorded in
/// the history as published, `latest` is switched to it, and old runs are pruned.
enum PublishStage {
    /// The published folder and the run's exit status.
    static func run(_ session: RunSession, findings: FindingStore, current: Changes.Current,
                    clock: StageClock) throws(OutputError) -> (directory: String, exitStatus: ExitStatus) {
        let exitStatus = exitStatus(failOn: session.plan.definition.failOn, findings: findings)
        let directory = try session.publisher.moveIntoPlace(stagingName: session.stagingName, runID: session.runID)
        clock.crashPoint("record")
        do {
            try session.record(exitStatus, published: true, current: current)
        } catch {
            // Not recorded is not published (a full disk, a locked database): the folder goes
            // now rather than linger as an orphan until the next run's start removes it.
            session.publisher.withdraw(runID: session.runID)
            throw error
        }
        try session.publisher.switchLatest(to: session.runID)
        // Housekeeping: the detail rows of runs whose folders are gone. A failure here leaves
        // them for the next night; the run is published.
        if let published = try? session.history.publishedRuns() {
            try? session.history.keepDetails(of: session.publisher.prune(published: published))
        }
        return (directory, exitStatus)
    }

    /// 1 when a finding at or above the definition's `fail_on` was found, else 0.
    static func exitStatus(failOn: Severity?, findings: FindingStore) -> ExitStatus {
        guard let failOn else { return .success }
        return Severity.allCases.contains { $0 >= failOn && findings.count($0) > 0 } ? .findings : .success
    }
}
