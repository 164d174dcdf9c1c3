import Engine
import Foundation
import Ingest
import Normalize
import Reconcile
import Report
import Rules
import Domain

/// What a run reads and how, settled before it takes the lock: the as-of date, the reference
/// data, the fingerprint of the definition and the reference data (the inputs are hashed as
/// ingest reads them), and the pseudonym key of a run for auditors. Nothing here opens an input.
struct RunPlan: Sendable {
    let definition: PipelineDefinition
    let asOf: Day
    let reference: ReferenceData
    let fingerprint: InputFingerprint
    /// Set for reports for auditors. The key is checked before anything is read: a run for
    /// auditors without one writes nothing.
    let pseudonyms: Pseudonyms?

    init(_ given: PipelineDefinition, options: RunOptions) throws(RunFailure) {
        var definition = given
        if let language = options.language { definition.report.language = language }
        self.definition = definition
        asOf = options.asOf ?? definition.asOf ?? options.today
        let forAuditors = options.forAuditors || definition.report.forAuditors
        (reference, fingerprint) = try Self.referenceAndFingerprint(definition, forAuditors: forAuditors)
        guard forAuditors else {
            pseudonyms = nil
            return
        }
        do {
            pseudonyms = try PseudonymKey.load(definition.report, definition: definition.file, environment: options.environment)
        } catch {
            throw .definition(error)
        }
    }

    /// Which key makes this run's finding fingerprints: nil for the office's unkeyed ones.
    var fingerprintKey: String? { pseudonyms?.keyCheck }

    /// The settings of reconcile: the as-of date and the definition's thresholds.
    var reconcileSettings: ReconcileSettings {
        ReconcileSettings(asOf: asOf, evaluationOverdueDays: definition.evaluationOverdueDays,
                          expiryHorizonDays: definition.expiryHorizonDays)
    }

    /// Bytes of the evaluation inputs, all files together: above the definition's threshold
    /// they are normalized in partitions on disk.
    var evaluationBytes: Int {
        let evaluationSources = Set(definition.sources.filter { $0.kind == .evaluations }.map(\.name))
        return fingerprint.inputs.filter { evaluationSources.contains($0.source) }.reduce(0) { $0 + $1.bytes }
    }

    /// The two pieces of work a run starts with, side by side.
    private enum Early: Sendable {
        case reference(Result<ReferenceData, RunFailure>)
        case fingerprint(InputFingerprint)
    }

    /// The reference data, loaded while the definition and reference files are hashed and the
    /// inputs' sizes taken: neither needs the other.
    private static func referenceAndFingerprint(_ definition: PipelineDefinition, forAuditors: Bool)
        throws(RunFailure) -> (ReferenceData, InputFingerprint) {
        var loaded: ReferenceData?
        var failure: RunFailure?
        var hashed: InputFingerprint?
        for piece in Parallel.map(2, { piece -> Early in
            guard piece == 0 else { return .fingerprint(InputFingerprint(definition: definition, forAuditors: forAuditors)) }
            do throws(RunFailure) {
                return .reference(.success(try PipelineRun.reference(for: definition)))
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
}
