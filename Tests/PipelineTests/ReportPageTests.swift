import Crypto
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

    static func sha256(_ text: String) -> String {
        "sha256-" + Data(SHA256.hash(data: Array(text.utf8))).base64EncodedString()
    }

    @Test("the Content-Security-Policy allows the page's own script and style by their hashes, and nothing else")
    func contentSecurityPolicy() throws {
        let page = try samplePage()
        let policy = try #require(Self.between(page, "<meta http-equiv=\"Content-Security-Policy\" content=\"", "\">"))
        let script = try #require(Self.between(page, "<script>", "</script>"))
        let style = try #require(Self.between(page, "<style>", "</style>"))
        #expect(policy == "default-src 'none'; script-src '\(Self.sha256(script))'; style-src '\(Self.sha256(style))'; "
                + "base-uri 'none'; form-action 'none'")
        #expect(!page.contains("unsafe-inline") && !page.contains(" style=\"") && !page.contains(" on"
                + "click="))
        // One executable script and one data block; nothing loaded from anywhere.
        #expect(page.components(separatedBy: "<script").count == 3)
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
        #expect(page.contains(" over\">21%<span class=\"oc\">⚠ 28 d</span></td>"))
    }
}
