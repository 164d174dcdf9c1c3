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
    static func ingest(_ definition: PipelineDefinition, reference: ReferenceData, quarantine: QuarantineWriter)
        throws(RunFailure) -> ([FileReport], Normalizer) {
        var normalizer = Normalizer(reference: reference)
        let reports: [FileReport]
        do {
            reports = try Validation.ingestAll(definition, quarantine: quarantine) { event in
                if case .accepted(let record) = event { normalizer.add(record) }
            }
        } catch {
            throw .output(error)
        }
        return (reports, normalizer)
    }

    public static func run(_ definition: PipelineDefinition, asOf: Day?, today: Day) throws(RunFailure) -> RunResult {
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
        let staging = definition.outputDirectory + "/.staging-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: staging) }
        let quarantine: QuarantineWriter
        do {
            try? FileManager.default.removeItem(atPath: staging)
            quarantine = try QuarantineWriter(directory: staging)
        } catch {
            throw .output(error)
        }
        lap("reference")
        let (reports, normalizer) = try ingest(definition, reference: reference, quarantine: quarantine)
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
            try RunOutputs.writeFindings(reconciliation.findings, to: staging)
            try RunOutputs.writePlacements(reconciliation, to: staging)
            try RunOutputs.writeCapacity(Figures.capacity(reconciliation, reference: reference), to: staging)
            try RunOutputs.writeCoverage(Figures.coverage(reconciliation, reference: reference), to: staging)
            try RunOutputs.writeProgress(Figures.progress(reconciliation, reference: reference), to: staging)
            try RunOutputs.writeAudit(Figures.audit(reconciliation, reference: reference, asOf: asOf), to: staging)
            let names = ["audit.csv", "capacity.csv", "coverage.csv", "findings.csv", "findings.json", "placements.csv",
                         "progress.csv", "quarantine.csv", "quarantine.json"]
            var outputs: [String] = []
            for name in names {
                let target = definition.outputDirectory + "/" + name
                guard rename(staging + "/" + name, target) == 0 else {
                    throw OutputError(path: target, message: "cannot publish: " + String(cString: strerror(errno)))
                }
                outputs.append(target)
            }
            lap("outputs")
            return RunResult(reports: reports, reconciliation: reconciliation, outputs: outputs,
                             referenceWarnings: reference.warnings, asOf: asOf, timings: timings)
        } catch let error as OutputError {
            throw .output(error)
        } catch {
            throw .output(OutputError(path: definition.outputDirectory, message: "\(error)"))
        }
    }
}

/// The files `run` writes; byte-identical for the same inputs and as-of date.
enum RunOutputs {
    static func writeFindings(_ findings: [Finding], to directory: String) throws(OutputError) {
        let csv = try TextFileWriter(path: directory + "/findings.csv")
        try csv.write("code,severity,fingerprint,key,message,sources\n")
        let json = try TextFileWriter(path: directory + "/findings.json")
        try json.write("[")
        for (index, finding) in findings.enumerated() {
            let sources = finding.sources.map(\.description)
            let fields = [finding.code.rawValue, finding.severity.rawValue, finding.fingerprint, finding.key, finding.message,
                          sources.joined(separator: " ")]
            try csv.write(fields.map { TextEscaping.csvField($0) }.joined(separator: ",") + "\n")
            try json.write((index == 0 ? "\n  " : ",\n  ")
                + "{\"code\":\(TextEscaping.jsonString(finding.code.rawValue)),\"severity\":\(TextEscaping.jsonString(finding.severity.rawValue)),"
                + "\"fingerprint\":\(TextEscaping.jsonString(finding.fingerprint)),\"key\":\(TextEscaping.jsonString(finding.key)),"
                + "\"message\":\(TextEscaping.jsonString(finding.message)),"
                + "\"sources\":[" + sources.map(TextEscaping.jsonString).joined(separator: ",") + "]}")
        }
        try json.write(findings.isEmpty ? "]\n" : "\n]\n")
        try csv.commit()
        try json.commit()
    }

