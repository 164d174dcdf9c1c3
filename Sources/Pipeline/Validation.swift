import Domain
import Foundation
import Ingest

/// `stagebalans validate`: ingest only, with every file's counts and the first problems.
public struct ValidationResult: Sendable {
    public var reports: [FileReport]
    /// The first quarantined records, in reading order, as diagnostics.
    public var firstProblems: [Diagnostic]
    public var quarantineFiles: [String]
    /// The reference data as `run` would load it.
    public var reference: ReferenceCheck

    public var rejected: [FileReport] { reports.filter { $0.rejection != nil } }
    public var totalRead: Int { reports.reduce(0) { $0 + $1.read } }
    public var totalAccepted: Int { reports.reduce(0) { $0 + $1.accepted } }
    public var totalQuarantined: Int { reports.reduce(0) { $0 + $1.quarantined } }

    /// 2 for reference data `run` would refuse (before it reads any input), else 3 for a file
    /// rejected whole, else 0.
    public var exitStatus: ExitStatus {
        if case .invalid = reference { return .badDefinition }
        return rejected.isEmpty ? .success : .unreadableInput
    }

    /// The reference data's warnings, then the inputs that held no record.
    public var warnings: [Diagnostic] { reference.warnings + reports.compactMap(\.emptyInputWarning) }
}

/// What `validate` found of the reference data: what `run` loads and checks before it reads any
/// input (`PipelineRun.reference`), so that a definition validate passes is not refused by run.
public enum ReferenceCheck: Sendable {
    /// The definition names none: the exports can be read, but `run` refuses it.
    case notNamed(definition: String)
    case valid(sites: Int, disciplines: Int, warnings: [Diagnostic])
    /// Every error `run` would report, with its file, line and column.
    case invalid(DefinitionError)

    init(_ definition: PipelineDefinition) {
        guard definition.reference != nil else {
            self = .notNamed(definition: definition.file)
            return
        }
        do {
            let reference = try PipelineRun.reference(for: definition)
            self = .valid(sites: reference.sites.count, disciplines: reference.disciplines.count, warnings: reference.warnings)
        } catch {
            guard case .definition(let failure) = error else {
                self = .invalid(DefinitionError(SourceLocation(path: definition.file, line: 1), error.description))
                return
            }
            self = .invalid(failure)
        }
    }

    var warnings: [Diagnostic] {
        switch self {
        case .valid(_, _, let warnings): return warnings
        case .invalid: return []
        case .notNamed(let definition):
            return [Diagnostic(.warning, at: SourceLocation(path: definition, line: 1),
                               "the definition names no reference data: the exports were read, but `run` refuses it; "
                               + "add `reference: {sites: …, disciplines: …, curriculum: …}`")]
        }
    }

    /// For validate's last line: "reference data valid (41 sites, 35 disciplines)".
    public var summary: String {
        switch self {
        case .notNamed: return "no reference data named"
        case .valid(let sites, let disciplines, _): return "reference data valid (\(sites) sites, \(disciplines) disciplines)"
        case .invalid(let error):
            let count = 1 + error.more.count
            return "reference data invalid (\(count) \(count == 1 ? "error" : "errors"))"
        }
    }
}

extension FileReport {
    /// A file read whole that held no record: an export can be empty on purpose, so it is no
    /// error, but every report then lacks that source, and an export cut short looks the same.
    public var emptyInputWarning: Diagnostic? {
        guard rejection == nil, read == 0 else { return nil }
        return Diagnostic(.warning, at: SourceLocation(path: path, line: 1),
                          "source '\(source)': the file holds no records (a header and no rows): the reports have nothing "
                          + "from it; check that the export is complete", kind: "inputs with a header and no rows")
    }
}

public enum Validation {
    /// The quarantine files leave out raw rows and the values quoted in reasons when the
    /// output folder is for auditors (`forAuditors(_:)`): `validate` writes them beside its
    /// runs. The problems printed on the terminal keep them (the office's own screen).
    public static func run(_ definition: PipelineDefinition, quarantineDirectory: String, maxProblems: Int = 20)
        throws(OutputError) -> ValidationResult {
        let writer = try QuarantineWriter(directory: quarantineDirectory)
        writer.redactsRawText = forAuditors(definition)
        var problems: [Diagnostic] = []
        let reports = try ingestAll(definition, quarantine: writer) { _, event in
            if case .quarantined(let record) = event, problems.count < maxProblems { problems.append(record.diagnostic) }
        }
        try writer.commit()
        return ValidationResult(reports: reports, firstProblems: problems, quarantineFiles: [writer.csvPath, writer.jsonPath],
                                reference: ReferenceCheck(definition))
    }

    /// `OUTPUT/validate`, where `validate` writes its quarantine unless told otherwise: a folder
    /// of the tool's own inside its output folder, so a symbolic link there is refused (exit 4)
    /// rather than followed.
    public static func defaultQuarantineDirectory(_ definition: PipelineDefinition) throws(OutputError) -> String {
        let directory = definition.outputDirectory + "/validate"
        var status = stat()
        if lstat(directory, &status) == 0, status.st_mode & S_IFMT == S_IFLNK {
            throw OutputFolder.linkRefused("validate", in: definition.outputDirectory,
                                           target: try? FileManager.default.destinationOfSymbolicLink(atPath: directory))
        }
        return directory
    }

    /// Whether the definition's output folder is for auditors: the definition says so, or the
    /// run `latest` names was made with `run --for-auditors` (its manifest says so).
    public static func forAuditors(_ definition: PipelineDefinition) -> Bool {
        if definition.report.forAuditors { return true }
        let manifest = definition.outputDirectory + "/latest/manifest.json"
        guard let data = FileManager.default.contents(atPath: manifest),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return false }
        return object["for_auditors"] as? Bool ?? false
    }

    /// Reads every source of the definition, in order, writing each quarantined record to
    /// `quarantine` and handing every event to `handle`. Each file's bytes are hashed as they
    /// are read: its report carries the digest of the bytes its records came from.
    static func ingestAll(_ definition: PipelineDefinition, quarantine: QuarantineWriter, threading: Ingester.Threading = .automatic,
                          onOpened: (@Sendable (String) -> Void)? = nil,
                          onFile: ((_ report: FileReport, _ seconds: Double) -> Void)? = nil,
                          _ handle: (_ source: String, IngestEvent) -> Void) throws(OutputError) -> [FileReport] {
        var reports: [FileReport] = []
        let policy = InputPolicy(confinedTo: definition.confinedTo, onOpened: onOpened)
        // One across every agreement source: a repeated id is quarantined, citing the first.
        var agreementIDs = UniqueAgreementIDs()
        for spec in definition.sources {
            let ingester = Ingester(spec: spec, threading: threading, policy: policy)
            for file in spec.files {
                do {
                    let started = ContinuousClock.now
                    let digest = InputDigest()
                    let idsBefore = agreementIDs
                    var report = try ingester.ingest(file: file, observer: digest, screenAgreement: { agreementIDs.admit($0) }) { event in
                        if case .quarantined(let record) = event { try quarantine.add(record, source: spec.name) }
                        handle(spec.name, event)
                    }
                    if report.rejection == nil {
                        report.sha256 = digest.hex
                    } else {
                        // A file rejected whole is not used: its ids are not the first of anything.
                        agreementIDs = idsBefore
                    }
                    reports.append(report)
                    onFile?(report, StageClock.seconds(since: started))
                } catch let error as OutputError {
                    throw error
                } catch {
                    throw OutputError(path: quarantine.csvPath, message: "\(error)")
                }
            }
        }
        return reports
    }
}
