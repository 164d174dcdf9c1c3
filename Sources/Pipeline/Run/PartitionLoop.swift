import Normalize
import Reconcile
import Domain

/// The placements, one partition at a time: built (normalize), matched and checked
/// (reconcile), their files written and their figures gathered (report). A run holds one
/// partition of placements at a time; there is one partition unless the inputs were large
/// enough to spill. After the loop, reconcile finishes: the findings about agreements, and
/// every finding in order.
///
/// The last partition is handed to `PartitionReports` but not written here: the report jobs
/// write its placements and progress beside the findings and the tables, in parallel with
/// them, and `FiguresJob` adds its figures first.
struct PartitionLoop {
    /// Seconds per stage, summed over the partitions.
    struct Seconds {
        var normalize = 0.0, reconcile = 0.0, report = 0.0
    }

    struct Outcome {
        /// Every finding, the agreements, the roster and the years; the placements only when
        /// the run had one partition (the placements' files and figures are in `partitions`).
        var reconciliation: Reconciliation
        /// Every finding, in order: held, or merged from disk for a run in partitions.
        var findings: FindingStore
        var partitions: PartitionReports
        var seconds: Seconds
    }

    private let building: BuildStage
    private let reports: PartitionReports
    private var seconds: Seconds

    /// Normalize's last work, every partition through the three stages, reconcile's last work.
    /// The normalize stage has started (its time counts from `clock`'s last lap); reconcile
    /// and report start with the first partition.
    static func run(_ normalizer: consuming Normalizer, session: RunSession, quarantine: QuarantineWriter,
                    spill: SpillSettings?, clock: StageClock) throws -> Outcome {
        let plan = session.plan
        let building = try BuildStage(consume normalizer)
        var reconciling = Reconciling(plan, building: building, spill: spill)
        let seconds = Seconds(normalize: clock.sinceLap)
        try quarantine.commit()
        let reports = try PartitionReports(directory: session.staging, formats: plan.definition.report.formats,
                                           reference: plan.reference, asOf: plan.asOf, workbook: session.workbook)
        var loop = PartitionLoop(building: building, reports: reports, seconds: seconds)
        let kept = try loop.eachPartition(&reconciling, clock: clock)

        let start = ContinuousClock.now
        let (findings, years) = try reconciling.finish()
        let reconciliation = Reconciliation(placements: kept, agreements: building.agreements, roster: building.roster,
                                            findings: findings.inMemory ?? [], years: years)
        loop.seconds.reconcile += StageClock.seconds(since: start)
        return Outcome(reconciliation: reconciliation, findings: findings, partitions: reports,
                       seconds: loop.seconds)
    }

    /// Build → reconcile → report, partition by partition. Returns the matched placements
    /// when there was one partition; a run in partitions keeps none.
    private mutating func eachPartition(_ reconciling: inout Reconciling, clock: StageClock) throws -> [MatchedPlacement] {
        var kept: [MatchedPlacement] = []
        let count = building.partitionCount
        for index in 0..<count {
            var start = ContinuousClock.now
            let (placements, findings) = try building.build(index)
            seconds.normalize += StageClock.seconds(since: start)

            if index == 0 { clock.start("reconcile") }
            start = ContinuousClock.now
            let matched = try reconciling.reconcile(consume placements, building: findings)
            seconds.reconcile += StageClock.seconds(since: start)

            if index == 0 { clock.start("report") }
            start = ContinuousClock.now
            let part = Reconciliation(placements: matched, agreements: building.agreements, roster: building.rosterParts[index],
                                      findings: [], years: [])
            if index < count - 1 {
                try reports.write(part)
            } else {
                try reports.leaveForReportJobs(part)
            }
            if count == 1 { kept = matched }
            seconds.report += StageClock.seconds(since: start)
        }
        return kept
    }
}

extension PartitionReports {
    /// A partition before the last: its placements and progress written, its figures gathered.
    func write(_ part: Reconciliation) throws(OutputError) {
        try add(part, last: false)
    }

    /// The last partition, kept: the report jobs write its placements and progress
    /// (`finishPlacements`, `finishProgress`) and `FiguresJob` gathers its figures.
    func leaveForReportJobs(_ part: Reconciliation) throws(OutputError) {
        try add(part, last: true)
    }
}
