import Crypto
import Foundation
import Ingest
import Normalize
import Reconcile
import Report
import Workbook
import Engine
import Domain

/// The version written into manifests and printed by `--version`.
public let stagebalansVersion = "0.7.0"

/// A file a run wrote, for the manifest.
public struct WrittenFile: Sendable, Hashable {
    public var name: String
    public var bytes: Int
    public var sha256: String
}

/// Where the pseudonym key comes from: the definition's `pseudonym_key_file`, else the
/// environment variable `STAGEBALANS_PSEUDONYM_KEY`. There is no fallback to plain ids.
public enum PseudonymKey {
    public static let environmentVariable = "STAGEBALANS_PSEUDONYM_KEY"

    public static func load(_ settings: ReportSettings, definition: String,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws(DefinitionError) -> Pseudonyms {
        var bytes: [UInt8]
        let origin: String
        if let file = settings.pseudonymKeyFile {
            guard let data = try? RegularFile.contents(file) else {
                throw DefinitionError(SourceLocation(path: definition, line: 1),
                                      "reports for auditors need a pseudonym key, but the key file '\(file)' cannot be read; "
                                      + "nothing was written (student ids are never written in their place)")
            }
            bytes = Array(data)
            while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
            origin = "the key file '\(file)'"
        } else if let value = environment[environmentVariable], !value.isEmpty {
            bytes = Array(value.utf8)
            origin = environmentVariable
        } else {
            throw DefinitionError(SourceLocation(path: definition, line: 1),
                                  "reports for auditors need a pseudonym key: set \(environmentVariable) or report.pseudonym_key_file "
                                  + "(outside the repository); nothing was written (student ids are never written in their place)")
        }
        guard let pseudonyms = Pseudonyms(key: bytes) else {
            throw DefinitionError(SourceLocation(path: definition, line: 1),
                                  "the pseudonym key from \(origin) has \(bytes.count) bytes; at least \(Pseudonyms.minimumKeyBytes) are needed")
        }
        return pseudonyms
    }
}

/// Writes one report file, or a table in the formats asked for, each streamed to its file.
private struct Saver: Sendable {
    let directory: String
    let formats: Set<ReportSettings.Format>

    func file(_ name: String, _ bytes: [UInt8]) throws(OutputError) -> WrittenFile {
        try file(name) { writer throws(OutputError) in try writer.write(bytes: bytes) }
    }

    func file(_ name: String, _ render: (inout TextFileWriter) throws(OutputError) -> Void) throws(OutputError) -> WrittenFile {
        var writer = try TextFileWriter(path: directory + "/" + name)
        try render(&writer)
        try writer.commit()
        return WrittenFile(name: name, bytes: writer.bytesWritten, sha256: writer.sha256)
    }

    func table(_ table: ReportTable) throws(OutputError) -> [WrittenFile] {
        try self.table(name: table.name, columns: table.columns, rows: table.rows)
    }

