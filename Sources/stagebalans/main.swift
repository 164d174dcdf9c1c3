// stagebalans: the command line over the pipeline stages. Parsing arguments and printing
// live here; everything else lives in the stage modules.

import ArgumentParser
import Foundation
import Ingest
import Pipeline
import StagebalansCore

struct Stagebalans: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stagebalans",
        abstract: "Clinical placement capacity, coverage and audit reports from placement agreements and evaluations.",
        discussion: "Exit codes:\n" + ExitStatus.allCases.map { "  \($0.rawValue)  \($0.meaning)" }.joined(separator: "\n"),
        version: "0.1.0",
        subcommands: [Validate.self]
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
        let directory = quarantineDir ?? definition.outputDirectory + "/validate"
        let result: ValidationResult
        do {
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

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

Stagebalans.main()
