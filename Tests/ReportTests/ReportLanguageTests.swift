import Domain
@testable import Report
import Testing

/// The report language: Dutch (Belgium) and English marks, dates and labels, in summary.md and
/// the one-table documents of `report` and `plan`.
@Suite("Report language")
struct ReportLanguageTests {
    @Test("numbers: a decimal comma and a point between thousands in nl, the other way round in en")
    func numbers() {
        #expect(ReportLanguage.nl.decimal(Ratio(12_345, 10), places: 1) == "1.234,5")
        #expect(ReportLanguage.en.decimal(Ratio(12_345, 10), places: 1) == "1,234.5")
        #expect(ReportLanguage.nl.integer(1_234_567) == "1.234.567")
        #expect(ReportLanguage.en.integer(1_234_567) == "1,234,567")
        #expect(ReportLanguage.nl.integer(999) == "999" && ReportLanguage.nl.integer(0) == "0")
        #expect(ReportLanguage.nl.integer(1000) == "1.000", "a thousand, which 1.000 reads as in Belgium")
    }

    @Test("negative numbers keep one sign before the separators")
    func negatives() {
        #expect(ReportLanguage.nl.integer(-1234) == "-1.234")
        #expect(ReportLanguage.en.integer(-1234) == "-1,234")
        #expect(ReportLanguage.nl.decimal(Ratio(-278_571, 10_000), places: 1) == "-27,9")
        #expect(ReportLanguage.en.decimal(Ratio(-1_234_567, 1000), places: 2) == "-1,234.57")
        // A negative figure that rounds to zero prints no sign.
        #expect(ReportLanguage.nl.decimal(Ratio(-4, 100), places: 1) == "0,0")
    }

    @Test("rounding: once, half away from zero, to the column's places; 0 places has no mark")
    func rounding() {
        #expect(ReportLanguage.nl.decimal(Ratio(12_346, 100), places: 1) == "123,5")
        #expect(ReportLanguage.nl.decimal(Ratio(-5, 100), places: 1) == "-0,1")
        #expect(ReportLanguage.nl.decimal(Ratio(1, 3), places: 3) == "0,333")
        #expect(ReportLanguage.en.decimal(Ratio(2, 3), places: 3) == "0.667")
        #expect(ReportLanguage.nl.decimal(Ratio(99_995, 100), places: 1) == "1.000,0", "999.95 carries into the thousands")
        #expect(ReportLanguage.nl.decimal(Ratio(2501, 2), places: 0) == "1.251")
        #expect(ReportLanguage.en.decimal(Ratio(-2501, 2), places: 0) == "-1,251")
        #expect(ReportLanguage.nl.decimal(Ratio(7, 100), places: 2) == "0,07", "leading zeros of the fraction kept")
        #expect(ReportLanguage.nl.decimal(nil, places: 1) == "" && ReportLanguage.nl.decimal(Ratio(1, 0), places: 1) == "")
        #expect(ReportLanguage.nl.percent(Ratio(7, 8), places: 1) == "87,5%" && ReportLanguage.en.percent(Ratio(7, 8)) == "88%")
    }

    @Test("dates: dd/mm/yyyy in nl, ISO in en")
    func dates() throws {
        let day = try #require(Day(year: 2026, month: 3, day: 5))
        #expect(ReportLanguage.nl.date(day) == "05/03/2026")
        #expect(ReportLanguage.en.date(day) == "2026-03-05")
        let december = try #require(Day(year: 2025, month: 12, day: 31))
        #expect(ReportLanguage.nl.date(december) == "31/12/2025")
    }

    @Test("cells: numbers, dates and yes/no in the language; years, text and fingerprints as written")
    func cells() throws {
        let day = try #require(Day(year: 2026, month: 3, day: 5))
        let nl = ReportLanguage.nl, en = ReportLanguage.en
        #expect(nl.display(.decimal(Ratio(11_717, 10), places: 1)) == "1.171,7" && en.display(.decimal(Ratio(11_717, 10), places: 1)) == "1,171.7")
        #expect(nl.display(.integer(7471)) == "7.471" && en.display(.integer(7471)) == "7,471")
        #expect(nl.display(.date(day)) == "05/03/2026" && en.display(.date(day)) == "2026-03-05")
        #expect(nl.display(.yesNo(true)) == "ja" && en.display(.yesNo(false)) == "no")
        #expect(nl.display(.year(PlacementYear(startYear: 2025))) == "2025-2026")
        #expect(nl.display(.text("1.5")) == "1.5", "text is never reformatted")
        #expect(nl.severity("warning") == "waarschuwing" && en.severity("warning") == "warning" && nl.severity("info") == "info")
    }