    /// `rows` is read once per format.
    func table<Rows: Sequence<[Cell]>>(name: String, columns: [String], rows: Rows) throws(OutputError) -> [WrittenFile] {
        var files = [try file(name + ".csv") { writer throws(OutputError) in
            try TableFormats.csv(columns: columns, rows: rows, dialect: .rfc4180, into: &writer)
        }]
        if formats.contains(.excel) {
            files.append(try file(name + ".excel.csv") { writer throws(OutputError) in
                try TableFormats.csv(columns: columns, rows: rows, dialect: .excelBelgium, into: &writer)
            })
        }
        if formats.contains(.json) {
            files.append(try file(name + ".json") { writer throws(OutputError) in
                try TableFormats.json(columns: columns, rows: rows, into: &writer)
            })
        }
        return files
    }
}

/// The figures the tables, the page and the history share, and the comparison with the
/// previous run.
struct RunFigures: Sendable {
    var capacity: [CapacityRow]
    var audit: [AuditRow]
    var changes: ReportTable
    /// What the changes are compared with, written in each format's language.
    var comparison: ComparisonNote
    var current: Changes.Current
    /// The page's trends: the published runs of this run's kind before it, and this run last.
    var trends: [NightTrend] = []
}

/// What one report job wrote, and the figures when it is the job that computed them.
private struct JobOutput: Sendable {
    var files: [WrittenFile]
    var figures: RunFigures?
}

/// Everything the report files are made from.
struct RunReportInput: Sendable {
    var definition: PipelineDefinition
    var reference: ReferenceData
    /// Every finding, the agreements, the roster and the years; its placements only when the
    /// run had one partition (the placements' files and figures are in `partitions`).
    var reconciliation: Reconciliation
    /// The placements' files and figures, written and gathered partition by partition.
    var partitions: PartitionReports
    /// Every finding, in order (held, or merged from disk for a run in partitions).
    var findings: FindingStore
    var reports: [FileReport]
    var asOf: Day
    /// Reports for auditors: ids are pseudonyms already (the normalizer replaced them as they
    /// came in); raw rows are left out.
    var forAuditors: Bool
    /// `report.xlsx` when the run writes one: the jobs fill its sheets, `ReportStage` writes it.
    var workbook: RunWorkbook?
    /// The first quarantined rows as the page lists them, and how many there are in all.
    var quarantine: [QuarantinedRow] = []
    var quarantineTotal = 0
    /// Why the publish guard holds the run back (summary.md says so first); nil when it publishes.
    var hold: PublishHold? = nil
    /// `RunOptions.onPageContent`.
    var onPageContent: (@Sendable (ReportPageContent) -> Void)? = nil
}

/// Writes the reports of a run into a folder: SPEC §5's tables in the requested formats,
/// findings, placements, the Markdown summary and the HTML page. Identical inputs give
/// identical bytes.
enum RunReports {
    static func write(_ input: RunReportInput, figures prepare: @escaping @Sendable () throws(OutputError) -> RunFigures,
                      to directory: String) throws(OutputError) -> ([WrittenFile], RunFigures) {
        let formats = input.definition.report.formats
        let reconciliation = input.reconciliation, reference = input.reference
        let context = TableContext(forAuditors: input.forAuditors, minimumEvaluations: input.definition.report.minimumEvaluations)
        let partitions = input.partitions

        let save = Saver(directory: directory, formats: formats)

        // Four independent jobs, run on as many cores as there are: the files do not depend
        // on each other, and each job's bytes are the same whatever runs beside it. The longest
        // (the last partition's figures, the comparison with the previous run and the tables
        // that need them) starts first; started third it waited for another and was alone at
        // the end. The placements and progress of earlier partitions are written already.
        let jobs: [@Sendable () throws -> JobOutput] = [
            {
                let figures = try prepare()
                let capacity = figures.capacity
                let changes = (table: figures.changes, comparison: figures.comparison)
                let coverage = partitions.coverage.rows(years: reconciliation.years, agreements: reconciliation.agreements,
                                                        reference: reference)
                let audit = Tables.audit.table(figures.audit, context)
                var files = try save.table(Tables.capacity.table(capacity))
                files += try save.table(Tables.coverage.table(coverage))
                files += try save.table(audit)
                files += try save.table(changes.table)
                let content = try pageContent(input, figures: figures, coverage: coverage, audit: audit, context: context)
                if formats.contains(.markdown) { files.append(try save.file("summary.md", MarkdownSummary.render(content))) }
                if formats.contains(.html) { files.append(try save.file("report.html", HTMLPage.render(content, reference: reference))) }
                try input.workbook?.writeTables(content, capacity: Tables.capacity.table(capacity),
                                                coverage: Tables.coverage.table(coverage))
                return JobOutput(files: files, figures: figures)
            },
            { JobOutput(files: try partitions.finishPlacementsSheet()) },
            { JobOutput(files: try partitions.finishPlacements()) },
            {
                JobOutput(files: try writeFindings(input.findings, csv: true, excel: formats.contains(.excel), json: false,
                                                   sheet: input.workbook?.findings, context: context, to: directory))
            },
            {
                // The JSON beside the CSV: at 10 M rows each is half a gigabyte of text.
                JobOutput(files: try writeFindings(input.findings, csv: false, excel: false, json: true, context: context, to: directory))
            },
            { JobOutput(files: try partitions.finishProgress()) },
        ]
        let results = Parallel.map(jobs.count) { index -> Result<JobOutput, OutputError> in
            do {
                return .success(try jobs[index]())
            } catch let error as OutputError {
                return .failure(error)
            } catch {
                return .failure(OutputError(path: directory, message: "\(error)"))
            }
        }
        var written: [WrittenFile] = []
        var computed: RunFigures?
        for result in results {
            let output = try result.get()
            written += output.files
            computed = computed ?? output.figures
        }
        guard let figures = computed else {
            throw OutputError(path: directory, message: "the report figures were not computed")
        }
        return (written, figures)
    }

