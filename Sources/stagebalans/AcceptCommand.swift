import ArgumentParser
import Foundation
import Pipeline

/// `stagebalans accept RUN`: publishes a run the publish guard held back.
struct Accept: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Publish a run the publish guard held back (exit 7), once a person has looked at it.",
        discussion: """
        Points OUTPUT/latest at the held run OUTPUT/runs/RUN, atomically and under the output \
        folder's lock, and records in the history who accepted it and when. The next run compares \
        with it. Refused (exit 64): a run that is not held, one that failed, an unchanged night, and \
        a held run that a later published run superseded. Accepting the run latest names already \
        does nothing. Exit 5 when a run holds the lock, 4 when the output folder cannot be used.

        Example: stagebalans accept 2026-11-23T21-01-33Z-29796 --pipeline faculty.yml
        """
    )

    @Argument(help: "The held run: its id, as the log and `stagebalans history` name it, or its folder (OUTPUT/runs/ID).")
    var runID: String

    @Option(help: "The pipeline definition (default: $STAGEBALANS_PIPELINE).")
    var pipeline: String?

    func run() throws {
        let definition = try loadDefinition(try pipelineFile(pipeline))
        do {
            let accepted = try Acceptance.accept(runID, definition: definition)
            if accepted.alreadyPublished {
                print("accept: run \(accepted.runID) is published already and latest names it; nothing to do")
            } else {
                let folder = DefinitionLoader.display(accepted.directory, workingDirectory: FileManager.default.currentDirectoryPath)
                print("accept: run \(accepted.runID) published: latest now names \(folder)"
                      + (accepted.previousLatest.map { " (it named \($0))" } ?? ""))
            }
        } catch {
            printError(error.description)
            throw ExitCode(error.exitCode)
        }
    }
}
