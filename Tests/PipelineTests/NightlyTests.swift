import Foundation
import GRDB
import Testing

/// Nightly operation through the executable: atomic publishing under crashes and a real
/// SIGKILL, the lock, every exit code, the history database, unchanged input, and the
/// changes report on two hand-made consecutive nights.
@Suite("Nightly operation", .serialized)
struct NightlyTests {
    let cli = CommandLineTests()

    /// A small faculty: two hospitals with framework agreements and a private clinic without.
    struct Faculty {
        let folder: String

        init() throws {
            folder = try temporaryFolder()
            try FileManager.default.createDirectory(atPath: folder + "/ref", withIntermediateDirectories: true)
            try write("ref/sites.yml", """
                sites:
                  - {code: AZA, name: "AZ Alfa", kind: hospital, region: peripheral, city: Gent, country: BE}
                  - {code: AZB, name: "AZ Beta", kind: hospital, region: peripheral, city: Brugge, country: BE}
                  - {code: XNR, name: "Privékliniek X", kind: other, region: peripheral, city: Kortrijk, country: BE}
                """)
            try write("ref/disciplines.yml", """
                disciplines:
                  - {code: IG, nl: "interne geneeskunde", en: "internal medicine"}
                  - {code: HK, nl: "heelkunde", en: "surgery"}
                """)
            try write("ref/curriculum.yml", """
                required_weeks: {IG: 8, HK: 8}
                blocks: []
                clinical_weeks: 62
                scientific_weeks: 16
                pass_mark: 10
                """)
            try write("p.yml", """
                name: mini faculty
                output: out
                sources:
                  - {name: agreements, kind: agreements, format: csv, path: agreements.csv, encoding: utf-8, delimiter: ",", dates: ["yyyy-m-d"]}
                  - {name: evaluations, kind: evaluations, format: csv, path: evaluations.csv, encoding: utf-8, delimiter: ",", dates: ["yyyy-m-d"]}
                reference: {sites: ref/sites.yml, disciplines: ref/disciplines.yml, curriculum: ref/curriculum.yml}
                """)
        }

        func write(_ name: String, _ text: String) throws {
            try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8)
        }

        static let agreementHeader = "Overeenkomst,Stageplaats,Discipline,Capaciteit,Geldig van,Geldig tot,Soort\n"
        static let evaluationHeader = "Student ID,Site,Discipline,Start Date,END DATE,Placement kind,Evaluator Role,Status,Final score,Submitted\n"

        /// Night 1 (as of 2025-10-01): s1 evaluated; s2 ended 31 August without a final evaluation.
        func nightOne() throws {
            try write("agreements.csv", Self.agreementHeader + """
                G1,AZ Alfa,interne geneeskunde,2,2025-07-01,2026-06-30,erkend
                G2,AZ Beta,heelkunde,1,2025-07-01,2026-06-30,erkend
                G3,AZ Alfa,heelkunde,1,2025-07-01,2026-06-30,erkend

                """)
            try write("evaluations.csv", Self.evaluationHeader + """
                s1,AZ Alfa,interne geneeskunde,2025-09-01,2025-09-28,hospital,supervisor,final,14,2025-09-30
                s2,AZ Beta,heelkunde,2025-08-04,2025-08-31,hospital,resident,submitted,,2025-09-01

                """)
        }

        /// Night 2 (as of 2026-04-15): G2 grows to 3 slots; s2's final evaluation arrives; s4 and
        /// s5 fill AZA IG for 13 weeks; s3 goes to the private clinic, which has no agreement.
        func nightTwo() throws {
            try write("agreements.csv", Self.agreementHeader + """
                G1,AZ Alfa,interne geneeskunde,2,2025-07-01,2026-06-30,erkend
                G2,AZ Beta,heelkunde,3,2025-07-01,2026-06-30,erkend
                G3,AZ Alfa,heelkunde,1,2025-07-01,2026-06-30,erkend

                """)
            try write("evaluations.csv", Self.evaluationHeader + """
                s1,AZ Alfa,interne geneeskunde,2025-09-01,2025-09-28,hospital,supervisor,final,14,2025-09-30
                s2,AZ Beta,heelkunde,2025-08-04,2025-08-31,hospital,resident,submitted,,2025-09-01
                s2,AZ Beta,heelkunde,2025-08-04,2025-08-31,hospital,supervisor,final,12,2025-10-20
                s4,AZ Alfa,interne geneeskunde,2025-10-06,2026-01-04,hospital,supervisor,final,15,2026-01-05
                s5,AZ Alfa,interne geneeskunde,2025-10-06,2026-01-04,hospital,supervisor,final,13,2026-01-05
                s3,Privékliniek X,interne geneeskunde,2026-01-05,2026-02-01,hospital,supervisor,final,16,2026-02-02

                """)
        }

