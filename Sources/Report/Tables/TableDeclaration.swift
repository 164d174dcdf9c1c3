import Normalize
import Domain

/// What a column holds: how the formats write it, and how `report` reads it back from a
/// published file without guessing.
public enum ColumnType: Sendable, Hashable {
    /// Names, codes and ids, exactly as written: `007` stays `007`.
    case text
    case integer
    /// An exact figure with this many decimals.
    case decimal(places: Int)
    /// An evaluation score (0–20) with at most two decimals and no trailing zeros: 14, 13.5, 12.25.
    case score
    case yesNo
    case year
    case date
    case fingerprint
    case sources
    /// The changes report's before and after: a figure, a count or a fingerprint, as its change says.
    case figure
}

/// How a spreadsheet shows a figure beyond its type: the xlsx workbook's number format and
/// colours. CSV and JSON write the figure as it is (0.857).
public enum SpreadsheetStyle: Sendable, Hashable {
    case plain
    /// A share shown as a percentage: 0.857 as 85.7%.
    case percentage
    /// A percentage in the colour bands of the page's utilisation chart (`HTMLPage.colour`).
    case utilisation
}

/// A column's name and type: what a reader of a published table needs; and how a spreadsheet
/// shows it.
public struct ColumnHeading: Sendable, Hashable {
    public var name: String
    public var type: ColumnType
    public var spreadsheet: SpreadsheetStyle = .plain

    public init(name: String, type: ColumnType, spreadsheet: SpreadsheetStyle = .plain) {
        self.name = name
        self.type = type
        self.spreadsheet = spreadsheet
    }
}

/// What cells need besides their row: whether the reports are for auditors, the minimum of
/// evaluations behind a mean, and the agreements that placements point into. (In a run for
/// auditors, ids and every text built from them are pseudonymised where they enter the run,
/// not here: see `Normalizer.Pseudonymisation`.)
public struct TableContext: Sendable {
    /// Reports for auditors leave out raw input rows and the values quoted in quarantine reasons.
    public var forAuditors: Bool
    /// Means over fewer evaluations are left empty.
    public var minimumEvaluations: Int
    /// What `Match.agreement` indexes (the placements table).
    public var agreements: [Agreement]

    public init(forAuditors: Bool = false, minimumEvaluations: Int = 0, agreements: [Agreement] = []) {
        self.forAuditors = forAuditors
        self.minimumEvaluations = minimumEvaluations
        self.agreements = agreements
    }

    /// Not for auditors, no minimum, no agreements.
    public static let plain = TableContext()
}

/// A report table declared once: its file name, title and columns, each with its type and how
/// its value comes from a row. Every writer works from it: CSV in both dialects, JSON,
/// Markdown, HTML, the history, the changes report and `report`.
public struct TableDeclaration<Row>: Sendable {
    /// The file name without extension (`capacity`).
    public let name: String
    public let title: String
    public let columns: [Column<Row>]

    public init(name: String, title: String, columns: [Column<Row>]) {
        self.name = name
        self.title = title
        self.columns = columns
    }

    public var columnNames: [String] { columns.map(\.name) }
    public var headings: [ColumnHeading] { columns.map { ColumnHeading(name: $0.name, type: $0.type, spreadsheet: $0.spreadsheet) } }

    public func column(_ name: String) -> Column<Row>? { columns.first { $0.name == name } }

    // Inlinable, as the writers: specialized where they are called for their row type.
    @inlinable
    public func cells(_ row: Row, _ context: TableContext = .plain) -> [Cell] {
        withUnsafePointer(to: row) { row in columns.map { $0.getter(row, context) } }
    }

    /// The rows as a table of cells, for the formats that take a table whole.
    @inlinable
    public func table(_ rows: some Sequence<Row>, _ context: TableContext = .plain) -> ReportTable {
        ReportTable(name: name, title: title, columns: columnNames, rows: rows.map { cells($0, context) })
    }

    /// One cell of a row as plain text (charts and headings that quote a figure); empty for a
    /// column the table does not have.
    public func text(_ column: String, of row: Row, _ context: TableContext = .plain) -> String {
        self.column(column)?.cell(row, context).plainText ?? ""
    }
}

