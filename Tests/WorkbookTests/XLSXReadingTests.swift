import Domain
import Foundation
@testable import Ingest
import Pipeline
import Testing

/// `format: xlsx`: cells as the workbook types them, sheets, header rows and locations.
@Suite("Reading .xlsx workbooks")
struct XLSXReadingTests {
    /// An agreements sheet whose rows use every kind of cell.
    static func agreements(_ rows: [String], date1904: Bool = false, strings: [String] = ["RO-1", "AZ Alfa"]) -> [ZipBuilder.Entry] {
        WorkbookParts.entries(sheets: [("Blad1", header(1, agreementHeader) + rows.joined())], strings: strings, date1904: date1904)
    }

    @Test("dates, numbers, shared, inline and formula strings, booleans and ISO dates become the values they show")
    func cellTypes() throws {
        let rows = [
            WorkbookParts.row(2, [c("A2", "<v>0</v>", type: "s"), c("B2", "<v>1</v>", type: "s"), text("C2", "cardiologie"),
                                  c("D2", "<v>3</v>"), c("E2", "<v>45474</v>", style: 1), c("F2", "<v>45838</v>", style: 2),
                                  c("G2", "<v>1</v>", type: "b")]),
            WorkbookParts.row(3, [text("A3", "RO-2"), text("B3", "AZ Alfa"), text("C3", "cardiologie"),
                                  c("D3", "<v>2.0000000000000004</v>"), c("E3", "<v>2024-09-01T00:00:00</v>", type: "d"),
                                  c("F3", "<v>45838.75</v>", style: 5), text("G3", "erkend"),
                                  c("I3", "<f>A1</f><v>Dr. X_x000D_</v>", type: "str")]),
            // A number in a date column is a serial, whatever its style (a cell that lost its date format).
            WorkbookParts.row(4, [text("A4", "RO-3"), text("B4", "AZ Alfa"), text("C4", "cardiologie"), c("D4", "<v>1</v>"),
                                  c("E4", "<v>45474</v>"), c("F4", "<v>4.5838E4</v>"), text("G4", "erkend")]),
        ]
        let result = try read(.agreements, entries: Self.agreements(rows))
        #expect(result.rejection == nil)
        #expect(result.quarantined.isEmpty, "\(result.quarantined.map(\.reason))")
        let agreements = result.agreements
        try #require(agreements.count == 3)
        #expect(agreements[0].agreementID == "RO-1" && agreements[0].site == "AZ Alfa" && agreements[0].slots == 3)
        #expect(agreements[0].validFrom == day("2024-07-01") && agreements[0].validTo == day("2025-06-30"))
        #expect(agreements[0].kind == .framework, "TRUE reads as a yes")
        #expect(agreements[1].slots == 2, "binary noise rounds to 15 digits")
        #expect(agreements[1].validFrom == day("2024-09-01") && agreements[1].validTo == day("2025-06-30"), "the time of day is dropped")
        #expect(agreements[1].supervisor == "Dr. X", "a formula's saved text, _x000D_ decoded and trimmed")
        #expect(agreements[2].validFrom == day("2024-07-01") && agreements[2].validTo == day("2025-06-30"))
        #expect(agreements[0].source.path.hasSuffix("/book.xlsx[Blad1]") && agreements.map(\.source.line) == [2, 3, 4])
    }

