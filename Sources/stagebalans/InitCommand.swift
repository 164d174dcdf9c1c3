import ArgumentParser
import Foundation
import Pipeline

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a starting pipeline definition and reference data from a folder of exports.",
        discussion: """
            Reads every CSV/TSV, XML and .xlsx export in the --exports folder (the first 5,000 records of \
            each, as safely as run reads them) and writes FOLDER/pipeline.yml with a source per export, \
            and FOLDER/sites.yml, disciplines.yml and curriculum.yml. Every choice init could not be sure \
            of is a comment marked CHECK in the file it writes. It then validates the definition and \
            prints what is left for a person. It never overwrites a file unless --force is given. \
            See docs/init.md.

            Exits 0 when every export was read and the definition validates, 3 when an export could not \
            be read, 4 when a file exists (without --force) or cannot be written.

            Example: stagebalans init faculty --exports /srv/exports
            """)

    @Argument(help: "The folder to write pipeline.yml and the reference files into (made if missing).")
    var folder: String

    @Option(help: "The folder of exports to read.")
    var exports: String

    @Flag(help: "Overwrite pipeline.yml, sites.yml, disciplines.yml and curriculum.yml if they exist.")
    var force = false

    func run() throws {
        let result: PipelineSetup.Result
        do {
            result = try PipelineSetup.run(PipelineSetup.Options(folder: folder, exports: exports, force: force, today: Today.day))
        } catch {
            printError(error.message)
            throw ExitCode(error.status.rawValue)
        }
        for error in result.fileErrors { printError(error.description) }
        print(SetupText.render(result, workingDirectory: FileManager.default.currentDirectoryPath))
        if result.exitStatus != .success { throw ExitCode(result.exitStatus.rawValue) }
    }
}