/// One declared column: its name, its type and where its value comes from. Made with the
/// functions below, which keep the type and the cells in step.
public struct Column<Row>: Sendable {
    public let name: String
    public let type: ColumnType
    public let spreadsheet: SpreadsheetStyle
    /// Takes the row where it lies: a row passed by value was copied for every cell (a
    /// placement with its strings and sources). One closure, not an enum of them: binding an
    /// enum's closure retained it for every cell.
    @usableFromInline let getter: @Sendable (UnsafePointer<Row>, TableContext) -> Cell

    private init(_ name: String, _ type: ColumnType, spreadsheet: SpreadsheetStyle = .plain,
                 _ getter: @escaping @Sendable (UnsafePointer<Row>, TableContext) -> Cell) {
        self.name = name
        self.type = type
        self.spreadsheet = spreadsheet
        self.getter = getter
    }

    @inlinable
    public func cell(_ row: Row, _ context: TableContext) -> Cell {
        withUnsafePointer(to: row) { getter($0, context) }
    }

    /// The cell of the row where it lies, for writers in other modules (the workbook).
    @inlinable
    public func cell(at row: UnsafePointer<Row>, _ context: TableContext) -> Cell {
        getter(row, context)
    }

    /// Hundredths rounded half away from zero, written with as few decimals as they need (as
    /// `ScoreFormatting` writes a score in messages).
    static func score(_ score: Double) -> Cell {
        let hundredths = Int((score * 100).rounded(.toNearestOrAwayFromZero))
        let places = hundredths % 100 == 0 ? 0 : hundredths % 10 == 0 ? 1 : 2
        return .decimal(Ratio(hundredths, 100), places: places)
    }

    public static func text(_ name: String, _ value: @escaping @Sendable (Row) -> String?) -> Column {
        Column(name, .text) { row, _ in .text(value(row.pointee)) }
    }

    /// Text that depends on the run (the placements' agreements, raw rows left out for auditors).
    public static func text(_ name: String, _ value: @escaping @Sendable (Row, TableContext) -> String?) -> Column {
        Column(name, .text) { row, context in .text(value(row.pointee, context)) }
    }

    public static func integer(_ name: String, _ value: @escaping @Sendable (Row) -> Int?) -> Column {
        Column(name, .integer) { row, _ in value(row.pointee).map(Cell.integer) ?? .empty }
    }

    /// nil (an undefined figure) is an empty cell.
    public static func decimal(_ name: String, places: Int, spreadsheet: SpreadsheetStyle = .plain,
                               _ value: @escaping @Sendable (Row) -> Ratio?) -> Column {
        Column(name, .decimal(places: places), spreadsheet: spreadsheet) { row, _ in .decimal(value(row.pointee), places: places) }
    }

    public static func decimal(_ name: String, places: Int, spreadsheet: SpreadsheetStyle = .plain,
                               _ value: @escaping @Sendable (Row, TableContext) -> Ratio?) -> Column {
        Column(name, .decimal(places: places), spreadsheet: spreadsheet) { row, context in .decimal(value(row.pointee, context), places: places) }
    }

    public static func score(_ name: String, _ value: @escaping @Sendable (Row) -> Double?) -> Column {
        Column(name, .score) { row, _ in value(row.pointee).map(score) ?? .empty }
    }

    public static func yesNo(_ name: String, _ value: @escaping @Sendable (Row) -> Bool) -> Column {
        Column(name, .yesNo) { row, _ in .yesNo(value(row.pointee)) }
    }

    public static func year(_ name: String, _ value: @escaping @Sendable (Row) -> PlacementYear) -> Column {
        Column(name, .year) { row, _ in .year(value(row.pointee)) }
    }

    public static func date(_ name: String, _ value: @escaping @Sendable (Row) -> Day) -> Column {
        Column(name, .date) { row, _ in .date(value(row.pointee)) }
    }

    public static func fingerprint(_ name: String, _ value: @escaping @Sendable (Row) -> UInt64) -> Column {
        Column(name, .fingerprint) { row, _ in .fingerprint(value(row.pointee)) }
    }

    public static func sources(_ name: String, _ value: @escaping @Sendable (Row) -> SourceList) -> Column {
        Column(name, .sources) { row, _ in .sources(value(row.pointee)) }
    }

    public static func figure(_ name: String, _ value: @escaping @Sendable (Row) -> Cell) -> Column {
        Column(name, .figure) { row, _ in value(row.pointee) }
    }
}
