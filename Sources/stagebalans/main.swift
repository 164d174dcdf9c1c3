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
        discussion: "Exit codes:\n" + ExitStatus.helpList,
        version: stagebalansVersion,
        subcommands: [Init.self, Run.self, Validate.self, Report.self, Plan.self, History.self, Accept.self, SuggestAliases.self,
                      Reference.self, Fields.self]
    )
}

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a pipeline's reference data and read every source (ingest only): rows read, accepted and quarantined.",
        discussion: """
        Loads and checks the reference data as `run` does, then prints one line per input file and the \
        first problems compiler-style (path:line:col: error: …). The quarantine (every rejected row \
        with its file, line, raw text and reason) is written as quarantine.csv and quarantine.json. \
        Warnings (sites with nearly the same name, inputs with a header and no rows) are printed, \
        the first --max-warnings of each kind. Exits 0 when every file could be read (quarantined \
        rows included), 2 when the definition or its reference data is invalid (as `run` would \
        refuse it), 3 when a file was rejected whole, 4 when the quarantine cannot be written.

        Example: stagebalans validate pipelines/sample.yml --max-errors 50
        """
    )

    @Argument(help: "The pipeline definition (YAML).")
    var pipeline: String

    @Option(help: "Folder for quarantine.csv and quarantine.json (default: the definition's output folder + /validate).")
    var quarantineDir: String?

    @Option(help: "How many problems to print.")
    var maxErrors: Int = 20

    @Option(help: "How many warnings of each kind to print; the rest are counted.")
    var maxWarnings: Int = 10

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
        WarningDigest(limit: max(0, maxWarnings), hint: { "--max-warnings \($0) prints them all" }) { text, _ in printError(text) }
            .log(result.warnings)
        if case .invalid(let error) = result.reference { printError(error.description) }
        printError("validate: \(result.reports.count) files, \(result.totalRead) records read, \(result.totalAccepted) accepted, "
                   + "\(result.totalQuarantined) quarantined, \(result.rejected.count) files rejected, \(result.reference.summary)")
        if result.exitStatus != .success { throw ExitCode(result.exitStatus.rawValue) }
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the pipeline: ingest, normalize, reconcile and write every report, published as one run.",
        discussion: """
        Writes a run into OUTPUT/runs/ID and then points OUTPUT/latest at it, atomically: capacity, \
        coverage, progress, audit and changes (.csv, and .json / .excel.csv as report.formats ask), \
        findings.csv/.json, placements.csv, quarantine.csv/.json, summary.md, report.html and \
        manifest.json. A run that fails publishes nothing and leaves latest as it was. Every run is \
        recorded in OUTPUT/history.sqlite. When the definition, the reference data and every input \
        are as in the last run published or held and the as-of date is in the same placement year, it says \
        so and rewrites nothing (--force rewrites). The publish guard (guard: in the definition) holds \
        back a run whose quarantine, agreements, placements or NO_AGREEMENT findings moved too far \
        from the last published run: it is written to OUTPUT/runs/ID, latest stays, the reasons are \
        logged and head summary.md, exit 7; `stagebalans accept ID` publishes it. One summary line \
        on stderr at the end.

        Example: stagebalans run pipelines/sample.yml --quiet --log-format json

        Exit codes:
        """ + "\n" + ExitStatus.helpList
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
        let definition = try loadDefinition(pipeline, logger: logger)
        var asOfDay: Day?
        if let asOf {
            guard case .success(let day) = DateParser(formats: [DateParser.iso]).parse(asOf) else {
                throw logging.usageError("--as-of must be a date as yyyy-mm-dd, not '\(asOf)'", logger: logger)
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
            guard let result = outcome.result else { return try RunEnding.unchanged(outcome, definition: definition, logger: logger) }
            WarningDigest(logger: logger, pipeline: pipeline).log(result.warnings)
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
            RunEnding.finished(result, definition: definition, logger: logger)
            logger.notice("\(summary)", metadata: result.summaryMetadata(counts: counts, seconds: Double(seconds) ?? 0))
            // Everything is published and recorded: leave now rather than free every placement
            // and finding one by one on the way out (about 0.05 s at 1 M rows).
            Foundation.exit(Int32(result.exitStatus.rawValue))
        } catch let error as RunFailure {
            progress?.finish()
            RunEnding.failed(error, definition: definition, logger: logger)
            logger.error("\(error.description)", metadata: ["outcome": "failed", "exit_code": .stringConvertible(error.exitStatus.rawValue)])
            throw ExitCode(error.exitStatus.rawValue)
        } catch {
            throw error
        }
    }
}

struct History: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the runs recorded in the output folder's history database.",
        discussion: """
        One line per run, oldest first: its id, as-of date, exit code, outcome (published, held, \
        accepted, failed or unchanged), its inputs and findings, and when it started; under a held \
        run, why it was held and who accepted it.

        Example: stagebalans history pipelines/sample.yml --last 7 --failed
        """)

    @Argument(help: "The pipeline definition (YAML).")
    var pipeline: String

    @Option(help: "Only the newest N runs (after --failed).")
    var last: Int?

    @Flag(help: "Only the runs that failed (exit 2 to 6: nothing published or held).")
    var failed = false

    func validate() throws {
        if let last, last < 1 { throw ValidationError("--last must be 1 or more, not \(last)") }
    }

    func run() throws {
        let definition = try loadDefinition(pipeline)
        do {
            print(try RunHistory.render(outputDirectory: definition.outputDirectory, last: last, failedOnly: failed))
        } catch {
            printError(error.description)
            throw ExitCode(ExitStatus.outputFailed.rawValue)
        }
    }
}

struct SuggestAliases: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suggest-aliases",
        abstract: "List every site and discipline name in the exports that resolves to nothing, with a ready-to-paste alias.",
        discussion: """
        A site name gets a line to paste under `aliases:` in the site register, with its rows and the \
        closest sites; a discipline name gets the closest disciplines, whose `aliases` to extend.

        Example: stagebalans suggest-aliases pipelines/sample.yml
        """
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
        Reads KIND.json from the output folder of the pipeline definition (the last `run`; KIND.csv \
        when the run wrote no JSON), each column as the table declares it: ids keep their leading \
        zeros. Site and discipline names are resolved like in the pipeline (aliases, typos the \
        register knows); a discipline group keeps its sub-disciplines' rows. The definition comes \
        from --pipeline or the environment variable STAGEBALANS_PIPELINE. A name no register knows is an \
        error of the option that gave it, with the closest names (exit 2).

        Example: stagebalans report capacity --year 2025-2026 --site "UZ Gent" --format md
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
        throw ValidationError("--year: a placement year is written 2025-2026, not '\(text)'")
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

/// The definition for a command that logs: its errors go through the log, so that they are
/// JSON with `--log-format json` (and the same text as `printError` without).
func loadDefinition(_ file: String, logger: Logger) throws -> PipelineDefinition {
    do {
        return try DefinitionLoader.load(file: file)
    } catch {
        logger.error("\(error.description)",
                     metadata: ["outcome": "failed", "exit_code": .stringConvertible(ExitStatus.badDefinition.rawValue)])
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

CommandLineEntry.main()
