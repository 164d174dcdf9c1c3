import Foundation
import Ingest
import Normalize
import Reconcile
import Report
import StagebalansCore

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
    /// 0, or 1 when findings reach the definition's fail_on.
    public var exitStatus: ExitStatus
    /// Findings per code, the first ten findings in order, and the placements: also for a run
    /// in partitions, whose reconciliation holds neither its placements nor its findings.
    public var findingCounts: [FindingCode: Int] = [:]
    public var firstFindings: [Finding] = []
    public var placementCount = 0

    public var rejected: [FileReport] { reports.filter { $0.rejection != nil } }
}

/// How a `run` ended when it did not fail.
public enum RunOutcome: Sendable {
    case published(RunResult)
    /// Definition, reference data and every input as in the last successful run, same placement
    /// year: nothing rewritten.
    case unchanged(previousRunID: String, asOf: Day)

    public var result: RunResult? {
        if case .published(let result) = self { return result }
        return nil
    }
}

/// Options of one run besides the definition.
public struct RunOptions: Sendable {
    public var asOf: Day?
    public var today: Day
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

    public init(asOf: Day? = nil, today: Day, forAuditors: Bool = false, force: Bool = false) {
        self.asOf = asOf
        self.today = today
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

/// The two pieces of work a run starts with, side by side.
private enum Early: Sendable {
    case reference(Result<ReferenceData, RunFailure>)
    case fingerprint(InputFingerprint)
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

    /// Reads every source into a normalizer, writing the quarantine as it goes.
    static func ingest(_ definition: PipelineDefinition, reference: ReferenceData, quarantine: QuarantineWriter,
                       spill: SpillSettings? = nil, threading: Ingester.Threading = .automatic,
                       progress: (@Sendable (String, Int) -> Void)? = nil,
                       onFile: (@Sendable (FileReport, Double) -> Void)? = nil) throws(RunFailure) -> ([FileReport], Normalizer) {
        var normalizer: Normalizer
        if let spill {
            do {
                normalizer = try Normalizer(reference: reference, spillingTo: spill)
            } catch {
                throw .output(OutputError(path: error.path, message: error.message))
            }
        } else {
            normalizer = Normalizer(reference: reference)
        }
        let reports: [FileReport]
        var rows = 0
        do {
            reports = try Validation.ingestAll(definition, quarantine: quarantine, threading: threading, onFile: onFile) { source, event in
                if case .accepted(let record) = event { normalizer.add(record) }
                if let progress {
                    rows += 1
                    if rows & 0x3FFF == 0 { progress(source, rows) }
                }
            }
        } catch {
            throw .output(error)
        }
        return (reports, normalizer)
    }

    /// The run of the tests and earlier callers: published or failed.
    public static func run(_ definition: PipelineDefinition, asOf: Day?, today: Day, forAuditors: Bool = false,
                           environment: [String: String] = ProcessInfo.processInfo.environment,
                           threading: Ingester.Threading = .automatic, force: Bool = true) throws(RunFailure) -> RunResult {
        var options = RunOptions(asOf: asOf, today: today, forAuditors: forAuditors, force: force)
        options.environment = environment
        options.threading = threading
        switch try run(definition, options: options) {
        case .published(let result): return result
        case .unchanged(let previous, _):
            throw .output(OutputError(path: definition.outputDirectory, message: "unchanged since run \(previous)"))
        }
    }

    /// A crash at the start of a stage, for the tests of atomic publishing: the process kills
    /// itself exactly as `kill -9` would (`STAGEBALANS_CRASH_AT=ingest|normalize|reconcile|report|publish`).
    static func crashPoint(_ stage: String, _ environment: [String: String]) {
        if environment["STAGEBALANS_CRASH_AT"] == stage { kill(getpid(), SIGKILL) }
    }

    /// The reference data, loaded while the inputs are hashed: neither needs the other.
    static func referenceAndFingerprint(_ definition: PipelineDefinition, forAuditors: Bool)
        throws(RunFailure) -> (ReferenceData, InputFingerprint) {
        var loaded: ReferenceData?
        var failure: RunFailure?
        var hashed: InputFingerprint?
        for piece in Parallel.map(2, { piece -> Early in
            guard piece == 0 else { return .fingerprint(InputFingerprint(definition: definition, forAuditors: forAuditors)) }
            do throws(RunFailure) {
                return .reference(.success(try reference(for: definition)))
            } catch {
                return .reference(.failure(error))
            }
        }) {
            switch piece {
            case .reference(.success(let value)): loaded = value
            case .reference(.failure(let error)): failure = error
            case .fingerprint(let value): hashed = value
            }
        }
        if let failure { throw failure }
        guard let loaded, let hashed else {
            throw RunFailure.output(OutputError(path: definition.outputDirectory,
                                                message: "the reference data or the input digests were not computed"))
        }
        return (loaded, hashed)
    }

    public static func run(_ definition: PipelineDefinition, options: RunOptions) throws(RunFailure) -> RunOutcome {
        let startedAt = Date()
        var timings: [(stage: String, seconds: Double)] = []
        var clock = ContinuousClock.now
        @Sendable func since(_ start: ContinuousClock.Instant) -> Double {
            let elapsed = ContinuousClock.now - start
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        }
        func lap(_ stage: String) {
            timings.append((stage, since(clock)))
            clock = ContinuousClock.now
        }
        func stage(_ name: String) {
            options.onStage?(name)
            crashPoint(name, options.environment)
        }
        let asOf = options.asOf ?? definition.asOf ?? options.today
        let forAuditors = options.forAuditors || definition.report.forAuditors
        let (reference, fingerprint) = try referenceAndFingerprint(definition, forAuditors: forAuditors)
        // The key is checked before anything is read: a run for auditors without one writes nothing.
        var pseudonyms: Pseudonyms?
        if forAuditors {
            do {
                pseudonyms = try PseudonymKey.load(definition.report, definition: definition.file, environment: options.environment)
            } catch {
                throw .definition(error)
            }
        }
        let output = definition.outputDirectory
        let lock: RunLock
        do {
            switch try RunLock.acquire(outputDirectory: output, startedAt: startedAt) {
            case .success(let held): lock = held
            case .failure(let held): throw RunFailure.locked(held.path, held.holder)
            }
        } catch let failure as RunFailure {
            throw failure
        } catch let error as OutputError {
            throw .output(error)
        } catch {
            throw .output(OutputError(path: output, message: "\(error)"))
        }
        defer { withExtendedLifetime(lock) {} }
        let publisher = Publisher(outputDirectory: output, keepRuns: definition.keepRuns)
        let history: HistoryStore
        do {
            history = try HistoryStore.open(directory: output)
            try publisher.repair(lastPublished: history.lastPublished()?.run.id)
        } catch {
            throw .output(error)
        }
        // The reference stage includes hashing what this run reads, by content: the definition
        // (and the settings given beside it), the reference data, every input.
        lap("reference")


        let previous: (run: HistoryStore.Run, inputs: [HistoryStore.Input])?
        do {
            previous = try history.lastPublished()
        } catch {
            throw .output(error)
        }
        if !options.force, let previous, previous.run.definitionSHA256 == fingerprint.definition,
           previous.run.referenceSHA256 == fingerprint.reference,
           previous.inputs.map({ [$0.path, $0.sha256] }) == fingerprint.inputs.map({ [$0.path, $0.sha256] }),
           case .success(let previousAsOf) = DateParser(formats: [DateParser.iso]).parse(previous.run.asOf),
           PlacementYear(containing: previousAsOf) == PlacementYear(containing: asOf),
           FileManager.default.fileExists(atPath: publisher.runsDirectory + "/" + previous.run.id) {
            return .unchanged(previousRunID: previous.run.id, asOf: asOf)
        }

        let runID = Publisher.runID(startedAt)
        let staging = output + "/.staging-" + runID
        defer { try? FileManager.default.removeItem(atPath: staging) }
        var reports: [FileReport] = []
        func recordFailure(_ status: ExitStatus) {
            // A failed run is in the history with its exit code; its reports are not published.
            try? history.record(HistoryStore.Record(
                run: fingerprint.run(id: runID, asOf: asOf, startedAt: startedAt, exitCode: status, published: false),
                inputs: fingerprint.historyInputs(reports), findingCount: 0, findings: FindingStore(sorted: []), capacity: [],
                siteYears: []))
        }
        let quarantine: QuarantineWriter
        do {
            try? FileManager.default.removeItem(atPath: staging)
            quarantine = try QuarantineWriter(directory: staging)
            quarantine.redactsRawText = pseudonyms != nil
        } catch {
            recordFailure(.outputFailed)
            throw .output(error)
        }
        // Large evaluation inputs are normalized in partitions on disk, beside the staging folder.
        let evaluationSources = Set(definition.sources.filter { $0.kind == .evaluations }.map(\.name))
        let evaluationBytes = fingerprint.inputs.filter { evaluationSources.contains($0.source) }.reduce(0) { $0 + $1.bytes }
        var spill: SpillSettings?
        if evaluationBytes > definition.partitions.aboveBytes {
            let directory = output + "/.spill-" + runID
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                recordFailure(.outputFailed)
                throw .output(OutputError(path: directory, message: "cannot create the folder for partitions: \(error.localizedDescription)"))
            }
            spill = SpillSettings(directory: directory, partitionRows: definition.partitions.rows)
        }
        defer { if let spill { try? FileManager.default.removeItem(atPath: spill.directory) } }
        stage("ingest")
        var normalizer: Normalizer
        do {
            (reports, normalizer) = try ingest(definition, reference: reference, quarantine: quarantine, spill: spill,
                                               threading: options.threading, progress: options.onProgress, onFile: options.onFile)
        } catch {
            recordFailure(error.exitStatus)
            throw error
        }
        let rejected = reports.filter { $0.rejection != nil }
        guard rejected.isEmpty else {
            recordFailure(.unreadableInput)
            throw .unreadableInput(rejected)
        }
        lap("ingest")

        stage("normalize")
        let settings = ReconcileSettings(asOf: asOf, evaluationOverdueDays: definition.evaluationOverdueDays,
                                         expiryHorizonDays: definition.expiryHorizonDays)
        let normalized: PartitionedNormalization
        do {
            normalized = try (consume normalizer).finishInPartitions()
        } catch {
            recordFailure(.outputFailed)
            throw .output(OutputError(path: error.path, message: error.message))
        }
        // Partition by partition: placements built (normalize), matched and checked (reconcile),
        // their files and figures written and gathered (report). One partition unless the
        // inputs were large enough to spill.
        let reconciler = Reconciler(reference: reference, settings: settings)
        let agreements = normalized.agreements, partitions = normalized.partitions
        let agreementIndex = Reconciler.AgreementIndex(agreements)
        var rosterParts = [[RosterEntry]](repeating: [], count: partitions.count)
        for entry in normalized.roster { rosterParts[partitions.partition(of: entry.student)].append(entry) }
        let students = pseudonyms == nil ? [] : Set(normalized.students).union(normalized.roster.map(\.student))
        let pseudonymsForFiles = pseudonyms
        var tally = AgreementTally()
        // One partition: its findings are held; several: each partition's go to disk, sorted.
        var findings = normalized.findings
        var spilledFindings = partitions.count > 1 ? spill.map { FindingStoreBuilder(directory: $0.directory) } : nil
        var kept: [MatchedPlacement] = []
        var seconds = (normalize: 0.0, reconcile: 0.0, report: 0.0)
        seconds.normalize = since(clock)
        let partitionReports: PartitionReports
        do {
            try quarantine.commit()
            partitionReports = try PartitionReports(directory: staging, formats: definition.report.formats, reference: reference,
                                                    asOf: asOf, student: { id in pseudonymsForFiles?.pseudonym(id) ?? id })
            for index in 0..<partitions.count {
                var start = ContinuousClock.now
                let (placements, placementFindings) = try partitions.take(index)
                seconds.normalize += since(start)
                if index == 0 { stage("reconcile") }
                start = ContinuousClock.now
                let part = reconciler.reconcile(partition: placements, agreements: agreements, index: agreementIndex, tally: &tally)
                if spilledFindings != nil {
                    try spilledFindings?.add(placementFindings + part.findings)
                } else {
                    findings += placementFindings
                    findings += part.findings
                }
                seconds.reconcile += since(start)
                if index == 0 { stage("report") }
                start = ContinuousClock.now
                try partitionReports.add(Reconciliation(placements: part.matched, agreements: agreements, roster: rosterParts[index],
                                                        findings: [], years: []), last: index == partitions.count - 1)
                if partitions.count == 1 { kept = part.matched }
                seconds.report += since(start)
            }
        } catch let error as SpillError {
            recordFailure(.outputFailed)
            throw .output(OutputError(path: error.path, message: error.message))
        } catch let error as OutputError {
            recordFailure(.outputFailed)
            throw .output(error)
        } catch {
            recordFailure(.outputFailed)
            throw .output(OutputError(path: staging, message: "\(error)"))
        }
        let start = ContinuousClock.now
        let findingStore: FindingStore
        if var builder = spilledFindings {
            do {
                try builder.add(reconciler.finishFindings(tally, agreements: agreements))
            } catch {
                recordFailure(.outputFailed)
                throw .output(error)
            }
            findingStore = builder.finish(held: Reconciler.sorted(findings))
        } else {
            findings += reconciler.finishFindings(tally, agreements: agreements)
            findingStore = FindingStore(sorted: Reconciler.sorted(findings))
        }
        findings = []
        let reconciliation = Reconciliation(placements: kept, agreements: agreements, roster: normalized.roster,
                                            findings: findingStore.inMemory ?? [], years: tally.years.sorted())
        seconds.reconcile += since(start)
        timings.append(("normalize", seconds.normalize))
        timings.append(("reconcile", seconds.reconcile))
        clock = ContinuousClock.now - .seconds(seconds.report)
        do {
            let input = RunReportInput(definition: definition, reference: reference, reconciliation: reconciliation,
                                       partitions: partitionReports, findings: findingStore, reports: reports, asOf: asOf,
                                       pseudonyms: pseudonyms, students: students)
            // The figures and the comparison with the previous run are one of the report jobs:
            // the placements, findings and progress files do not need them.
            let changeSettings = definition.changes
            let prepare: @Sendable () throws(OutputError) -> RunFigures = { () throws(OutputError) in
                partitionReports.addLastFigures()
                let capacity = partitionReports.capacity.rows(years: reconciliation.years, agreements: agreements)
                let audit = partitionReports.audit.rows(years: reconciliation.years, agreements: agreements, reference: reference)
                let current = Changes.Current(
                    findings: findingStore,
                    capacity: capacity,
                    siteYears: audit.map {
                        HistoryStore.SiteYear(site: $0.site, year: $0.year.description, recognised: $0.recognised,
                                              placements: $0.placements)
                    })
                var before: Changes.Previous?
                if let previous {
                    let findings = try history.findings(of: previous.run.id, notIn: current.fingerprints)
                    before = Changes.Previous(fingerprints: findings.fingerprints, resolved: findings.gone,
                                              capacity: try history.capacity(of: previous.run.id),
                                              siteYears: try history.siteYears(of: previous.run.id))
                }
                let changes = try Changes.table(previous: before, current: current, settings: changeSettings)
                let note = previous.map { "Compared with run \($0.run.id) (as of \($0.run.asOf)): \(changes.rows.count) changes." }
                    ?? "This is the first run: there is nothing to compare with."
                return RunFigures(capacity: capacity, audit: audit, changes: changes, changesNote: note, current: current)
            }
            var written: [WrittenFile], figures: RunFigures
            (written, figures) = try RunReports.write(input, figures: prepare, to: staging)
            let current = figures.current
            let changes = figures.changes
            written += quarantine.written
            written.sort { $0.name < $1.name }
            lap("report")
            let manifest = RunReports.manifest(input, runID: runID, outputs: written, timings: timings, fingerprint: fingerprint)
            let manifestWriter = try TextFileWriter(path: staging + "/manifest.json")
            try manifestWriter.write(bytes: manifest)
            try manifestWriter.commit()

            // Before publishing: the run's spill folder goes with the housekeeping after it.
            let firstFindings = try findingStore.first(10)
            stage("publish")
            let exitStatus: ExitStatus = definition.failOn.map { level in
                Severity.allCases.contains { $0 >= level && findingStore.count($0) > 0 } ? .findings : .success
            } ?? .success
            let directory = try publisher.moveIntoPlace(staging: staging, runID: runID)
            try history.record(HistoryStore.Record(
                run: fingerprint.run(id: runID, asOf: asOf, startedAt: startedAt, exitCode: exitStatus, published: true),
                inputs: fingerprint.historyInputs(reports), findingCount: current.findings.count,
                findings: findingStore, capacity: current.capacity,
                siteYears: current.siteYears))
            try publisher.switchLatest(to: runID)
            // Housekeeping: the detail rows of runs whose folders are gone. A failure here leaves
            // them for the next night; the run is published.
            try? history.keepDetails(of: publisher.prune())
            lap("publish")
            return .published(RunResult(reports: reports, reconciliation: reconciliation,
                                        outputs: (written.map(\.name) + ["manifest.json"]).map { directory + "/" + $0 },
                                        referenceWarnings: reference.warnings, asOf: asOf, timings: timings, directory: directory,
                                        runID: runID, changes: changes.rows.count, comparedWith: previous?.run.id,
                                        exitStatus: exitStatus, findingCounts: findingStore.countsPerCode,
                                        firstFindings: firstFindings, placementCount: partitionReports.placementCount))
        } catch {
            recordFailure(.outputFailed)
            throw .output(error)
        }
    }
}