    @Test("the 1900 date system's phantom 29 February, its first days, and the 1904 system")
    func dateSystems() throws {
        func validFrom(_ serial: String, date1904: Bool = false) throws -> Read {
            let row = WorkbookParts.row(2, [text("A2", "RO-1"), text("B2", "AZ Alfa"), text("C2", "x"), c("D2", "<v>1</v>"),
                                            c("E2", "<v>\(serial)</v>", style: 1), c("F2", "<v>100000</v>", style: 1), text("G2", "erkend")])
            return try read(.agreements, entries: Self.agreements([row], date1904: date1904), dates: DateParser(formats: [DateParser.iso],
                                                                                                                    plausibleYears: 1800...9999))
        }
        let march = try validFrom("61")
        #expect(march.agreements.first?.validFrom == day("1900-03-01"), "\(march.quarantined.map(\.reason))")
        #expect(try validFrom("59").agreements.first?.validFrom == day("1900-02-28"))
        #expect(try validFrom("1").agreements.first?.validFrom == day("1900-01-01"))
        let phantom = try validFrom("60").quarantined.first?.reason
        #expect(phantom == "field 'valid_from' (column 'Valid from'): the date cell holds serial number 60, the 29 February 1900 that "
                + "Excel's 1900 date system counts but that never was")
        #expect(try validFrom("0").quarantined.first?.reason
                == "field 'valid_from' (column 'Valid from'): the date cell holds serial number 0, which is no day of the workbook's 1900 date system")
        #expect(try validFrom("0", date1904: true).agreements.first?.validFrom == day("1904-01-01"))
        #expect(try validFrom("45474", date1904: true).agreements.first?.validFrom == day("2028-07-02"))
    }

    @Test("a date cell needs no dates: format; a text cell is typed as CSV text is, by the formats given")
    func datesWithoutFormats() throws {
        let rows = [
            WorkbookParts.row(2, [text("A2", "RO-1"), text("B2", "AZ Alfa"), text("C2", "x"), c("D2", "<v>1</v>"),
                                  c("E2", "<v>45474</v>", style: 2), c("F2", "<v>45838</v>", style: 1), text("G2", "erkend")]),
            WorkbookParts.row(3, [text("A3", "RO-2"), text("B3", "AZ Alfa"), text("C3", "x"), c("D3", "<v>1</v>"),
                                  text("E3", "01/07/2024"), c("F3", "<v>45838</v>", style: 1), text("G3", "erkend")]),
        ]
        let result = try read(.agreements, entries: Self.agreements(rows), dates: DateParser(formats: [try DateFormat("d month yyyy")]))
        #expect(result.agreements.map(\.agreementID) == ["RO-1"])
        let quarantined = try #require(result.quarantined.first)
        #expect(quarantined.reason == "field 'valid_from' (column 'Valid from'): '01/07/2024' is not a date in any of the formats d month yyyy")
        #expect(quarantined.source == SourceLocation(path: "book.xlsx[Blad1]", line: 3, column: 5), "file.xlsx[Sheet]:row:column")
        #expect(quarantined.raw == "RO-2\tAZ Alfa\tx\t1\t01/07/2024\t2025-06-30\terkend")
    }

    @Test("number cells know no decimal comma; percentages are scores; text cells follow decimal:")
    func numbersAndDecimals() throws {
        let names = ["Student", "Site", "Discipline", "Start date", "Weeks", "Evaluator role", "Status", "Knowledge and skills",
                     "Contact with the patient", "Final score"]
        func row(_ number: Int, _ knowledge: String, _ patient: String) -> String {
            WorkbookParts.row(number, [text("A\(number)", "r1"), text("B\(number)", "AZ Alfa"), text("C\(number)", "x"),
                                       c("D\(number)", "<v>45474</v>", style: 1), c("E\(number)", "<v>4</v>"), text("F\(number)", "resident"),
                                       text("G\(number)", "submitted"), knowledge, patient])
        }
        let rows = [
            row(2, c("H2", "<v>14.5</v>"), c("I2", "<v>0.825</v>", style: 3)),
            row(3, text("H3", "14,5"), c("I3", "<v>0.7</v>", style: 4)),
            row(4, text("H4", "14.5"), c("I4", "<v>15</v>")),
        ]
        let entries = WorkbookParts.entries(sheets: [("Evaluaties", header(1, names) + rows.joined())])
        let result = try read(.evaluations, entries: entries, decimal: .comma)
        let scores = result.evaluations.map { [$0.scores.knowledgeAndSkills, $0.scores.patientContact] }
        #expect(scores == [[14.5, 16.5], [14.5, 14]], "82.5% and 70% are 16.5 and 14 on 20")
        #expect(result.quarantined.first?.reason == "field 'score_knowledge' (column 'Knowledge and skills'): '14.5' is not a score "
                + "(expected e.g. 14, 14,5, 14/20 or 70%)", "a text cell with a point under decimal: comma")
    }

    @Test("error values and formulas without a result quarantine their row, naming the cell's content")
    func errorsAndFormulas() throws {
        let rows = [
            WorkbookParts.row(2, [text("A2", "RO-1"), c("B2", "<v>#N/A</v>", type: "e"), text("C2", "x"), c("D2", "<v>1</v>"),
                                  c("E2", "<v>45474</v>", style: 1), c("F2", "<v>45838</v>", style: 1), text("G2", "erkend")]),
            WorkbookParts.row(3, [text("A3", "RO-2"), text("B3", "AZ Alfa"), text("C3", "x"), c("D3", "<f>SUM(Z1:Z9)</f>"),
                                  c("E3", "<v>45474</v>", style: 1), c("F3", "<v>45838</v>", style: 1), text("G3", "erkend")]),
            // An error where no field is read changes nothing.
            WorkbookParts.row(4, [text("A4", "RO-3"), text("B4", "AZ Alfa"), text("C4", "x"), c("D4", "<v>1</v>"),
                                  c("E4", "<v>45474</v>", style: 1), c("F4", "<v>45838</v>", style: 1), text("G4", "erkend"),
                                  c("K4", "<v>#DIV/0!</v>", type: "e")]),
        ]
        let result = try read(.agreements, entries: Self.agreements(rows))
        #expect(result.agreements.map(\.agreementID) == ["RO-3"])
        #expect(result.quarantined.map(\.reason) == [
            "field 'site' (column 'Site'): the cell holds the error #N/A, a formula that failed in the workbook; correct it there, "
                + "or leave the cell empty",
            "field 'capacity' (column 'Capacity'): the cell holds a formula without a saved result (the program that wrote the "
                + "workbook does not calculate); open and save it in Excel or LibreOffice",
        ])
        #expect(result.quarantined.map(\.source.column) == [2, 4])
        #expect(result.quarantined.first?.raw == "RO-1\t#N/A\tx\t1\t2024-07-01\t2025-06-30\terkend")
    }

    @Test("sheet: by name or position; a missing sheet lists the workbook's sheets")
    func sheets() throws {
        let roster = header(1, ["Student", "Master year"]) + WorkbookParts.row(2, [text("A2", "r1"), c("B2", "<v>3</v>")])
        let entries = WorkbookParts.entries(sheets: [("Uitleg", WorkbookParts.row(1, [text("A1", "zie blad 2")])), ("Studenten", roster)])
        #expect(try read(.roster, entries: entries, sheet: .named("Studenten")).roster.map(\.masterYear) == [3])
        #expect(try read(.roster, entries: entries, sheet: .index(2)).roster.map(\.student) == ["r1"])
        let missing = try read(.roster, entries: entries, sheet: .named("Blad3"))
        #expect(missing.rejection == "book.xlsx:1: error: the workbook has no sheet named 'Blad3'\n    the workbook's sheets: 'Uitleg', 'Studenten'")
        let beyond = try read(.roster, entries: entries, sheet: .index(3))
        #expect(beyond.rejection == "book.xlsx:1: error: sheet: 3, but the workbook has 2 sheets\n    the workbook's sheets: 'Uitleg', 'Studenten'")
        let first = try read(.roster, entries: entries)
        #expect(first.rejection?.hasPrefix("book.xlsx[Uitleg]:1: error: no column for the required field 'student'") == true,
                "\(first.rejection ?? "")")
    }

    @Test("header_row: given, or the first row with a value; rows above it are not records")
    func headerRow() throws {
        let sheet = WorkbookParts.row(1, [text("A1", "Studenten, export van 15/07/2026")]) + "<row r=\"2\"/>"
            + header(3, ["Student", "Master year"]) + WorkbookParts.row(4, [text("A4", "r1"), c("B4", "<v>3</v>")])
            + WorkbookParts.row(5, [c("A5", "<v></v>"), c("C5", "", style: 1)]) + WorkbookParts.row(6, [text("A6", "r2")])
        let entries = WorkbookParts.entries(sheets: [("Blad1", sheet)])
        let given = try read(.roster, entries: entries, headerRow: 3)
        #expect(given.roster.map(\.student) == ["r1", "r2"])
        #expect(given.roster.map(\.source.line) == [4, 6])
        #expect(given.report.blankRows == 1, "row 5 holds only empty cells")
        let empty = try read(.roster, entries: entries, headerRow: 2)
        #expect(empty.rejection == "book.xlsx[Blad1]:2: error: header_row: 2, but row 2 of the sheet holds no value\n"
                + "    set header_row: to the row of the column names, or leave it out to take the first row with a value")
        let guessed = try read(.roster, entries: entries)
        #expect(guessed.rejection?.hasPrefix("book.xlsx[Blad1]:1: error: no column for the required field 'student'") == true)
    }

    @Test("rich text runs are joined and phonetic hints left out; an empty sheet has no header")
    func sharedStringsAndEmpty() throws {
        var entries = WorkbookParts.entries(sheets: [("Blad1", header(1, ["Student", "Cohort"]) + WorkbookParts.row(2, [
            c("A2", "<v>0</v>", type: "s"), c("B2", "<v>1</v>", type: "s")]))])
        entries[5] = ZipBuilder.Entry("xl/sharedStrings.xml", "<sst xmlns=\"\(WorkbookParts.main)\" count=\"99\" uniqueCount=\"99\">"
            + "<si><r><rPr><b/></rPr><t>r0</t></r><r><t xml:space=\"preserve\">1 </t></r><rPh sb=\"0\" eb=\"1\"><t>ふり</t></rPh></si>"
            + "<si><t>2025_x005F_x0041_</t></si></sst>")
        let result = try read(.roster, entries: entries)
        #expect(result.roster.map(\.student) == ["r01"])
        #expect(result.roster.map(\.cohort) == ["2025_x0041_"], "_x005F_ is an escaped underscore")
        let empty = try read(.roster, entries: WorkbookParts.entries(sheets: [("Blad1", "")]))
        #expect(empty.rejection == "book.xlsx[Blad1]:1: error: the sheet is empty: no header row")
    }

    @Test("threaded and inline reading give the same records")
    func threaded() throws {
        var rows = header(1, ["Student", "Master year", "Cohort"])
        for row in 2...3000 {
            rows += WorkbookParts.row(row, [text("A\(row)", "r\(row)"), c("B\(row)", "<v>\(row % 6 + 1)</v>"), c("C\(row)", "<v>#N/A</v>", type: row % 97 == 0 ? "e" : "str")])
        }
        let folder = try TestFolder()
        defer { folder.remove() }
        let path = try folder.write("big.xlsx", ZipBuilder(WorkbookParts.entries(sheets: [("Blad1", rows)])).build())
        let inline = try read(xlsxSpec(.roster, path), threading: .never)
        let threaded = try read(xlsxSpec(.roster, path), threading: .always)
        #expect(inline.roster.count == 2969 && inline.quarantined.count == 30)
        #expect(inline.roster == threaded.roster)
        #expect(inline.quarantined == threaded.quarantined)
    }

    @Test("the public sheet reader gives typed cells with their locations")
    func sheetReader() throws {
        let sheet = header(1, ["code", "weeks", "from", "share", "ok"])
            + WorkbookParts.row(2, [text("A2", "HK"), c("B2", "<v>8</v>"), c("C2", "<v>45474</v>", style: 1), c("D2", "<v>0.25</v>", style: 4),
                                    c("E2", "<v>0</v>", type: "b"), c("F2", "<v>#REF!</v>", type: "e")])
        let folder = try TestFolder()
        defer { folder.remove() }
        let path = try folder.write("curriculum.xlsx", ZipBuilder(WorkbookParts.entries(sheets: [("Curriculum", sheet)])).build())
        var rows: [WorkbookRow] = []
        let at = try WorkbookSheetReader(path: path, opener: WorkbookZip.opener).forEachRow { rows.append($0) }
        #expect(at == path + "[Curriculum]")
        #expect(rows.count == 2 && rows[1].location == SourceLocation(path: at, line: 2))
        #expect(rows[1].cells.map(\.value) == [.text("HK"), .number("8"), .date(try #require(day("2024-07-01"))), .number("0.25"),
                                               .boolean(false), .unreadable("the cell holds the error #REF!, a formula that failed in "
                                                                            + "the workbook; correct it there, or leave the cell empty")])
        #expect(rows[1].cell(6)?.location == SourceLocation(path: at, line: 2, column: 6))
    }
}

