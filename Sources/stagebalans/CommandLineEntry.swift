import ArgumentParser
import Domain
import Foundation
import Pipeline

/// The process's entry. Before ArgumentParser sees the arguments, a word where only a command
/// can stand that names none (`stagebalans runn`) is refused with the nearest command: the
/// parser alone says "2 unexpected arguments". With `--log-format json` a usage error is one
/// JSON record, like every other error of a run.
enum CommandLineEntry {
    static func main(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Never {
        let json = wantsJSONLogs(arguments)
        if let message = unknownCommand(arguments, root: Stagebalans.self) { usageFailure(message, json: json) }
        do {
            var command = try Stagebalans.parseAsRoot(arguments)
            try command.run()
        } catch {
            // An ExitCode was thrown after its message was written (as JSON already).
            if json, !(error is ExitCode), Stagebalans.exitCode(for: error).rawValue == ExitStatus.usage.rawValue {
                usageFailure("error: " + Stagebalans.message(for: error), json: true)
            }
            Stagebalans.exit(withError: error)
        }
        Stagebalans.exit()
    }

    /// `--log-format json` (or `--log-format=json`) anywhere on the line.
    static func wantsJSONLogs(_ arguments: [String]) -> Bool {
        arguments.contains("--log-format=json") || zip(arguments, arguments.dropFirst()).contains { $0 == "--log-format" && $1 == "json" }
    }

    static func usageFailure(_ message: String, json: Bool) -> Never {
        let line: String
        if json {
            line = StandardErrorLogHandler.jsonLine(level: .error, label: "stagebalans", message: message,
                                                    metadata: ["outcome": "usage", "exit_code": .stringConvertible(ExitStatus.usage.rawValue)])
        } else {
            line = VisibleText.marked(message)
        }
        FileHandle.standardError.write(Data((line + "\n").utf8))
        exit(ExitStatus.usage.rawValue)
    }

    /// The message for the first word that names no command where only a command can stand
    /// (a command with subcommands takes no argument of its own here); nil when there is none,
    /// or when an option comes first (the parser judges those).
    static func unknownCommand(_ arguments: [String], root: ParsableCommand.Type) -> String? {
        var command = root
        var path = [root._commandName]
        for word in arguments {
            guard !word.hasPrefix("-") else { return nil }
            let subcommands = command.configuration.subcommands
            guard !subcommands.isEmpty, command.configuration.defaultSubcommand == nil else { return nil }
            if let next = subcommands.first(where: { names(of: $0).contains(word) }) {
                command = next
                path.append(word)
                continue
            }
            guard word != "help" else { return nil }
            return message(word, commands: subcommands.map { $0._commandName }, path: path.joined(separator: " "))
        }
        return nil
    }

    static func names(of command: ParsableCommand.Type) -> [String] {
        [command._commandName] + command.configuration.aliases
    }

    /// "error: unknown command 'runn'; did you mean 'run'?", the commands and where help is.
    static func message(_ word: String, commands: [String], path: String) -> String {
        // A long word (a path given where the command belongs) is quoted in part and not compared.
        let shown = word.count > 60 ? String(word.prefix(60)) + "…" : word
        var guess: String?
        if word.count <= 60 {
            guess = EditDistance.closest(to: word, among: commands, limit: 1, maxDistance: max(2, word.count / 3)).first
            let extending = commands.filter { $0.hasPrefix(word) }
            if guess == nil, word.count >= 2, extending.count == 1 { guess = extending.first }
        }
        return "error: unknown command '\(shown)'" + (guess.map { "; did you mean '\($0)'?" } ?? "")
            + "\n  the commands of '\(path)': " + commands.joined(separator: ", ")
            + "\n  see '\(path) --help'"
    }
}

extension ExitStatus {
    /// The exit codes for `--help`, one a line, the codes right-aligned.
    static var helpList: String {
        allCases.map { "  " + String(repeating: " ", count: max(0, 2 - String($0.rawValue).count)) + "\($0.rawValue)  \($0.meaning)" }
            .joined(separator: "\n")
    }
}
