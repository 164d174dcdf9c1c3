import Foundation
import Testing

/// What `run` writes on stderr: JSON records with numbers as numbers, every error as JSON in
/// JSON mode, repeated warnings summarised, and an input with a header and no rows said.
@Suite("Run logs: JSON numbers and errors, repeated warnings, empty inputs")
struct RunLogTests {
    let cli = CommandLineTests()
    let runs = RunCommandTests()

    static func records(_ stderr: String) throws -> [[String: Any]] {
        try stderr.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line)")
        }
    }

    @Test("--log-format json: the summary's counts, seconds and exit code are JSON numbers, not strings")
    func numbers() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try runs.sampleDefinition(in: folder).write(toFile: folder + "/p.yml", atomically: true, encoding: .utf8)
        let published = try cli.stagebalans(["run", "p.yml", "--log-format", "json", "--quiet"], in: folder)
        #expect(published.status == 0)
        #expect(published.err.contains("\"exit_code\":0") && !published.err.contains("\"exit_code\":\"0\""))
        let summary = try #require(try Self.records(published.err).first { $0["outcome"] as? String == "published" })
        for key in ["inputs", "records", "quarantined", "errors", "warnings", "info", "outputs", "exit_code"] {
            #expect(summary[key] is NSNumber && !(summary[key] is String), "\(key): \(String(describing: summary[key]))")
        }
        #expect(summary["records"] as? Int == 7471 && summary["inputs"] as? Int == 5 && summary["errors"] as? Int == 3)
        #expect((summary["seconds"] as? Double).map { $0 >= 0 } == true)
        #expect(summary["run"] is String)

        let unchanged = try cli.stagebalans(["run", "p.yml", "--log-format", "json"], in: folder)
        let record = try #require(try Self.records(unchanged.err).first { $0["outcome"] as? String == "unchanged" })
        #expect(record["exit_code"] as? Int == 0 && !(record["exit_code"] is String))
    }

    @Test("--log-format json: a definition error, a reference error and a failed run are each a JSON record with exit_code")
    func errorsAsJSON() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "output: out\nsources:\n  - {name: r, kind: roster, format: xml, recrod: student, path: r.xml}\n"
            .write(toFile: folder + "/wrong.yml", atomically: true, encoding: .utf8)
        let definition = try cli.stagebalans(["run", "wrong.yml", "--log-format", "json"], in: folder)
        #expect(definition.status == 2)
        let records = try Self.records(definition.err)
        #expect(records.count == 1)
        #expect(records.first?["level"] as? String == "error" && records.first?["exit_code"] as? Int == 2)
        #expect((records.first?["message"] as? String)?.contains("wrong.yml:3:42: error: unknown field 'recrod'") == true)
        // The same error without JSON stays the compiler-style line it was.
        let text = try cli.stagebalans(["run", "wrong.yml"], in: folder)
        #expect(text.err.hasPrefix("wrong.yml:3:42: error: unknown field 'recrod' in a source; did you mean 'record'?\n    allowed: "))

        let reference = runs.sampleDefinition(in: folder, sites: folder + "/sites.yml")
        try reference.write(toFile: folder + "/p.yml", atomically: true, encoding: .utf8)
        try "sites:\n  - {code: A, name: Een, kind: gp, region: central}\n".write(toFile: folder + "/sites.yml", atomically: true, encoding: .utf8)
        let refused = try cli.stagebalans(["run", "p.yml", "--log-format", "json"], in: folder)
        #expect(refused.status == 2)
        let refusal = try #require(try Self.records(refused.err).last)
        #expect(refusal["exit_code"] as? Int == 2 && (refusal["message"] as? String)?.contains("sites.yml:2:") == true)

        let missing = runs.sampleDefinition(in: folder, output: "out2")
            .replacingOccurrences(of: packageRoot + "/samples/roster.tsv", with: folder + "/missing.tsv")
        try missing.write(toFile: folder + "/missing.yml", atomically: true, encoding: .utf8)
        let failed = try cli.stagebalans(["run", "missing.yml", "--log-format", "json", "--quiet"], in: folder)
        #expect(failed.status == 3)
        #expect(try Self.records(failed.err).last?["exit_code"] as? Int == 3)
    }

    /// The sample's register with `count` more sites whose names differ in one or two letters.
    func registerWithNearDuplicates(_ count: Int, in folder: String) throws -> String {
        var text = try String(contentsOfFile: packageRoot + "/pipelines/sample/sites.yml", encoding: .utf8)
        let extra = (0..<count).map { index in
            "  - {code: ZN\(index), name: \"Ziekenhuis Noorderkempen \(String(format: "%02d", index))\", kind: hospital, region: peripheral}\n"
        }.joined()
        text = text.replacingOccurrences(of: "\naliases:", with: "\n" + extra + "aliases:")
        try text.write(toFile: folder + "/sites.yml", atomically: true, encoding: .utf8)
        return folder + "/sites.yml"
    }

    @Test("435 'nearly the same name' warnings: run and validate print the first 10 and one line counting the rest")
    func repeatedWarnings() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let sites = try registerWithNearDuplicates(30, in: folder)
        try runs.sampleDefinition(in: folder, sites: sites).write(toFile: folder + "/p.yml", atomically: true, encoding: .utf8)
        let run = try cli.stagebalans(["run", "p.yml", "--quiet"], in: folder)
        #expect(run.status == 0)
        let nearly = run.err.split(separator: "\n").filter { $0.contains("have nearly the same name") }
        #expect(nearly.count == 10, "\(nearly.count) lines")
        #expect(run.err.contains("warning: 425 more warnings of this kind not shown (435 in all: sites with nearly the same name); "
                                 + "`stagebalans validate p.yml --max-warnings 435` lists them all"))

        let validate = try cli.stagebalans(["validate", "p.yml", "--quarantine-dir", folder + "/q"], in: folder)
        #expect(validate.err.split(separator: "\n").filter { $0.contains("have nearly the same name") }.count == 10)
        #expect(validate.err.contains("425 more warnings of this kind not shown (435 in all"))
        let all = try cli.stagebalans(["validate", "p.yml", "--quarantine-dir", folder + "/q", "--max-warnings", "435"], in: folder)
        #expect(all.err.split(separator: "\n").filter { $0.contains("have nearly the same name") }.count == 435)
        #expect(!all.err.contains("more warnings of this kind"))

        let json = try cli.stagebalans(["run", "p.yml", "--quiet", "--force", "--log-format", "json"], in: folder)
        let records = try Self.records(json.err).filter { $0["kind"] as? String == "sites with nearly the same name" }
        #expect(records.count == 11)
        #expect(records.last?["not_shown"] as? Int == 425 && records.last?["total"] as? Int == 435)
        #expect(records.first?["line"] is NSNumber && records.first?["path"] as? String == "sites.yml", "\(records.first ?? [:])")
    }

    @Test("an input with a header and no rows: a warning in the log and in validate, in summary.md and on the page")
    func emptyInput() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // A file name with markup: the page and the summary show it as text.
        let name = "roster <script>.tsv"
        try "studentnummer\tmasterjaar\tcohort\n".write(toFile: folder + "/" + name, atomically: true, encoding: .utf8)
        let definition = runs.sampleDefinition(in: folder).replacingOccurrences(of: packageRoot + "/samples/roster.tsv",
                                                                                with: folder + "/" + name)
        try definition.write(toFile: folder + "/p.yml", atomically: true, encoding: .utf8)
        let run = try cli.stagebalans(["run", "p.yml", "--quiet"], in: folder)
        #expect(run.status == 0)
        let warning = "\(name):1: warning: source 'roster': the file holds no records (a header and no rows): the reports have nothing from it"
        #expect(run.err.contains(warning), "\(run.err)")
        let summary = try String(contentsOfFile: folder + "/out/latest/summary.md", encoding: .utf8)
        #expect(summary.contains("\n## Invoer zonder rijen\n\n- `\(name)` (roster): een kop en geen rijen: de rapporten bevatten "
                                 + "niets uit deze invoer; is de export volledig?\n\n## Wijzigingen"), "\(summary.prefix(900))")
        let page = try String(contentsOfFile: folder + "/out/latest/report.html", encoding: .utf8)
        #expect(page.contains("<li data-action=\"empty-inputs\" class=\"urgent\"><a href=\"#quarantine\"><span class=\"count\">1</span> "
                              + "invoer met een kop en geen rijen, dus niets ervan in enig cijfer: roster &lt;script&gt;.tsv (roster)</a></li>"))
        #expect(!page.contains("<script>.tsv"))

        let validate = try cli.stagebalans(["validate", "p.yml"], in: folder)
        #expect(validate.status == 0 && validate.err.contains(warning))

        // The samples, every input with rows: no such warning anywhere.
        let sample = try String(contentsOfFile: packageRoot + "/Tests/PipelineTests/Fixtures/golden/sample-run/summary.md", encoding: .utf8)
        #expect(!sample.contains("Invoer zonder rijen"))
    }

    @Test("hostile site names in a warning: one valid JSON record each, raw and escaped; markers on the terminal")
    func hostileWarning() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var text = try String(contentsOfFile: packageRoot + "/pipelines/sample/sites.yml", encoding: .utf8)
        let names = ["Ziekenhuis \\\"Noord\\\" \\e[2J West", "Ziekenhuis \\\"Noord\\\" \\e[2J Oost"]
        let extra = names.enumerated().map { "  - {code: H\($0.offset), name: \"\($0.element)\", kind: hospital, region: peripheral}\n" }
        text = text.replacingOccurrences(of: "\naliases:", with: "\n" + extra.joined() + "aliases:")
        try text.write(toFile: folder + "/sites.yml", atomically: true, encoding: .utf8)
        try runs.sampleDefinition(in: folder, sites: folder + "/sites.yml").write(toFile: folder + "/p.yml", atomically: true, encoding: .utf8)
        let json = try cli.stagebalans(["run", "p.yml", "--quiet", "--log-format", "json"], in: folder)
        #expect(json.status == 0)
        let warning = try #require(try Self.records(json.err).first { $0["kind"] as? String == "sites with nearly the same name" })
        #expect((warning["message"] as? String)?.contains("'Ziekenhuis \"Noord\" \u{1B}[2J West'") == true, "\(warning)")
        let terminal = try cli.stagebalans(["validate", "p.yml", "--quarantine-dir", folder + "/q"], in: folder)
        #expect(terminal.err.contains("have nearly the same name") && !terminal.err.contains("\u{1B}"))
    }
}
