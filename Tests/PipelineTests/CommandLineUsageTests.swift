import Foundation
import Pipeline
import Testing

/// The command line as a user types it: help with an example, a misspelt command, exit 64,
/// `history`'s options and `report`'s errors.
@Suite("Command line: help, misspelt commands, history options, report errors")
struct CommandLineUsageTests {
    let cli = CommandLineTests()

    /// The subcommands a help screen lists under SUBCOMMANDS (every command added later too).
    static func subcommands(_ help: String) -> [String] {
        guard let start = help.range(of: "SUBCOMMANDS:\n") else { return [] }
        return help[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false)
            .prefix { !$0.isEmpty }
            .filter { $0.hasPrefix("  ") && !$0.hasPrefix("   ") }
            .compactMap { $0.split(separator: " ").first.map(String.init) }
    }

    @Test("every command's --help shows an example of it, the subcommands' subcommands too")
    func examples() throws {
        var pending = [[String]()]
        var seen = 0
        while let path = pending.popLast() {
            let help = try cli.stagebalans(path + ["--help"])
            #expect(help.status == 0, "\(path)")
            let children = Self.subcommands(help.out)
            pending += children.map { path + [$0] }
            guard !path.isEmpty else { continue }
            seen += 1
            #expect(help.out.contains("Example: stagebalans " + path.joined(separator: " ")), "\(path.joined(separator: " ")) --help")
        }
        #expect(seen >= 9)
    }

    @Test("--help lists every exit code, 64 for a wrong command line included")
    func exitCodes() throws {
        let help = try cli.stagebalans(["--help"]).out
        for line in [" 0  success", " 2  invalid pipeline definition or reference data", "64  the command line is wrong"] {
            #expect(help.contains(line), "\(line)")
        }
        #expect(try cli.stagebalans(["run", "--help"]).out.contains("64  the command line is wrong"))
    }

    @Test("the README's one exit-code table has a row for every exit code the tool and its wrapper use, and no other")
    func readmeExitCodes() throws {
        let readme = try String(contentsOfFile: packageRoot + "/README.md", encoding: .utf8)
        let rows = readme.split(separator: "\n").filter { $0.hasPrefix("| ") }.compactMap { line -> Int32? in
            let first = line.dropFirst(2).prefix { $0 != " " }
            return Int32(first)
        }
        #expect(rows == ExitStatus.allCases.map(\.rawValue).sorted(), "README rows \(rows)")
    }

    @Test("a misspelt command gets the nearest one and exit 64; a word near none lists the commands")
    func didYouMean() throws {
        let misspelt = try cli.stagebalans(["runn", "pipelines/sample.yml"])
        #expect(misspelt.status == 64)
        #expect(misspelt.err.hasPrefix("error: unknown command 'runn'; did you mean 'run'?\n"))
        #expect(misspelt.err.contains("the commands of 'stagebalans': init, run, validate"))
        #expect(try cli.stagebalans(["valdiate", "p.yml"]).err.contains("did you mean 'validate'?"))
        #expect(try cli.stagebalans(["hist"]).err.contains("did you mean 'history'?"))
        let nested = try cli.stagebalans(["reference", "exprt", "p.yml"])
        #expect(nested.status == 64 && nested.err.contains("unknown command 'exprt'; did you mean 'export'?"))
        let far = try cli.stagebalans(["xyzzy"])
        #expect(far.status == 64 && far.err.hasPrefix("error: unknown command 'xyzzy'\n"))
        // A pipeline given where the command belongs: not a command, and nothing ran.
        #expect(try cli.stagebalans(["pipelines/sample.yml"]).status == 64)
        #expect(try cli.stagebalans(["help", "run"]).status == 0)
    }

    @Test("a hostile word in the command's place: its hidden characters are marked, a long one cut, exit 64")
    func hostileCommand() throws {
        let escape = try cli.stagebalans(["ru\u{1B}[2Jn"])
        #expect(escape.status == 64)
        #expect(!escape.err.contains("\u{1B}") && escape.err.contains("⟨"), "\(escape.err)")
        let long = try cli.stagebalans([String(repeating: "r", count: 100_000)])
        #expect(long.status == 64)
        #expect(long.err.utf8.count < 1_000 && long.err.contains("…'"))
    }

