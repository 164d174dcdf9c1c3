import Domain
import Foundation
@testable import Ingest
import Pipeline
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Hostile and broken workbooks: each ends in its exact error, in bounded time and memory, and
/// none of its records is used.
@Suite("Hostile workbooks")
struct HostileWorkbookTests {
    static let roster = header(1, ["Student", "Cohort"]) + WorkbookParts.row(2, [text("A2", "r1"), text("B2", "2025")])

    static func workbook(_ sheet: String = roster, strings: [String] = [], extra: [ZipBuilder.Entry] = [],
                         extraSheetXML: String = "") -> [ZipBuilder.Entry] {
        WorkbookParts.entries(sheets: [("Blad1", sheet)], strings: strings, extraSheetXML: extraSheetXML) + extra
    }

    /// Reads as a roster, within `seconds`; the rejection as the terminal shows it.
    func rejection(_ bytes: [UInt8], limits: Limits = Limits(), seconds: Double = 10) throws -> String {
        let started = ContinuousClock.now
        let result = try read(.roster, bytes: bytes, limits: limits)
        #expect(ContinuousClock.now - started < .seconds(seconds), "bounded time")
        #expect(result.report.accepted == 0, "no record of a rejected file is used")
        return try #require(result.rejection)
    }

    func rejection(_ entries: [ZipBuilder.Entry], limits: Limits = Limits()) throws -> String {
        try rejection(ZipBuilder(entries).build(), limits: limits)
    }

