import Foundation
import Ingest
import Normalize
import Reconcile
import Report
import Engine
import Rules
import Domain

/// `stagebalans run`: ingest → normalize → reconcile → report, published as one run folder.
public struct RunResult: Sendable {
    public var reports: [FileReport]
    public var reconciliation: Reconciliation
    /// The files of the run, in its published folder.
    public var outputs: [String]
    public var referenceWarnings: [Diagnostic]
    public var asOf: Day
    /// Wall time per stage, in seconds, in the order the stages ran.
    public var timings: [(stage: String, seconds: Double)]
    /// `OUTPUT/runs/ID`, which `OUTPUT/latest` now names.
    public var directory: String
    public var runID: String
    /// Rows of the changes report (0 on the first run).
    public var changes: Int
    public var comparedWith: String?

    /// Said once, on the night the fingerprints change key: in the changes note and the log.
    public static let rekeyedNote = ComparisonNote.rekeyed(.en)
    /// 0, or 1 when findings reach the definition's fail_on.
    public var exitStatus: ExitStatus
    /// Findings per code, the first ten findings in order, and the placements: also for a run
    /// in partitions, whose reconciliation holds neither its placements nor its findings.
    public var findingCounts: [FindingCode: Int] = [:]
    public var firstFindings: [Finding] = []
    public var placementCount = 0
    /// Another key made the fingerprints of the run compared with (`rekeyedNote`): no finding
    /// was compared this night.
    public var fingerprintsRekeyed = false
    /// Set when the publish guard held the run back: `directory` is its folder, `latest` names
    /// the run it was compared with, and `exitStatus` is `.held`.
    public var hold: PublishHold?

    public var rejected: [FileReport] { reports.filter { $0.rejection != nil } }
}

/// How a `run` ended when it did not fail.
public enum RunOutcome: Sendable {
    case published(RunResult)
    /// Written to `runs/ID` and recorded, not published: the publish guard held it (exit 7).
    case held(RunResult)
    /// Definition, reference data and every input as in the last run published or held, same
    /// placement year: nothing rewritten. `held`: that run is held, and this night with it (exit 7).
    case unchanged(previousRunID: String, asOf: Day, held: Bool)

    /// The run's result when it wrote a run folder (published or held).
    public var result: RunResult? {
        switch self {
        case .published(let result), .held(let result): return result
        case .unchanged: return nil
        }
    }
}

/// Options of one run besides the definition.
public struct RunOptions: Sendable {
    public var asOf: Day?
    public var today: Day
    /// `--language`: the language of summary.md and the page; default: the definition's.
    public var language: ReportLanguage?
    public var forAuditors = false
    /// Rewrite even when nothing changed.
    public var force = false
    public var environment: [String: String] = ProcessInfo.processInfo.environment
    public var threading: Ingester.Threading = .automatic
    /// Called with each stage's name as it starts (logging, progress).
    public var onStage: (@Sendable (String) -> Void)?
    /// Called every 16,384 records with the source being read and its records so far.
    public var onProgress: (@Sendable (_ source: String, _ rows: Int) -> Void)?
    /// Called when a file is read: its report and the seconds it took.
    public var onFile: (@Sendable (_ report: FileReport, _ seconds: Double) -> Void)?
    /// Called with a line for the log's warnings about the output folder (an orphan run folder removed).
    public var onWarning: (@Sendable (String) -> Void)?
    /// For tests only: called with an input's path once ingest has opened it, before reading
    /// (to replace files under a running ingest; see `InputPolicy.onOpened`).
    public var onInputOpened: (@Sendable (_ path: String) -> Void)?
    /// Called with what the run's page shows (the drill-down, timelines, quarantine and trends
    /// the page embeds), once made: for tests that check it against the run's files.
    public var onPageContent: (@Sendable (ReportPageContent) -> Void)?

    public init(asOf: Day? = nil, today: Day, forAuditors: Bool = false, force: Bool = false, language: ReportLanguage? = nil) {
        self.asOf = asOf
        self.today = today
        self.language = language
        self.forAuditors = forAuditors
        self.force = force
    }
}

public enum RunFailure: Error, Sendable, CustomStringConvertible {
    case definition(DefinitionError)
    case unreadableInput([FileReport])
    case output(OutputError)
    /// Another run holds the output folder's lock: its lock file and who holds it.
    case locked(String, String)

    public var exitStatus: ExitStatus {
        switch self {
        case .definition: return .badDefinition
        case .unreadableInput: return .unreadableInput
        case .output: return .outputFailed
        case .locked: return .locked
        }
    }

    public var description: String {
        switch self {
        case .definition(let error): return error.description
        case .unreadableInput(let reports):
            return reports.compactMap { $0.rejection?.description }.joined(separator: "\n")
                + "\nthe run failed: nothing was published"
        case .output(let error): return error.description + "\nthe run failed: nothing was published"
        case .locked(let path, let holder):
            return "\(path): error: another run holds the lock (\(holder)); this run did nothing"
        }
    }
}

