import Foundation
import Testing

/// `on_publish` and `on_hold_or_failure` through the executable: what the command is given
/// (environment, standard input, arguments, descriptors), and that nothing it does (fail,
/// hang, not exist, flood its output) changes the run's outcome.
@Suite("Notifications", .serialized)
struct NotificationTests {
    let cli = CommandLineTests()

    /// The script every test here may run: it writes what it was given into `notified-OUTCOME.txt`.
    static let script = """
        #!/bin/sh
        out="$(dirname "$0")/notified-$STAGEBALANS_OUTCOME.txt"
        {
          echo "arguments: $*"
          echo "outcome=$STAGEBALANS_OUTCOME exit=$STAGEBALANS_EXIT_CODE run=$STAGEBALANS_RUN_ID dir=$STAGEBALANS_RUN_DIR"
          echo "name=$STAGEBALANS_PIPELINE_NAME"
          echo "key=${STAGEBALANS_PSEUDONYM_KEY-absent} pipeline=${STAGEBALANS_PIPELINE-absent} other=${OTHER_SETTING-absent}"
          echo "descriptors: $(ls /proc/self/fd | sort -n | tr '\\n' ' ')"
          echo "--- stdin"
          cat
        } > "$out"
        echo "notified $STAGEBALANS_OUTCOME"

        """

    func faculty(_ settings: String) throws -> NightlyTests.Faculty {
        let faculty = try NightlyTests.Faculty()
        try faculty.write("notify.sh", Self.script)
        chmod(faculty.folder + "/notify.sh", 0o755)
        try faculty.write("p.yml", (try String(contentsOfFile: faculty.folder + "/p.yml", encoding: .utf8)) + "\n" + settings)
        try faculty.nightOne()
        return faculty
    }

    func run(_ faculty: NightlyTests.Faculty, _ arguments: [String] = []) throws -> (status: Int32, out: String, err: String) {
        try cli.stagebalans(["run", "p.yml"] + arguments, in: faculty.folder,
                            environment: ["STAGEBALANS_PSEUDONYM_KEY": "secret-key-1234567890", "OTHER_SETTING": "kept",
                                          "STAGEBALANS_PIPELINE": "p.yml"])
    }

    func notified(_ faculty: NightlyTests.Faculty, _ outcome: String) throws -> String {
        try String(contentsOfFile: faculty.folder + "/notified-\(outcome).txt", encoding: .utf8)
    }