    func peakMegabytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss / 1024
    }

    @Test("a valid workbook reads: the fixture the hostile ones are made from")
    func valid() throws {
        #expect(try read(.roster, entries: Self.workbook()).roster.map(\.student) == ["r1"])
    }

    // MARK: Zip bombs

    @Test("a zip bomb: a sheet inflating a thousand times its size stops at the compression ratio, in bounded memory")
    func compressionRatio() throws {
        let bomb = "<worksheet xmlns=\"\(WorkbookParts.main)\"><sheetData>" + String(repeating: "<row/>", count: 8_000_000) + "</sheetData></worksheet>"
        var entries = Self.workbook()
        entries[6] = ZipBuilder.Entry("xl/worksheets/sheet1.xml", bomb)
        let bytes = ZipBuilder(entries).build()
        #expect(bytes.count < 100_000, "48 MB of XML in \(bytes.count) bytes")
        let message = try rejection(bytes)
        #expect(message.hasPrefix("book.xlsx[Blad1]:"))
        #expect(message.contains(": error: entry 'xl/worksheets/sheet1.xml' inflates to more than 200 times its compressed size ("),
                "\(message)")
        #expect(message.hasSuffix(") (limits.max_compression_ratio): a zip bomb\n    a real sheet compresses about 5 to 20 times; raise "
                                  + "the limit only for a file you trust"), "\(message)")
        #expect(peakMegabytes() < 1024)
    }

    @Test("a part declaring more than max_inflated_part_bytes is refused before a byte is inflated")
    func declaredPartSize() throws {
        var limits = Limits()
        limits.maxInflatedPartBytes = 1 << 20
        let sheet = Self.roster + String(repeating: "<row/>", count: 200_000)
        #expect(try rejection(Self.workbook(sheet), limits: limits) == "book.xlsx[Blad1]:1: error: entry 'xl/worksheets/sheet1.xml' "
                + "declares \(Array(("<worksheet xmlns=\"\(WorkbookParts.main)\"><sheetData>" + sheet + "</sheetData></worksheet>").utf8).count) "
                + "bytes inflated, more than the 1048576 allowed (limits.max_inflated_part_bytes)")
    }

    @Test("a part inflating past the size its directory declares is stopped there")
    func declaredSizeLie() throws {
        var entries = Self.workbook()
        entries[6].declaredSize = 100
        #expect(try rejection(entries).hasSuffix("error: entry 'xl/worksheets/sheet1.xml' inflates to more than the 100 bytes its "
                                                 + "directory declares: a damaged file or a zip bomb"))
    }

    @Test("all parts together are bounded by max_inflated_bytes")
    func totalSize() throws {
        var limits = Limits()
        limits.maxInflatedBytes = 2_000
        let sheet = Self.roster + String(repeating: "<row/>", count: 500)
        #expect(try rejection(Self.workbook(sheet), limits: limits).hasSuffix("error: the workbook's parts inflate to more than 2000 "
                                                                             + "bytes together (limits.max_inflated_bytes): a zip bomb, or raise the limit"))
    }

    @Test("entries sharing their bytes (the overlapping zip bomb) are refused")
    func overlapping() throws {
        var shared = ZipBuilder.Entry("xl/worksheets/sheet2.xml", "x")
        shared.sharesHeaderOf = 6
        shared.offsetDelta = 1
        #expect(try rejection(Self.workbook(extra: [shared])) == "book.xlsx:1: error: entry 'xl/worksheets/sheet1.xml' overlaps "
                + "entry 'xl/worksheets/sheet2.xml' in the ZIP archive: entries that share their bytes are how a zip bomb inflates far "
                + "beyond its size; the file is refused")
    }

    // MARK: Names

    @Test("entry names that climb out of the archive refuse it, whatever part they claim to be",
          arguments: [("../../etc/cron.d/x", "climbs out of the archive with '..'"), ("/etc/passwd", "is an absolute path"),
                      ("C:/Windows/x.xml", "is an absolute path"), ("xl\\worksheets\\sheet9.xml", "holds a backslash (a Windows path)"),
                      ("xl/../../x.xml", "climbs out of the archive with '..'")])
    func climbingNames(_ name: String, _ why: String) throws {
        let message = try rejection(Self.workbook(extra: [ZipBuilder.Entry(name, "x")]))
        #expect(message == "book.xlsx:1: error: the ZIP archive has an entry named '\(name)', which \(why); no workbook written by a "
                + "spreadsheet program has such a name, and the file is refused without unpacking anything\n"
                + "    open the file in Excel or LibreOffice and save it again as .xlsx")
    }

    @Test("two entries of one name (also differing in case only) refuse the archive")
    func duplicateNames() throws {
        let twice = try rejection(Self.workbook(extra: [ZipBuilder.Entry("xl/worksheets/sheet1.xml", "<worksheet/>")]))
        #expect(twice == "book.xlsx:1: error: the ZIP archive holds two entries named 'xl/worksheets/sheet1.xml'; which one a "
                + "program reads differs, so the file is refused\n    open the file in Excel or LibreOffice and save it again as .xlsx")
        let cased = try rejection(Self.workbook(extra: [ZipBuilder.Entry("XL/Worksheets/Sheet1.xml", "<worksheet/>")]))
        #expect(cased.hasPrefix("book.xlsx:1: error: the ZIP archive holds two entries named 'xl/worksheets/sheet1.xml' and "
                                + "'XL/Worksheets/Sheet1.xml'; "))
    }

    // MARK: Files that are not .xlsx

    /// An OLE2 compound file with these directory entries (names at multiples of 128 bytes).
    static func compoundFile(_ names: [String]) -> [UInt8] {
        var bytes = OpenedWorkbook.compoundFileSignature + [UInt8](repeating: 0, count: 504)
        for name in names {
            var entry = [UInt8](repeating: 0, count: 128)
            for (index, unit) in name.utf16.enumerated() {
                entry[2 * index] = UInt8(truncatingIfNeeded: unit)
                entry[2 * index + 1] = UInt8(unit >> 8)
            }
            bytes += entry
        }
        return bytes + [UInt8](repeating: 0, count: 512)
    }

    @Test("an encrypted workbook: save it without a password")
    func encrypted() throws {
        let message = try rejection(Self.compoundFile(["Root Entry", "EncryptionInfo", "EncryptedPackage", "\u{6}DataSpaces"]))
        #expect(message == "book.xlsx:1: error: the workbook is encrypted: it is protected with a password to open it, and cannot be "
                + "read\n    open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt with Password) and save it "
                + "as .xlsx, or save it without a password as CSV UTF-8")
    }

    @Test("an .xls (BIFF) workbook: save it as .xlsx or CSV")
    func xls() throws {
        #expect(try rejection(Self.compoundFile(["Root Entry", "Workbook", "\u{5}SummaryInformation"]))
                == "book.xlsx:1: error: the file is an Excel 97–2003 workbook (.xls, a compound file), which is not read\n"
                + "    open it in Excel or LibreOffice and save it as .xlsx (Excel Workbook), or as CSV UTF-8 and read it with format: csv")
    }

    @Test("a CSV or other file named .xlsx")
    func notZip() throws {
        #expect(try rejection(Array("Student;Cohort\nr1;2025\n".utf8)) == "book.xlsx:1: error: the file is not an .xlsx workbook "
                + "(a ZIP archive)\n    it looks like text: if it is a CSV or XML export, read it with format: csv or format: xml")
        #expect(try rejection([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0]).hasPrefix("book.xlsx:1: error: the file is not an "
                                                                                              + ".xlsx workbook (a ZIP archive)\n    an .xlsx"))
        #expect(try rejection([ZipBuilder.Entry]()) == "book.xlsx:1: error: the file is a ZIP archive without a workbook (no "
                + "xl/workbook.xml), not an .xlsx workbook\n    open it in Excel or LibreOffice and save it as .xlsx (Excel Workbook) or as CSV UTF-8")
        let empty = try rejection([UInt8]())
        #expect(empty == "book.xlsx:1: error: the file is empty, not an .xlsx workbook\n    an .xlsx workbook is a ZIP "
                + "archive (it starts with 'PK'); save the file as .xlsx (Excel Workbook)")
    }

    @Test("other ZIP documents say what they are")
    func otherDocuments() throws {
        let ods = [ZipBuilder.Entry("mimetype", "application/vnd.oasis.opendocument.spreadsheet", deflated: false),
                   ZipBuilder.Entry("content.xml", "<office:document-content/>")]
        #expect(try rejection(ods) == "book.xlsx:1: error: the file is an OpenDocument file (.ods), not an .xlsx workbook\n    open it "
                + "in Excel or LibreOffice and save it as .xlsx (Excel Workbook) or as CSV UTF-8")
    }

    @Test("a truncated workbook: the end of its directory is missing")
    func truncated() throws {
        let bytes = ZipBuilder(Self.workbook()).build()
        #expect(try rejection(Array(bytes.prefix(bytes.count / 2))) == "book.xlsx:1: error: the file ends before the ZIP archive "
                + "does: its end-of-directory record is missing\n    the file was cut short (a download or copy that did not "
                + "finish?); ask for it again")
    }

    @Test("a damaged part fails its CRC-32, and its records are not used")
    func damaged() throws {
        var entries = Self.workbook()
        entries[6].deflated = false
        var bytes = ZipBuilder(entries).build()
        let needle = Array("<t>r1</t>".utf8)
        let at = try #require((0...(bytes.count - needle.count)).first { bytes[$0..<$0 + needle.count].elementsEqual(needle) })
        bytes[at + 3] = UInt8(ascii: "s")
        let message = try rejection(bytes)
        // The part is small: libxml2's first read takes all of it, and the check fails before row 1 is read.
        #expect(message == "book.xlsx[Blad1]:1: error: entry 'xl/worksheets/sheet1.xml' fails its CRC-32 check: the file is damaged")
    }

    @Test("a ZIP password on an entry, or a compression method no spreadsheet writes")
    func zipFeatures() throws {
        var entries = Self.workbook()
        entries[6].flags = 1
        #expect(try rejection(entries) == "book.xlsx[Blad1]:1: error: entry 'xl/worksheets/sheet1.xml' is encrypted with a ZIP password\n"
                + "    save the workbook without a password")
        entries[6].flags = 0
        entries[6].method = 12
        #expect(try rejection(entries).hasPrefix("book.xlsx[Blad1]:1: error: entry 'xl/worksheets/sheet1.xml' is compressed with ZIP method 12;"))
    }

    // MARK: Inside the parts

    @Test("macros and external links are never run nor fetched: ignored, with a note")
    func macrosAndLinks() throws {
        var entries = Self.workbook(extra: [
            ZipBuilder.Entry("xl/vbaProject.bin", bytes: [0xD0, 0xCF, 0x11, 0xE0] + [UInt8](repeating: 7, count: 100)),
            ZipBuilder.Entry("xl/externalLinks/externalLink1.xml", "<externalLink xmlns=\"\(WorkbookParts.main)\"/>"),
            ZipBuilder.Entry("xl/externalLinks/_rels/externalLink1.xml.rels", "<Relationships xmlns=\"\(WorkbookParts.package)\">"
                + "<Relationship Id=\"rId1\" Type=\"\(WorkbookParts.relationships)/externalLinkPath\" Target=\"http://127.0.0.1:9/x.xlsx\" "
                + "TargetMode=\"External\"/></Relationships>"),
        ])
        entries[3] = ZipBuilder.Entry("xl/_rels/workbook.xml.rels", "<Relationships xmlns=\"\(WorkbookParts.package)\">"
            + "<Relationship Id=\"rId1\" Type=\"\(WorkbookParts.relationships)/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
            + "<Relationship Id=\"rId2\" Type=\"\(WorkbookParts.relationships)/externalLink\" Target=\"externalLinks/externalLink1.xml\"/>"
            + "<Relationship Id=\"rId3\" Type=\"http://schemas.microsoft.com/office/2006/relationships/vbaProject\" Target=\"vbaProject.bin\"/>"
            + "</Relationships>")
        let result = try read(.roster, entries: entries)
        #expect(result.roster.map(\.student) == ["r1"])
        #expect(result.report.notes == ["sheet 'Blad1'", "macros (xl/vbaProject.bin) ignored: never run",
                                         "1 external link ignored: never fetched; cells keep the values saved in the workbook"])
    }

    @Test("a DOCTYPE in a part (billion laughs, an external entity) is refused at once", arguments: [
        "<!DOCTYPE worksheet [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
            + "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\"><!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">]>",
        "<!DOCTYPE worksheet [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>",
        "<!DOCTYPE worksheet SYSTEM \"http://127.0.0.1:9/x.dtd\">",
    ])
    func doctype(_ doctype: String) throws {
        var entries = Self.workbook()
        entries[6] = ZipBuilder.Entry("xl/worksheets/sheet1.xml", "<?xml version=\"1.0\"?>" + doctype + "<worksheet xmlns=\""
            + WorkbookParts.main + "\"><sheetData>" + header(1, ["Student"]) + WorkbookParts.row(2, [text("A2", "&e;")]) + "</sheetData></worksheet>")
        let message = try rejection(entries)
        #expect(message == "book.xlsx[Blad1]:1: error: part 'xl/worksheets/sheet1.xml' has a DOCTYPE: no spreadsheet "
                + "program writes one, and its entities could attack the reader; the file is refused\n    save the workbook again in "
                + "Excel or LibreOffice")
    }

    @Test("an entity reference without a DOCTYPE, and malformed XML, reject the file with libxml2's words")
    func malformed() throws {
        let message = try rejection(Self.workbook(header(1, ["Student"]) + WorkbookParts.row(2, [text("A2", "&e;")])))
        #expect(message.hasPrefix("book.xlsx[Blad1]:1: error: part 'xl/worksheets/sheet1.xml' is not well-formed XML (line 1, column "),
                "\(message)")
        #expect(message.contains("Entity 'e' not defined"), "\(message)")
    }

    @Test("an attribute flood in a sheet is stopped by the XML guard")
    func attributeFlood() throws {
        let flood = "<row r=\"2\" " + (0..<20_000).map { "a\($0)=\"1\"" }.joined(separator: " ") + "/>"
        #expect(try rejection(Self.workbook(Self.roster + flood)).hasSuffix("error: part 'xl/worksheets/sheet1.xml': an element with "
                                                                           + "more than 10000 '=' signs, i.e. attributes, between two tags (10 × limits.max_fields): an attribute flood"))
    }

    @Test("a dimension claiming the whole sheet, and a shared-strings count of four billion, are never believed")
    func claims() throws {
        var entries = Self.workbook(header(1, ["Student", "Cohort"]) + WorkbookParts.row(2, [c("A2", "<v>0</v>", type: "s")]),
                                    extraSheetXML: "<dimension ref=\"A1:XFD1048576\"/>")
        entries[5] = ZipBuilder.Entry("xl/sharedStrings.xml", "<sst xmlns=\"\(WorkbookParts.main)\" count=\"4294967295\" "
            + "uniqueCount=\"4294967295\"><si><t>r1</t></si></sst>")
        let started = ContinuousClock.now
        #expect(try read(.roster, entries: entries).roster.map(\.student) == ["r1"])
        #expect(ContinuousClock.now - started < .seconds(2))
    }

    @Test("a shared-strings table over max_shared_strings_bytes")
    func sharedStringsBudget() throws {
        var limits = Limits()
        limits.maxSharedStringsBytes = 1024
        let strings = (0..<200).map { "student \($0)" }
        #expect(try rejection(Self.workbook(strings: strings), limits: limits) == "book.xlsx:1: error: the workbook's shared-strings "
                + "table holds more than 1024 bytes (its text plus 8 bytes a string; limits.max_shared_strings_bytes)\n    raise "
                + "limits: max_shared_strings_bytes for this source if the workbook is really that large, or save the sheet as CSV UTF-8")
    }

    @Test("a row with more cells than max_fields, or a header reaching past it")
    func wideRows() throws {
        var limits = Limits()
        limits.maxFields = 5
        let wide = WorkbookParts.row(2, (1...8).map { text(CellReference.letters($0) + "2", "x") })
        #expect(try rejection(Self.workbook(Self.roster + wide), limits: limits) == "book.xlsx[Blad1]:2: error: row 2 has more than 5 "
                + "cells with values (limits.max_fields)")
        let far = WorkbookParts.row(1, [text("A1", "Student"), text("XFD1", "Cohort")])
        #expect(try rejection(Self.workbook(far), limits: limits) == "book.xlsx[Blad1]:1: error: the header row reaches column XFD "
                + "(16384), past 5 columns (limits.max_fields)")
    }
}
