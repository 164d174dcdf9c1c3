import Foundation
import Testing

/// An output folder that cannot be turned against its host (SPEC §7: the tool never follows a
/// symbolic link in its output folder and removes only what it made itself), tried through the
/// executable as someone who can write into the output folder would: links planted where the
/// tool keeps its own files, a person's files in `runs/`, and run folders the history does not know.
@Suite("The output folder", .serialized)
struct OutputFolderTests {
    let nightly = NightlyTests()
    typealias Faculty = NightlyTests.Faculty

    /// A faculty whose definition confines its paths (the links below are inside the output
    /// folder, where `confine_paths` does not look) and keeps `keepRuns` runs.
    func faculty(keepRuns: Int = 14) throws -> Faculty {
        let faculty = try Faculty()
        let definition = try String(contentsOfFile: faculty.folder + "/p.yml", encoding: .utf8)
        try faculty.write("p.yml", definition + "\nconfine_paths: true\nkeep_runs: \(keepRuns)\n")
        try faculty.nightOne()
        return faculty
    }

    /// Every file under `folder` with its bytes, and every folder and link by name: what must stay as it is.
    static func snapshot(_ folder: String) -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: folder)
        while let name = enumerator?.nextObject() as? String {
            let path = folder + "/" + name
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            files[name] = isDirectory.boolValue ? Data("folder".utf8) : FileManager.default.contents(atPath: path) ?? Data()
        }
        return files
    }

    /// Someone else's folder beside the output folder, with sentinel content, and a file in it.
    static func outsideFolder() throws -> String {
        let outside = try temporaryFolder()
        try "do not touch\n".write(toFile: outside + "/sentinel.txt", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: outside + "/2020-01-01T00-00-00Z-1", withIntermediateDirectories: true)
        try "a folder named like a run\n".write(toFile: outside + "/2020-01-01T00-00-00Z-1/keep.txt", atomically: true, encoding: .utf8)
        for index in 1...4 { try "file \(index)\n".write(toFile: outside + "/file\(index).txt", atomically: true, encoding: .utf8) }
        return outside
    }

    @Test("a symbolic link where the tool keeps its own file or folder: exit 4 naming it, the outside untouched", arguments: [
        ".lock", "history.sqlite", "history.sqlite to nowhere", "history.sqlite-journal", "runs", "latest",
        ".staging-2020-01-01T00-00-00Z-1", ".spill-2020-01-01T00-00-00Z-1",
    ])
    func plantedLink(_ planted: String) throws {
        let faculty = try faculty(keepRuns: 1)
        let outside = try Self.outsideFolder()
        defer { try? FileManager.default.removeItem(atPath: faculty.folder) }
        defer { try? FileManager.default.removeItem(atPath: outside) }
        #expect(try nightly.run(faculty, []).status == 0)
        let latest = faculty.latestTarget
        let name = String(planted.split(separator: " ")[0])
        // A file for the names the tool opens as files, a folder for those it opens as folders.
        let target = switch planted {
        case "history.sqlite to nowhere": outside + "/new.sqlite"
        case ".lock", "history.sqlite", "history.sqlite-journal": outside + "/sentinel.txt"
        default: outside
        }
        let path = faculty.output + "/" + name
        if name == "runs" { try FileManager.default.moveItem(atPath: path, toPath: faculty.output + "/runs-before") }
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
        let before = Self.snapshot(outside)

        let result = try nightly.run(faculty, ["--force"])
        #expect(result.status == 4, "\(result.err)")
        if name == "latest" {
            #expect(result.err.contains("out/latest: error: 'latest' points at '\(outside)', not at a run in runs/"), "\(result.err)")
        } else {
            #expect(result.err.contains("out/\(name): error: '\(name)' is a symbolic link (to '\(target)'); stagebalans never "
                                        + "follows one inside its output folder: remove it"), "\(result.err)")
            #expect(faculty.latestTarget == latest)
        }
        #expect(Self.snapshot(outside) == before, "the outside folder is byte for byte as it was")
        #expect(!FileManager.default.fileExists(atPath: outside + "/new.sqlite"))
    }

    @Test("a latest that is not a symbolic link is neither followed nor replaced: exit 4, the file as it was")
    func latestNotALink() throws {
        let faculty = try faculty()
        defer { try? FileManager.default.removeItem(atPath: faculty.folder) }
        #expect(try nightly.run(faculty, []).status == 0)
        try FileManager.default.removeItem(atPath: faculty.output + "/latest")
        try faculty.write("out/latest", "a coordinator's notes\n")
        let result = try nightly.run(faculty, ["--force"])
        #expect(result.status == 4, "\(result.err)")
        #expect(result.err.contains("out/latest: error: 'latest' is not a symbolic link"), "\(result.err)")
        #expect(try String(contentsOfFile: faculty.output + "/latest", encoding: .utf8) == "a coordinator's notes\n")
        #expect(faculty.runs.count == 1)
    }

    @Test("pruning with keep_runs: 1 removes only recorded run folders: a person's folder, a stray file and a link survive")
    func pruningKeepsOthers() throws {
        let faculty = try faculty(keepRuns: 1)
        let outside = try Self.outsideFolder()
        defer { try? FileManager.default.removeItem(atPath: faculty.folder) }
        defer { try? FileManager.default.removeItem(atPath: outside) }
        #expect(try nightly.run(faculty, []).status == 0)
        let runs = faculty.output + "/runs"
        try FileManager.default.createDirectory(atPath: runs + "/0001-notes", withIntermediateDirectories: true)
        try faculty.write("out/runs/0001-notes/notes.txt", "my notes\n")
        try faculty.write("out/runs/README.txt", "a stray file\n")
        try FileManager.default.createSymbolicLink(atPath: runs + "/2020-01-01T00-00-00Z-2", withDestinationPath: outside)
        let before = Self.snapshot(outside)
        for _ in 0..<3 {
            let result = try nightly.run(faculty, ["--force"])
            #expect(result.status == 0, "\(result.err)")
            #expect(!result.err.contains("warning: removed"), "\(result.err)")
        }
        #expect(try String(contentsOfFile: runs + "/0001-notes/notes.txt", encoding: .utf8) == "my notes\n")
        #expect(try String(contentsOfFile: runs + "/README.txt", encoding: .utf8) == "a stray file\n")
        #expect(Self.snapshot(outside) == before)
        let ownRuns = faculty.runs.filter { $0.hasPrefix("20") && $0 != "2020-01-01T00-00-00Z-2" }
        #expect(ownRuns.count == 1 && faculty.latestTarget == "runs/" + ownRuns[0], "\(faculty.runs)")
    }

    @Test("a run killed between publishing its folder and recording it: the next run removes the orphan, says so, and keeps the previous run")
    func orphanAfterKill() throws {
        let faculty = try faculty(keepRuns: 1)
        defer { try? FileManager.default.removeItem(atPath: faculty.folder) }
        #expect(try nightly.run(faculty, []).status == 0)
        let first = faculty.runs, latest = faculty.latestTarget
        let crashed = try nightly.run(faculty, ["--force"], environment: ["STAGEBALANS_CRASH_AT": "record"])
        #expect(crashed.status == 128 + SIGKILL || crashed.status == SIGKILL, "killed: \(crashed.status)")
        let orphan = try #require(Set(faculty.runs).subtracting(first).first, "the killed run left its folder")
        #expect(faculty.latestTarget == latest)

        let next = try nightly.run(faculty, ["--force"])
        #expect(next.status == 0, "\(next.err)")
        #expect(next.err.contains("out/runs/\(orphan): warning: removed this run folder: the history does not record it as "
                                  + "published"), "\(next.err)")
        #expect(!faculty.runs.contains(orphan))
        // keep_runs: 1 kept the new run, not the orphan in its place.
        #expect(faculty.runs.count == 1 && faculty.latestTarget == "runs/" + faculty.runs[0])
    }

    @Test("orphan run folders never count toward keep_runs; the one latest names stays while it names it")
    func orphansAndLatest() throws {
        let faculty = try faculty(keepRuns: 1)
        defer { try? FileManager.default.removeItem(atPath: faculty.folder) }
        #expect(try nightly.run(faculty, []).status == 0)
        let published = try #require(faculty.runs.first)
        let runs = faculty.output + "/runs/"
        // Two complete-looking runs the history does not know: a newer one, and one latest names.
        try FileManager.default.copyItem(atPath: runs + published, toPath: runs + "2099-01-01T00-00-00Z-1")
        try FileManager.default.copyItem(atPath: runs + published, toPath: runs + "2098-01-01T00-00-00Z-1")
        try FileManager.default.removeItem(atPath: faculty.output + "/latest")
        try FileManager.default.createSymbolicLink(atPath: faculty.output + "/latest", withDestinationPath: "runs/2098-01-01T00-00-00Z-1")

        let next = try nightly.run(faculty, ["--force"])
        #expect(next.status == 0, "\(next.err)")
        #expect(next.err.contains("runs/2099-01-01T00-00-00Z-1: warning: removed this run folder"), "\(next.err)")
        #expect(next.err.contains("runs/2098-01-01T00-00-00Z-1: warning: latest names this run, which the history does not "
                                  + "record as published"), "\(next.err)")
        // The new run is the one run keep_runs keeps; the one latest named survived this run.
        let newRun = try #require(faculty.latestTarget?.dropFirst("runs/".count)).description
        #expect(Set(faculty.runs) == ["2098-01-01T00-00-00Z-1", newRun], "\(faculty.runs)")
        // latest names the new run now: the next run removes the old orphan.
        let after = try nightly.run(faculty, ["--force"])
        #expect(after.err.contains("runs/2098-01-01T00-00-00Z-1: warning: removed this run folder"), "\(after.err)")
        #expect(faculty.runs.count == 1)
    }

    @Test("a run whose record fails (the database locked by another writer) removes its own run folder: no orphan is left")
    func recordFails() throws {
        let faculty = try faculty()
        defer { try? FileManager.default.removeItem(atPath: faculty.folder) }
        #expect(try nightly.run(faculty, []).status == 0)
        let runs = faculty.runs, latest = faculty.latestTarget
        // Another program in a write transaction: readers go ahead, the run's record waits past
        // the busy timeout (5 s) and fails after its folder was renamed into runs/.
        let holder = try NightlyTests.holdDatabase(faculty.output + "/history.sqlite", transaction: "IMMEDIATE")
        defer { kill(holder.processIdentifier, SIGKILL) }
        let result = try nightly.run(faculty, ["--force"])
        #expect(result.status == 4, "\(result.err)")
        #expect(result.err.contains("cannot record the run in the history database"), "\(result.err)")
        #expect(faculty.runs == runs && faculty.latestTarget == latest, "\(faculty.runs)")
    }

    @Test("validate: a symbolic link as OUTPUT/validate is refused (exit 4), not written through")
    func validateFolderLink() throws {
        let faculty = try faculty()
        let outside = try Self.outsideFolder()
        defer { try? FileManager.default.removeItem(atPath: faculty.folder) }
        defer { try? FileManager.default.removeItem(atPath: outside) }
        try FileManager.default.createDirectory(atPath: faculty.output, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: faculty.output + "/validate", withDestinationPath: outside)
        let before = Self.snapshot(outside)
        let result = try nightly.cli.stagebalans(["validate", "p.yml"], in: faculty.folder)
        #expect(result.status == 4, "\(result.err)")
        #expect(result.err.contains("out/validate: error: 'validate' is a symbolic link (to '\(outside)'); stagebalans never "
                                    + "follows one inside its output folder: remove it"), "\(result.err)")
        #expect(Self.snapshot(outside) == before)
    }
}
