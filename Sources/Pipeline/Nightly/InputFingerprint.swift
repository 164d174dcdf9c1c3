import Crypto
import Foundation
import Ingest
import Domain

/// What a run reads, by content: the definition (with the settings given beside it on the
/// command line), the reference data and every input file. Equal fingerprints and the same
/// placement year of the as-of date mean the reports would come out the same.
///
/// The inputs are not hashed here: ingest hashes the bytes it reads as it reads them
/// (`InputDigest`), so that the digest recorded is that of the bytes the reports were built
/// from, and each input is read once. Before the lock only their sizes are known.
struct InputFingerprint: Sendable {
    struct Input: Sendable, Hashable {
        var source: String
        var path: String
        /// The size the path shows before the run (the run records what it read).
        var bytes: Int
    }

    var definition: String
    var reference: String
    var referenceFiles: [(path: String, bytes: Int, sha256: String)]
    var inputs: [Input]
    var forAuditors: Bool

    init(definition: PipelineDefinition, forAuditors: Bool) {
        self.forAuditors = forAuditors
        // The file, and what a caller may have changed in memory or on the command line.
        let settings = [
            "formats=" + definition.report.formats.map(\.rawValue).sorted().joined(separator: ","),
            "for_auditors=\(forAuditors)", "minimum_evaluations=\(definition.report.minimumEvaluations)",
            "pseudonym_key_file=\(definition.report.pseudonymKeyFile ?? "")", "language=\(definition.report.language.rawValue)",
            "evaluation_overdue_days=\(definition.evaluationOverdueDays)", "expiry_horizon_days=\(definition.expiryHorizonDays)",
            "fail_on=\(definition.failOn?.rawValue ?? "")", "changes=\(definition.changes.capacityWeeks),\(definition.changes.utilisationPoints)",
            "sources=" + definition.sources.map { $0.name + ":" + $0.files.joined(separator: "|") }.joined(separator: ";"),
        ].joined(separator: "\n")
        self.definition = FileDigest.sha256(text: (FileDigest.sha256(path: definition.file) ?? "") + "\n" + settings)
        let files = definition.reference.map { [$0.sites, $0.disciplines, $0.curriculum] } ?? []
        referenceFiles = files.map { path in
            (path, Self.size(path), FileDigest.sha256(path: path, confinedTo: definition.confinedTo) ?? "")
        }
        reference = FileDigest.sha256(text: referenceFiles.map { $0.path + " " + $0.sha256 }.joined(separator: "\n"))
        inputs = definition.sources.flatMap { spec in
            spec.files.map { Input(source: spec.name, path: $0, bytes: Self.size($0)) }
        }
    }

    /// Without opening the file (a FIFO would block): 0 when there is none.
    static func size(_ path: String) -> Int { FileIdentity.current(path)?.size ?? 0 }

    /// Whether every input is the file a previous run read, with its bytes: the same paths; each
    /// file still the one read then (device, inode, size, modification and status-change times
    /// as recorded); and, only when it is, its bytes hashed again to the digest recorded. A
    /// replaced or written file is changed without reading it; an unchanged one is read once.
    func inputsUnchanged(since previous: [HistoryStore.Input], confinedTo folder: String?) -> Bool {
        guard previous.map(\.path) == inputs.map(\.path) else { return false }
        return previous.allSatisfy { input in
            guard let recorded = input.identity, FileIdentity.current(input.path)?.description == recorded else { return false }
            return FileDigest.sha256(path: input.path, confinedTo: folder) == input.sha256
        }
    }

    func run(id: String, asOf: Day, startedAt: Date, exitCode: ExitStatus, published: Bool,
             fingerprintKey: String?) -> HistoryStore.Run {
        let format = ISO8601DateFormatter()
        return HistoryStore.Run(id: id, asOf: asOf.description, startedAt: format.string(from: startedAt),
                                endedAt: format.string(from: Date()), exitCode: Int(exitCode.rawValue), definitionSHA256: definition,
                                referenceSHA256: reference, toolVersion: stagebalansVersion, published: published,
                                forAuditors: forAuditors, fingerprintKey: fingerprintKey)
    }

    /// The inputs as ingest read them: the digest of the bytes read, the file they were read
    /// from, and the rows counted (no digest and zeros for files a failed run did not reach or
    /// could not read whole).
    func historyInputs(_ reports: [FileReport]) -> [HistoryStore.Input] {
        // The first report of each path, looked up rather than searched for: many files would make it quadratic.
        let byPath = Dictionary(reports.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        return inputs.map { input in
            let report = byPath[input.path]
            return HistoryStore.Input(source: input.source, path: input.path, bytes: report?.bytes ?? input.bytes,
                                      sha256: report?.sha256 ?? "", rowsRead: report?.read ?? 0,
                                      rowsAccepted: report?.accepted ?? 0, rowsQuarantined: report?.quarantined ?? 0,
                                      identity: report?.identity?.description)
        }
    }
}

/// SHA-256 of the bytes ingest reads, fed as they are read (`ByteObserver`). Each input has its
/// own; one thread at a time feeds it (the reading thread, handed over with the file).
final class InputDigest: ByteObserver, @unchecked Sendable {
    private var hasher = SHA256()

    func observe(_ bytes: UnsafeRawBufferPointer) { hasher.update(bufferPointer: bytes) }

    func digestSoFar() -> [UInt8] { Array(hasher.finalize()) }

    func restart() { hasher = SHA256() }

    var hex: String { hasher.finalize().hexDigits }
}
