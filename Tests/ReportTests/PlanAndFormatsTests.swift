import Normalize
import Reconcile
@testable import Report
import Domain
import Testing

@Suite("Plan, worked out by hand")
struct PlanTests {
    /// Year 2026-2027 (1 July 2026 – 30 June 2027, 365 days), 10 students; the curriculum asks
    /// 8 weeks of IG and 8 of HK.
    /// P1: cardiology (IG), 2 slots, the whole year: 730 slot-days.
    /// P2: internal medicine (IG), 1 slot, 1 July 2026 – 31 December 2026 (184 days): expires inside the year.
    /// P3: surgery (HK), 1 slot, 1 January 2026 – 31 December 2027: valid the whole year, 365 slot-days.
    /// P4: surgery, 5 slots, ended 30 June 2026: not valid in the year, counts nothing.
    func agreements() throws -> [Agreement] {
        var normalizer = Normalizer(reference: try fixtureReference())
        for record in [agreement("P1", "cardiologie", slots: 2, from: "2026-07-01", to: "2027-06-30"),
                       agreement("P2", "interne geneeskunde", slots: 1, from: "2026-07-01", to: "2026-12-31"),
                       agreement("P3", "heelkunde", slots: 1, from: "2026-01-01", to: "2027-12-31"),
                       agreement("P4", "heelkunde", slots: 5, from: "2025-07-01", to: "2026-06-30")] {
            normalizer.add(record)
        }
        return normalizer.resolvedAgreements
    }

    @Test func plan() throws {
        let rows = Figures.plan(year: PlacementYear(startYear: 2026), students: 10, group: nil, agreements: try agreements(),
                                reference: try fixtureReference())
        #expect(rows.map(\.group) == ["HK", "IG"])
        // HK: demand 10 × 8 = 80 weeks; capacity 365 / 7 = 52.142… → 52.1; balance (365 − 560) / 7 = −27.857… → −27.9 weeks;
        // in slots −27.857… / 52.1 = −0.5347… → −0.5. Nothing expires inside the year (P3 runs to 2027-12-31).
        let surgery = rows[0]
        #expect(surgery.demandWeeks == 80 && surgery.slotDays == 365 && surgery.capacityWeeks.formatted(decimals: 1) == "52.1")
        #expect(surgery.balanceWeeks.formatted(decimals: 1) == "-27.9" && surgery.balanceSlots.formatted(decimals: 1) == "-0.5" && surgery.expiring.isEmpty)
        // IG: demand 80; capacity (730 + 184) / 7 = 130.571… → 130.6; balance (914 − 560) / 7 = 50.571… → 50.6 weeks;
        // 50.571… / 52.1 = 0.9706… → 1.0 slot. P2 expires on 31 December 2026, inside the year.
        let medicine = rows[1]
        #expect(medicine.demandWeeks == 80 && medicine.slotDays == 914 && medicine.capacityWeeks.formatted(decimals: 1) == "130.6")
        #expect(medicine.balanceWeeks.formatted(decimals: 1) == "50.6" && medicine.balanceSlots.formatted(decimals: 1) == "1.0" && medicine.expiring.map(\.id) == ["P2"])
        let only = Figures.plan(year: PlacementYear(startYear: 2026), students: 10, group: "IG", agreements: try agreements(),
                                reference: try fixtureReference())
        #expect(only.map(\.group) == ["IG"])
    }

    @Test("a balance rounds half away from zero, and a balance that rounds to zero has no minus sign")
    func signedRounding() {
        #expect(Ratio(-1, 20).formatted(decimals: 1) == "-0.1")
        #expect(Ratio(-1, 40).formatted(decimals: 1) == "0.0")
        #expect(Ratio(3, 20).formatted(decimals: 1) == "0.2")
    }
}

@Suite("Report formats")
struct FormatTests {
    let table = ReportTable(name: "t", title: "T", columns: ["site", "n", "ratio", "note"],
                            rows: [[.text("AZ \"Noord\", Gent; campus"), .integer(12), .decimal(Ratio(3, 4), places: 3), .empty],
                                   [.text("<script>alert(1)</script>"), .integer(-3), .decimal(nil, places: 3), .text("a|b\nc")]])

