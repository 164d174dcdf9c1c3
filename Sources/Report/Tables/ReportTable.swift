/// A table as rows of cells under named columns: what the formats render when a table is
/// held whole (the page, the summary, `report` and `plan` on standard output). A declaration
/// makes one (`TableDeclaration.table`); `report` reads one back from a run's files.
public struct ReportTable: Sendable, Hashable {
    /// The file name without extension (`capacity`).
    public var name: String
    public var title: String
    public var columns: [String]
    public var rows: [[Cell]]

    public init(name: String, title: String, columns: [String], rows: [[Cell]]) {
        self.name = name
        self.title = title
        self.columns = columns
        self.rows = rows
    }

    public func column(_ name: String) -> Int? { columns.firstIndex(of: name) }

    /// The rows whose cell in `column` satisfies `keep`.
    public func filtered(_ column: String, _ keep: (Cell) -> Bool) -> ReportTable {
        guard let index = self.column(column) else { return self }
        var copy = self
        copy.rows = rows.filter { keep($0[index]) }
        return copy
    }
}
