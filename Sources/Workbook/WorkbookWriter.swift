import Report
import Domain

/// One xlsx workbook of declared tables, a sheet per table (`SheetStream`), written as a
/// stream: each sheet is deflated as its rows come, into `spillFolder` (the run's staging
/// folder) or memory, and `write(into:)` puts the ZIP container together in the order the
/// sheets were made. The same inputs and date give the same bytes.
///
/// Make every sheet first (in the order they appear), then hand each to the job that fills it;
/// a sheet is used by one thread at a time.
public final class WorkbookWriter: @unchecked Sendable {
    /// The date of every ZIP entry (the run's as-of date): no clock time goes into the file.
    public let date: Day
    public let limits: SheetLimits
    private let spillFolder: String?
    private var streams: [SheetStream] = []

    /// `spillFolder`: where deflated sheets wait (files unlinked as soon as they are open);
    /// nil keeps them in memory.
    public init(date: Day, spillFolder: String?, limits: SheetLimits = .excel) {
        self.date = date
        self.spillFolder = spillFolder
        self.limits = limits
    }

    /// A new sheet after those made before.
    public func sheet(_ name: String, headings: [ColumnHeading]) -> SheetStream {
        let stream = SheetStream(name: name, headings: headings, limits: limits, folder: spillFolder)
        streams.append(stream)
        return stream
    }

    public func sheet<Row>(_ table: TableDeclaration<Row>) -> SheetStream {
        sheet(table.name, headings: table.headings)
    }

    /// The workbook as ZIP bytes into `sink`; every sheet not finished yet is finished first.
    /// Throws a `WorkbookError` or the sink's failure.
    public func write<Sink: ByteSink>(into sink: inout Sink) throws {
        for stream in streams { try stream.finish() }
        let sheets = streams.flatMap(\.sheets)
        var container = ZipContainer(date: date)
        let fixed = [("[Content_Types].xml", WorkbookXML.contentTypes(sheets: sheets.count)), ("_rels/.rels", WorkbookXML.packageRels),
                     ("xl/workbook.xml", WorkbookXML.workbook(sheets)),
                     ("xl/_rels/workbook.xml.rels", WorkbookXML.workbookRels(sheets: sheets.count)),
                     ("xl/styles.xml", WorkbookXML.styles)]
        for (name, xml) in fixed {
            let part = try DeflatedPart(name: name, folder: nil)
            try part.append(Array(xml.utf8))
            try part.finish()
            try container.append(part, as: name, into: &sink)
        }
        for (index, sheet) in sheets.enumerated() {
            try container.append(sheet.part, as: "xl/worksheets/sheet\(index + 1).xml", into: &sink)
        }
        try container.finish(into: &sink)
    }
}

/// A table held whole, for a workbook made in one go.
public struct WorkbookTable: Sendable {
    public var name: String
    public var headings: [ColumnHeading]
    public var rows: [[Cell]]

    public init(name: String, headings: [ColumnHeading], rows: [[Cell]]) {
        self.name = name
        self.headings = headings
        self.rows = rows
    }

    /// A table of cells under the columns its declaration names (`report`, `plan`).
    public init<Row>(_ table: ReportTable, declaredBy declaration: TableDeclaration<Row>) {
        let headings = table.columns.map { name in
            declaration.headings.first { $0.name == name } ?? ColumnHeading(name: name, type: .text)
        }
        self.init(name: table.name, headings: headings, rows: table.rows)
    }
}

public enum Workbook {
    /// Tables held whole as one workbook, a sheet each, in memory: `plan`, `report`, the
    /// reference data. The date is every ZIP entry's.
    public static func write<Sink: ByteSink>(_ tables: [WorkbookTable], date: Day, limits: SheetLimits = .excel,
                                             into sink: inout Sink) throws {
        let writer = WorkbookWriter(date: date, spillFolder: nil, limits: limits)
        for table in tables {
            let sheet = writer.sheet(table.name, headings: table.headings)
            for row in table.rows { try sheet.append(row) }
        }
        try writer.write(into: &sink)
    }

    public static func bytes(_ tables: [WorkbookTable], date: Day, limits: SheetLimits = .excel) throws -> [UInt8] {
        var sink = MemorySink()
        try write(tables, date: date, limits: limits, into: &sink)
        return sink.bytes
    }
}