    @Test("RFC 4180: ',' and '.', quoted only when needed, quotes doubled, LF")
    func rfc() {
        let text = String(decoding: TableFormats.csv(table, dialect: .rfc4180), as: UTF8.self)
        #expect(text == "site,n,ratio,note\n\"AZ \"\"Noord\"\", Gent; campus\",12,0.750,\n<script>alert(1)</script>,-3,,\"a|b\nc\"\n")
    }

    @Test("Excel for Belgium: BOM, ';', decimal comma, CRLF; a ';' in text is quoted, a ',' is not")
    func excel() {
        let bytes = TableFormats.csv(table, dialect: .excelBelgium)
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        #expect(text == "site;n;ratio;note\r\n\"AZ \"\"Noord\"\", Gent; campus\";12;0,750;\r\n<script>alert(1)</script>;-3;;\"a|b\nc\"\r\n")
    }

    @Test("JSON: numbers as numbers, undefined as null, strings escaped")
    func json() {
        let text = String(decoding: TableFormats.json(table), as: UTF8.self)
        #expect(text == "[\n  {\"site\":\"AZ \\\"Noord\\\", Gent; campus\",\"n\":12,\"ratio\":0.750,\"note\":null},\n"
                + "  {\"site\":\"<script>alert(1)</script>\",\"n\":-3,\"ratio\":null,\"note\":\"a|b\\nc\"}\n]\n")
    }

    @Test("integers, days, source locations and fingerprints are written as their String forms would be")
    func bytesWithoutStrings() throws {
        for value in [0, 7, 10, -1, -10, 1_234_567, Int.max, Int.min] {
            var out = TextBuffer()
            out.append(integer: value)
            #expect(String(decoding: out.bytes, as: UTF8.self) == String(value))
        }
        for text in ["2025-07-01", "1999-12-31", "0001-01-09"] {
            let day = try #require(Day(year: Int(text.prefix(4)) ?? 0, month: Int(text.dropFirst(5).prefix(2)) ?? 0,
                                       day: Int(text.suffix(2)) ?? 0))
            var out = TextBuffer()
            out.append(day: day)
            #expect(String(decoding: out.bytes, as: UTF8.self) == day.description && day.description == text)
        }
        for location in [SourceLocation(path: "a b/evaluations.csv", line: 12), SourceLocation(path: "x.xml", line: 3, column: 40)] {
            var out = TextBuffer()
            out.append(location: location)
            #expect(String(decoding: out.bytes, as: UTF8.self) == location.description)
        }
        let finding = Finding(code: .noAgreement, key: "student=r1 site=AZA", message: "m", sources: [])
        var out = TextBuffer()
        out.append(fingerprint: finding.fingerprintHash)
        #expect(String(decoding: out.bytes, as: UTF8.self) == finding.fingerprint && finding.fingerprint.count == 16)
    }

    @Test("a table streamed to a sink in pieces is the same bytes as rendered whole")
    func streamed() {
        struct Pieces: ByteSink {
            var pieces: [[UInt8]] = []
            mutating func drain(_ buffer: inout TextBuffer) {
                pieces.append(buffer.bytes)
                buffer.bytes.removeAll()
            }
        }
        let many = ReportTable(name: "m", title: "M", columns: ["a", "b"],
                               rows: (0..<20_000).map { [.text("row \($0), \"quoted\""), .integer($0)] })
        var sink = Pieces()
        TableFormats.csv(many, dialect: .rfc4180, into: &sink)
        #expect(sink.pieces.count > 2, "rendered in more than one piece")
        #expect(sink.pieces.flatMap { $0 } == TableFormats.csv(many, dialect: .rfc4180))
        var json = Pieces()
        TableFormats.json(many, into: &json)
        #expect(json.pieces.count > 2 && json.pieces.flatMap { $0 } == TableFormats.json(many))
    }

    @Test("HTML escapes text and loads nothing from the network; Markdown escapes pipes")
    func htmlAndMarkdown() throws {
        let page = String(decoding: HTMLPage.standalone(table, title: "T & <b>"), as: UTF8.self)
        #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !page.contains("<script>alert"))
        #expect(page.contains("<title>T &amp; &lt;b&gt;</title>"))
        #expect(!page.contains("http:") && !page.contains("https:") && !page.contains(" src="))
        let markdown = String(decoding: MarkdownSummary.tableDocument(table, title: "T"), as: UTF8.self)
        #expect(markdown.contains("| a\\|b c |"))
    }
}
