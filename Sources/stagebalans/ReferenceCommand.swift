import ArgumentParser
import Normalize
import Pipeline

struct Reference: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The reference data as tables the office can keep in a spreadsheet.",
        discussion: "Example: stagebalans reference export pipelines/sample.yml --format xlsx --output reference.xlsx",
        subcommands: [ReferenceExportCommand.self])
}

extension ReferenceExport.Format: ExpressibleByArgument {}

struct ReferenceExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the definition's site register, discipline taxonomy and curriculum as tables.",
        discussion: """
            The tables have the YAML's keys as columns; name them under `reference:` and they read back \
            unchanged.

            Example: stagebalans reference export pipelines/faculty.yml --format csv --output pipelines/faculty-tables
            """)

    @Argument(help: "The pipeline definition (YAML).")
    var pipeline: String

    @Option(help: "csv: sites.csv, disciplines.csv and curriculum.csv in the --output folder; xlsx: one workbook, --output.")
    var format: ReferenceExport.Format = .csv

    @Option(help: "The folder (csv) or the workbook file (xlsx) to write.")
    var output: String

    @Flag(help: "Overwrite existing files.")
    var force = false

    func run() throws {
        let definition = try loadDefinition(pipeline)
        let reference: ReferenceData
        do {
            reference = try PipelineRun.reference(for: definition)
        } catch {
            printError(error.description)
            throw ExitCode(ExitStatus.badDefinition.rawValue)
        }
        do {
            let date = definition.asOf ?? Today.day
            for path in try ReferenceExport.write(reference, format: format, to: output, overwrite: force, date: date) { print(path) }
        } catch {
            printError("reference export: error: \(error.message)")
            throw ExitCode(ExitStatus.outputFailed.rawValue)
        }
    }
}
