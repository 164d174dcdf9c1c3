@testable import Normalize
@testable import Reconcile
@testable import Report
import Domain
import Testing

@Suite("Table declarations and typed cells")
struct TablesTests {
    /// The columns of every table a run writes, as SPEC §5 and the README list them: a
    /// declaration that drops, renames or reorders one changes every file of that table.
    @Test func columns() {
        #expect(Tables.capacity.columnNames == ["site", "discipline", "year", "slots", "capacity_weeks", "used_weeks", "placements",
                                                "students", "utilisation", "peak_concurrent", "over_capacity_days"])
        #expect(Tables.coverage.columnNames == ["discipline_group", "year", "students", "required_weeks", "student_weeks",
                                                "recognised_weeks", "non_recognised_weeks", "share_non_recognised",
                                                "recognised_capacity_weeks", "capacity_coverage"])
        #expect(Tables.progress.columnNames == ["student", "part", "passed_weeks", "required_weeks", "met"])
        #expect(Tables.audit.columnNames == ["site", "year", "recognised", "region", "placements", "student_weeks",
                                             "placements_without_agreement", "individual_agreements", "evaluation_completeness",
                                             "mean_final_score", "mean_knowledge_and_skills", "mean_patient_contact", "mean_teamwork"])
        #expect(Tables.plan.columnNames == ["discipline_group", "year", "students", "required_weeks", "demand_weeks", "capacity_weeks",
                                            "balance_weeks", "balance_slots", "expiring_agreements"])
        #expect(Tables.findings.columnNames == ["code", "severity", "fingerprint", "key", "message", "sources"])
        #expect(Tables.placements.columnNames == ["student", "site", "discipline", "start", "end", "weeks", "kind", "year", "final_score",
                                                  "agreement", "agreement_kind", "sources"])
        #expect(Tables.quarantine.columnNames == ["source", "path", "line", "column", "field", "reason", "raw"])
        #expect(Tables.changes.columnNames == ["change", "subject", "year", "before", "after", "detail"])
        #expect(Tables.capacity.column("capacity_weeks")?.type == .decimal(places: 1))
        #expect(Tables.capacity.column("utilisation")?.type == .decimal(places: 3))
        #expect(Tables.capacity.column("site")?.type == .text)
    }

    @Test("a decimal cell rounds its exact figure once, half up on the magnitude, in every format")
    func decimals() {
        func csv(_ cell: Cell, _ dialect: CSVDialect) -> String {
            var out = TextBuffer(), scratch = TextBuffer()
            TableFormats.appendCSV(cell, dialect: dialect, to: &out, scratch: &scratch)
            return String(decoding: out.bytes, as: UTF8.self)
        }
        func json(_ cell: Cell) -> String {
            var out = TextBuffer()
            TableFormats.appendJSON(cell, to: &out)
            return String(decoding: out.bytes, as: UTF8.self)
        }
        // 911 / 7 = 130.142…; 1 / 16 = 0.0625 → 0.063 (half up); −195 / 7 = −27.857… → −27.9;
        // −1 / 40 = −0.025 → 0.0 with no minus sign; 7 / 2 at 0 places → 4.
        let cases: [(Cell, String)] = [(.decimal(Ratio(911, 7), places: 1), "130.1"), (.decimal(Ratio(1, 16), places: 3), "0.063"),
                                       (.decimal(Ratio(-195, 7), places: 1), "-27.9"), (.decimal(Ratio(-1, 40), places: 1), "0.0"),
                                       (.decimal(Ratio(7, 2), places: 0), "4"), (.decimal(Ratio(3, 4), places: 3), "0.750")]
        for (cell, text) in cases {
            #expect(cell.plainText == text && csv(cell, .rfc4180) == text && json(cell) == text)
            #expect(csv(cell, .excelBelgium) == text.replacingOccurrences(of: ".", with: ","))
        }
        #expect(Cell.decimal(Ratio.defined(3, 0), places: 3) == .empty && json(.decimal(nil, places: 1)) == "null")
        #expect(Ratio(2, 3).formatted(decimals: 0) == "1" && Ratio(3, 0).formatted(decimals: 1) == nil)
    }

    @Test("every kind of cell in CSV and JSON")
    func cellKinds() throws {
        let day = try #require(Day(year: 2025, month: 9, day: 1))
        let sources = SourceList.locations([SourceLocation(path: "a b.csv", line: 3), SourceLocation(path: "x.xml", line: 4, column: 7)])
        let row: [Cell] = [.text("007"), .yesNo(true), .year(PlacementYear(startYear: 2025)), .date(day),
                           .fingerprint(0x00ab_cdef_0123_4567), .sources(sources), .integer(12), .empty]
        let table = ReportTable(name: "t", title: "T", columns: ["a", "b", "c", "d", "e", "f", "g", "h"], rows: [row])
        #expect(String(decoding: TableFormats.csv(table, dialect: .rfc4180), as: UTF8.self)
                == "a,b,c,d,e,f,g,h\n007,yes,2025-2026,2025-09-01,fp-00abcdef01234567,a b.csv:3 x.xml:4:7,12,\n")
        #expect(String(decoding: TableFormats.json(table), as: UTF8.self)
                == "[\n  {\"a\":\"007\",\"b\":\"yes\",\"c\":\"2025-2026\",\"d\":\"2025-09-01\",\"e\":\"fp-00abcdef01234567\","
                + "\"f\":[\"a b.csv:3\",\"x.xml:4:7\"],\"g\":12,\"h\":null}\n]\n")
    }

    @Test("a score keeps at most two decimals and drops trailing zeros, as messages print it")
    func scores() throws {
        let placement = Placement(student: "r1", site: "S", discipline: "D", siteIndex: 0, disciplineIndex: 0,
                                  start: try #require(Day(year: 2025, month: 9, day: 1)), end: try #require(Day(year: 2025, month: 9, day: 28)),
                                  weeks: 4, kind: nil, year: PlacementYear(startYear: 2025), finalScore: nil, finalCriteria: nil, sources: [])
        let column = try #require(Tables.placements.column("final_score"))
        for (score, text) in [(14.0, "14"), (13.5, "13.5"), (12.25, "12.25"), (0.0, "0"), (19.999, "20")] {
            var row = MatchedPlacement(placement: placement, match: .noAgreement)
            row.placement.finalScore = score
            #expect(column.cell(row, .plain).plainText == text)
        }
    }

    @Test("a published table reads back with its declared types: ids keep leading zeros, decimals their digits")
    func readBack() throws {
        let headings = [ColumnHeading(name: "site", type: .text), ColumnHeading(name: "year", type: .year),
                        ColumnHeading(name: "slots", type: .integer), ColumnHeading(name: "weeks", type: .decimal(places: 1)),
                        ColumnHeading(name: "ratio", type: .decimal(places: 3)), ColumnHeading(name: "met", type: .yesNo),
                        ColumnHeading(name: "note", type: .text)]
        let table = ReportTable(name: "t", title: "t", columns: headings.map(\.name), rows: [
            [.text("007"), .year(PlacementYear(startYear: 2025)), .integer(3), .decimal(Ratio(521, 10), places: 1),
             .decimal(Ratio(750, 1000), places: 3), .yesNo(false), .text("say \"hi\"\n\u{1}")],
            [.text("0042"), .year(PlacementYear(startYear: 2024)), .integer(-1), .decimal(Ratio(-279, 10), places: 1), .empty,
             .yesNo(true), .empty],
        ])
        let json = try TableReader.json(TableFormats.json(table), name: "t", title: "t", headings: headings)
        #expect(json == table)
        #expect(TableFormats.csv(json, dialect: .rfc4180) == TableFormats.csv(table, dialect: .rfc4180))
        let lines = String(decoding: TableFormats.csv(table, dialect: .rfc4180), as: UTF8.self)
        #expect(lines.hasPrefix("site,year,slots,weeks,ratio,met,note\n007,2025-2026,3,52.1,0.750,no,"))
        let csv = try TableReader.csv(header: headings.map(\.name),
                                      rows: [["007", "2025-2026", "3", "52.1", "0.750", "no", "x"], ["0042", "2024-2025", "-1", "-27.9", "", "yes", ""]],
                                      name: "t", title: "t", headings: headings)
        #expect(csv.rows[0][0] == .text("007") && csv.rows[1][0] == .text("0042") && csv.rows[1][4] == .empty)
        #expect(TableFormats.csv(csv, dialect: .excelBelgium) == TableFormats.csv(
            ReportTable(name: "t", title: "t", columns: csv.columns, rows: [table.rows[0].dropLast() + [.text("x")], table.rows[1]]),
            dialect: .excelBelgium))
        // A value that is not of its column's type is an error, never another type.
        #expect(throws: TableReader.Failure.self) {
            try TableReader.json(Array("[{\"site\":7}]".utf8), name: "t", title: "t", headings: headings)
        }
        #expect(throws: TableReader.Failure.self) {
            try TableReader.json(Array("[{\"slots\":\"3\"}]".utf8), name: "t", title: "t", headings: headings)
        }
        #expect(throws: TableReader.Failure.self) {
            try TableReader.csv(header: ["slots"], rows: [["3.5"]], name: "t", title: "t", headings: headings)
        }
        #expect(throws: TableReader.Failure.self) {
            try TableReader.json(Array("[{\"site\":\"a\"".utf8), name: "t", title: "t", headings: headings)
        }
    }

    @Test("exact decimals from text: the value and its places, nothing else")
    func parsing() {
        #expect(Ratio.parse("12.5")?.0 == Ratio(125, 10) && Ratio.parse("12.5")?.places == 1)
        #expect(Ratio.parse("-0.250")?.0 == Ratio(-250, 1000) && Ratio.parse("7")?.places == 0)
        for text in ["", "-", "1.", "1.2.3", "1e3", "12,5", " 1", "0x1"] { #expect(Ratio(decimalText: text) == nil, "\(text)") }
        #expect(Ratio(decimalText: "12,5", mark: UInt8(ascii: ",")) == Ratio(125, 10))
    }
}
