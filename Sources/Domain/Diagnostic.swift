/// Where something was read: a file, a physical line (1-based) and, when known, a column
/// (1-based, in bytes for CSV and as libxml2 counts for XML).
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var path: String
    public var line: Int
    public var column: Int?

    public init(path: String, line: Int, column: Int? = nil) {
        self.path = path
        self.line = line
        self.column = column
    }

    public var description: String {
        if let column { return "\(path):\(line):\(column)" }
        return "\(path):\(line)"
    }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.path, lhs.line, lhs.column ?? 0) < (rhs.path, rhs.line, rhs.column ?? 0)
    }
}

public enum Severity: String, Sendable, Hashable, Comparable, CaseIterable {
    case info, warning, error

    private var rank: Int {
        switch self {
        case .info: return 0
        case .warning: return 1
        case .error: return 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// A message about the input, rendered like a compiler's: `path:line:col: error: message`.
public struct Diagnostic: Error, Sendable, Hashable, CustomStringConvertible {
    public var severity: Severity
    public var location: SourceLocation?
    public var message: String
    /// Extra lines (the raw text, a hint) printed indented under the message.
    public var notes: [String]
    /// What kind of problem this is, in a few words ("sites with nearly the same name"), for a
    /// log that shows the first few of a kind and counts the rest; nil: the message is its own kind.
    public var kind: String?

    public init(_ severity: Severity = .error, at location: SourceLocation?, _ message: String, notes: [String] = [],
                kind: String? = nil) {
        self.severity = severity
        self.location = location
        self.message = message
        self.notes = notes
        self.kind = kind
    }

    public var description: String {
        var text = location.map { "\($0): " } ?? ""
        text += "\(severity.rawValue): \(message)"
        for note in notes { text += "\n    " + note }
        return text
    }
}

extension Array where Element == SourceLocation {
    /// Sorted, each location once; cheaper than a `Set` for the few rows behind a placement.
    public func sortedUnique() -> [SourceLocation] {
        guard count > 1 else { return self }
        var result = sorted()
        var write = 1
        for read in 1..<result.count where result[read] != result[write - 1] {
            result[write] = result[read]
            write += 1
        }
        result.removeSubrange(write...)
        return result
    }
}
