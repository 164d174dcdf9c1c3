import Domain
import Ingest
import Normalize
import Report

/// Ingest: every source read into a normalizer, the quarantine written as it goes. The
/// normalizer keeps the rows in memory, or spills the evaluation rows to disk for partitions.
enum IngestStage {
    /// Reads every source; with `spill`, the evaluation rows go to its folder; with
    /// `pseudonymisation` (a run for auditors), ids are replaced as they come in.
    static func read(_ definition: PipelineDefinition, reference: ReferenceData, quarantine: QuarantineWriter,
                     spill: SpillSettings? = nil, pseudonymisation: Normalizer.Pseudonymisation? = nil,
                     threading: Ingester.Threading = .automatic, onOpened: (@Sendable (String) -> Void)? = nil,
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
        normalizer.pseudonymisation = pseudonymisation
        let reports: [FileReport]
        var rows = 0
        do {
            reports = try Validation.ingestAll(definition, quarantine: quarantine, threading: threading, onOpened: onOpened,
                                               onFile: onFile) { source, event in
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

    /// The stage of a run: reads every input, then fails the run when an input could not be
    /// read as a whole (the session records the inputs' rows either way).
    static func run(_ session: RunSession, quarantine: QuarantineWriter, spill: SpillSettings?,
                    options: RunOptions) throws(RunFailure) -> ([FileReport], Normalizer) {
        let plan = session.plan
        let pseudonymisation = plan.pseudonyms.map { keyed in
            Normalizer.Pseudonymisation(student: { keyed.pseudonym($0) }, unknownName: { keyed.nameToken($0) },
                                        individualAgreement: { keyed.agreementToken($0) })
        }
        let (reports, normalizer) = try read(plan.definition, reference: plan.reference, quarantine: quarantine, spill: spill,
                                             pseudonymisation: pseudonymisation, threading: options.threading,
                                             onOpened: options.onInputOpened, progress: options.onProgress, onFile: options.onFile)
        session.reports = reports
        let rejected = reports.filter { $0.rejection != nil }
        guard rejected.isEmpty else { throw .unreadableInput(rejected) }
        return (reports, normalizer)
    }
}
