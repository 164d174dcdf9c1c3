import Engine
import Foundation
import Ingest
import Normalize
import Report
import Domain

/// One run of `stagebalans run` on its output folder, from taking the lock to letting it go.
/// The session owns what outlives the stages: the lock, the history, the publisher, the staging
/// folder the reports are written into and the spill folder beside it; and it owns the one
/// failure path (`recordingFailure`): whatever fails in a stage, the run is recorded once as
/// failed and its folders are removed.
final class RunSession {
    let plan: RunPlan
    let startedAt: Date
    /// Sortable by time and unique per process: the name of the run's folder once published.
    let runID: String
    let history: HistoryStore
    let publisher: Publisher
    /// The last published run, if any: the publish guard and the changes report compare with it.
    let previous: (run: HistoryStore.Run, inputs: [HistoryStore.Input])?
    /// The last run published or held and not superseded: the unchanged check compares with it.
    let lastKept: (run: HistoryStore.Run, inputs: [HistoryStore.Input])?
    /// `OUTPUT/.staging-ID`: the run's reports until one rename publishes them.
    let staging: String
    let stagingName: String
    /// `OUTPUT/.spill-ID`: the partitions of large evaluation inputs, beside the staging folder.
    let spillDirectory: String
    let spillName: String
    /// `report.xlsx` being written, when `report.formats` asks for it (`openStaging`).
    private(set) var workbook: RunWorkbook?
    /// The inputs' reports once ingest has them: a failed run's history row counts their rows.
    var reports: [FileReport] = []
    /// Held until the session ends: the kernel releases the lock with it, or with the process.
    private let lock: RunLock

    /// Takes the output folder's lock, refuses links planted among the tool's own entries, opens
    /// the history, removes orphan run folders and repairs `latest` after a crash. Nothing is
    /// recorded when this fails: the run has not started.
    static func open(_ plan: RunPlan, startedAt: Date, warn: (String) -> Void = { _ in }) throws(RunFailure) -> RunSession {
        let lock: RunLock, publisher: Publisher, history: HistoryStore
        do {
            let folder = try OutputFolder(path: plan.definition.outputDirectory)
            lock = try takeLock(folder, startedAt: startedAt)
            try folder.refuseForeignEntries()
            publisher = Publisher(folder: folder, keepRuns: plan.definition.keepRuns)
            history = try HistoryStore.open(directory: folder.path)
        } catch let failure as RunFailure {
            throw failure
        } catch {
            throw .output(error as? OutputError ?? OutputError(path: plan.definition.outputDirectory, message: "\(error)"))
        }
        if plan.pseudonyms != nil { try refuseOfficeRuns(history, publisher: publisher, definition: plan.definition) }
        do {
            try removeOrphans(history, publisher: publisher, warn: warn)
            let previous = try history.lastPublished()
            try publisher.repair(lastPublished: previous?.run.id)
            return RunSession(plan: plan, startedAt: startedAt, lock: lock, history: history, publisher: publisher,
                              previous: previous, lastKept: try history.lastKept())
        } catch {
            throw .output(error)
        }
    }

    /// The history is the truth: a run folder it does not record as published is left by a run
    /// that failed between its rename and its record, and goes, said on the log. The one
    /// `latest` names stays while it names it.
    private static func removeOrphans(_ history: HistoryStore, publisher: Publisher, warn: (String) -> Void) throws(OutputError) {
        // A held run's folder is the tool's own too: it waits for `accept` or a later publish.
        let held = try history.heldRuns()
        let orphans = try publisher.removeOrphans(published: try history.publishedRuns().union(held.pending + held.superseded))
        for run in orphans.removed {
            warn("\(publisher.runsDirectory)/\(run): warning: removed this run folder: the history does not record it as "
                 + "published (a run that failed after publishing its folder, before recording it)")
        }
        if let kept = orphans.keptForLatest {
            warn("\(publisher.runsDirectory)/\(kept): warning: latest names this run, which the history does not record as "
                 + "published; it is kept while latest names it and is not counted in keep_runs")
        }
    }