@Suite("Cell texts")
struct CellTextTests {
    func canonical(_ text: String, percent: Bool = false) -> String? {
        var out: [UInt8] = []
        var input = text
        let ok = input.withUTF8 { ExcelNumber.canonical($0, percent: percent, into: &out) }
        return ok ? String(decoding: out, as: UTF8.self) : nil
    }

    @Test("numbers as Excel shows them: 15 significant digits, no exponent, a point")
    func numbers() {
        #expect(canonical("14.5") == "14.5")
        #expect(canonical("14.499999999999998") == "14.5")
        #expect(canonical("1.0000000000000001E-2") == "0.01")
        #expect(canonical("-3") == "-3")
        #expect(canonical("0") == "0" && canonical("-0.0") == "0")
        #expect(canonical("4.5E+3") == "4500")
        #expect(canonical("007.50") == "7.5")
        #expect(canonical("0.999999999999999999") == "1")
        #expect(canonical("1E+30") == "1E+30" && canonical("1.5E-25") == "1.5E-25")
        #expect(canonical("0.825", percent: true) == "82.5%")
        #expect(canonical("abc") == nil && canonical("1.2.3") == nil && canonical("") == nil && canonical("1E") == nil)
    }

    @Test("number formats: built-in ids and custom codes")
    func formats() {
        #expect(NumberFormatKind.builtin(14) == .date && NumberFormatKind.builtin(22) == .date && NumberFormatKind.builtin(47) == .date)
        #expect(NumberFormatKind.builtin(0) == .general && NumberFormatKind.builtin(2) == .general && NumberFormatKind.builtin(49) == .general)
        #expect(NumberFormatKind.builtin(9) == .percent && NumberFormatKind.builtin(10) == .percent)
        for code in ["dd/mm/yyyy", "[$-813]d\\ mmmm\\ yyyy;@", "yyyy-mm-dd hh:mm", "[h]:mm:ss", "mmm-yy", "[Red]d/m/yy"] {
            #expect(NumberFormatKind.custom(code) == .date, "\(code)")
        }
        for code in ["General", "0.00", "#,##0 \"dagen\"", "[Red]0.0", "0.0E+00", "\"d\"0", "@"] {
            #expect(NumberFormatKind.custom(code) == .general, "\(code)")
        }
        #expect(NumberFormatKind.custom("0.0%") == .percent && NumberFormatKind.custom("0%;[Red]-0%") == .percent)
    }

    @Test("cell references and escapes")
    func references() {
        var reference = "AB12"
        #expect(reference.withUTF8 { CellReference.parse($0) }! == (28, 12))
        var bad = "12"
        #expect(bad.withUTF8 { CellReference.parse($0) } == nil)
        #expect(CellReference.letters(16384) == "XFD" && CellReference.letters(1) == "A")
        var escaped = "a_x000D_b_x005F_x_xD83D__xDE00_"
        var out: [UInt8] = []
        escaped.withUTF8 { OOXMLText.appendDecoding($0, to: &out) }
        #expect(String(decoding: out, as: UTF8.self) == "a\rb_x😀")
    }
}
