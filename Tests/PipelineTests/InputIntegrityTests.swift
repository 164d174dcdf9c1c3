import Foundation
@testable import Pipeline
import Domain
import Testing

/// Inputs that change, move or never end while a run uses them (issue 17, items 3–5): the
/// digest recorded is that of the bytes read, `confine_paths` holds for the file actually
/// opened, and only regular files are read. Files are replaced under a running ingest through
/// `RunOptions.onInputOpened`, a seam for tests only.
@Suite("Input integrity", .serialized)
struct InputIntegrityTests {
    let cli = CommandLineTests()
    static let asOf = Day(year: 2026, month: 4, day: 15) ?? Day(daysSinceEpoch: 0)

    func options(_ onOpened: (@Sendable (String) -> Void)? = nil) -> RunOptions {
        var options = RunOptions(asOf: Self.asOf, today: Self.asOf, force: true)
        options.threading = .never
        options.onInputOpened = onOpened
        return options
    }

    /// The sha256 of `path` in the manifest of the run `latest` names.
    func manifestDigest(_ faculty: NightlyTests.Faculty, of name: String) throws -> String? {
        let data = try #require(FileManager.default.contents(atPath: faculty.output + "/latest/manifest.json"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let inputs = try #require(object["inputs"] as? [[String: Any]])
        return inputs.first { ($0["path"] as? String)?.hasSuffix(name) == true }?["sha256"] as? String
    }

    /// Night one's evaluations at `evaluations.csv`, night two's beside it at `evaluations.next`;
    /// their digests and the rows of each.
    func twoVersions(_ faculty: NightlyTests.Faculty) throws -> (current: String, next: String) {
        let evaluations = faculty.folder + "/evaluations.csv"
        try faculty.nightTwo()
        try FileManager.default.moveItem(atPath: evaluations, toPath: faculty.folder + "/evaluations.next")
        try faculty.nightOne()
        let current = try #require(FileDigest.sha256(path: evaluations))
        let next = try #require(FileDigest.sha256(path: faculty.folder + "/evaluations.next"))
        #expect(current != next)
        return (current, next)
    }

    @Test("an input replaced during ingest, before it is opened: the digest recorded is of the bytes ingested")
    func replacedBeforeOpened() throws {
        let faculty = try NightlyTests.Faculty()
        defer { try? FileManager.default.removeItem(atPath: faculty.folder) }
        let digests = try twoVersions(faculty)
        let evaluations = faculty.folder + "/evaluations.csv", replacement = faculty.folder + "/evaluations.next"
        let definition = try DefinitionLoader.load(file: faculty.folder + "/p.yml")
        // While the agreements are read, the evaluations are replaced: a separate hashing pass
        // before ingest recorded the old file's digest with the new file's rows.
        let result = try PipelineRun.run(definition, options: options { path in
            if path.hasSuffix("agreements.csv") { rename(replacement, evaluations) }
        })
        let read = try #require(result.result?.reports.first { $0.path.hasSuffix("evaluations.csv") })
        #expect(read.read == 6)
        #expect(try manifestDigest(faculty, of: "evaluations.csv") == digests.next)
        let stored = try HistoryStore.open(directory: faculty.output).lastPublished()
        #expect(stored?.inputs.first { $0.path.hasSuffix("evaluations.csv") }?.sha256 == digests.next)
    }

    @Test("a file renamed over an input after it was opened: the digest is of the bytes read, and the next night rebuilds")
    func renamedOverWhileRead() throws {
        let faculty = try NightlyTests.Faculty()
        defer { try? FileManager.default.removeItem(atPath: faculty.folder) }
        let digests = try twoVersions(faculty)
        let evaluations = faculty.folder + "/evaluations.csv", replacement = faculty.folder + "/evaluations.next"
        let definition = try DefinitionLoader.load(file: faculty.folder + "/p.yml")
        // The open descriptor keeps the old file: its bytes are read, and its digest recorded.
        let result = try PipelineRun.run(definition, options: options { path in
            if path.hasSuffix("evaluations.csv") { rename(replacement, evaluations) }
        })
        #expect(result.result?.exitStatus == .success)
        #expect(FileDigest.sha256(path: evaluations) == digests.next)
        #expect(try manifestDigest(faculty, of: "evaluations.csv") == digests.current)
        let stored = try HistoryStore.open(directory: faculty.output).lastPublished()
        #expect(stored?.inputs.first { $0.path.hasSuffix("evaluations.csv") }?.sha256 == digests.current)
        // The next night sees a file other than the one read, and rebuilds from its bytes.
        let next = try cli.stagebalans(["run", "p.yml", "--as-of", "2026-04-15"], in: faculty.folder)
        #expect(next.status == 0 && !next.err.contains("unchanged"), "\(next.err)")
        #expect(try manifestDigest(faculty, of: "evaluations.csv") == digests.next)
        // And the night after that, nothing changed: unchanged (stat identity, then the digest).
        let third = try cli.stagebalans(["run", "p.yml", "--as-of", "2026-04-15"], in: faculty.folder)
        #expect(third.status == 0 && third.err.contains("unchanged"), "\(third.err)")
    }