    /// A run's content with every section summary.md writes.
    func content(_ language: ReportLanguage) throws -> ReportPageContent {
        let asOf = try #require(Day(year: 2026, month: 7, day: 15))
        let summary = ReportSummary(title: "faculty", asOf: asOf, inputFiles: 5, recordsRead: 7471, quarantined: 17, placements: 2989,
                                    students: 265, agreements: 323, years: [PlacementYear(startYear: 2025)], errors: 1,
                                    warnings: 1234, info: 0)
        let coverage = CoverageRow(group: "IG", year: PlacementYear(startYear: 2025), students: 1217, requiredWeeks: 8,
                                   studentWeeks: 2017, recognisedWeeks: 1936, nonRecognisedWeeks: 81, recognisedSlotDays: 74_825)
        let findings = ReportTable(name: "findings", title: "findings", columns: ["code", "severity", "message", "sources"],
                                   rows: [[.text("OVER_CAPACITY"), .text("warning"), .text("AZJP IG: 3 students"), .text("a.csv:3")]])
        return ReportPageContent(summary: summary, language: language, capacity: [], coverage: [coverage],
                                 audit: ReportTable(name: "audit", title: "audit", columns: [], rows: []), findings: findings,
                                 changes: ReportTable(name: "changes", title: "changes", columns: ["what"], rows: []),
                                 comparison: ComparisonNote(previousRun: "r7", previousAsOf: "2026-07-14", changes: 1200,
                                                            fingerprintsRekeyed: false),
                                 findingCounts: ["OVER_CAPACITY": 1001])
    }

    @Test("summary.md in Dutch: headings, labels, marks, the as-of date and the count sentence")
    func dutchSummary() throws {
        let text = String(decoding: MarkdownSummary.render(try content(.nl)), as: UTF8.self)
        for expected in ["Stand op 15/07/2026.", "| cijfer | waarde |", "| gelezen records | 7.471 |", "| waarschuwingen | 1.234 |",
                         "## Wijzigingen sinds de vorige run", "Vergeleken met run r7 (stand op 14/07/2026): 1.200 wijzigingen.",
                         "## Dekking", "| IG | 2025-2026 | 1.217 |", "## Bevindingen", "| code | ernst | bevindingen |",
                         "| OVER_CAPACITY | waarschuwing | 1.001 |", "De eerste 1 van 1.001:",
                         "**OVER_CAPACITY** AZJP IG: 3 students"] {
            #expect(text.contains(expected), "\(expected) in\n\(text)")
        }
        // Coverage keeps its column names (an interface) with Dutch values.
        #expect(text.contains("| discipline_group | year | students |"))
        #expect(!text.contains("As of") && !text.contains("Findings") && !text.contains("English note"))
    }

    @Test("summary.md in English: the same figures with English marks and ISO dates")
    func englishSummary() throws {
        let text = String(decoding: MarkdownSummary.render(try content(.en)), as: UTF8.self)
        for expected in ["As of 2026-07-15.", "| figure | value |", "| records read | 7,471 |", "| warnings | 1,234 |",
                         "Compared with run r7 (as of 2026-07-14): 1,200 changes.", "## Coverage", "| IG | 2025-2026 | 1,217 |",
                         "| code | severity | findings |", "| OVER_CAPACITY | warning | 1,001 |", "First 1 of 1,001:"] {
            #expect(text.contains(expected), "\(expected) in\n\(text)")
        }
        #expect(!text.contains("Stand op") && !text.contains("Bevindingen"))
    }

    @Test("no findings, and the first run, in both languages")
    func emptyFindings() throws {
        for (language, none, first) in [(ReportLanguage.nl, "Geen bevindingen.", "Dit is de eerste run"),
                                        (.en, "No findings.", "This is the first run")] {
            var content = try content(language)
            content.findings = ReportTable(name: "findings", title: "findings", columns: ["code", "severity", "message", "sources"],
                                           rows: [])
            content.comparison = ComparisonNote(previousRun: nil, previousAsOf: nil, changes: 0, fingerprintsRekeyed: true)
            let text = String(decoding: MarkdownSummary.render(content), as: UTF8.self)
            #expect(text.contains(none) && text.contains(first), "\(text)")
            #expect(text.contains(ComparisonNote.rekeyed(language)))
        }
        #expect(ComparisonNote.rekeyed(.nl) != ComparisonNote.rekeyed(.en))
    }

    @Test("report and plan as Markdown and HTML: values in the language, column names as in the CSV, lang and viewport")
    func tableDocuments() {
        let table = ReportTable(name: "capacity", title: "capacity", columns: ["site", "capacity_weeks", "utilisation"],
                                rows: [[.text("UZG"), .decimal(Ratio(12_345, 10), places: 1), .decimal(Ratio(-1, 2), places: 3)]])
        let dutch = String(decoding: MarkdownSummary.tableDocument(table, title: "capaciteit", language: .nl), as: UTF8.self)
        #expect(dutch == "# capaciteit\n\n| site | capacity_weeks | utilisation |\n|---|---|---|\n| UZG | 1.234,5 | -0,500 |\n")
        let english = String(decoding: MarkdownSummary.tableDocument(table, title: "capacity", language: .en), as: UTF8.self)
        #expect(english.contains("| UZG | 1,234.5 | -0.500 |"))
        let empty = ReportTable(name: "t", title: "t", columns: ["a"], rows: [])
        #expect(String(decoding: MarkdownSummary.tableDocument(empty, title: "t", language: .nl), as: UTF8.self).contains("Geen rijen."))
        let page = String(decoding: HTMLPage.standalone(table, title: "capaciteit", language: .nl), as: UTF8.self)
        #expect(page.contains("<html lang=\"nl\">"))
        #expect(page.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"))
        #expect(page.contains("<td class=\"n\" data-value=\"1234.5\">1.234,5</td>"), "sorting reads the plain value")
        #expect(page.contains("<th scope=\"col\">capacity weeks</th>"))
        let englishPage = String(decoding: HTMLPage.standalone(table, title: "capacity", language: .en), as: UTF8.self)
        #expect(englishPage.contains("<html lang=\"en\">") && englishPage.contains(">1,234.5</td>"))
    }
}
