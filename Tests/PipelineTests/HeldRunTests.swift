import Foundation
import GRDB
import Testing

/// The publish guard through the executable: the wrong date format on the samples is
/// held (exit 7) with `latest` left alone, `accept` publishes it, the next night compares with
/// the right run, held runs are kept until superseded, and unchanged nights are recorded.
@Suite("Publish guard: held runs and accept", .serialized)
struct HeldRunTests {
    let cli = CommandLineTests()

    /// The sample definition (`good.yml`) and a copy whose framework agreements read
    /// `m/d/yyyy` (`bad.yml`), both into `folder/out`.
    struct Samples {
        let folder: String

        init() throws {
            folder = try temporaryFolder()
            let good = RunCommandTests().sampleDefinition(in: folder)
            let bad = good.replacingOccurrences(of: "dates: [\"d/m/yyyy\", \"d month yyyy\", \"excel\"]",
                                                with: "dates: [\"m/d/yyyy\", \"d month yyyy\", \"excel\"]")
            #expect(bad != good, "the sample's agreement dates are d/m/yyyy")
            try good.write(toFile: folder + "/good.yml", atomically: true, encoding: .utf8)
            try bad.write(toFile: folder + "/bad.yml", atomically: true, encoding: .utf8)
        }

        var output: String { folder + "/out" }
        var latest: String? { (try? FileManager.default.destinationOfSymbolicLink(atPath: output + "/latest")).map { String($0.dropFirst(5)) } }
        var runs: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: output + "/runs")) ?? []).sorted() }

        func row(_ runID: String) throws -> Row? {
            try DatabaseQueue(path: output + "/history.sqlite").read { db in
                try Row.fetchOne(db, sql: """
                    SELECT run.*, run_hold.compared_with, run_hold.reasons, run_hold.accepted_at, run_hold.accepted_by
                    FROM run LEFT JOIN run_hold ON run_hold.run_id = run.id WHERE id = ?
                    """, arguments: [runID])
            }
        }
    }

    func run(_ samples: Samples, _ definition: String, _ arguments: [String] = []) throws -> (status: Int32, out: String, err: String) {
        try cli.stagebalans(["run", definition, "--quiet"] + arguments, in: samples.folder)
    }

    @Test("m/d/yyyy after a good night: held (exit 7), latest stays, the history and summary.md say why; an unchanged night stays held; the next good night compares with the published run")
    func wrongDateFormat() throws {
        let samples = try Samples()
        defer { try? FileManager.default.removeItem(atPath: samples.folder) }
        let good = try run(samples, "good.yml")
        #expect(good.status == 0, "\(good.err)")
        let published = try #require(samples.latest)

        let bad = try run(samples, "bad.yml")
        #expect(bad.status == 7, "\(bad.err)")
        let held = try #require(samples.runs.first { $0 != published })
        #expect(samples.latest == published, "latest still names the good night")
        #expect(bad.err.contains("run: held: accepted agreements fell from 323 to 120 (-62.8%): more than 20%"), "\(bad.err)")
        #expect(bad.err.contains("run: held: NO_AGREEMENT rose from 2 to 2,435"), "\(bad.err)")
        #expect(bad.err.contains("`stagebalans accept \(held)` publishes them"))
        #expect(bad.err.hasSuffix("; exit 7\n"), "the summary line stays last")
        let summary = try String(contentsOfFile: samples.output + "/runs/\(held)/summary.md", encoding: .utf8)
        #expect(summary.contains("## Tegengehouden door de publicatiebewaking: latest wijst nog naar run \(published)\n\n"
                                 + "- aanvaarde overeenkomsten daalden van 323 naar 120 (-62,8%): meer dan 20%\n"), "\(summary.prefix(600))")
        let page = try String(contentsOfFile: samples.output + "/runs/\(held)/report.html", encoding: .utf8)
        #expect(page.contains("<div id=\"held\" role=\"alert\"><strong>Tegengehouden door de publicatiebewaking: latest wijst nog naar run \(published)</strong>"),
                "the held run's page says so at the top")
        #expect(page.contains("<li>aanvaarde overeenkomsten daalden van 323 naar 120 (-62,8%): meer dan 20%</li>"))

        let heldRow = try #require(try samples.row(held))
        #expect(heldRow["outcome"] as String == "held" && heldRow["published"] as Int == 0 && heldRow["exit_code"] as Int == 7)
        #expect(heldRow["compared_with"] as String == published && heldRow["agreements"] as Int == 120)
        let reasons: String = heldRow["reasons"]
        #expect(reasons == "accepted agreements fell from 323 to 120 (-62.8%): more than 20%\n"
                + "NO_AGREEMENT rose from 2 to 2,435 (+121,650%), 2,433 more: more than 50% and at least 20")
        #expect((heldRow["accepted_at"] as String?) == nil)
        let goodRow = try #require(try samples.row(published))
        #expect(goodRow["outcome"] as String == "published" && goodRow["agreements"] as Int == 323 && goodRow["no_agreement"] as Int == 2
                && goodRow["records_read"] as Int == 7471 && goodRow["records_quarantined"] as Int == 17 && goodRow["placements"] as Int == 2989)

        // The same inputs again: the held run again, still held, and recorded as such.
        let again = try run(samples, "bad.yml")
        #expect(again.status == 7 && again.err.contains("unchanged") && again.err.contains("run \(held) is held by the publish guard"),
                "\(again.err)")
        #expect(samples.runs.count == 2 && samples.latest == published)
        let history = try cli.stagebalans(["history", "good.yml"], in: samples.folder)
        let lines = history.out.split(separator: "\n").map(String.init)
        #expect(lines.count == 7, "\(history.out)")
        #expect(lines[2].hasPrefix(held) && lines[2].contains("     7  held  ") && lines[3] == "    held against run \(published):"
                && lines[4].hasPrefix("      - accepted agreements fell from 323 to 120"), "\(history.out)")
        #expect(lines[6].contains("     7  unchanged") && lines[6].hasSuffix("same as \(held)"), "\(history.out)")

        // The good night after: compared with the published run, not the held one; the held run is superseded.
        let next = try run(samples, "good.yml")
        #expect(next.status == 0 && next.err.contains("0 changes since \(published)"), "\(next.err)")
        #expect(samples.latest != published && samples.runs.contains(held))
        let late = try cli.stagebalans(["accept", held, "--pipeline", "good.yml"], in: samples.folder)
        #expect(late.status == 64 && late.err.contains("a later run was published after this held run"), "\(late.err)")
    }

    @Test("accept publishes a held run under the lock and records who and when; the next night compares with it; what cannot be accepted is refused")
    func accept() throws {
        let samples = try Samples()
        defer { try? FileManager.default.removeItem(atPath: samples.folder) }
        #expect(try run(samples, "good.yml").status == 0)
        let published = try #require(samples.latest)
        #expect(try run(samples, "bad.yml").status == 7)
        let held = try #require(samples.runs.first { $0 != published })

        let accepted = try cli.stagebalans(["accept", held, "--pipeline", "good.yml"], in: samples.folder)
        #expect(accepted.status == 0, "\(accepted.err)")
        #expect(accepted.out == "accept: run \(held) published: latest now names out/runs/\(held) (it named \(published))\n")
        #expect(samples.latest == held)
        let row = try #require(try samples.row(held))
        #expect(row["outcome"] as String == "accepted" && row["published"] as Int == 1 && row["exit_code"] as Int == 7)
        #expect((row["accepted_at"] as String?)?.hasPrefix("20") == true && (row["accepted_by"] as String?)?.isEmpty == false)
        let history = try cli.stagebalans(["history", "good.yml"], in: samples.folder)
        #expect(history.out.contains("  accepted  ") && history.out.contains("    accepted 20"), "\(history.out)")
        // Again (by its folder's path, the definition from the environment): nothing to do.
        let twice = try cli.stagebalans(["accept", "out/runs/\(held)/"], in: samples.folder,
                                        environment: ["STAGEBALANS_PIPELINE": "good.yml"])
        #expect(twice.status == 0 && twice.out.contains("nothing to do"), "\(twice.err)")

        // Refused, with exit 64 and latest untouched.
        let refusals = [
            ([published], "this run was published, not held; latest names \(held)"),
            (["../../etc"], "error: '../../etc' is not a run id"),
            (["2020-01-01T00-00-00Z-1"], "the history records no run 2020-01-01T00-00-00Z-1"),
        ]
        for (arguments, message) in refusals {
            let refused = try cli.stagebalans(["accept"] + arguments + ["--pipeline", "good.yml"], in: samples.folder)
            #expect(refused.status == 64 && refused.err.contains(message), "\(arguments): \(refused.err)")
        }
        #expect(samples.latest == held)

        // The next night compares with the accepted run: the agreements come back, nothing is held.
        let next = try run(samples, "good.yml")
        #expect(next.status == 0 && next.err.contains("changes since \(held)"), "\(next.err)")
    }

    @Test("accept refuses a failed run, an unchanged night and a held folder swapped for a link, and waits for the lock")
    func acceptRefusals() throws {
        let faculty = try NightlyTests.Faculty()
        defer { try? FileManager.default.removeItem(atPath: faculty.folder) }
        try faculty.nightOne()
        #expect(try cli.stagebalans(["run", "p.yml"], in: faculty.folder).status == 0)
        #expect(try cli.stagebalans(["run", "p.yml"], in: faculty.folder).status == 0)
        try FileManager.default.removeItem(atPath: faculty.folder + "/evaluations.csv")
        #expect(try cli.stagebalans(["run", "p.yml"], in: faculty.folder).status == 3)
        let ids = try DatabaseQueue(path: faculty.output + "/history.sqlite").read { db in
            try String.fetchAll(db, sql: "SELECT id FROM run ORDER BY rowid")
        }
        #expect(ids.count == 3)
        let unchanged = try cli.stagebalans(["accept", ids[1], "--pipeline", "p.yml"], in: faculty.folder)
        #expect(unchanged.status == 64 && unchanged.err.contains("was an unchanged night with no folder of its own; it equals run \(ids[0])"),
                "\(unchanged.err)")
        let failed = try cli.stagebalans(["accept", ids[2], "--pipeline", "p.yml"], in: faculty.folder)
        #expect(failed.status == 64 && failed.err.contains("failed (exit 3) and published nothing"), "\(failed.err)")
        // A held run whose folder was swapped for a link: refused; the folder back: accepted.
        try faculty.nightOne()
        try faculty.write("agreements.csv", NightlyTests.Faculty.agreementHeader)
        #expect(try cli.stagebalans(["run", "p.yml"], in: faculty.folder).status == 7)
        let held = try #require(faculty.runs.last)
        let folder = faculty.output + "/runs/" + held
        try FileManager.default.moveItem(atPath: folder, toPath: faculty.folder + "/elsewhere")
        try FileManager.default.createSymbolicLink(atPath: folder, withDestinationPath: faculty.folder + "/elsewhere")
        let linked = try cli.stagebalans(["accept", held, "--pipeline", "p.yml"], in: faculty.folder)
        #expect(linked.status == 64 && linked.err.contains("the held run's folder is gone"), "\(linked.err)")
        #expect(faculty.latestTarget == "runs/" + ids[0])
        try FileManager.default.removeItem(atPath: folder)
        try FileManager.default.moveItem(atPath: faculty.folder + "/elsewhere", toPath: folder)
        #expect(try cli.stagebalans(["accept", held, "--pipeline", "p.yml"], in: faculty.folder).status == 0)
        #expect(faculty.latestTarget == "runs/" + held)

        let holder = try NightlyTests.holdLock(faculty.output + "/.lock")
        defer { kill(holder.processIdentifier, SIGKILL) }
        let locked = try cli.stagebalans(["accept", held, "--pipeline", "p.yml"], in: faculty.folder)
        #expect(locked.status == 5 && locked.err.contains("a run holds the lock"), "\(locked.err)")
        let nowhere = try cli.stagebalans(["accept", ids[0], "--pipeline", "p.yml"], in: "/tmp",
                                          environment: [:])
        #expect(nowhere.status == 2, "no definition there: \(nowhere.err)")
    }

    @Test("a held run survives the next night's orphan removal; once a later run is published it is pruned like any run (keep_runs: 1)")
    func heldRunsKept() throws {
        let faculty = try NightlyTests.Faculty()
        defer { try? FileManager.default.removeItem(atPath: faculty.folder) }
        try faculty.write("p.yml", (try String(contentsOfFile: faculty.folder + "/p.yml", encoding: .utf8)) + "\nkeep_runs: 1\n")
        try faculty.nightOne()
        #expect(try cli.stagebalans(["run", "p.yml"], in: faculty.folder).status == 0)
        let first = try #require(faculty.runs.first)
        // Every agreement gone (a broken export): 3 → 0 agreements, more than a 20% fall.
        try faculty.write("agreements.csv", NightlyTests.Faculty.agreementHeader)
        let heldOnce = try cli.stagebalans(["run", "p.yml"], in: faculty.folder)
        #expect(heldOnce.status == 7 && heldOnce.err.contains("accepted agreements fell from 3 to 0 (-100%)"), "\(heldOnce.err)")
        let heldTwice = try cli.stagebalans(["run", "p.yml", "--force"], in: faculty.folder)
        #expect(heldTwice.status == 7 && !heldTwice.err.contains("removed this run folder"), "\(heldTwice.err)")
        #expect(faculty.runs.count == 3, "both held runs kept beside the published one: \(faculty.runs)")
        #expect(faculty.latestTarget == "runs/" + first)
        // The export is fixed: published, compared with the first night; the held runs are superseded and pruned.
        try faculty.nightOne()
        let fixed = try cli.stagebalans(["run", "p.yml"], in: faculty.folder)
        #expect(fixed.status == 0 && fixed.err.contains("0 changes since \(first)"), "\(fixed.err)")
        #expect(faculty.runs.count == 1 && faculty.latestTarget == "runs/" + (faculty.runs.first ?? ""))
        let history = try cli.stagebalans(["history", "p.yml"], in: faculty.folder)
        #expect(history.out.components(separatedBy: "  held  ").count == 3, "two held runs listed: \(history.out)")
    }

    @Test("--help and run --help list exit 7")
    func help() throws {
        for arguments in [["--help"], ["run", "--help"]] {
            let help = try cli.stagebalans(arguments)
            #expect(help.out.contains("7  held back by the publish guard; stagebalans accept ID publishes it\n"),
                    "\(arguments)")
        }
        let accept = try cli.stagebalans(["accept", "--help"])
        #expect(accept.out.contains("Example: stagebalans accept 2026-11-23T21-01-33Z-29796 --pipeline faculty.yml\n"))
    }

    @Test("an unchanged night is recorded: outcome unchanged, the run it equals, exit 0; history lists it")
    func unchangedNightRecorded() throws {
        let faculty = try NightlyTests.Faculty()
        defer { try? FileManager.default.removeItem(atPath: faculty.folder) }
        try faculty.nightOne()
        #expect(try cli.stagebalans(["run", "p.yml"], in: faculty.folder).status == 0)
        let first = try #require(faculty.runs.first)
        let again = try cli.stagebalans(["run", "p.yml"], in: faculty.folder)
        #expect(again.status == 0 && again.err.contains("unchanged"))
        #expect(faculty.runs == [first])
        let rows = try DatabaseQueue(path: faculty.output + "/history.sqlite").read { db in
            try Row.fetchAll(db, sql: "SELECT id, outcome, same_as, exit_code, published FROM run ORDER BY rowid")
        }
        #expect(rows.count == 2 && rows[1]["outcome"] as String == "unchanged" && rows[1]["same_as"] as String == first
                && rows[1]["exit_code"] as Int == 0 && rows[1]["published"] as Int == 0)
        let history = try cli.stagebalans(["history", "p.yml"], in: faculty.folder)
        let last = try #require(history.out.split(separator: "\n").last)
        #expect(last.contains("     0  unchanged") && last.hasSuffix("same as \(first)"), "\(history.out)")
        // The night after still compares with the published run, not with the unchanged row.
        try faculty.nightTwo()
        let next = try cli.stagebalans(["run", "p.yml", "--as-of", "2026-04-15"], in: faculty.folder)
        #expect(next.status == 0 && next.err.contains("8 changes since \(first)"), "\(next.err)")
    }
}

extension NightlyTests {
    /// Another process holding the OS lock on `path` for 30 s, or until the caller kills it.
    static func holdLock(_ path: String) throws -> Process {
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        holder.arguments = ["-c", """
            import fcntl, sys, time
            f = open(sys.argv[1], "a+")
            fcntl.flock(f, fcntl.LOCK_EX)
            print("locked", flush=True)
            time.sleep(30)
            """, path]
        let pipe = Pipe()
        holder.standardOutput = pipe
        try holder.run()
        _ = pipe.fileHandleForReading.availableData
        return holder
    }
}
