// stagebalans: the command line over the pipeline stages. Parsing arguments and printing
// live here; everything else lives in the stage modules.

import ArgumentParser
import Foundation
import Ingest
import Logging
import Normalize
import Pipeline
import Report
import Workbook
import Domain

struct Stagebalans: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stagebalans",
        abstract: "Clinical placement capacity, coverage and audit reports from placement agreements and evaluations.",
        discussion: "Exit codes:\n" + ExitStatus.allCases.map { "  \($0.rawValue)  \($0.meaning)" }.joined(separator: "\n"),
        version: stagebalansVersion,
        subcommands: [Run.self, Validate.self, Report.self, Plan.self, History.self, SuggestAliases.self, Reference.self, Init.self]
    )
}

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read every source of a pipeline (ingest only) and report rows read, accepted and quarantined.",
        discussion: """
        Prints one line per input file, then the first problems compiler-style (path:line:col: error: …).
        The quarantine (every rejected row with its file, line, raw text and reason) is written as
        quarantine.csv and quarantine.json. Exits 0 when every file could be read (quarantined rows
        included), 3 when a file was rejected whole, 2 when the definition is invalid, 4 when the
        quarantine cannot be written.
        """
    )

    @Argument(help: "The pipeline definition (YAML).")
    var pipeline: String

    @Option(help: "Folder for quarantine.csv and quarantine.json (default: the definition's output folder + /validate).")
    var quarantineDir: String?

    @Option(help: "How many problems to print.")
    var maxErrors: Int = 20

    func run() throws {
        let definition: PipelineDefinition
        do {
            definition = try DefinitionLoader.load(file: pipeline)
        } catch {
            printError(error.description)
            throw ExitCode(ExitStatus.badDefinition.rawValue)
        }
        let result: ValidationResult
        do {
            let directory: String
            if let quarantineDir { directory = quarantineDir } else { directory = try Validation.defaultQuarantineDirectory(definition) }
            result = try Validation.run(definition, quarantineDirectory: directory, maxProblems: maxErrors)
        } catch {
            printError(error.description)
            throw ExitCode(ExitStatus.outputFailed.rawValue)
        }
        print(ValidationText.render(result, workingDirectory: FileManager.default.currentDirectoryPath))
        printError("validate: \(result.reports.count) files, \(result.totalRead) records read, \(result.totalAccepted) accepted, "
                   + "\(result.totalQuarantined) quarantined, \(result.rejected.count) files rejected")
        if result.exitStatus != .success { throw ExitCode(result.exitStatus.rawValue) }
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the pipeline: ingest, normalize, reconcile and write every report, published as one run.",
        discussion: """
        Writes a run into OUTPUT/runs/ID and then points OUTPUT/latest at it, atomically: capacity,
        coverage, progress, audit and changes (.csv, and .json / .excel.csv as report.formats ask),
        findings.csv/.json, placements.csv, quarantine.csv/.json, summary.md, report.html and
        manifest.json. A run that fails publishes nothing and leaves latest as it was. Every run is
        recorded in OUTPUT/history.sqlite. When the definition, the reference data and every input
        are as in the last successful run and the as-of date is in the same placement year, it says
        so and rewrites nothing (--force rewrites). One summary line on stderr at the end.

        Exit codes:
        """ + ExitStatus.allCases.map { "  \($0.rawValue)  \($0.meaning)" }.joined(separator: "\n")
    )

    @Argument(help: "The pipeline definition (YAML).")
    var pipeline: String

    @Option(help: "The as-of date (yyyy-mm-dd); default: the definition's as_of, else today.")
    var asOf: String?

    @Flag(help: "Reports for auditors: student ids become keyed pseudonyms (key from STAGEBALANS_PSEUDONYM_KEY or report.pseudonym_key_file).")
    var forAuditors = false

    @Option(help: "nl or en: the language of summary.md and report.html; default: the definition's report.language, else nl.")
    var language: ReportLanguage?

    @Flag(help: "Rewrite the reports even when no input changed.")
    var force = false

    @OptionGroup var logging: LoggingOptions

    func run() throws {
        let logger = logging.bootstrap(label: "stagebalans.run")
        let definition = try loadDefinition(pipeline)
        var asOfDay: Day?
        if let asOf {
            guard case .success(let day) = DateParser(formats: [DateParser.iso]).parse(asOf) else {
                throw ValidationError("--as-of must be a date as yyyy-mm-dd, not '\(asOf)'")
            }
            asOfDay = day
        }
        let start = Date()
        var options = RunOptions(asOf: asOfDay, today: Today.day, forAuditors: forAuditors, force: force, language: language)
        options.onStage = { stage in logger.info("stage \(stage)", metadata: ["stage": .string(stage)]) }
        options.onWarning = { line in logger.warning("\(line)") }
        let progress = logging.showsProgress ? ProgressDisplay() : nil
        if let progress {
            options.onProgress = { source, rows in progress.update(source: source, rows: rows) }
            options.onFile = { report, seconds in progress.fileDone(report, seconds: seconds) }
        }
        do throws(any Error) {
            let outcome = try PipelineRun.run(definition, options: options)
            progress?.finish()
            guard case .published(let result) = outcome else {
                if case .unchanged(let previous, let asOf) = outcome {
                    logger.notice("run: unchanged: the definition, the reference data and every input are as in run \(previous), and \(asOf) is in the same placement year; nothing rewritten (--force rewrites)",
                                  metadata: ["outcome": "unchanged", "previous_run": .string(previous), "exit_code": "0"])
                }
                return
            }
            for warning in result.referenceWarnings { logger.warning("\(warning.description)") }
            if result.fingerprintsRekeyed {
                logger.warning("run: \(RunResult.rekeyedNote)", metadata: ["previous_run": .string(result.comparedWith ?? "")])
            }
            if !logging.quiet { print(RunText.render(result, workingDirectory: FileManager.default.currentDirectoryPath)) }
            var counts: [Severity: Int] = [:]
            for (code, count) in result.findingCounts { counts[code.severity, default: 0] += count }
            let read = result.reports.reduce(0) { $0 + $1.read }
            let quarantined = result.reports.reduce(0) { $0 + $1.quarantined }
            let stages = result.timings.map { "\($0.stage) \(String(format: "%.2f", $0.seconds))" }.joined(separator: ", ")
            let seconds = String(format: "%.1f", Date().timeIntervalSince(start))
            let changes = result.comparedWith == nil ? "first run" : "\(result.changes) changes since \(result.comparedWith ?? "")"
            let folder = DefinitionLoader.display(result.directory, workingDirectory: FileManager.default.currentDirectoryPath)
            let errors = counts[.error] ?? 0, warnings = counts[.warning] ?? 0, infos = counts[.info] ?? 0
            var summary = "run: \(result.reports.count) inputs, \(read) records (\(quarantined) quarantined), "
            summary += "findings: \(errors) errors, \(warnings) warnings, \(infos) info, "
            summary += "\(result.outputs.count) outputs in \(folder), \(changes), as of \(result.asOf), "
            summary += "\(seconds) s (\(stages)); exit \(result.exitStatus.rawValue)"
            logger.notice("\(summary)",
                          metadata: ["outcome": "published", "run": .string(result.runID), "inputs": "\(result.reports.count)",
                                     "records": "\(read)", "quarantined": "\(quarantined)", "errors": "\(counts[.error] ?? 0)",
                                     "warnings": "\(counts[.warning] ?? 0)", "info": "\(counts[.info] ?? 0)",
                                     "outputs": "\(result.outputs.count)", "seconds": .string(seconds),
                                     "exit_code": "\(result.exitStatus.rawValue)"])
            // Everything is published and recorded: leave now rather than free every placement
            // and finding one by one on the way out (about 0.05 s at 1 M rows).
            Foundation.exit(Int32(result.exitStatus.rawValue))
        } catch let error as RunFailure {
            progress?.finish()
            logger.error("\(error.description)", metadata: ["outcome": "failed", "exit_code": "\(error.exitStatus.rawValue)"])
            throw ExitCode(error.exitStatus.rawValue)
        } catch {
            throw error
        }
    }
}