    static func writePlacements(_ reconciliation: Reconciliation, to directory: String) throws(OutputError) {
        let csv = try TextFileWriter(path: directory + "/placements.csv")
        try csv.write("student,site,discipline,start,end,weeks,kind,year,final_score,agreement,agreement_kind,sources\n")
        for entry in reconciliation.placements {
            let placement = entry.placement
            let agreement: (String, String)
            switch entry.match {
            case .agreement(let index):
                let matched = reconciliation.agreements[index]
                agreement = (matched.id, matched.kind.rawValue)
            case .outsideValidity: agreement = ("", "OUTSIDE_VALIDITY")
            case .noAgreement: agreement = ("", "NO_AGREEMENT")
            }
            let fields = [placement.student, placement.site, placement.discipline, placement.start.description,
                          placement.end.description, String(placement.weeks), placement.kind?.rawValue ?? "",
                          placement.year.description, placement.finalScore.map(ScoreFormatting.text) ?? "", agreement.0, agreement.1,
                          placement.sources.map(\.description).joined(separator: " ")]
            try csv.writeCSVRecord(fields)
        }
        try csv.commit()
    }
}

extension RunOutputs {
    /// SPEC §5 capacity, RFC 4180; empty cells where a figure is undefined.
    static func writeCapacity(_ rows: [CapacityRow], to directory: String) throws(OutputError) {
        let csv = try TextFileWriter(path: directory + "/capacity.csv")
        try csv.write("site,discipline,year,slots,capacity_weeks,used_weeks,placements,students,utilisation,peak_concurrent,over_capacity_days\n")
        for row in rows {
            try csv.writeCSVRecord([row.site, row.discipline, row.year.description, String(row.slots), row.capacityWeeks,
                                    String(row.usedWeeks), String(row.placements), String(row.students), row.utilisation ?? "",
                                    String(row.peakConcurrent), String(row.overCapacityDays)])
        }
        try csv.commit()
    }

    /// SPEC §5 progress, over all years.
    static func writeProgress(_ rows: [ProgressRow], to directory: String) throws(OutputError) {
        let csv = try TextFileWriter(path: directory + "/progress.csv")
        try csv.write("student,part,passed_weeks,required_weeks,met\n")
        for row in rows {
            try csv.writeCSVRecord([row.student, row.part, String(row.passedWeeks), String(row.requiredWeeks), row.met ? "yes" : "no"])
        }
        try csv.commit()
    }

    /// Means over fewer evaluations than this are left empty (SPEC §5).
    static let minimumEvaluations = 5

    /// SPEC §5 audit: no student identity in it.
    static func writeAudit(_ rows: [AuditRow], to directory: String) throws(OutputError) {
        let csv = try TextFileWriter(path: directory + "/audit.csv")
        try csv.write("site,year,recognised,region,placements,student_weeks,placements_without_agreement,individual_agreements,"
                      + "evaluation_completeness,mean_final_score,mean_knowledge_and_skills,mean_patient_contact,mean_teamwork\n")
        let minimum = minimumEvaluations
        for row in rows {
            try csv.writeCSVRecord([row.site, row.year.description, row.recognised ? "yes" : "no", row.region?.rawValue ?? "",
                                    String(row.placements), String(row.studentWeeks), String(row.withoutAgreement),
                                    String(row.individualAgreements), row.completeness ?? "", row.meanFinal(minimum: minimum) ?? "",
                                    row.meanKnowledge(minimum: minimum) ?? "", row.meanPatient(minimum: minimum) ?? "",
                                    row.meanTeam(minimum: minimum) ?? ""])
        }
        try csv.commit()
    }

    /// SPEC §5 coverage, RFC 4180.
    static func writeCoverage(_ rows: [CoverageRow], to directory: String) throws(OutputError) {
        let csv = try TextFileWriter(path: directory + "/coverage.csv")
        try csv.write("discipline_group,year,students,required_weeks,student_weeks,recognised_weeks,non_recognised_weeks,"
                      + "share_non_recognised,recognised_capacity_weeks,capacity_coverage\n")
        for row in rows {
            try csv.writeCSVRecord([row.group, row.year.description, String(row.students), String(row.requiredWeeks),
                                    String(row.studentWeeks), String(row.recognisedWeeks), String(row.nonRecognisedWeeks),
                                    row.shareNonRecognised ?? "", row.recognisedCapacityWeeks, row.capacityCoverage ?? ""])
        }
        try csv.commit()
    }
}