    /// What the page and the summary show: the figures, the first findings of each code (at
    /// most `HTMLPage.findingsPerCode`), the drill-down gathered partition by partition, the
    /// timelines of the rows with over-capacity days (at most `timelinesOnPage`), the first
    /// quarantined rows and the trends.
    static func pageContent(_ input: RunReportInput, figures: RunFigures, coverage: [CoverageRow], audit: ReportTable,
                            context: TableContext) throws(OutputError) -> ReportPageContent {
        let shown = Tables.findings.table(try input.findings.firstPerCode(HTMLPage.findingsPerCode), context)
        let timelines = input.partitions.capacity.timelines(of: figures.capacity, agreements: input.reconciliation.agreements,
                                                            limit: timelinesOnPage)
        var content = ReportPageContent(summary: summary(input), language: input.definition.report.language,
                                        capacity: figures.capacity, coverage: coverage, audit: audit,
                                        findings: shown, changes: figures.changes, comparison: figures.comparison,
                                        findingCounts: Dictionary(uniqueKeysWithValues: input.findings.countsPerCode.map {
                                            ($0.key.rawValue, $0.value)
                                        }),
                                        drillDown: input.partitions.drillDown.drillDown, timelines: timelines,
                                        quarantine: input.quarantine,
                                        quarantineTotal: input.quarantineTotal, trends: figures.trends, forAuditors: input.forAuditors)
        content.hold = input.hold
        content.emptyInputs = input.reports.filter { $0.emptyInputWarning != nil }.map { ($0.source, $0.path) }
        input.onPageContent?(content)
        return content
    }

    /// The capacity rows with over-capacity days the page draws a day-level timeline of: those
    /// with the most such days (each is a few dozen stretches).
    static let timelinesOnPage = 200

    /// The headline figures of the page and the summary.
    static func summary(_ input: RunReportInput) -> ReportSummary {
        let reconciliation = input.reconciliation
        let read = input.reports.reduce(0) { $0 + $1.read }, quarantined = input.reports.reduce(0) { $0 + $1.quarantined }
        let language = input.definition.report.language
        let auditors = input.forAuditors ? language.text(" (for auditors)", " (voor auditoren)") : ""
        return ReportSummary(title: input.definition.name + auditors, asOf: input.asOf,
                             inputFiles: input.reports.count, recordsRead: read, quarantined: quarantined,
                             placements: input.partitions.placementCount, students: input.partitions.studentCount,
                             agreements: reconciliation.agreements.count, years: reconciliation.years,
                             errors: input.findings.count(.error), warnings: input.findings.count(.warning),
                             info: input.findings.count(.info))
    }

    /// findings.csv, findings.excel.csv and findings.json, those asked for written in one pass
    /// over the findings: read back from disk (a run in partitions) each pass decodes them all.
    /// Each is the findings table (`Tables.findings`) streamed; the JSON keeps sources as an
    /// array of `path:line`.
    static func writeFindings(_ findings: FindingStore, csv: Bool, excel: Bool, json: Bool, sheet: SheetStream? = nil,
                              context: TableContext, to directory: String) throws(OutputError) -> [WrittenFile] {
        let table = Tables.findings, name = table.name
        var forms: [(name: String, format: TableStream.Format)] = []
        if csv { forms.append((name + ".csv", .csv(.rfc4180))) }
        if excel { forms.append((name + ".excel.csv", .csv(.excelBelgium))) }
        if json { forms.append((name + ".json", .json)) }
        var targets: [(name: String, writer: TextFileWriter, stream: TableStream)] = []
        for (name, format) in forms {
            targets.append((name, try TextFileWriter(path: directory + "/" + name), TableStream(table, format: format)))
        }
        try findings.forEach { finding throws(OutputError) in
            // One address of the finding for every format (a copy of it for each cost a tenth).
            try withUnsafePointer(to: finding) { finding throws(OutputError) in
                for index in targets.indices {
                    var writer = targets[index].writer
                    try targets[index].stream.append(rowAt: finding, of: table, context, into: &writer)
                }
                if let sheet { try RunWorkbook.outputting { () throws(WorkbookError) in try sheet.append(rowAt: finding, of: table, context) } }
            }
        }
        if let sheet { try RunWorkbook.outputting { () throws(WorkbookError) in try sheet.finish() } }
        var written: [WrittenFile] = []
        for index in targets.indices {
            var writer = targets[index].writer
            try targets[index].stream.finish(into: &writer)
            try writer.commit()
            written.append(WrittenFile(name: targets[index].name, bytes: targets[index].writer.bytesWritten,
                                       sha256: targets[index].writer.sha256))
        }
        return written
    }