public enum PipelineRun {
    /// Loads the reference data the definition names (required for `run`).
    public static func reference(for definition: PipelineDefinition) throws(RunFailure) -> ReferenceData {
        guard let files = definition.reference else {
            throw .definition(DefinitionError(SourceLocation(path: definition.file, line: 1),
                                              "the definition names no reference data (reference: sites, disciplines, curriculum)"))
        }
        do {
            return try ReferenceLoader.load(files)
        } catch {
            throw .definition(error)
        }
    }

    /// The run of the tests and earlier callers: published or failed.
    public static func run(_ definition: PipelineDefinition, asOf: Day?, today: Day, forAuditors: Bool = false,
                           environment: [String: String] = ProcessInfo.processInfo.environment,
                           threading: Ingester.Threading = .automatic, force: Bool = true) throws(RunFailure) -> RunResult {
        var options = RunOptions(asOf: asOf, today: today, forAuditors: forAuditors, force: force)
        options.environment = environment
        options.threading = threading
        switch try run(definition, options: options) {
        case .published(let result), .held(let result): return result
        case .unchanged(let previous, _, _):
            throw .output(OutputError(path: definition.outputDirectory, message: "unchanged since run \(previous)"))
        }
    }

    /// A run: its plan (reference data, fingerprint, key), its session on the output folder,
    /// then, unless nothing changed since the last published run, the stages inside the
    /// session's failure path.
    public static func run(_ definition: PipelineDefinition, options: RunOptions) throws(RunFailure) -> RunOutcome {
        let startedAt = Date()
        var clock = StageClock(options)
        let plan = try RunPlan(definition, options: options)
        let session = try RunSession.open(plan, startedAt: startedAt) { options.onWarning?($0) }
        // The session holds the lock: it lives until the run returns.
        defer { withExtendedLifetime(session) {} }
        // The reference stage includes hashing the definition (and the settings given beside it)
        // and the reference data, and the unchanged check (which hashes an input only when it is
        // still the file the last run read).
        clock.lap("reference")
        if !options.force, let previous = session.unchangedSince {
            do {
                try session.recordUnchanged(sameAs: previous)
            } catch {
                // The night's trace only: the reports it equals are there, as published or held.
                options.onWarning?("\(error.description) (the unchanged night is not recorded)")
            }
            return .unchanged(previousRunID: previous.id, asOf: plan.asOf, held: session.unchangedExitStatus(previous) == .held)
        }
        let result = try session.recordingFailure { try stages(session, options: options, clock: &clock) }
        return result.hold == nil ? .published(result) : .held(result)
    }

    /// Ingest → normalize → reconcile → report → publish. Normalize, reconcile and the
    /// placements' part of report alternate per partition (`PartitionLoop`); each stage's
    /// time is its own all the same.
    private static func stages(_ session: RunSession, options: RunOptions, clock: inout StageClock) throws -> RunResult {
        let plan = session.plan
        let quarantine = try session.openStaging()
        let spill = try session.spillSettings()
        clock.start("ingest")
        let (reports, normalizer) = try IngestStage.run(session, quarantine: quarantine, spill: spill, options: options)
        clock.lap("ingest")

        clock.start("normalize")
        let placed = try PartitionLoop.run(consume normalizer, session: session, quarantine: quarantine, spill: spill, clock: clock)
        clock.add("normalize", seconds: placed.seconds.normalize)
        clock.add("reconcile", seconds: placed.seconds.reconcile)
        clock.restartLap(counting: placed.seconds.report)
        let figures = PublishStage.figures(reports: reports, placed), hold = PublishStage.hold(session, figures: figures)
        let written = try ReportStage.run(session, placed, reports: reports, quarantine: quarantine, hold: hold,
                                          onPageContent: options.onPageContent)
        clock.lap("report")

        try ReportStage.writeManifest(written, session: session, timings: clock.timings)
        // Before publishing: the run's spill folder goes with the housekeeping after it.
        let firstFindings = try placed.findings.first(10)
        clock.start("publish")
        let (directory, exitStatus) = try PublishStage.run(session, findings: placed.findings, current: written.figures.current,
                                                        figures: figures, hold: hold, clock: clock)
        clock.lap("publish")
        return RunResult(reports: reports, reconciliation: placed.reconciliation,
                         outputs: (written.files.map(\.name) + ["manifest.json"]).map { directory + "/" + $0 },
                         referenceWarnings: plan.reference.warnings, asOf: plan.asOf, timings: clock.timings,
                         directory: directory, runID: session.runID, changes: written.figures.changes.rows.count,
                         comparedWith: session.previous?.run.id, exitStatus: exitStatus,
                         findingCounts: placed.findings.countsPerCode, firstFindings: firstFindings,
                         placementCount: placed.partitions.placementCount,
                         fingerprintsRekeyed: session.fingerprintsRekeyed, hold: hold)
    }
}
