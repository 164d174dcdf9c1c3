// Source rows packed for memory: a run of 10 M rows keeps every row behind its placements and
// findings, and as (path string, line, column) values they were a third of its memory. These
// types hide the packing; the domain sees paths and lines.

/// Paths numbered in the order they were first seen: a row refers to its file by number.
public struct SourcePathTable: Sendable, Hashable {
    public private(set) var paths: [String] = []
    /// The last path looked up: rows arrive file by file, so it is almost always the next one too.
    private var last = -1
    /// Each path's number, kept only once there are more than `scanned` paths: a finding's
    /// table holds a path or two, where a scan costs less than hashing; the run's table holds
    /// one per input file, and a glob may match 100,000 of them.
    private var numbers: [String: Int] = [:]
    private static let scanned = 16

    public init() {}

    /// The number of `path`, adding it when new.
    public mutating func number(of path: String) -> Int {
        if last >= 0 && paths[last] == path { return last }
        let known = paths.count > Self.scanned ? numbers[path] : paths.firstIndex(of: path)
        if let known {
            last = known
            return last
        }
        paths.append(path)
        last = paths.count - 1
        if paths.count > Self.scanned {
            if numbers.isEmpty {
                for (number, known) in paths.enumerated() { numbers[known] = number }
            } else {
                numbers[path] = last
            }
        }
        return last
    }

    public subscript(number: Int) -> String { paths[number] }

    public var count: Int { paths.count }

    // The look-up hint and the index are not part of the value.
    public static func == (lhs: SourcePathTable, rhs: SourcePathTable) -> Bool { lhs.paths == rhs.paths }
    public func hash(into hasher: inout Hasher) { hasher.combine(paths) }
}

/// One source row as a file number and a line in one integer. The file number is the row's
/// path in a `SourcePathTable`, or a rank of it when rows must sort as their paths do.
public struct PackedSourceRow: Sendable, Hashable, Comparable, BitwiseCopyable {
    private let bits: UInt64

    public static let largestLine = Int(UInt32.max)

    public init(file: Int, line: Int) {
        bits = UInt64(UInt32(truncatingIfNeeded: file)) << 32 | UInt64(UInt32(clamping: line))
    }

    public var file: Int { Int(bits >> 32) }
    public var line: Int { Int(bits & 0xFFFF_FFFF) }

    /// By file number, then line.
    public static func < (lhs: PackedSourceRow, rhs: PackedSourceRow) -> Bool { lhs.bits < rhs.bits }
}

/// The sorted, unique source rows of one finding, each path once. Rows with a column, or a line
/// beyond 32 bits, are kept as they are (`plain`).
public struct PackedSourceRows: Sendable, Hashable {
    public typealias Row = (path: String, line: Int, column: Int?)

    private var paths = SourcePathTable()
    private var rows: [PackedSourceRow] = []
    private var plain: [PlainRow]?

    private struct PlainRow: Sendable, Hashable {
        var path: String
        var line: Int
        var column: Int?
    }

    public init() {}

    public var count: Int { plain?.count ?? rows.count }

    public func forEach(_ body: (Row) -> Void) {
        if let plain {
            for row in plain { body((row.path, row.line, row.column)) }
            return
        }
        for row in rows { body((paths[row.file], row.line, nil)) }
    }

    /// For a spill encoding: `path` with the path where it changes (nil where it does not), then
    /// `row` with the line and column.
    public func encode(path: (String?) -> Void, row: (Int, Int?) -> Void) {
        var lastPath: String?
        forEach { source in
            path(source.path == lastPath ? nil : source.path)
            lastPath = source.path
            row(source.line, source.column)
        }
    }

    /// Rows appended in order (already sorted and unique), packed as they come.
    public struct Builder: Sendable {
        private var built = PackedSourceRows()
        private var current = -1

        public init(capacity: Int) { built.rows.reserveCapacity(capacity) }

        /// The path of the rows that follow.
        public mutating func path(_ path: String) { current = built.paths.number(of: path) }

        public mutating func row(line: Int, column: Int?) {
            if built.plain == nil && (column != nil || line < 0 || line > PackedSourceRow.largestLine || current < 0) {
                let paths = built.paths
                built.plain = built.rows.map { PlainRow(path: paths[$0.file], line: $0.line, column: nil) }
                built.rows = []
            }
            if built.plain != nil {
                built.plain?.append(PlainRow(path: current >= 0 ? built.paths[current] : "", line: line, column: column))
            } else {
                built.rows.append(PackedSourceRow(file: current, line: line))
            }
        }

        public var rows: PackedSourceRows { built }
    }
}
