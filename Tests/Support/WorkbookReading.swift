import Domain
import ZlibStream
import Testing

/// A reader of the workbooks the tests write: the ZIP's central directory, each entry
/// inflated by zlib, and each sheet's cells. Independent of the writer's code: it finds
/// entries from the end record, as every ZIP reader does.
public struct WorkbookReading {
    public struct Entry: Sendable {
        public var name: String
        public var method: Int
        public var dosDate: Int
        public var bytes: [UInt8]
    }

    /// A cell as the sheet holds it.
    public struct SheetCell: Equatable, Sendable {
        public var reference: String
        public var style: Int
        /// `n` (a number), `inlineStr`, or whatever else the sheet says.
        public var type: String
        public var value: String

        public init(reference: String, style: Int, type: String, value: String) {
            self.reference = reference
            self.style = style
            self.type = type
            self.value = value
        }
    }

    public let entries: [Entry]

    public init(_ zip: [UInt8]) throws {
        func le16(_ at: Int) -> Int { Int(zip[at]) | Int(zip[at + 1]) << 8 }
        func le32(_ at: Int) -> Int { le16(at) | le16(at + 2) << 16 }
        let end = zip.count - 22
        try #require(end > 0 && le32(end) == 0x0605_4B50, "no end record without a comment")
        var at = le32(end + 16)
        var entries: [Entry] = []
        for _ in 0..<le16(end + 10) {
            try #require(le32(at) == 0x0201_4B50)
            let method = le16(at + 10), date = le16(at + 14), compressed = le32(at + 20), size = le32(at + 24)
            let nameLength = le16(at + 28), extra = le16(at + 30), comment = le16(at + 32), local = le32(at + 42)
            let name = String(decoding: zip[(at + 46)..<(at + 46 + nameLength)], as: UTF8.self)
            try #require(le32(local) == 0x0403_4B50)
            let start = local + 30 + le16(local + 26) + le16(local + 28)
            let data = Array(zip[start..<(start + compressed)])
            let bytes = method == 8 ? try Self.inflate(data, size: size) : data
            entries.append(Entry(name: name, method: method, dosDate: date, bytes: bytes))
            at += 46 + nameLength + extra + comment
        }
        self.entries = entries
    }

    static func inflate(_ data: [UInt8], size: Int) throws -> [UInt8] {
        try Inflater.inflate(data, size: size)
    }

    public func text(_ name: String) throws -> String {
        let entry = try #require(entries.first { $0.name == name }, "no \(name)")
        return String(decoding: entry.bytes, as: UTF8.self)
    }

    /// The sheet names in workbook order, with their part names.
    public func sheets() throws -> [(name: String, part: String)] {
        let workbook = try text("xl/workbook.xml")
        let names = workbook.matches(of: /<sheet name="([^"]*)" sheetId="(\d+)"/).map { String($0.output.1) }
        return names.enumerated().map { ($0.element, "xl/worksheets/sheet\($0.offset + 1).xml") }
    }

    /// Every cell of a sheet, in order, with its reference: its `r`, or when it has none the
    /// next column of its row (ECMA-376: a cell without a reference follows the one before).
    public func cells(_ part: String) throws -> [SheetCell] {
        let xml = try text(part)
        let cell = /<c(?: r="([A-Z]+\d+)")?(?: s="(\d+)")?(?: t="(\w+)")?(?:\/>|>(?:<v>([^<]*)<\/v>|<is><t(?: xml:space="preserve")?>([^<]*)<\/t><\/is>)<\/c>)/
        var cells: [SheetCell] = []
        for row in xml.matches(of: /<row r="(\d+)">(.*?)<\/row>/.dotMatchesNewlines()) {
            for (column, match) in row.output.2.matches(of: cell).enumerated() {
                let reference = match.output.1.map(String.init) ?? String(decoding: Self.letters(column), as: UTF8.self) + row.output.1
                guard match.output.4 != nil || match.output.5 != nil else { continue }
                cells.append(SheetCell(reference: reference, style: match.output.2.flatMap { Int($0) } ?? 0,
                                       type: match.output.3.map(String.init) ?? "n",
                                       value: Self.unescaped(String(match.output.4 ?? match.output.5 ?? ""))))
            }
        }
        return cells
    }

    /// `A`, `B`, … `AA` for a column from 0.
    static func letters(_ index: Int) -> [UInt8] {
        var letters: [UInt8] = [], number = index + 1
        while number > 0 {
            letters.insert(UInt8(ascii: "A") + UInt8((number - 1) % 26), at: 0)
            number = (number - 1) / 26
        }
        return letters
    }

    /// A sheet's rows as text, header first: numbers as the sheet writes them, date cells
    /// (style `dateStyle`) as `yyyy-mm-dd`, an absent cell as "".
    public func grid(_ part: String, dateStyle: Int) throws -> [[String]] {
        var rows: [[String]] = []
        for cell in try cells(part) {
            let letters = cell.reference.prefix { $0.isLetter }
            let row = try #require(Int(cell.reference.dropFirst(letters.count))) - 1
            let column = letters.utf8.reduce(0) { $0 * 26 + Int($1 - UInt8(ascii: "A")) + 1 } - 1
            while rows.count <= row { rows.append([]) }
            while rows[row].count <= column { rows[row].append("") }
            var value = cell.value
            if cell.style == dateStyle, let serial = Int(value) { value = Day(daysSinceEpoch: serial - 25_569).description }
            rows[row][column] = value
        }
        return rows
    }

    /// Character data as an XML parser gives it.
    public static func unescaped(_ text: String) -> String {
        text.replacingOccurrences("&lt;", "<").replacingOccurrences("&gt;", ">").replacingOccurrences("&#13;", "\r")
            .replacingOccurrences("&amp;", "&")
    }
}

extension String {
    public func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
