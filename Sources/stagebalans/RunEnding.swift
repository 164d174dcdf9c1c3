import ArgumentParser
import Foundation
import Logging
import Pipeline
import Report

/// What `run` says and does at its end besides the summary line: an unchanged night, the
/// reasons of a run held back, and the notifications (`on_publish`, `on_hold_or_failure`),
/// whose output goes into the log and whose failure is a warning that changes nothing.
enum RunEnding {
    /// An unchanged night, logged; exit 7 (with on_hold_or_failure) when the run it equals is held.
    static func unchanged(_ outcome: RunOutcome, definition: PipelineDefinition, logger: Logger) throws {
        guard case .unchanged(let previous, let asOf, let held) = outcome else { return }
        let status: ExitStatus = held ? .held : .success
        var message = "run: unchanged: the definition, the reference data and every input are as in run \(previous), and \(asOf) "
            + "is in the same placement year; nothing rewritten (--force rewrites)"
        if held {
            let directory = definition.outputDirectory + "/runs/" + previous
            notify(definition.nightly.onHoldOrFailure, outcome: "unchanged", status: status, runID: previous, directory: directory,
                   input: .file(directory + "/summary.md"), definition: definition, logger: logger)
            message += "; run \(previous) is held by the publish guard, and this night with it: `stagebalans accept \(previous)` "
                + "publishes it"
        }
        logger.notice("\(message)", metadata: ["outcome": "unchanged", "previous_run": .string(previous),
                                                "exit_code": .stringConvertible(status.rawValue)])
        if held { throw ExitCode(status.rawValue) }
    }

    /// Before the summary line of a run that wrote its folder: why it is held, then its notification.
    static func finished(_ result: RunResult, definition: PipelineDefinition, logger: Logger) {
        if let hold = result.hold {
            logger.warning("run: \(hold.headline(.en)); this run is in \(result.directory)",
                           metadata: ["outcome": "held", "run": .string(result.runID), "compared_with": .string(hold.comparedWith)])
            for reason in hold.reasons {
                logger.warning("run: held: \(reason.text(.en))", metadata: ["guard": .string(reason.measure.rawValue)])
            }
            logger.notice("run: \(hold.advice(.en))")
        }
        notify(result.hold == nil ? definition.nightly.onPublish : definition.nightly.onHoldOrFailure,
               outcome: result.hold == nil ? "published" : "held", status: result.exitStatus, runID: result.runID,
               directory: result.directory, input: .file(result.directory + "/summary.md"), definition: definition, logger: logger)
    }

    /// Before the error line of a run that failed once its definition was loaded.
    static func failed(_ failure: RunFailure, definition: PipelineDefinition, logger: Logger) {
        notify(definition.nightly.onHoldOrFailure, outcome: "failed", status: failure.exitStatus, runID: "", directory: "",
               input: .text(failure.description + "\n"), definition: definition, logger: logger)
    }

    /// Lines of a command's output put into the log; the rest is counted.
    static let outputLinesLogged = 40

    static func notify(_ command: NotificationCommand?, outcome: String, status: ExitStatus, runID: String, directory: String,
                       input: NotificationContext.Input, definition: PipelineDefinition, logger: Logger) {
        guard let command else { return }
        let key = outcome == "published" ? "on_publish" : "on_hold_or_failure"
        let context = NotificationContext(outcome: outcome, exitCode: status.rawValue, runID: runID, runDirectory: directory,
                                          pipelineName: definition.name, input: input)
        let result = Notifier.run(command, context: context)
        let program = command.arguments.first ?? ""
        let seconds = String(format: "%.1f", result.seconds)
        let metadata: Logger.Metadata = ["notification": .string(key), "program": .string(program), "seconds": .string(seconds)]
        let text = String(decoding: result.output, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        // A command that failed shows its output with the warning, also under --quiet (cron).
        let level: Logger.Level = result.succeeded ? .info : .warning
        for line in lines.prefix(outputLinesLogged) { logger.log(level: level, "\(key): \(line)", metadata: metadata) }
        let more = lines.count > outputLinesLogged ? "\(lines.count - outputLinesLogged) more lines" : ""
        let omitted = [more, result.omittedBytes > 0 ? "\(result.omittedBytes) more bytes" : ""].filter { !$0.isEmpty }
        if !omitted.isEmpty { logger.log(level: level, "\(key): … (\(omitted.joined(separator: ", ")) not logged)", metadata: metadata) }
        switch result.status {
        case .exited(0):
            logger.info("\(key): \(program) done in \(seconds) s", metadata: metadata)
        case .exited(let code):
            logger.warning("\(key): warning: \(program) exited \(code) after \(seconds) s; the run's outcome is unchanged", metadata: metadata)
        case .signalled(let signal):
            logger.warning("\(key): warning: \(program) was ended by signal \(signal); the run's outcome is unchanged", metadata: metadata)
        case .timedOut(let limit):
            logger.warning("\(key): warning: \(program) still ran after \(limit) s and was killed (timeout_seconds); the run's outcome is unchanged",
                           metadata: metadata)
        case .notStarted(let reason):
            logger.warning("\(key): warning: \(reason); the run's outcome is unchanged", metadata: metadata)
        }
    }
}
