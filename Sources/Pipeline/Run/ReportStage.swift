import Ingest
import Report
import Domain

/// Reporting: the report files written into the staging folder by the parallel report jobs
/// (`RunReports.write`, with `FiguresJob` as the one that needs the whole run), then
/// manifest.json, which lists them all.
enum ReportStage {
    struct Written {
        var input: RunReportInput
        /// Every file but the manifest, the quarantine's included, by name.
        var files: [WrittenFile]
        var figures: RunFigures
    }

    static func run(_ session: RunSession, _ placed: PartitionLoop.Outcome, reports: [FileReport],
                    quarantine: QuarantineWriter, hold: PublishHold? = nil,
                    onPageContent: (@Sendable (ReportPageContent) -> Void)? = nil) throws(OutputError) -> Written {
        let plan = session.plan
        let input = RunReportInput(definition: plan.definition, reference: plan.reference, reconciliation: placed.reconciliation,
                                   partitions: placed.partitions, findings: placed.findings, reports: reports, asOf: plan.asOf,
                                   forAuditors: plan.pseudonyms != nil, workbook: session.workbook,
                                   quarantine: quarantine.firstRows, quarantineTotal: quarantine.total, hold: hold,
                                   onPageContent: onPageContent)
        let figuresJob = FiguresJob(session, placed)
        var (files, figures) = try RunReports.write(input, figures: figuresJob.make, to: session.staging)
        files += quarantine.written
        // Last: its sheets are filled by every job before.
        if let workbook = session.workbook { files.append(try workbook.write(to: session.staging)) }
        files.sort { $0.name < $1.name }
        return Written(input: input, files: files, figures: figures)
    }

    /// manifest.json, the last file of the staging folder: every other file, and the time
    /// each stage took so far.
    static func writeManifest(_ written: Written, session: RunSession,
                              timings: [(stage: String, seconds: Double)]) throws(OutputError) {
        let manifest = RunReports.manifest(written.input, runID: session.runID, outputs: written.files, timings: timings,
                                           fingerprint: session.plan.fingerprint)
        let writer = try TextFileWriter(path: session.staging + "/manifest.json")
        try writer.write(bytes: manifest)
        try writer.commit()
    }
}
