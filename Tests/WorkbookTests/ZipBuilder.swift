import SystemZlib
import Foundation

/// ZIP archives made byte by byte for the tests, hostile ones too: each entry deflated by zlib
/// (never by hand) or stored, with knobs to lie in the directory.
struct ZipBuilder {
    struct Entry {
        var name: String
        var data: [UInt8]
        var deflated = true
        /// Overrides for the directory's record (a lie the reader must catch).
        var declaredSize: Int?
        var flags = 0
        var method: Int?
        /// Point this directory record at an earlier entry's local header, plus `offsetDelta` (overlap).
        var sharesHeaderOf: Int?
        var offsetDelta = 0

        init(_ name: String, _ text: String, deflated: Bool = true) {
            self.name = name
            data = Array(text.utf8)
            self.deflated = deflated
        }

        init(_ name: String, bytes: [UInt8], deflated: Bool = true) {
            self.name = name
            data = bytes
            self.deflated = deflated
        }
    }

    var entries: [Entry]
    /// Writes ZIP64 records: every size and offset in the directory 0xFFFFFFFF with the real
    /// ones in the extra field, and the ZIP64 end record and locator.
    var zip64 = false

    init(_ entries: [Entry], zip64: Bool = false) {
        self.entries = entries
        self.zip64 = zip64
    }

    func build() -> [UInt8] {
        var out: [UInt8] = []
        var directory: [UInt8] = []
        var offsets: [Int] = []
        for entry in entries {
            let compressed = entry.deflated ? Self.deflate(entry.data) : entry.data
            let crc = Self.crc(entry.data)
            let method = entry.method ?? (entry.deflated ? 8 : 0)
            let size = entry.declaredSize ?? entry.data.count
            let name = Array(entry.name.utf8)
            let offset = entry.sharesHeaderOf.map { offsets[$0] + entry.offsetDelta } ?? out.count
            offsets.append(offset)
            if entry.sharesHeaderOf == nil {
                out += Self.u32(0x0403_4B50) + Self.u16(20) + Self.u16(entry.flags) + Self.u16(method) + Self.u16(0) + Self.u16(0x5A21)
                out += Self.u32(crc) + Self.u32(compressed.count) + Self.u32(size) + Self.u16(name.count) + Self.u16(0) + name
                out += compressed
            }
            let wide = zip64 ? 0xFFFF_FFFF : nil
            let extra = zip64 ? Self.u16(1) + Self.u16(24) + Self.u64(size) + Self.u64(compressed.count) + Self.u64(offset) : []
            directory += Self.u32(0x0201_4B50) + Self.u16(45) + Self.u16(45) + Self.u16(entry.flags) + Self.u16(method)
            directory += Self.u16(0) + Self.u16(0x5A21) + Self.u32(crc) + Self.u32(wide ?? compressed.count) + Self.u32(wide ?? size)
            directory += Self.u16(name.count) + Self.u16(extra.count) + Self.u16(0) + Self.u16(0) + Self.u16(0) + Self.u32(0)
            directory += Self.u32(wide ?? offset) + name + extra
        }
        let start = out.count
        out += directory
        if zip64 {
            let record = out.count
            out += Self.u32(0x0606_4B50) + Self.u64(44) + Self.u16(45) + Self.u16(45) + Self.u32(0) + Self.u32(0)
            out += Self.u64(entries.count) + Self.u64(entries.count) + Self.u64(directory.count) + Self.u64(start)
            out += Self.u32(0x0706_4B50) + Self.u32(0) + Self.u64(record) + Self.u32(1)
        }
        let count = zip64 ? 0xFFFF : entries.count
        out += Self.u32(0x0605_4B50) + Self.u16(0) + Self.u16(0) + Self.u16(count) + Self.u16(count)
        out += Self.u32(zip64 ? 0xFFFF_FFFF : directory.count) + Self.u32(zip64 ? 0xFFFF_FFFF : start) + Self.u16(0)
        return out
    }