    @Test("an input written in place while it is read: exit 3, nothing published")
    func writtenWhileRead() throws {
        let faculty = try NightlyTests.Faculty()
        defer { try? FileManager.default.removeItem(atPath: faculty.folder) }
        try faculty.nightOne()
        let evaluations = faculty.folder + "/evaluations.csv"
        let definition = try DefinitionLoader.load(file: faculty.folder + "/p.yml")
        do {
            _ = try PipelineRun.run(definition, options: options { path in
                guard path.hasSuffix("evaluations.csv"), let handle = FileHandle(forWritingAtPath: evaluations) else { return }
                usleep(50_000)
                // The last row's submission date, 2025-09-01, becomes 2025-09-02: same size, still valid.
                handle.seek(toFileOffset: handle.seekToEndOfFile() - 4)
                handle.write(Data("02".utf8))
                try? handle.close()
            })
            Issue.record("a file written while it was read was used")
        } catch {
            #expect(error.exitStatus == .unreadableInput)
            #expect(error.description.contains("evaluations.csv:1: error: the file was written while it was read"), "\(error)")
        }
        #expect(faculty.runs.isEmpty)
    }

    @Test("confine_paths: a symbolic link to outside renamed over an input after the definition loaded: exit 3")
    func symlinkSwappedIn() throws {
        let faculty = try NightlyTests.Faculty()
        let outside = try temporaryFolder()
        defer {
            try? FileManager.default.removeItem(atPath: faculty.folder)
            try? FileManager.default.removeItem(atPath: outside)
        }
        try faculty.nightOne()
        let confined = try "confine_paths: true\n" + String(contentsOfFile: faculty.folder + "/p.yml", encoding: .utf8)
        try faculty.write("p.yml", confined)
        try FileManager.default.copyItem(atPath: faculty.folder + "/evaluations.csv", toPath: outside + "/other-faculty.csv")
        let definition = try DefinitionLoader.load(file: faculty.folder + "/p.yml")
        let evaluations = faculty.folder + "/evaluations.csv", link = faculty.folder + "/evaluations.link"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: outside + "/other-faculty.csv")
        do {
            _ = try PipelineRun.run(definition, options: options { path in
                // While the agreements are read, the evaluations become a link to outside.
                if path.hasSuffix("agreements.csv") { rename(link, evaluations) }
            })
            Issue.record("the run read a file outside the definition's folder")
        } catch {
            #expect(error.exitStatus == .unreadableInput)
            #expect(error.description.contains("outside the definition's folder"), "\(error)")
            #expect(error.description.contains("other-faculty.csv"), "\(error)")
        }
        #expect(faculty.runs.isEmpty)
    }

    /// Runs the executable, killing it after `seconds`: a regression fails instead of hanging.
    func stagebalans(within seconds: Double, _ arguments: [String], in folder: String) throws -> (status: Int32, err: String, seconds: Double) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try cli.executable())
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        let started = Date()
        try process.run()
        while process.isRunning && Date().timeIntervalSince(started) < seconds { usleep(20_000) }
        if process.isRunning { process.terminate() }
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text, Date().timeIntervalSince(started))
    }

    @Test("a FIFO (also in a confined folder), /dev/zero and a folder as a source: exit 3 at once, saying what it is")
    func sourcesThatNeverEnd() throws {
        let faculty = try NightlyTests.Faculty()
        defer { try? FileManager.default.removeItem(atPath: faculty.folder) }
        try faculty.nightOne()
        let definition = try String(contentsOfFile: faculty.folder + "/p.yml", encoding: .utf8)
        #expect(mkfifo(faculty.folder + "/pipe.csv", 0o600) == 0)
        try FileManager.default.createDirectory(atPath: faculty.folder + "/folder.csv", withIntermediateDirectories: false)
        for (path, what, confine) in [("pipe.csv", "a FIFO (named pipe)", false), ("pipe.csv", "a FIFO (named pipe)", true),
                                      ("/dev/zero", "a character device", false), ("folder.csv", "a folder", false)] {
            try faculty.write("p.yml", (confine ? "confine_paths: true\n" : "")
                + definition.replacingOccurrences(of: "path: evaluations.csv", with: "path: \(path)"))
            let result = try stagebalans(within: 20, ["run", "p.yml", "--as-of", "2026-04-15"], in: faculty.folder)
            #expect(result.status == 3, "\(path): \(result.err)")
            #expect(result.seconds < 10)
            #expect(result.err.contains("\(path):1: error: is \(what), not a regular file; only regular files are read"),
                    "\(result.err)")
        }
        #expect(faculty.runs.isEmpty)
        // A reference file that is a FIFO does not hang either: the definition is refused.
        try faculty.write("p.yml", definition.replacingOccurrences(of: "sites: ref/sites.yml", with: "sites: pipe.csv"))
        let reference = try stagebalans(within: 20, ["run", "p.yml", "--as-of", "2026-04-15"], in: faculty.folder)
        #expect(reference.status == 2 && reference.err.contains("is a FIFO (named pipe), not a regular file"), "\(reference.err)")
    }

    @Test("scripts/nightly.sh stops a run that outlives STAGEBALANS_TIMEOUT and exits 6")
    func nightlyTimeout() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // A fake binary that never finishes (and ignores SIGTERM: the grace ends in SIGKILL).
        let fake = folder + "/stagebalans"
        // Finite, so that a wrapper without a time limit fails this test instead of hanging it.
        try "#!/bin/sh\ntrap '' TERM\nfor i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do sleep 1; done\n".write(toFile: fake, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake)
        let started = Date()
        let result = try cli.command("/bin/bash", [packageRoot + "/scripts/nightly.sh", "pipelines/sample.yml"], environment: [
            "STAGEBALANS_BIN": fake, "STAGEBALANS_LOG_DIR": folder + "/logs", "STAGEBALANS_TIMEOUT": "1s",
            "STAGEBALANS_TIMEOUT_GRACE": "1s",
        ])
        #expect(result.status == 6, "\(result.err)")
        #expect(Date().timeIntervalSince(started) < 30)
        #expect(result.err.contains("stopped after STAGEBALANS_TIMEOUT=1s"), "\(result.err)")
    }
}