struct History: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the runs recorded in the output folder's history database.")

    @Argument(help: "The pipeline definition (YAML).")
    var pipeline: String

    func run() throws {
        let definition = try loadDefinition(pipeline)
        do {
            print(try RunHistory.render(outputDirectory: definition.outputDirectory))
        } catch {
            printError(error.description)
            throw ExitCode(ExitStatus.outputFailed.rawValue)
        }
    }
}

struct SuggestAliases: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suggest-aliases",
        abstract: "List every site and discipline name in the exports that resolves to nothing, with a ready-to-paste alias."
    )

    @Argument(help: "The pipeline definition (YAML).")
    var pipeline: String

    func run() throws {
        let definition = try loadDefinition(pipeline)
        do {
            print(try AliasSuggestions.render(definition))
        } catch {
            printError(error.description)
            throw ExitCode(error.exitStatus.rawValue)
        }
    }
}

extension Coordinator.Kind: ExpressibleByArgument {}
extension Coordinator.OutputFormat: ExpressibleByArgument {}
extension ReportLanguage: ExpressibleByArgument {}

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a report of the last run, for a placement year, a site or a discipline.",
        discussion: """
        Reads KIND.json from the output folder of the pipeline definition (the last `run`; KIND.csv
        when the run wrote no JSON), each column as the table declares it: ids keep their leading
        zeros. Site and discipline names are resolved like in the pipeline (aliases, typos the
        register knows); a discipline group keeps its sub-disciplines' rows. The definition comes
        from --pipeline or the environment variable STAGEBALANS_PIPELINE.
        """
    )

    @Argument(help: "capacity, coverage, progress or audit.")
    var kind: Coordinator.Kind

    @Option(help: "The pipeline definition (default: $STAGEBALANS_PIPELINE).")
    var pipeline: String?

    @Option(help: "The placement year, e.g. 2025-2026.")
    var year: String?

    @Option(help: "A site, by name, alias or code.")
    var site: String?

    @Option(help: "A discipline or discipline group, by name, alias or code.")
    var discipline: String?

    @Option(help: "csv, excel (Excel for Belgium: ';', decimal comma), json, md, html or xlsx (a workbook: redirect it to a file).")
    var format: Coordinator.OutputFormat = .csv

    @Option(help: "nl or en: the language of md and html; default: the definition's report.language, else nl.")
    var language: ReportLanguage?

    func run() throws {
        try refuseWorkbookOnTerminal(format)
        let definition = try loadDefinition(try pipelineFile(pipeline))
        let placementYear = try parseYear(year)
        let table: ReportTable
        do {
            table = try Coordinator.report(kind, definition: definition,
                                           filters: .init(year: placementYear, site: site, discipline: discipline))
        } catch {
            printError(error.description)
            throw ExitCode(ExitStatus.badDefinition.rawValue)
        }
        let language = language ?? definition.report.language
        let title = Coordinator.reportTitle(kind, year: year, site: site, discipline: discipline, language: language)
        try writeOut { () throws(WorkbookError) in
            try Coordinator.render(table, format: format, title: title, headings: kind.headings, date: definition.asOf ?? Today.day,
                                   language: language)
        }
    }
}

struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Demand against recognised capacity for a future year and cohort, per discipline group.",
        discussion: """
        Per discipline group: demand = students × the curriculum's required weeks, the recognised
        capacity-weeks of the framework agreements valid in the year, the balance in weeks and in
        year-round slots (weeks / 52.1; negative is a shortfall), and the agreements that expire
        inside the year. Reads the definition's agreement sources.
        """
    )

    @Option(help: "The pipeline definition (default: $STAGEBALANS_PIPELINE).")
    var pipeline: String?

    @Option(help: "The placement year to plan, e.g. 2026-2027.")
    var year: String

    @Option(help: "The expected number of students.")
    var students: Int

    @Option(help: "One discipline group, by code or name.")
    var group: String?

    @Option(help: "csv, excel, json, md, html or xlsx (a workbook: redirect it to a file, `> plan.xlsx`).")
    var format: Coordinator.OutputFormat = .csv

    @Option(help: "nl or en: the language of md and html; default: the definition's report.language, else nl.")
    var language: ReportLanguage?

    func run() throws {
        try refuseWorkbookOnTerminal(format)
        let definition = try loadDefinition(try pipelineFile(pipeline))
        guard let placementYear = try parseYear(year) else { return }
        guard students >= 0 else { throw ValidationError("--students must be 0 or more") }
        let rows: [PlanRow]
        do {
            (rows, _) = try Coordinator.plan(definition: definition, year: placementYear, students: students, group: group)
        } catch {
            printError(error.description)
            throw ExitCode(error.exitStatus.rawValue)
        }
        let language = language ?? definition.report.language
        let title = Coordinator.planTitle(year: placementYear, students: students, language: language)
        try writeOut { () throws(WorkbookError) in
            try Coordinator.render(Tables.plan.table(rows), format: format, plan: rows, title: title, headings: Tables.plan.headings,
                                   date: definition.asOf ?? Today.day, language: language)
        }
    }
}

/// Rendered bytes to standard output; a workbook that cannot be made fails as an output (exit 4).
func writeOut(_ render: () throws(WorkbookError) -> [UInt8]) throws(ExitCode) {
    do {
        FileHandle.standardOutput.write(Data(try render()))
    } catch {
        printError(error.description)
        throw ExitCode(ExitStatus.outputFailed.rawValue)
    }
}

/// A workbook is binary: written to a terminal it would garble the screen.
func refuseWorkbookOnTerminal(_ format: Coordinator.OutputFormat) throws {
    guard format == .xlsx, isatty(STDOUT_FILENO) == 1 else { return }
    throw ValidationError("--format xlsx writes a workbook to standard output: redirect it to a file, e.g. `> plan.xlsx`")
}

func pipelineFile(_ given: String?) throws -> String {
    if let given { return given }
    if let fromEnvironment = ProcessInfo.processInfo.environment["STAGEBALANS_PIPELINE"], !fromEnvironment.isEmpty {
        return fromEnvironment
    }
    throw ValidationError("name the pipeline definition with --pipeline or STAGEBALANS_PIPELINE")
}

func parseYear(_ text: String?) throws -> PlacementYear? {
    guard let text else { return nil }
    guard let year = PlacementYear(label: text) else {
        throw ValidationError("a placement year is written 2025-2026, not '\(text)'")
    }
    return year
}

func loadDefinition(_ file: String) throws -> PipelineDefinition {
    do {
        return try DefinitionLoader.load(file: file)
    } catch {
        printError(error.description)
        throw ExitCode(ExitStatus.badDefinition.rawValue)
    }
}

enum Today {
    /// Today in the local calendar of the machine (the faculty's office).
    static var day: Day {
        let parts = Calendar.current.dateComponents([.year, .month, .day], from: Date())
        return Day(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1) ?? Day(daysSinceEpoch: 0)
    }
}

/// A message on stderr; the input text it may quote (a diagnostic's path:line:col: error: …)
/// shows hidden characters as markers.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((VisibleText.marked(text) + "\n").utf8))
}

Stagebalans.main()
