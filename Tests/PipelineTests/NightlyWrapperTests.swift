import Foundation
import Testing

/// The nightly wrapper as run from the checkout (`scripts/nightly.sh`): it never builds, and a
/// night it cannot start has an exit code of its own. The installed wrapper under cron's
/// environment with the real binary, the time limit and log rotation: `scripts/install_check.sh`
/// in CI (docs/operations.md).
@Suite("Nightly wrapper")
struct NightlyWrapperTests {
    let cli = CommandLineTests()

    func wrapper(_ arguments: [String], _ environment: [String: String]) throws -> (status: Int32, out: String, err: String) {
        // No Swift on this PATH: the old wrapper built here and failed with exit 4.
        try cli.command("/bin/bash", [packageRoot + "/scripts/nightly.sh"] + arguments,
                        environment: environment.merging(["PATH": "/usr/bin:/bin"]) { _, new in new })
    }

    @Test("no binary: exit 8 naming the path, in the log as JSON too; nothing is built")
    func missingBinary() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try wrapper(["pipelines/sample.yml"], ["STAGEBALANS_BIN": folder + "/none/stagebalans",
                                                            "STAGEBALANS_LOG_DIR": folder + "/logs"])
        #expect(result.status == 8, "\(result.err)")
        #expect(result.err.contains("no stagebalans binary at \(folder)/none/stagebalans (STAGEBALANS_BIN)"), "\(result.err)")
        #expect(!result.err.contains("command not found") && !result.err.contains("build failed"), "\(result.err)")
        let logs = try FileManager.default.contentsOfDirectory(atPath: folder + "/logs")
        #expect(logs.count == 1 && logs[0].hasPrefix("nightly-"), "\(logs)")
        let text = try String(contentsOfFile: folder + "/logs/" + (logs.first ?? ""), encoding: .utf8)
        let lines = text.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(lines.count == 2 && lines.allSatisfy { $0 != nil }, "\(text)")
        let last = lines.last.flatMap { $0 }
        #expect(last?["exit_code"] as? Int == 8, "a number, not a string: \(text)")
        #expect((last?["message"] as? String)?.hasPrefix("no stagebalans binary at") == true, "\(text)")
    }

    @Test("the settings file: a misspelt name or a line without '=' stops the night at its line; no value is run as code")
    func settingsFile() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cases: [(String, String)] = [
            ("# the night's settings\nSTAGEBALANS_LOG_DIR=\(folder)/logs\nSTAGEBALANS_TIMOUT=1h\n",
             "bad.env:3:1: unknown setting 'STAGEBALANS_TIMOUT'"),
            ("STAGEBALANS_PSEUDONYM_KEY secret-key-material\n", "bad.env:1:1: expected NAME=value"),
            ("STAGEBALANS_KEEP_LOGS=3\nSTAGEBALANS_KEEP_LOGS=4\n", "bad.env:2:1: STAGEBALANS_KEEP_LOGS is set twice"),
            ("STAGEBALANS_KEEP_LOGS=$(touch \(folder)/ran)\n", "STAGEBALANS_KEEP_LOGS='$(touch \(folder)/ran)' is not a whole number"),
            ("STAGEBALANS_TIMEOUT=0\n", "STAGEBALANS_TIMEOUT=0 would switch the time limit off"),
        ]
        for (settings, message) in cases {
            try settings.write(toFile: folder + "/bad.env", atomically: true, encoding: .utf8)
            let result = try wrapper(["pipelines/sample.yml"], ["STAGEBALANS_ENV_FILE": folder + "/bad.env",
                                                                "STAGEBALANS_BIN": "/bin/false"])
            #expect(result.status == 8, "\(settings): \(result.err)")
            #expect(result.err.contains(message), "\(result.err)")
            #expect(!result.err.contains("secret-key-material"), "a line of the file is not quoted: it may hold a key")
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/ran"), "a value ran as shell code")
        #expect(!FileManager.default.fileExists(atPath: folder + "/logs"), "no night started, so no log")
    }

    @Test("the environment wins over the settings file; a value's quotes are removed")
    func environmentWins() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "STAGEBALANS_LOG_DIR=\"\(folder)/from-file\"\nSTAGEBALANS_BIN='\(folder)/file/stagebalans'\n"
            .write(toFile: folder + "/nightly.env", atomically: true, encoding: .utf8)
        let result = try wrapper(["pipelines/sample.yml"], ["STAGEBALANS_ENV_FILE": folder + "/nightly.env",
                                                            "STAGEBALANS_BIN": folder + "/environment/stagebalans"])
        #expect(result.status == 8, "\(result.err)")
        #expect(result.err.contains("no stagebalans binary at \(folder)/environment/stagebalans"), "\(result.err)")
        #expect(FileManager.default.fileExists(atPath: folder + "/from-file"), "the log folder from the file, quotes removed")
    }
}