    static func u16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF)] }
    static func u32(_ value: Int) -> [UInt8] { u16(value & 0xFFFF) + u16(value >> 16 & 0xFFFF) }
    static func u32(_ value: UInt32) -> [UInt8] { u32(Int(value)) }
    static func u64(_ value: Int) -> [UInt8] { u32(value & 0xFFFF_FFFF) + u32(value >> 32) }

    static func crc(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { UInt32(crc32_z(0, $0.baseAddress, $0.count)) }
    }

    /// Raw deflate (no zlib header), as a ZIP entry holds it.
    static func deflate(_ bytes: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        guard deflateInit2_(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
                            Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return [] }
        defer { deflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 64)
        var input = bytes
        let produced: Int = input.withUnsafeMutableBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                stream.next_in = source.baseAddress
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                _ = SystemZlib.deflate(&stream, Z_FINISH)
                return target.count - Int(stream.avail_out)
            }
        }
        return Array(out.prefix(produced))
    }
}

/// The parts of a minimal .xlsx workbook, as Excel and the sample generator write them.
enum WorkbookParts {
    static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    static let package = "http://schemas.openxmlformats.org/package/2006/relationships"

    /// A workbook of these sheets (name, the `sheetData` rows' XML), shared strings and styles.
    static func entries(sheets: [(String, String)], strings: [String] = [], styles: String = defaultStyles,
                        date1904: Bool = false, extraSheetXML: String = "") -> [ZipBuilder.Entry] {
        var entries = [
            ZipBuilder.Entry("[Content_Types].xml", "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>"),
            ZipBuilder.Entry("_rels/.rels", "<Relationships xmlns=\"\(package)\"><Relationship Id=\"rId1\" Type=\"\(relationships)/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"),
            ZipBuilder.Entry("xl/workbook.xml", "<workbook xmlns=\"\(main)\" xmlns:r=\"\(relationships)\"><workbookPr\(date1904 ? " date1904=\"1\"" : "")/><sheets>"
                + sheets.enumerated().map { "<sheet name=\"\($0.element.0)\" sheetId=\"\($0.offset + 1)\" r:id=\"rId\($0.offset + 1)\"/>" }.joined()
                + "</sheets></workbook>"),
            ZipBuilder.Entry("xl/_rels/workbook.xml.rels", "<Relationships xmlns=\"\(package)\">"
                + sheets.indices.map { "<Relationship Id=\"rId\($0 + 1)\" Type=\"\(relationships)/worksheet\" Target=\"worksheets/sheet\($0 + 1).xml\"/>" }.joined()
                + "<Relationship Id=\"rS\" Type=\"\(relationships)/styles\" Target=\"styles.xml\"/>"
                + "<Relationship Id=\"rT\" Type=\"\(relationships)/sharedStrings\" Target=\"/xl/sharedStrings.xml\"/></Relationships>"),
            ZipBuilder.Entry("xl/styles.xml", styles),
            ZipBuilder.Entry("xl/sharedStrings.xml", "<sst xmlns=\"\(main)\" count=\"\(strings.count)\">"
                + strings.map { "<si><t xml:space=\"preserve\">\($0)</t></si>" }.joined() + "</sst>"),
        ]
        for (index, sheet) in sheets.enumerated() {
            entries.append(ZipBuilder.Entry("xl/worksheets/sheet\(index + 1).xml",
                                            "<worksheet xmlns=\"\(main)\">\(extraSheetXML)<sheetData>\(sheet.1)</sheetData></worksheet>"))
        }
        return entries
    }

    /// Styles 0 General, 1 built-in date 14, 2 custom dd/mm/yyyy, 3 custom 0.0%, 4 built-in 0%, 5 custom "[$-813]d mmmm yyyy".
    static let defaultStyles = "<styleSheet xmlns=\"\(main)\"><numFmts count=\"3\"><numFmt numFmtId=\"164\" formatCode=\"dd/mm/yyyy\"/>"
        + "<numFmt numFmtId=\"165\" formatCode=\"0.0%\"/><numFmt numFmtId=\"166\" formatCode=\"[$-813]d\\ mmmm\\ yyyy;@\"/></numFmts>"
        + "<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs><cellXfs count=\"6\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/>"
        + "<xf numFmtId=\"164\"/><xf numFmtId=\"165\"/><xf numFmtId=\"9\"/><xf numFmtId=\"166\"/></cellXfs></styleSheet>"

    /// `<row>` XML from cells given as (reference, XML inside `<c>` with its attributes).
    static func row(_ number: Int, _ cells: [String]) -> String {
        "<row r=\"\(number)\">" + cells.joined() + "</row>"
    }
}

/// A folder of its own per test, removed afterwards.
struct TestFolder {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("stagebalans-xlsx-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let file = path + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return file
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