    /// A run for auditors publishes into a folder whose every run is for auditors: the office's
    /// runs beside it hold student ids, and whoever hands the folder over hands those too.
    /// Refused before anything is read, as a definition error (exit 2).
    private static func refuseOfficeRuns(_ history: HistoryStore, publisher: Publisher,
                                         definition: PipelineDefinition) throws(RunFailure) {
        let office: [String]
        do {
            office = try history.publishedOfficeRuns().filter(publisher.hasRunFolder)
        } catch {
            throw .output(error)
        }
        guard let newest = office.last else { return }
        let others = office.count > 1 ? " and \(office.count - 1) more" : ""
        throw .definition(DefinitionError(
            SourceLocation(path: definition.file, line: 1),
            "a run for auditors cannot publish into '\(definition.outputDirectory)': it holds reports for the office, with "
                + "student ids (runs/\(newest)\(others)); give reports for auditors an output folder of their own "
                + "(`output:` in a definition of their own), or remove those runs"))
    }

    private init(plan: RunPlan, startedAt: Date, lock: RunLock, history: HistoryStore, publisher: Publisher,
                 previous: (run: HistoryStore.Run, inputs: [HistoryStore.Input])?,
                 lastKept: (run: HistoryStore.Run, inputs: [HistoryStore.Input])?) {
        self.plan = plan
        self.startedAt = startedAt
        self.lock = lock
        self.history = history
        self.publisher = publisher
        self.previous = previous
        self.lastKept = lastKept
        runID = Publisher.runID(startedAt)
        stagingName = OutputFolder.stagingPrefix + runID
        spillName = OutputFolder.spillPrefix + runID
        staging = publisher.outputDirectory + "/" + stagingName
        spillDirectory = publisher.outputDirectory + "/" + spillName
    }

    private static func takeLock(_ folder: OutputFolder, startedAt: Date) throws -> RunLock {
        let acquired = try RunLock.acquire(folder, startedAt: startedAt)
        switch acquired {
        case .success(let lock): return lock
        case .failure(let held): throw RunFailure.locked(held.path, held.holder)
        }
    }

    /// The last run published or held (`lastKept`), when this run would make the same reports:
    /// the definition, the reference data and every input as then (the same file, unwritten,
    /// with the digest recorded), the same placement year, its folder still there. A held run
    /// stays held: the same inputs would be held again.
    var unchangedSince: HistoryStore.Run? {
        let fingerprint = plan.fingerprint
        guard let previous = lastKept, previous.run.definitionSHA256 == fingerprint.definition,
              previous.run.referenceSHA256 == fingerprint.reference,
              // Reports made with other fingerprints (and, before version 0.6, ids left in them) are rebuilt.
              previous.run.fingerprintKey == plan.fingerprintKey,
              case .success(let previousAsOf) = DateParser(formats: [DateParser.iso]).parse(previous.run.asOf),
              PlacementYear(containing: previousAsOf) == PlacementYear(containing: plan.asOf),
              publisher.hasRunFolder(previous.run.id),
              // Last: it may read every input once (only those that are still the files read then).
              fingerprint.inputsUnchanged(since: previous.inputs, confinedTo: plan.definition.confinedTo) else { return nil }
        return previous.run
    }

    /// Another key made the previous run's fingerprints: the first run for auditors since they
    /// are keyed, a new pseudonym key, or a folder that had runs of the other kind. No finding
    /// is compared with that run.
    var fingerprintsRekeyed: Bool { previous.map { $0.run.fingerprintKey != plan.fingerprintKey } ?? false }

    // MARK: The failure path