        var output: String { folder + "/out" }
        var latestTarget: String? { try? FileManager.default.destinationOfSymbolicLink(atPath: output + "/latest") }
        var history: Data? { FileManager.default.contents(atPath: output + "/history.sqlite") }
        var runs: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: output + "/runs")) ?? []).sorted() }
    }

    /// Another program (Python's sqlite3) in a `transaction` (IMMEDIATE or EXCLUSIVE) on
    /// `database` for 30 s, or until the caller kills it; returns once the transaction is open.
    static func holdDatabase(_ database: String, transaction: String) throws -> Process {
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        holder.arguments = ["-c", """
            import sqlite3, sys, time
            db = sqlite3.connect(sys.argv[1], isolation_level=None)
            db.execute("BEGIN \(transaction)")
            print("locked", flush=True)
            time.sleep(30)
            """, database]
        let pipe = Pipe()
        holder.standardOutput = pipe
        try holder.run()
        _ = pipe.fileHandleForReading.availableData  // "locked"
        return holder
    }

    func run(_ faculty: Faculty, _ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
        try cli.stagebalans(["run", "p.yml"] + arguments, in: faculty.folder, environment: environment)
    }

    @Test("the changes report of two consecutive nights names each kind of change")
    func changes() throws {
        let faculty = try Faculty()
        defer { try? FileManager.default.removeItem(atPath: faculty.folder) }
        try faculty.nightOne()
        let first = try run(faculty, ["--as-of", "2025-10-01"])
        #expect(first.status == 0, "\(first.err)")
        #expect(first.err.contains("first run"))
        let firstChanges = try String(contentsOfFile: faculty.output + "/latest/changes.csv", encoding: .utf8)
        #expect(firstChanges == "change,subject,year,before,after,detail\n")
        let page = try String(contentsOfFile: faculty.output + "/latest/report.html", encoding: .utf8)
        #expect(page.contains("Dit is de eerste run: er is niets om mee te vergelijken."), "the page is in Dutch by default")

        try faculty.nightTwo()
        let second = try run(faculty, ["--as-of", "2026-04-15"])
        #expect(second.status == 0, "\(second.err)")
        let rows = try String(contentsOfFile: faculty.output + "/latest/changes.csv", encoding: .utf8)
            .split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        func kinds(_ change: String) -> [[String]] { rows.filter { $0[0] == change } }
        // G1, G2 and G3 end 30 June 2026, within 90 days of 15 April.
        #expect(kinds("AGREEMENT_ENTERED_EXPIRY").count == 3)
        #expect(kinds("RESOLVED_FINDING").map { $0[1] } == ["EVALUATION_MISSING"])
        #expect(kinds("NEW_FINDING").map { $0[1] } == ["NO_AGREEMENT"])
        #expect(kinds("NEW_NON_RECOGNISED_SITE").map { [$0[1], $0[2], $0[4]] } == [["XNR", "2025-2026", "1"]])
        // AZB HK: 1 slot × 365 days / 7 = 52.1 weeks, then 3 slots: 156.4.
        #expect(kinds("CAPACITY_CHANGED").map { [$0[1], $0[3], $0[4]] } == [["AZB HK", "52.1", "156.4"]])
        // AZA IG: 4 used weeks of 104.3 (0.038), then 4 + 13 + 13 = 30 (0.288): 25 points.
        #expect(kinds("UTILISATION_CHANGED").map { [$0[1], $0[3], $0[4]] } == [["AZA IG", "0.038", "0.288"]])
        #expect(rows.count == 8, "\(rows)")
        #expect(second.err.contains("8 changes since"))
        let summary = try String(contentsOfFile: faculty.output + "/latest/summary.md", encoding: .utf8)
        #expect(summary.contains("## Wijzigingen sinds de vorige run") && summary.contains("NEW_NON_RECOGNISED_SITE"))

        // The history: two published runs, readable by the sqlite3 shell.
        let history = try cli.stagebalans(["history", "p.yml"], in: faculty.folder)
        #expect(history.status == 0 && history.out.split(separator: "\n").count == 3, "\(history.out)")
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3") {
            let shell = try cli.command("/usr/bin/sqlite3", [faculty.output + "/history.sqlite",
                                                             "SELECT COUNT(*), SUM(published) FROM run; SELECT COUNT(*) FROM run_findings;"])
            #expect(shell.out == "2|2\n2\n", "\(shell.out)")
        }
    }

    @Test("keep_runs: older run folders go, and so do their findings and capacity rows in the history; the runs stay listed")
    func pruning() throws {
        let faculty = try Faculty()
        defer { try? FileManager.default.removeItem(atPath: faculty.folder) }
        try faculty.write("p.yml", (try String(contentsOfFile: faculty.folder + "/p.yml", encoding: .utf8)) + "\nkeep_runs: 2\n")
        try faculty.nightOne()
        for _ in 0..<4 { #expect(try run(faculty, ["--as-of", "2025-10-01", "--force"]).status == 0) }
        #expect(faculty.runs.count == 2)
        let history = try cli.stagebalans(["history", "p.yml"], in: faculty.folder)
        #expect(history.status == 0 && history.out.split(separator: "\n").count == 5, "\(history.out)")
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3") else { return }
        let shell = try cli.command("/usr/bin/sqlite3", [faculty.output + "/history.sqlite", """
            SELECT COUNT(*), MIN(findings), MAX(findings) FROM run;
            SELECT COUNT(DISTINCT run_id) FROM run_findings; SELECT COUNT(DISTINCT run_id) FROM run_capacity;
            SELECT COUNT(*) FROM run_findings WHERE run_id NOT IN (\(faculty.runs.map { "'\($0)'" }.joined(separator: ",")));
            """])
        // Four runs with their counts; details only for the two kept folders.
        #expect(shell.out.hasPrefix("4|") && shell.out.hasSuffix("\n2\n2\n0\n"), "\(shell.out)")
        // The next night still compares with the last run.
        try faculty.nightTwo()
        let next = try run(faculty, ["--as-of", "2026-04-15"])
        #expect(next.status == 0 && next.err.contains("8 changes since"), "\(next.err)")
    }

    @Test("a second run on unchanged input says so and rewrites nothing; --force rewrites")
    func unchanged() throws {
        let faculty = try Faculty()
        defer { try? FileManager.default.removeItem(atPath: faculty.folder) }
        try faculty.nightOne()
        #expect(try run(faculty, ["--as-of", "2026-04-15"]).status == 0)
        let latest = faculty.latestTarget
        let again = try run(faculty, ["--as-of", "2026-04-15"])
        #expect(again.status == 0 && again.err.contains("unchanged"), "\(again.err)")
        #expect(faculty.latestTarget == latest && faculty.runs.count == 1)
        // Another day of the same placement year is the same; another placement year is not.
        #expect(try run(faculty, ["--as-of", "2026-06-30"]).err.contains("unchanged"))
        #expect(!(try run(faculty, ["--as-of", "2026-07-01"]).err.contains("unchanged")))
        let forced = try run(faculty, ["--as-of", "2026-07-01", "--force"])
        #expect(forced.status == 0 && !forced.err.contains("unchanged"))
        // An input changed in place, to the same size, is not unchanged (the sizes match, so it
        // is hashed before reading, and the digest differs).
        let path = faculty.folder + "/evaluations.csv"
        let before = try String(contentsOfFile: path, encoding: .utf8)
        let edited = before.replacingOccurrences(of: "final,14,", with: "final,15,")
        #expect(edited != before && edited.utf8.count == before.utf8.count)
        try faculty.write("evaluations.csv", edited)
        let sameSize = try run(faculty, ["--as-of", "2026-07-01"])
        #expect(sameSize.status == 0 && !sameSize.err.contains("unchanged"), "\(sameSize.err)")
        #expect(try run(faculty, ["--as-of", "2026-07-01"]).err.contains("unchanged"))
        // A changed input is not unchanged.
        try faculty.nightTwo()
        #expect(!(try run(faculty, ["--as-of", "2026-07-01"]).err.contains("unchanged")))
    }

    @Test("a run killed at any stage leaves latest and the history exactly as they were", arguments: [
        "ingest", "normalize", "reconcile", "report", "publish",
    ])
    func crash(at stage: String) throws {
        let faculty = try Faculty()
        defer { try? FileManager.default.removeItem(atPath: faculty.folder) }
        try faculty.nightOne()
        #expect(try run(faculty, []).status == 0)
        let latest = faculty.latestTarget, history = faculty.history, runs = faculty.runs
        try faculty.nightTwo()
        let crashed = try run(faculty, ["--as-of", "2026-04-15"], environment: ["STAGEBALANS_CRASH_AT": stage])
        #expect(crashed.status == 128 + SIGKILL || crashed.status == SIGKILL, "killed: \(crashed.status)")
        #expect(faculty.latestTarget == latest)
        #expect(faculty.history == history, "history.sqlite unchanged byte for byte")
        #expect(faculty.runs == runs)
        let reader = try String(contentsOfFile: faculty.output + "/latest/findings.csv", encoding: .utf8)
        #expect(reader.hasPrefix("code,severity,"), "the previous complete run is still readable")
        // The lock died with the process: the next run goes ahead and publishes.
        let next = try run(faculty, ["--as-of", "2026-04-15"])
        #expect(next.status == 0 && faculty.latestTarget != latest, "\(next.err)")
    }

    @Test("a real SIGKILL in the middle of a run leaves latest and the history as they were")
    func sigkill() throws {
        let faculty = try Faculty()
        defer { try? FileManager.default.removeItem(atPath: faculty.folder) }
        try faculty.nightOne()
        #expect(try run(faculty, []).status == 0)
        let latest = faculty.latestTarget, history = faculty.history
        // Enough rows that the run is still reading when it is killed.
        var rows = Faculty.evaluationHeader
        for index in 0..<200_000 {
            rows += "k\(index),AZ Alfa,interne geneeskunde,2025-09-01,2025-09-28,hospital,supervisor,final,14,2025-09-30\n"
        }
        try faculty.write("evaluations.csv", rows)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try cli.executable())
        process.arguments = ["run", "p.yml", "--quiet"]
        process.currentDirectoryURL = URL(fileURLWithPath: faculty.folder)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until it has started writing its run (its staging folder exists), then kill it.
        var staged = false
        for _ in 0..<2000 where !staged {
            staged = ((try? FileManager.default.contentsOfDirectory(atPath: faculty.output)) ?? []).contains { $0.hasPrefix(".staging-") }
            if !staged { usleep(2000) }
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(staged, "the run got as far as writing")
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(faculty.latestTarget == latest)
        #expect(faculty.history == history)
    }

    @Test("two runs at once: the second exits 5 at once, naming the holder")
    func locked() throws {
        let faculty = try Faculty()
        defer { try? FileManager.default.removeItem(atPath: faculty.folder) }
        try faculty.nightOne()
        try FileManager.default.createDirectory(atPath: faculty.output, withIntermediateDirectories: true)
        // A run in progress: another process holding the OS lock on the output folder.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        holder.arguments = ["-c", """
            import fcntl, sys, time
            f = open(sys.argv[1], "a+")
            fcntl.flock(f, fcntl.LOCK_EX)
            f.truncate(0); f.write("pid 4242, started 2026-11-23T02:00:00Z\\n"); f.flush()
            time.sleep(30)
            """, faculty.output + "/.lock"]
        try holder.run()
        defer { kill(holder.processIdentifier, SIGKILL) }
        var written = false
        for _ in 0..<500 where !written {
            written = ((try? String(contentsOfFile: faculty.output + "/.lock", encoding: .utf8)) ?? "").contains("4242")
            if !written { usleep(10_000) }
        }
        let second = try run(faculty, [])
        #expect(second.status == 5, "\(second.err)")
        #expect(second.err.contains("another run holds the lock (pid 4242, started 2026-11-23T02:00:00Z)"))
        #expect(faculty.latestTarget == nil)
        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
        #expect(try run(faculty, []).status == 0, "the lock is released with its holder")
    }

    @Test("exit codes: 1 with findings at fail_on, 2 bad definition, 3 unreadable input, 4 output not writable")
    func exitCodes() throws {
        let faculty = try Faculty()
        defer { try? FileManager.default.removeItem(atPath: faculty.folder) }
        try faculty.nightOne()
        let definition = try String(contentsOfFile: faculty.folder + "/p.yml", encoding: .utf8)
        try faculty.write("fail.yml", definition.replacingOccurrences(of: "output: out", with: "output: out-fail\nfail_on: warning"))
        let failOn = try cli.stagebalans(["run", "fail.yml"], in: faculty.folder)
        #expect(failOn.status == 1, "EVALUATION_MISSING is a warning: \(failOn.err)")
        #expect(FileManager.default.fileExists(atPath: faculty.folder + "/out-fail/latest/report.html"), "exit 1 still publishes")
        try faculty.write("bad.yml", definition.replacingOccurrences(of: "output: out", with: "output: out\nfail_on: sometimes"))
        #expect(try cli.stagebalans(["run", "bad.yml"], in: faculty.folder).status == 2)
        try faculty.write("missing.yml", definition.replacingOccurrences(of: "path: evaluations.csv", with: "path: nowhere.csv"))
        #expect(try cli.stagebalans(["run", "missing.yml"], in: faculty.folder).status == 3)
        try faculty.write("a-file", "not a folder")
        try faculty.write("unwritable.yml", definition.replacingOccurrences(of: "output: out", with: "output: a-file/out"))
        let unwritable = try cli.stagebalans(["run", "unwritable.yml"], in: faculty.folder)
        #expect(unwritable.status == 4, "\(unwritable.err)")
        // --log-format json: one object per line, the summary with its exit code.
        let json = try run(faculty, ["--force", "--quiet", "--log-format", "json"])
        let last = try #require(json.err.split(separator: "\n").last)
        let object = try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any]
        #expect(object?["outcome"] as? String == "published" && object?["exit_code"] as? Int == 0)
        #expect(json.out.isEmpty, "--quiet prints no report text")
    }

    @Test("a file rejected whole after some good rows shows accepted 0 in validate and in the history, and says so")
    func rejectedFileCounts() throws {
        let faculty = try Faculty()
        defer { try? FileManager.default.removeItem(atPath: faculty.folder) }
        try faculty.nightOne()
        // Two good rows, then a Windows-1252 byte in a file the definition says is UTF-8.
        var bytes = Array((Faculty.evaluationHeader + """
            s1,AZ Alfa,interne geneeskunde,2025-09-01,2025-09-28,hospital,supervisor,final,14,2025-09-30
            s2,AZ Beta,heelkunde,2025-08-04,2025-08-31,hospital,supervisor,final,12,2025-09-01

            """).utf8)
        bytes += Array("s3,AZ Alfa,heelkunde,2025-10-06,2025-11-02,hospital,supervisor,final,".utf8) + [0xE9] + Array("\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: faculty.folder + "/evaluations.csv"))
        // No encoding named: a byte that is not UTF-8 after UTF-8 rows rejects the file whole.
        let definition = try String(contentsOfFile: faculty.folder + "/p.yml", encoding: .utf8)
        try faculty.write("p.yml", definition.replacingOccurrences(of: "path: evaluations.csv, encoding: utf-8,", with: "path: evaluations.csv,"))
        let validate = try cli.stagebalans(["validate", "p.yml"], in: faculty.folder)
        #expect(validate.status == 3, "\(validate.err)")
        let row = try #require((validate.out + validate.err).split(separator: "\n").first { $0.hasPrefix("evaluations") })
        let fields = row.split(separator: " ", omittingEmptySubsequences: true)
        #expect(row.contains("(rejected whole)") && fields.count == 8 && fields[5] == "0", "accepted 0: \(row)")
        #expect(try run(faculty, ["--quiet"]).status == 3)
        let accepted = try DatabaseQueue(path: faculty.output + "/history.sqlite").read { db in
            try Int.fetchOne(db, sql: "SELECT rows_accepted FROM run_input WHERE source = 'evaluations'")
        }
        #expect(accepted == 0)
    }

    @Test("a corrupt or locked history database: exit 4, a clear message, the published run and the file untouched")
    func historyFaults() throws {
        let faculty = try Faculty()
        defer { try? FileManager.default.removeItem(atPath: faculty.folder) }
        try faculty.nightOne()
        #expect(try run(faculty, []).status == 0)
        let latest = faculty.latestTarget
        let database = faculty.output + "/history.sqlite"

        // Locked: another program holds an exclusive transaction past the busy timeout (5 s).
        let holder = try Self.holdDatabase(database, transaction: "EXCLUSIVE")
        defer { kill(holder.processIdentifier, SIGKILL) }
        let before = faculty.history
        let locked = try run(faculty, ["--force"])
        #expect(locked.status == 4, "\(locked.err)")
        #expect(locked.err.contains("history.sqlite") && locked.err.contains("nothing was published"), "\(locked.err)")
        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
        #expect(faculty.latestTarget == latest && faculty.history == before)

        // Corrupt: not an SQLite file any more.
        let garbage = Data(repeating: 0x5A, count: 8192)
        try garbage.write(to: URL(fileURLWithPath: database))
        let corrupt = try run(faculty, ["--force"])
        #expect(corrupt.status == 4, "\(corrupt.err)")
        #expect(corrupt.err.contains("cannot open the history database"), "\(corrupt.err)")
        #expect(faculty.latestTarget == latest && faculty.history == garbage, "the corrupt file is left for the office to inspect")
        #expect(FileManager.default.fileExists(atPath: faculty.output + "/latest/report.html"))
    }
}
