import Ingest
import StagebalansCore

/// `stagebalans validate`: ingest only, with every file's counts and the first problems.
public struct ValidationResult: Sendable {
    public var reports: [FileReport]
    /// The first quarantined records, in reading order, as diagnostics.
    public var firstProblems: [Diagnostic]
    public var quarantineFiles: [String]

    public var rejected: [FileReport] { reports.filter { $0.rejection != nil } }
    public var totalRead: Int { reports.reduce(0) { $0 + $1.read } }
    public var totalAccepted: Int { reports.reduce(0) { $0 + $1.accepted } }
    public var totalQuarantined: Int { reports.reduce(0) { $0 + $1.quarantined } }

    public var exitStatus: ExitStatus { rejected.isEmpty ? .success : .unreadableInput }
}

public enum Validation {
    public static func run(_ definition: PipelineDefinition, quarantineDirectory: String, maxProblems: Int = 20)
        throws(OutputError) -> ValidationResult {
        let writer = try QuarantineWriter(directory: quarantineDirectory)
        var reports: [FileReport] = []
        var problems: [Diagnostic] = []
        for spec in definition.sources {
            let ingester = Ingester(spec: spec)
            for file in spec.files {
                do {
                    reports.append(try ingester.ingest(file: file) { event in
                        guard case .quarantined(let record) = event else { return }
                        try writer.add(record, source: spec.name)
                        if problems.count < maxProblems { problems.append(record.diagnostic) }
                    })
                } catch let error as OutputError {
                    throw error
                } catch {
                    throw OutputError(path: quarantineDirectory, message: "\(error)")
                }
            }
        }
        try writer.commit()
        return ValidationResult(reports: reports, firstProblems: problems, quarantineFiles: [writer.csvPath, writer.jsonPath])
    }
}