    @Test("with --log-format json a usage error is one JSON record with exit_code 64 as a number")
    func usageAsJSON() throws {
        for arguments in [["runn", "--log-format", "json"], ["run", "p.yml", "--bogus", "--log-format=json"],
                          ["run", "pipelines/sample.yml", "--as-of", "15/07/2026", "--log-format", "json"]] {
            let result = try cli.stagebalans(arguments)
            #expect(result.status == 64, "\(arguments)")
            let lines = result.err.split(separator: "\n")
            #expect(lines.count == 1, "\(arguments): \(result.err)")
            let record = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
            #expect(record["exit_code"] as? Int == 64 && record["level"] as? String == "error", "\(record)")
            #expect((record["message"] as? String)?.isEmpty == false)
        }
    }

    @Test("history --last N --failed: the newest N runs, or only those that failed; --last 0 is a usage error")
    func historyOptions() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let runs = RunCommandTests()
        try runs.sampleDefinition(in: folder).write(toFile: folder + "/p.yml", atomically: true, encoding: .utf8)
        let broken = runs.sampleDefinition(in: folder).replacingOccurrences(of: packageRoot + "/samples/roster.tsv", with: folder + "/missing.tsv")
        try broken.write(toFile: folder + "/broken.yml", atomically: true, encoding: .utf8)
        #expect(try cli.stagebalans(["run", "p.yml", "--quiet"], in: folder).status == 0)
        #expect(try cli.stagebalans(["run", "broken.yml", "--quiet"], in: folder).status == 3)
        #expect(try cli.stagebalans(["run", "p.yml", "--quiet", "--force"], in: folder).status == 0)

        func rows(_ arguments: [String]) throws -> [[String]] {
            let result = try cli.stagebalans(["history", "p.yml"] + arguments, in: folder)
            #expect(result.status == 0, "\(arguments): \(result.err)")
            return result.out.split(separator: "\n").dropFirst().map { $0.split(separator: " ").map(String.init) }
        }
        let all = try rows([])
        #expect(all.count == 3 && all.map { $0[2] } == ["0", "3", "0"], "\(all)")
        #expect(try rows(["--last", "2"]).map { $0[0] } == all.suffix(2).map { $0[0] })
        #expect(try rows(["--failed"]).map { $0[0] } == [all[1][0]])
        #expect(try rows(["--failed", "--last", "5"]).map { $0[0] } == [all[1][0]])
        #expect(try rows(["--last", "1"]).map { $0[0] } == [all[2][0]])
        let zero = try cli.stagebalans(["history", "p.yml", "--last", "0"], in: folder)
        #expect(zero.status == 64 && zero.err.contains("--last must be 1 or more, not 0"))
    }

    @Test("report and plan: a name no register knows is the error of the option that gave it, not of the definition")
    func reportOptionErrors() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try RunCommandTests().sampleDefinition(in: folder).write(toFile: folder + "/p.yml", atomically: true, encoding: .utf8)
        #expect(try cli.stagebalans(["run", "p.yml", "--quiet"], in: folder).status == 0)
        let site = try cli.stagebalans(["report", "capacity", "--pipeline", "p.yml", "--site", "UZ Gnet"], in: folder)
        #expect(site.status == 2)
        #expect(site.err.hasPrefix("error: --site 'UZ Gnet': no site of that name, alias or code in the reference data ("))
        #expect(site.err.contains("sites.yml); closest: UZ Gent (UZG)"))
        #expect(!site.err.contains("p.yml:1"), "the definition is not at fault: \(site.err)")
        let discipline = try cli.stagebalans(["report", "coverage", "--pipeline", "p.yml", "--discipline", "kardiologie"], in: folder)
        #expect(discipline.status == 2 && discipline.err.hasPrefix("error: --discipline 'kardiologie': no discipline"))
        let column = try cli.stagebalans(["report", "coverage", "--pipeline", "p.yml", "--site", "UZ Gent"], in: folder)
        #expect(column.status == 2)
        #expect(column.err.hasPrefix("error: --site: the coverage report has no site column; --site filters capacity, audit"))
        let group = try cli.stagebalans(["plan", "--pipeline", "p.yml", "--year", "2026-2027", "--students", "3", "--group", "cardiologie"],
                                        in: folder)
        #expect(group.status == 2 && group.err.hasPrefix("error: --group 'cardiologie' is IG-CAR, a sub-discipline of IG"))
        let year = try cli.stagebalans(["report", "audit", "--pipeline", "p.yml", "--year", "2024"], in: folder)
        #expect(year.status == 64 && year.err.contains("--year: a placement year is written 2025-2026, not '2024'"))
    }
}
