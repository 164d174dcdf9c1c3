import Domain
import Foundation
import Pipeline
import Report
import Testing

/// The run's page (`report.html`) as a file: the policy that makes "no network" the browser's
/// rule, the action list, the data block and hostile names. What it does in a browser is
/// checked by scripts/browser_check.py in headless Chromium.
@Suite("Report page")
struct ReportPageTests {
    func samplePage(language: String? = nil) throws -> String {
        let output = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: output) }
        var definition = try DefinitionLoader.load(file: packageRoot + "/pipelines/sample.yml", workingDirectory: packageRoot)
        definition.outputDirectory = output
        _ = try PipelineRun.run(definition, asOf: nil, today: Day(daysSinceEpoch: 0))
        return try String(contentsOfFile: output + "/latest/report.html", encoding: .utf8)
    }

    /// The text between the first `open` and the next `close` after it.
    static func between(_ text: String, _ open: String, _ close: String) -> String? {
        guard let start = text.range(of: open), let end = text.range(of: close, range: start.upperBound..<text.endIndex) else { return nil }
        return String(text[start.upperBound..<end.lowerBound])
    }

    /// `sha256-` and the base64 of the text's SHA-256, computed by Python's hashlib: not by the
    /// code that wrote the policy. (swift-crypto beside `@testable import Pipeline` in this test
    /// target defines ICU's UErrorCode twice through libxml2's headers: see docs/architecture.md.)
    static func sha256(_ text: String) throws -> String {
        let process = Process(), input = Pipe(), output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import base64, hashlib, sys; "
                             + "print(base64.b64encode(hashlib.sha256(sys.stdin.buffer.read()).digest()).decode(), end='')"]
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let digest = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return "sha256-" + String(decoding: digest, as: UTF8.self)
    }

    @Test("the Content-Security-Policy allows the page's own script and style by their hashes, and nothing else")
    func contentSecurityPolicy() throws {
        try expectOwnPolicyOnly(try samplePage(), scripts: 2)
    }

    @Test("the page of `plan --format html` has the same policy: its own style and sorting script by their hashes")
    func standalonePagePolicy() throws {
        let definition = try DefinitionLoader.load(file: packageRoot + "/pipelines/sample.yml", workingDirectory: packageRoot)
        let year = try #require(PlacementYear(label: "2026-2027"))
        let (rows, _) = try Coordinator.plan(definition: definition, year: year, students: 120, group: nil)
        let page = String(decoding: HTMLPage.standalone(Tables.plan.table(rows), title: "plan", plan: rows), as: UTF8.self)
        try expectOwnPolicyOnly(page, scripts: 1)
    }

    func expectOwnPolicyOnly(_ page: String, scripts: Int) throws {
        let policy = try #require(Self.between(page, "<meta http-equiv=\"Content-Security-Policy\" content=\"", "\">"))
        let script = try #require(Self.between(page, "<script>", "</script>"))
        let style = try #require(Self.between(page, "<style>", "</style>"))
        #expect(policy == "default-src 'none'; script-src '\(try Self.sha256(script))'; style-src '\(try Self.sha256(style))'; "
                + "base-uri 'none'; form-action 'none'")
        #expect(!page.contains("unsafe-inline") && !page.contains(" style=\"") && !page.contains(" on"
                + "click="))
        // The executable script (and the run's page's data block); nothing loaded from anywhere.
        #expect(page.components(separatedBy: "<script").count == scripts + 1)
        for reference in ["src=", "url(", "@import", "href=\"http", "href=\"//", "<link", "<iframe", "<img"] {
            #expect(!page.contains(reference), "\(reference)")
        }
        #expect(page.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"))
    }

    @Test("the action list comes first and counts what findings.csv holds per code; the page is Dutch by default")
    func actionFirst() throws {
        let page = try samplePage()
        #expect(page.contains("<html lang=\"nl\">"))
        let action = try #require(page.range(of: "<section id=\"action\""))
        for later in ["<section id=\"summary\"", "<section id=\"findings\"", "class=\"heatmap\""] {
            let position = try #require(page.range(of: later), "\(later)")
            #expect(action.lowerBound < position.lowerBound, "\(later) comes after the action list")
        }
        // The sample: 3 errors, 1 over-capacity run, 9 agreements expiring, 3 evaluations overdue, 17 rows quarantined.
        for (action, count) in [("errors", "3"), ("over-capacity", "1"), ("expiring", "9"), ("overdue", "3"), ("new", "—")] {
            let item = try #require(Self.between(page, "<li data-action=\"\(action)\"", "</li>"), "\(action)")
            #expect(item.contains("<span class=\"count\">\(count)</span>"), "\(action): \(item)")
        }
        #expect(page.contains("<span class=\"count\">7.471</span>") == false, "the headline is not in the action list")
        #expect(page.contains("<dd>7.471</dd>"), "records read with a Dutch thousands separator")
        #expect(page.contains("Stand op 15/07/2026"))
    }

    @Test("names stand beside codes in the heatmap, and the over-capacity cell is marked, not only coloured")
    func namesAndOverCapacity() throws {
        let page = try samplePage()
        #expect(page.contains("<tr data-site=\"AZJP\"><th scope=\"row\"><span class=\"code\">AZJP</span> <span class=\"name\">AZ Jan Portaels</span></th>"))
        #expect(page.contains("<th scope=\"col\" data-group=\"IG\"><span class=\"code\">IG</span> <span class=\"name\">interne geneeskunde</span></th>"))
        // AZJP IG in 2025-2026: 3 students on 2 slots for 28 days.
        #expect(page.contains(" over\" tabindex=\"0\">21%<span class=\"oc\">⚠ 28 d</span></td>"), "a cell is reached by keyboard too")
    }

    /// Site and discipline names that try to end the data block, open a comment, break out of
    /// an attribute or end a line inside a script.
    static let hostileNames = ["</script><script>window.__pwned=1</script>", "<!--<script>window.__pwned=2</script>",
                               "Q\"'><img src=x onerror=window.__pwned=3>", "line\u{2028}break\u{2029}end"]

    /// The page of a small faculty written into a temporary folder: its register, taxonomy,
    /// agreements and evaluations as given, one curriculum, one definition named `name`.
    func smallFacultyPage(name: String, sites: String, disciplines: String, agreements: String, evaluations: String) throws -> String {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        func write(_ name: String, _ text: String) throws { try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8) }
        try write("sites.yml", sites)
        try write("disciplines.yml", disciplines)
        try write("curriculum.yml", "required_weeks: {IG: 8}\nblocks: []\nclinical_weeks: 62\nscientific_weeks: 16\npass_mark: 10\n")
        try write("agreements.csv", "Overeenkomst,Stageplaats,Discipline,Capaciteit,Geldig van,Geldig tot,Soort\n" + agreements)
        try write("evaluations.csv", "Student ID,Site,Discipline,Start Date,END DATE,Placement kind,Evaluator Role,Status,Final score,Submitted\n"
                  + evaluations)
        try write("p.yml", """
            name: \(name)
            output: out
            as_of: 2026-04-15
            sources:
              - {name: agreements, kind: agreements, format: csv, path: agreements.csv, encoding: utf-8, delimiter: ",", dates: ["yyyy-m-d"]}
              - {name: evaluations, kind: evaluations, format: csv, path: evaluations.csv, encoding: utf-8, delimiter: ",", dates: ["yyyy-m-d"]}
            reference: {sites: sites.yml, disciplines: disciplines.yml, curriculum: curriculum.yml}
            report:
              formats: [csv, html]
            """)
        _ = try PipelineRun.run(try DefinitionLoader.load(file: folder + "/p.yml"), asOf: nil, today: Day(daysSinceEpoch: 0))
        return try String(contentsOfFile: folder + "/out/latest/report.html", encoding: .utf8)
    }

    func hostilePage() throws -> String {
        func yaml(_ text: String) -> String {
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\u{2028}", with: "\\L").replacingOccurrences(of: "\u{2029}", with: "\\P") + "\""
        }
        var sites = "sites:\n", agreements = "", evaluations = ""
        for (index, name) in Self.hostileNames.enumerated() {
            sites += "  - {code: H\(index), name: \(yaml(name)), aliases: [\"Site \(index)\"], kind: hospital, region: peripheral, city: Gent, country: BE}\n"
            agreements += "A\(index),Site \(index),IG,1,2025-07-01,2027-06-30,erkend\n"
            for student in 0..<2 {
                evaluations += "s\(index)\(student),Site \(index),IG,2025-09-01,2025-09-28,hospital,supervisor,final,14,2025-09-30\n"
            }
        }
        return try smallFacultyPage(name: "\"hostile </script><!--\"", sites: sites,
                                    disciplines: "disciplines:\n  - {code: IG, nl: \(yaml(Self.hostileNames[0])), en: \(yaml(Self.hostileNames[2]))}\n",
                                    agreements: agreements, evaluations: evaluations)
    }

    @Test("hostile names stay text: no script element, comment or attribute of theirs, a data block that parses back to them")
    func hostileNamesStayText() throws {
        let page = try hostilePage()
        // The page's own two script elements and nothing else; no comment; no line break inside the data.
        #expect(page.components(separatedBy: "<script").count == 3 && page.components(separatedBy: "</script>").count == 3)
        #expect(!page.contains("<!--") && !page.contains("<img") && page.contains("Q&quot;&#39;&gt;&lt;img src=x onerror"))
        #expect(page.contains("&lt;/script&gt;&lt;script&gt;window.__pwned=1&lt;/script&gt;"))
        let block = try #require(Self.between(page, "<script type=\"application/json\" id=\"page-data\">", "</script>"))
        #expect(!block.contains("<") && !block.contains(">") && !block.contains("\u{2028}") && !block.contains("\u{2029}"))
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(block.utf8)) as? [String: Any])
        let sites = try #require(parsed["sites"] as? [String: String])
        #expect(sites["H0"] == Self.hostileNames[0] && sites["H1"] == Self.hostileNames[1] && sites["H2"] == Self.hostileNames[2])
        // Hidden line separators are shown as markers, as everywhere else on the page.
        #expect(sites["H3"] == "line⟨U+2028⟩break⟨U+2029⟩end")
    }

    @Test("a finding on 150 rows lists its first 100 on the page and in the data block, and says how many more")
    func sourcesCapped() throws {
        var evaluations = ""
        for student in 0..<150 {
            evaluations += "s\(student),Nowhere Hospital,IG,2025-09-01,2025-09-28,hospital,supervisor,final,14,2025-09-30\n"
        }
        let page = try smallFacultyPage(name: "capped",
                                        sites: "sites:\n  - {code: H1, name: \"Known\", kind: hospital, region: peripheral, city: Gent, country: BE}\n",
                                        disciplines: "disciplines:\n  - {code: IG, nl: \"interne\", en: \"internal\"}\n",
                                        agreements: "A1,Known,IG,1,2025-07-01,2027-06-30,erkend\n", evaluations: evaluations)
        let item = try #require(Self.between(page, "<section class=\"per-code sev-error\" id=\"finding-UNKNOWN_SITE\"", "</section>"))
        #expect(item.contains("evaluations.csv:101 ") && !item.contains("evaluations.csv:102 ") && !item.contains("evaluations.csv:151"))
        #expect(item.contains("… nog 50 rijen in findings.csv"), "\(item.suffix(300))")
        let block = try #require(Self.between(page, "<script type=\"application/json\" id=\"page-data\">", "</script>"))
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(block.utf8)) as? [String: Any])
        let findings = try #require(parsed["findings"] as? [String: Any])
        let unknown = try #require(findings["UNKNOWN_SITE"] as? [Any])
        let first = try #require((unknown[1] as? [[Any]])?.first)
        #expect((first[2] as? [Any])?.count == 100 && first[3] as? Int == 150)
    }

    func dataBlock(_ page: String) throws -> [String: Any] {
        let block = try #require(Self.between(page, "<script type=\"application/json\" id=\"page-data\">", "</script>"))
        return try #require(try JSONSerialization.jsonObject(with: Data(block.utf8)) as? [String: Any])
    }

    @Test("codes that hold '|' keep their own heatmap cells: site X|Y with group IG and site X with group Y|IG do not meet")
    func heatmapCellsNestedBySite() throws {
        let sites = """
            sites:
              - {code: "X|Y", name: "Pipe site", kind: hospital, region: peripheral, city: Gent, country: BE}
              - {code: "X", name: "Plain site", kind: hospital, region: peripheral, city: Gent, country: BE}
            """
        let disciplines = "disciplines:\n  - {code: IG, nl: \"interne\", en: \"internal\"}\n  - {code: \"Y|IG\", nl: \"andere\", en: \"other\"}\n"
        let agreements = "A1,Pipe site,IG,1,2025-07-01,2027-06-30,erkend\nA2,Plain site,Y|IG,3,2025-07-01,2027-06-30,erkend\n"
        var evaluations = "s1,Pipe site,IG,2025-09-01,2025-09-28,hospital,supervisor,final,14,2025-09-30\n"
        for student in 2...4 { evaluations += "s\(student),Plain site,Y|IG,2025-09-01,2025-09-28,hospital,supervisor,final,14,2025-09-30\n" }
        let parsed = try dataBlock(try smallFacultyPage(name: "pipes", sites: sites, disciplines: disciplines,
                                                        agreements: agreements, evaluations: evaluations))
        let heat = try #require(parsed["heat-2025-2026"] as? [String: Any])
        let cells = try #require(heat["cells"] as? [String: [String: [Any]]])
        #expect(cells["X|Y"]?["IG"]?[5] as? Int == 1)
        #expect(cells["X"]?["Y|IG"]?[5] as? Int == 3)
    }

    @Test("a placement made of 30 evaluation rows carries its first 10 into the page's data, with the count of all 30")
    func placementSourcesCapped() throws {
        var evaluations = ""
        for _ in 0..<30 { evaluations += "s1,Known,IG,2025-09-01,2025-09-28,hospital,supervisor,final,14,2025-09-30\n" }
        let parsed = try dataBlock(try smallFacultyPage(name: "repeated",
            sites: "sites:\n  - {code: H1, name: \"Known\", kind: hospital, region: peripheral, city: Gent, country: BE}\n",
            disciplines: "disciplines:\n  - {code: IG, nl: \"interne\", en: \"internal\"}\n",
            agreements: "A1,Known,IG,1,2025-07-01,2027-06-30,erkend\n", evaluations: evaluations))
        let heat = try #require(parsed["heat-2025-2026"] as? [String: Any])
        let cell = try #require((heat["cells"] as? [String: [String: [Any]]])?["H1"]?["IG"])
        let placement = try #require((cell[6] as? [[Any]])?.first)
        #expect(placement.count == 8 && (placement[6] as? [Any])?.count == 10 && placement[7] as? Int == 30)
    }

    @Test("a finding message quoting a 5,000-character name is shortened on the page and whole in findings.csv")
    func longMessagesShortened() throws {
        let longName = String(repeating: "Lang ziekenhuis ", count: 320)
        let page = try smallFacultyPage(name: "long",
            sites: "sites:\n  - {code: H1, name: \"Known\", kind: hospital, region: peripheral, city: Gent, country: BE}\n",
            disciplines: "disciplines:\n  - {code: IG, nl: \"interne\", en: \"internal\"}\n",
            agreements: "A1,Known,IG,1,2025-07-01,2027-06-30,erkend\n",
            evaluations: "s1,\(longName),IG,2025-09-01,2025-09-28,hospital,supervisor,final,14,2025-09-30\n")
        #expect(!page.contains(String(repeating: "Lang ziekenhuis ", count: 30)))
        #expect(page.components(separatedBy: "(volledig bericht in findings.csv)").count == 3, "once in the list, once in the data")
    }
}