    /// Runs the stages. Whatever they throw ends the run here, once: it is recorded in the
    /// history with its exit code (its reports are not published) and becomes the run's
    /// `RunFailure`. The staging and spill folders are removed either way (after publishing
    /// the one is renamed and the other pruned already).
    func recordingFailure<Value>(_ stages: () throws -> Value) throws(RunFailure) -> Value {
        defer {
            OutputFolder.remove(stagingName, in: publisher.folder.descriptor)
            OutputFolder.remove(spillName, in: publisher.folder.descriptor)
        }
        do {
            return try stages()
        } catch {
            let failure = runFailure(error)
            try? record(failure.exitStatus, published: false)
            throw failure
        }
    }

    /// What a stage threw, as the run's failure: output errors (spill files included) are exit 4.
    private func runFailure(_ error: any Error) -> RunFailure {
        switch error {
        case let failure as RunFailure: return failure
        case let error as OutputError: return .output(error)
        case let error as SpillError: return .output(OutputError(path: error.path, message: error.message))
        default: return .output(OutputError(path: staging, message: "\(error)"))
        }
    }

    /// The run's row in the history: failed (no findings, no figures), published, or held
    /// (with the guard's figures and, held, its reasons).
    func record(_ status: ExitStatus, published: Bool, current: Changes.Current? = nil, figures: GuardFigures? = nil,
                hold: PublishHold? = nil) throws(OutputError) {
        let fingerprint = plan.fingerprint
        var run = fingerprint.run(id: runID, asOf: plan.asOf, startedAt: startedAt, exitCode: status, published: published,
                                  fingerprintKey: plan.fingerprintKey)
        run.figures = figures
        if let hold {
            run.outcome = .held
            run.hold = HistoryStore.Hold(comparedWith: hold.comparedWith, reasons: hold.reasons.map { $0.text(.en) })
        }
        try history.record(HistoryStore.Record(
            run: run,
            inputs: fingerprint.historyInputs(reports), findingCount: current?.findings.count ?? 0,
            findings: current?.findings ?? FindingStore(sorted: []), capacity: current?.capacity ?? [],
            siteYears: current?.siteYears ?? [], findingChanges: current?.findingChanges, groupUse: current?.groupUse ?? []))
    }

    /// An unchanged night's row: no folder, no inputs read into reports; the run it equals, and
    /// that run's exit code when it is held (the night is held still).
    func recordUnchanged(sameAs previous: HistoryStore.Run) throws(OutputError) {
        var run = plan.fingerprint.run(id: runID, asOf: plan.asOf, startedAt: startedAt, exitCode: unchangedExitStatus(previous),
                                       published: false, fingerprintKey: plan.fingerprintKey)
        run.outcome = .unchanged
        run.sameAs = previous.id
        try history.record(HistoryStore.Record(run: run, inputs: [], findingCount: 0, findings: FindingStore(sorted: []), capacity: [],
                                               siteYears: []))
    }

    /// 7 when the run an unchanged night equals is held, else 0.
    func unchangedExitStatus(_ previous: HistoryStore.Run) -> ExitStatus { previous.outcome == .held ? .held : .success }

    // MARK: Folders

    /// The staging folder, new (a leftover of the same id is removed), with the quarantine in it,
    /// and the workbook when the run writes one.
    func openStaging() throws(OutputError) -> QuarantineWriter {
        try publisher.folder.makeOwnDirectory(stagingName, for: "the reports")
        let formats = plan.definition.report.formats
        if formats.contains(.xlsx) { workbook = RunWorkbook(staging: staging, asOf: plan.asOf) }
        let quarantine = try QuarantineWriter(directory: staging, excel: formats.contains(.excel), sheet: workbook?.quarantine)
        quarantine.redactsRawText = plan.pseudonyms != nil
        return quarantine
    }

    /// The spill folder when the evaluation inputs are large enough to be normalized in
    /// partitions on disk; nil when they are normalized in memory.
    func spillSettings() throws(OutputError) -> SpillSettings? {
        let partitions = plan.definition.partitions
        guard plan.evaluationBytes > partitions.aboveBytes else { return nil }
        try publisher.folder.makeOwnDirectory(spillName, for: "partitions")
        return SpillSettings(directory: spillDirectory, partitionRows: partitions.rows)
    }
}
