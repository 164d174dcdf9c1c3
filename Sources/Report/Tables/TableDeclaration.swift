import Normalize
import StagebalansCore

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

/// A column's name and type: what a reader of a published table needs.
public struct ColumnHeading: Sendable, Hashable {
    public var name: String
    public var type: ColumnType
}

/// What cells need besides their row: how a run shows students (their ids, or pseudonyms for
/// auditors), the minimum of evaluations behind a mean, and the agreements that placements
/// point into.
public struct TableContext: Sendable {
    /// A student id as the reports show it.
    public var student: @Sendable (String) -> String
    /// Free text (finding keys and messages) with the student ids in it shown as `student` shows them.
    public var text: @Sendable (String) -> String
    /// Reports for auditors leave out raw input rows.
    public var forAuditors: Bool
    /// Means over fewer evaluations are left empty.
    public var minimumEvaluations: Int
    /// What `Match.agreement` indexes (the placements table).
    public var agreements: [Agreement]

    public init(student: @escaping @Sendable (String) -> String = { $0 }, text: @escaping @Sendable (String) -> String = { $0 },
                forAuditors: Bool = false, minimumEvaluations: Int = 0, agreements: [Agreement] = []) {
        self.student = student
        self.text = text
        self.forAuditors = forAuditors
        self.minimumEvaluations = minimumEvaluations
        self.agreements = agreements
    }

    /// Ids as they are, no minimum, no agreements.
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
    public var headings: [ColumnHeading] { columns.map { ColumnHeading(name: $0.name, type: $0.type) } }

    public func column(_ name: String) -> Column<Row>? { columns.first { $0.name == name } }

    public func cells(_ row: Row, _ context: TableContext = .plain) -> [Cell] {
        columns.map { $0.cell(row, context) }
    }

    /// The rows as a table of cells, for the formats that take a table whole.
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
    private let value: Value

    private enum Value: Sendable {
        case text(@Sendable (Row) -> String?)
        case textInContext(@Sendable (Row, TableContext) -> String?)
        case student(@Sendable (Row) -> String)
        case freeText(@Sendable (Row) -> String)
        case integer(@Sendable (Row) -> Int?)
        case decimal(@Sendable (Row) -> Ratio?, places: Int)
        case decimalInContext(@Sendable (Row, TableContext) -> Ratio?, places: Int)
        case score(@Sendable (Row) -> Double?)
        case yesNo(@Sendable (Row) -> Bool)
        case year(@Sendable (Row) -> PlacementYear)
        case date(@Sendable (Row) -> Day)
        case fingerprint(@Sendable (Row) -> UInt64)
        case sources(@Sendable (Row) -> SourceList)
        case figure(@Sendable (Row) -> Cell)
    }

    private init(_ name: String, _ type: ColumnType, _ value: Value) {
        self.name = name
        self.type = type
        self.value = value
    }

    public func cell(_ row: Row, _ context: TableContext) -> Cell {
        switch value {
        case .text(let value): return .text(value(row))
        case .textInContext(let value): return .text(value(row, context))
        case .student(let value): return .text(context.student(value(row)))
        case .freeText(let value): return .text(context.text(value(row)))
        case .integer(let value): return value(row).map(Cell.integer) ?? .empty
        case .decimal(let value, let places): return .decimal(value(row), places: places)
        case .decimalInContext(let value, let places): return .decimal(value(row, context), places: places)
        case .score(let value): return value(row).map(Self.score) ?? .empty
        case .yesNo(let value): return .yesNo(value(row))
        case .year(let value): return .year(value(row))
        case .date(let value): return .date(value(row))
        case .fingerprint(let value): return .fingerprint(value(row))
        case .sources(let value): return .sources(value(row))
        case .figure(let value): return value(row)
        }
    }

    /// Hundredths rounded half away from zero, written with as few decimals as they need (as
    /// `ScoreFormatting` writes a score in messages).
    private static func score(_ score: Double) -> Cell {
        let hundredths = Int((score * 100).rounded(.toNearestOrAwayFromZero))
        let places = hundredths % 100 == 0 ? 0 : hundredths % 10 == 0 ? 1 : 2
        return .decimal(Ratio(hundredths, 100), places: places)
    }

    public static func text(_ name: String, _ value: @escaping @Sendable (Row) -> String?) -> Column {
        Column(name, .text, .text(value))
    }

    /// Text that depends on the run (the placements' agreements, raw rows left out for auditors).
    public static func text(_ name: String, _ value: @escaping @Sendable (Row, TableContext) -> String?) -> Column {
        Column(name, .text, .textInContext(value))
    }

    /// A student id: its pseudonym in reports for auditors.
    public static func student(_ name: String, _ value: @escaping @Sendable (Row) -> String) -> Column {
        Column(name, .text, .student(value))
    }

    /// Text that may name students (finding keys and messages): pseudonyms for auditors.
    public static func freeText(_ name: String, _ value: @escaping @Sendable (Row) -> String) -> Column {
        Column(name, .text, .freeText(value))
    }

    public static func integer(_ name: String, _ value: @escaping @Sendable (Row) -> Int?) -> Column {
        Column(name, .integer, .integer(value))
    }

    /// nil (an undefined figure) is an empty cell.
    public static func decimal(_ name: String, places: Int, _ value: @escaping @Sendable (Row) -> Ratio?) -> Column {
        Column(name, .decimal(places: places), .decimal(value, places: places))
    }

    public static func decimal(_ name: String, places: Int, _ value: @escaping @Sendable (Row, TableContext) -> Ratio?) -> Column {
        Column(name, .decimal(places: places), .decimalInContext(value, places: places))
    }

    public static func score(_ name: String, _ value: @escaping @Sendable (Row) -> Double?) -> Column {
        Column(name, .score, .score(value))
    }

    public static func yesNo(_ name: String, _ value: @escaping @Sendable (Row) -> Bool) -> Column {
        Column(name, .yesNo, .yesNo(value))
    }

    public static func year(_ name: String, _ value: @escaping @Sendable (Row) -> PlacementYear) -> Column {
        Column(name, .year, .year(value))
    }

    public static func date(_ name: String, _ value: @escaping @Sendable (Row) -> Day) -> Column {
        Column(name, .date, .date(value))
    }

    public static func fingerprint(_ name: String, _ value: @escaping @Sendable (Row) -> UInt64) -> Column {
        Column(name, .fingerprint, .fingerprint(value))
    }

    public static func sources(_ name: String, _ value: @escaping @Sendable (Row) -> SourceList) -> Column {
        Column(name, .sources, .sources(value))
    }

    public static func figure(_ name: String, _ value: @escaping @Sendable (Row) -> Cell) -> Column {
        Column(name, .figure, .figure(value))
    }
}
