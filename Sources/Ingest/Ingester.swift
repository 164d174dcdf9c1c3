import StagebalansCore

/// What happened to one input file.
public struct FileReport: Sendable, Hashable {
    public var source: String
    public var path: String
    public var bytes: Int = 0
    /// Records read (blank rows not counted); always `accepted + quarantined`.
    public var read: Int = 0
    public var accepted: Int = 0
    public var quarantined: Int = 0
    /// Blank lines and rows of empty fields, skipped.
    public var blankRows: Int = 0
    /// What ingest decided or noticed about the file (encoding, delimiter, ignored columns).
    public var notes: [String] = []
    /// Set when the file could not be read as a whole; its records must not be used.
    public var rejection: Diagnostic?

    public init(source: String, path: String) {
        self.source = source
        self.path = path
    }
}

public enum IngestEvent: Sendable {
    case accepted(IngestedRecord)
    case quarantined(QuarantinedRecord)
}

/// Reads every file of a source, in order, and hands each record to `handle`.
///
/// Streaming: nothing is kept per record, so memory does not grow with the file.
public struct Ingester: Sendable {
    public let spec: SourceSpec

    public init(spec: SourceSpec) {
        self.spec = spec
    }

    /// Errors thrown by `handle` end the run and are passed on; a file that cannot be read
    /// is not an error here but a report with its `rejection` set.
    public func run(_ handle: (IngestEvent) throws -> Void) throws -> [FileReport] {
        try spec.files.map { try ingest(file: $0, handle) }
    }

    public func ingest(file path: String, _ handle: (IngestEvent) throws -> Void) throws -> FileReport {
        var report = FileReport(source: spec.name, path: path)
        let counted: (IngestEvent, inout FileReport) throws -> Void = { event, report in
            report.read += 1
            switch event {
            case .accepted: report.accepted += 1
            case .quarantined: report.quarantined += 1
            }
            try handle(event)
        }
        do {
            switch spec.format {
            case .csv(let settings):
                try CSVSourceReader(spec: spec, settings: settings, path: path).read(into: &report, counted)
            case .xml(let settings):
                try XMLSourceReader(spec: spec, settings: settings, path: path).read(into: &report, counted)
            }
        } catch let failure as FileFailure {
            report.rejection = failure.diagnostic
        }
        return report
    }
}

/// A whole file cannot be read (unreadable, wrong encoding, malformed XML, no usable header).
public struct FileFailure: Error, Sendable {
    public var diagnostic: Diagnostic

    init(_ location: SourceLocation, _ message: String, notes: [String] = []) {
        diagnostic = Diagnostic(.error, at: location, message, notes: notes)
    }
}