    @Test("published, failed, held and unchanged-held: the command gets the run's folder, exit code and summary.md, never the key")
    func environment() throws {
        let faculty = try faculty("""
            on_publish: [./notify.sh, one argument, "$HOME; echo not expanded"]
            on_hold_or_failure: [./notify.sh]

            """)
        defer { try? FileManager.default.removeItem(atPath: faculty.folder) }
        let published = try run(faculty)
        #expect(published.status == 0, "\(published.err)")
        let runID = try #require(faculty.runs.first)
        let text = try notified(faculty, "published")
        #expect(text.hasPrefix("""
            arguments: one argument $HOME; echo not expanded
            outcome=published exit=0 run=\(runID) dir=\(faculty.output)/runs/\(runID)
            name=mini faculty
            key=absent pipeline=absent other=kept
            descriptors: 0 1 2 3 \n--- stdin
            """), "\(text)")
        let summary = try String(contentsOfFile: faculty.output + "/runs/\(runID)/summary.md", encoding: .utf8)
        #expect(text.hasSuffix("--- stdin\n" + summary), "summary.md on standard input, whole")
        #expect(!text.contains("secret-key"))
        #expect(published.err.contains("on_publish: notified published\n"), "its output is logged: \(published.err)")

        // A failed run (an input missing: exit 3): no folder; the error on standard input.
        try FileManager.default.removeItem(atPath: faculty.folder + "/evaluations.csv")
        #expect(try run(faculty).status == 3)
        let failed = try notified(faculty, "failed")
        #expect(failed.contains("outcome=failed exit=3 run= dir=\n") && failed.contains("evaluations.csv")
                && failed.hasSuffix("the run failed: nothing was published\n"), "\(failed)")

        // Held (every agreement gone), then the same night unchanged: still held, exit 7 both.
        try faculty.nightOne()
        try faculty.write("agreements.csv", NightlyTests.Faculty.agreementHeader)
        #expect(try run(faculty).status == 7)
        let held = try #require(faculty.runs.last { $0 != runID })
        let heldText = try notified(faculty, "held")
        #expect(heldText.contains("outcome=held exit=7 run=\(held) dir=\(faculty.output)/runs/\(held)\n")
                && heldText.contains("--- stdin\n# mini faculty\n\nStand op ") && heldText.contains("## Tegengehouden door de publicatiebewaking"),
                "\(heldText)")
        #expect(try run(faculty).status == 7)
        #expect(try notified(faculty, "unchanged").contains("outcome=unchanged exit=7 run=\(held) dir=\(faculty.output)/runs/\(held)\n"))
    }

    @Test("a command that hangs is killed at its time limit with everything it started; the run keeps its exit code")
    func hangs() throws {
        let faculty = try faculty("""
            on_publish: {command: [/bin/sh, -c, "echo $$ > shell.pid; sleep 60 & echo $! > child.pid; echo waiting; wait"], timeout_seconds: 1}

            """)
        defer { try? FileManager.default.removeItem(atPath: faculty.folder) }
        let start = Date()
        let result = try run(faculty, ["--quiet"])
        #expect(result.status == 0, "\(result.err)")
        #expect(Date().timeIntervalSince(start) < 20)
        #expect(result.err.contains("on_publish: warning: /bin/sh still ran after 1 s and was killed (timeout_seconds); the run's outcome is unchanged"),
                "\(result.err)")
        #expect(result.err.contains("on_publish: waiting\n"), "the output of a command that failed is logged under --quiet too")
        #expect(faculty.latestTarget != nil)
        for file in ["shell.pid", "child.pid"] {
            let text = try String(contentsOfFile: faculty.output + "/../" + file, encoding: .utf8)
            let pid = try #require(pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)))
            // Gone, or a zombie that nothing reaps (the killed shell's child, handed to a PID 1 that may not reap).
            let state = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))?.split(separator: ")").last?
                .split(separator: " ").first
            #expect(state == nil || state == "Z", "\(file): process \(pid) is \(state.map(String.init) ?? "gone")")
        }
    }

    @Test("a command that does not exist, fails, or floods its output: a warning, the output bounded, the run as it was")
    func failures() throws {
        let faculty = try faculty("""
            on_publish: [./no-such-program, x]
            on_hold_or_failure: [no-such-program-on-path]

            """)
        defer { try? FileManager.default.removeItem(atPath: faculty.folder) }
        let missing = try run(faculty, ["--quiet", "--log-format", "json"])
        #expect(missing.status == 0 && missing.err.contains("cannot start '\(faculty.folder)/no-such-program': No such file or directory"),
                "\(missing.err)")
        let last = try #require(missing.err.split(separator: "\n").last)
        let summary = try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any]
        #expect(summary?["outcome"] as? String == "published", "the summary line stays last: \(last)")
        try FileManager.default.removeItem(atPath: faculty.folder + "/evaluations.csv")
        let failed = try run(faculty)
        #expect(failed.status == 3 && failed.err.contains("cannot start 'no-such-program-on-path'"), "\(failed.err)")

        let definition = try String(contentsOfFile: faculty.folder + "/p.yml", encoding: .utf8)
        try faculty.write("p.yml", definition.replacingOccurrences(of: "on_publish: [./no-such-program, x]", with: """
            on_publish: [/bin/sh, -c, "printf 'line\\\\n%.0s' $(seq 1 200000); echo oops >&2; exit 9"]
            """))
        try faculty.nightOne()
        let flooded = try run(faculty, ["--quiet"])
        #expect(flooded.status == 0, "\(flooded.err)")
        #expect(flooded.err.contains("on_publish: warning: /bin/sh exited 9 after"), "\(flooded.err.suffix(600))")
        let logged = flooded.err.split(separator: "\n").filter { $0 == "on_publish: line" }
        #expect(logged.count == 40, "40 lines of its output")
        #expect(flooded.err.contains("on_publish: … (3237 more lines, 983621 more bytes not logged)"), "\(flooded.err.suffix(600))")

        // Output that would clear the terminal shows its ESC as a marker (the JSON log escapes it).
        let floodedDefinition = try String(contentsOfFile: faculty.folder + "/p.yml", encoding: .utf8)
        try faculty.write("p.yml", floodedDefinition.components(separatedBy: "\n").map {
            $0.hasPrefix("on_publish:") ? "on_publish: [/bin/sh, -c, \"printf '\\\\033[2Jcleared\\\\n'\"]" : $0
        }.joined(separator: "\n"))
        let escaped = try run(faculty)
        #expect(escaped.status == 0 && escaped.err.contains("on_publish: ⟨U+001B⟩[2Jcleared\n") && !escaped.err.contains("\u{1B}"),
                "\(escaped.err.suffix(400))")
    }
}
