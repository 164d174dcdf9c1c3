import Foundation
import Ingest
import Domain

/// What a run reads, by content: the definition (with the settings given beside it on the
/// command line), the reference data and every input file. Equal fingerprints and the same
/// placement year of the as-of date mean the reports would come out the same.
struct InputFingerprint: Sendable {
    struct Input: Sendable, Hashable {
        var source: String
        var path: String
        var bytes: Int
        var sha256: String
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
            "pseudonym_key_file=\(definition.report.pseudonymKeyFile ?? "")",
            "evaluation_overdue_days=\(definition.evaluationOverdueDays)", "expiry_horizon_days=\(definition.expiryHorizonDays)",
            "fail_on=\(definition.failOn?.rawValue ?? "")", "changes=\(definition.changes.capacityWeeks),\(definition.changes.utilisationPoints)",
            "sources=" + definition.sources.map { $0.name + ":" + $0.files.joined(separator: "|") }.joined(separator: ";"),
        ].joined(separator: "\n")
        self.definition = FileDigest.sha256(text: (FileDigest.sha256(path: definition.file) ?? "") + "\n" + settings)
        let files = definition.reference.map { [$0.sites, $0.disciplines, $0.curriculum] } ?? []
        referenceFiles = files.map { path in
            (path, Self.size(path), FileDigest.sha256(path: path) ?? "")
        }
        reference = FileDigest.sha256(text: referenceFiles.map { $0.path + " " + $0.sha256 }.joined(separator: "\n"))
        inputs = definition.sources.flatMap { spec in
            spec.files.map { Input(source: spec.name, path: $0, bytes: Self.size($0), sha256: FileDigest.sha256(path: $0) ?? "") }
        }
    }

    static func size(_ path: String) -> Int { (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0 }

    func sha256(of path: String) -> String { inputs.first { $0.path == path }?.sha256 ?? FileDigest.sha256(path: path) ?? "" }

    func run(id: String, asOf: Day, startedAt: Date, exitCode: ExitStatus, published: Bool,
             fingerprintKey: String?) -> HistoryStore.Run {
        let format = ISO8601DateFormatter()
        return HistoryStore.Run(id: id, asOf: asOf.description, startedAt: format.string(from: startedAt),
                                endedAt: format.string(from: Date()), exitCode: Int(exitCode.rawValue), definitionSHA256: definition,
                                referenceSHA256: reference, toolVersion: stagebalansVersion, published: published,
                                forAuditors: forAuditors, fingerprintKey: fingerprintKey)
    }

    /// The inputs with the rows ingest counted (zeros for files a failed run did not reach).
    func historyInputs(_ reports: [FileReport]) -> [HistoryStore.Input] {
        // The first report of each path, looked up rather than searched for: many files would make it quadratic.
        let byPath = Dictionary(reports.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        return inputs.map { input in
            let report = byPath[input.path]
            return HistoryStore.Input(source: input.source, path: input.path, bytes: input.bytes, sha256: input.sha256,
                                      rowsRead: report?.read ?? 0, rowsAccepted: report?.accepted ?? 0,
                                      rowsQuarantined: report?.quarantined ?? 0)
        }
    }
}
