import Foundation
import Ingest
import Normalize
import Reconcile
import Report
import StagebalansCore

/// `stagebalans run`: ingest → normalize → reconcile, then the outputs.
public struct RunResult: Sendable {
    public var reports: [FileReport]
    public var reconciliation: Reconciliation
    public var outputs: [String]
    public var referenceWarnings: [Diagnostic]
    public var asOf: Day
    /// Wall time per stage, in seconds, in the order the stages ran.
    public var timings: [(stage: String, seconds: Double)]

    public var rejected: [FileReport] { reports.filter { $0.rejection != nil } }
}

public enum RunFailure: Error, Sendable, CustomStringConvertible {
    case definition(DefinitionError)
    case unreadableInput([FileReport])
    case output(OutputError)

    public var exitStatus: ExitStatus {
        switch self {
        case .definition: return .badDefinition
        case .unreadableInput: return .unreadableInput
        case .output: return .outputFailed
        }
    }

    public var description: String {
        switch self {
        case .definition(let error): return error.description
        case .unreadableInput(let reports):
            return reports.compactMap { $0.rejection?.description }.joined(separator: "\n")
                + "\nthe run failed: nothing was written"
        case .output(let error): return error.description
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

    /// Reads every source into a normalizer, writing the quarantine as it goes.
    static func ingest(_ definition: PipelineDefinition, reference: ReferenceData, quarantine: QuarantineWriter,
                       threading: Ingester.Threading = .automatic) throws(RunFailure) -> ([FileReport], Normalizer) {
        var normalizer = Normalizer(reference: reference)
        let reports: [FileReport]
        do {
            reports = try Validation.ingestAll(definition, quarantine: quarantine, threading: threading) { event in
                if case .accepted(let record) = event { normalizer.add(record) }
            }
        } catch {
            throw .output(error)
        }
        return (reports, normalizer)
    }

    public static func run(_ definition: PipelineDefinition, asOf: Day?, today: Day, forAuditors: Bool = false,
                           environment: [String: String] = ProcessInfo.processInfo.environment,
                           threading: Ingester.Threading = .automatic) throws(RunFailure) -> RunResult {
        var timings: [(stage: String, seconds: Double)] = []
        var clock = ContinuousClock.now
        func lap(_ stage: String) {
            let now = ContinuousClock.now
            let elapsed = now - clock
            timings.append((stage, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18))
            clock = now
        }
        let reference = try reference(for: definition)
        let asOf = asOf ?? definition.asOf ?? today
        // The key is checked before anything is read: a run for auditors without one writes nothing.
        var pseudonyms: Pseudonyms?
        if forAuditors || definition.report.forAuditors {
            do {
                pseudonyms = try PseudonymKey.load(definition.report, definition: definition.file, environment: environment)
            } catch {
                throw .definition(error)
            }
        }
        let staging = definition.outputDirectory + "/.staging-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: staging) }
        let quarantine: QuarantineWriter
        do {
            try? FileManager.default.removeItem(atPath: staging)
            quarantine = try QuarantineWriter(directory: staging)
            quarantine.redactsRawText = pseudonyms != nil
        } catch {
            throw .output(error)
        }
        lap("reference")
        let (reports, normalizer) = try ingest(definition, reference: reference, quarantine: quarantine, threading: threading)
        let rejected = reports.filter { $0.rejection != nil }
        guard rejected.isEmpty else { throw .unreadableInput(rejected) }
        lap("ingest")

        let settings = ReconcileSettings(asOf: asOf, evaluationOverdueDays: definition.evaluationOverdueDays,
                                         expiryHorizonDays: definition.expiryHorizonDays)
        let normalized = normalizer.finish()
        lap("normalize")
        let reconciliation = Reconciler(reference: reference, settings: settings).reconcile(normalized)
        lap("reconcile")
        do {
            try quarantine.commit()
            let input = RunReportInput(definition: definition, reference: reference, reconciliation: reconciliation,
                                       reports: reports, asOf: asOf, pseudonyms: pseudonyms)
            var written = try RunReports.write(input, to: staging)
            for name in ["quarantine.csv", "quarantine.json"] {
                let path = staging + "/" + name
                let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
                written.append(WrittenFile(name: name, bytes: bytes, sha256: FileDigest.sha256(path: path) ?? ""))
            }
            written.sort { $0.name < $1.name }
            lap("outputs")
            let referenceFiles = definition.reference.map { [$0.sites, $0.disciplines, $0.curriculum] } ?? []
            let manifest = RunReports.manifest(input, outputs: written, timings: timings, referenceFiles: referenceFiles)
            let manifestWriter = try TextFileWriter(path: staging + "/manifest.json")
            try manifestWriter.write(bytes: manifest)
            try manifestWriter.commit()
            var outputs: [String] = []
            for name in written.map(\.name) + ["manifest.json"] {
                let target = definition.outputDirectory + "/" + name
                guard rename(staging + "/" + name, target) == 0 else {
                    throw OutputError(path: target, message: "cannot publish: " + String(cString: strerror(errno)))
                }
                outputs.append(target)
            }
            return RunResult(reports: reports, reconciliation: reconciliation, outputs: outputs,
                             referenceWarnings: reference.warnings, asOf: asOf, timings: timings)
        } catch let error as OutputError {
            throw .output(error)
        } catch {
            throw .output(OutputError(path: definition.outputDirectory, message: "\(error)"))
        }
    }
}