    /// manifest.json: every input (path, bytes, sha256, rows), every output (path, bytes,
    /// sha256), versions, the as-of date and the time per stage. The one output that differs
    /// between two runs of the same inputs: it holds timings.
    static func manifest(_ input: RunReportInput, runID: String, outputs: [WrittenFile],
                         timings: [(stage: String, seconds: Double)], fingerprint: InputFingerprint) -> [UInt8] {
        var out = TextBuffer()
        out.append("{\n  \"tool\": {\"name\": \"stagebalans\", \"version\": ")
        TableFormats.appendJSONString(stagebalansVersion, to: &out)
        out.append(", \"libxml2\": ")
        TableFormats.appendJSONString(LibXML2Version.dotted, to: &out)
        out.append("},\n  \"run\": ")
        TableFormats.appendJSONString(runID, to: &out)
        out.append(",\n  \"definition\": ")
        let definitionFile = input.definition.file
        appendFileEntry(definitionFile, bytes: InputFingerprint.size(definitionFile), sha256: FileDigest.sha256(path: definitionFile) ?? "",
                        to: &out)
        out.append(",\n  \"as_of\": \"\(input.asOf)\",\n  \"for_auditors\": \(input.forAuditors),\n  \"reference\": [")
        for (index, file) in fingerprint.referenceFiles.enumerated() {
            out.append(index == 0 ? "\n    " : ",\n    ")
            appendFileEntry(file.path, bytes: file.bytes, sha256: file.sha256, to: &out)
        }
        out.append("\n  ],\n  \"inputs\": [")
        for (index, report) in input.reports.enumerated() {
            out.append(index == 0 ? "\n    {\"source\": " : ",\n    {\"source\": ")
            TableFormats.appendJSONString(report.source, to: &out)
            out.append(", \"path\": ")
            TableFormats.appendJSONString(report.path, to: &out)
            out.append(", \"bytes\": \(report.bytes), \"sha256\": ")
            TableFormats.appendJSONString(report.sha256, to: &out)
            out.append(", \"rows_read\": \(report.read), \"rows_accepted\": \(report.accepted), \"rows_quarantined\": \(report.quarantined)}")
        }
        out.append("\n  ],\n  \"outputs\": [")
        for (index, file) in outputs.enumerated() {
            out.append(index == 0 ? "\n    " : ",\n    ")
            appendFileEntry(file.name, bytes: file.bytes, sha256: file.sha256, to: &out)
        }
        out.append("\n  ],\n  \"timings_seconds\": {")
        for (index, timing) in timings.enumerated() {
            out.append(index == 0 ? "" : ", ")
            TableFormats.appendJSONString(timing.stage, to: &out)
            out.append(": " + String(format: "%.3f", timing.seconds))
        }
        out.append("}\n}\n")
        return out.bytes
    }

    static func appendFileEntry(_ path: String, bytes: Int, sha256: String, to out: inout TextBuffer) {
        out.append("{\"path\": ")
        TableFormats.appendJSONString(path, to: &out)
        out.append(", \"bytes\": \(bytes), \"sha256\": ")
        TableFormats.appendJSONString(sha256, to: &out)
        out.append("}")
    }
}

/// SHA-256 of a file, read in 1 MB pieces; only a regular file (a FIFO would never end), in
/// `confinedTo` when given.
enum FileDigest {
    static func sha256(path: String, confinedTo folder: String? = nil) -> String? {
        let digest = InputDigest()
        guard (try? RegularFile.forEachChunk(path, confinedTo: folder) { digest.observe($0) }) != nil else { return nil }
        return digest.hex
    }

    static func sha256(text: String) -> String {
        SHA256.hash(data: Array(text.utf8)).hexDigits
    }
}
