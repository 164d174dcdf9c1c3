import Dispatch
import Domain
#if canImport(Glibc)
import Glibc
#endif

/// What happened to one input file.
public struct FileReport: Sendable, Hashable {
    public var source: String
    public var path: String
    public var bytes: Int = 0
    /// Records read (blank rows not counted): `accepted + quarantined` for a file that was
    /// read whole.
    public var read: Int = 0
    /// 0 for a file rejected whole (`rejection`): none of its records may be used, also those
    /// read before the failure.
    public var accepted: Int = 0
    public var quarantined: Int = 0
    /// Blank lines and rows of empty fields, skipped.
    public var blankRows: Int = 0
    /// What ingest decided or noticed about the file (encoding, delimiter, ignored columns).
    public var notes: [String] = []
    /// Set when the file could not be read as a whole; its records must not be used.
    public var rejection: Diagnostic?
    /// The file that was read, as opened (nil when it could not be opened).
    public var identity: FileIdentity?
    /// SHA-256 of the bytes read, in hex: set by the caller that observed them (`ByteObserver`).
    public var sha256 = ""

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
/// Streaming: nothing is kept per record, so memory does not grow with the file. For a large
/// file the reading (tokenizing or libxml2) runs on a second thread and hands batches of
/// records to the typing on the calling thread; records reach `handle` in the file's order
/// either way.
public struct Ingester: Sendable {
    public enum Threading: Sendable {
        /// A second thread for files of at least `threadedFileBytes`, when there are two cores.
        case automatic
        case never
        case always
    }

    public let spec: SourceSpec
    public let threading: Threading
    /// Regular files only, and where they must lie.
    public var policy: InputPolicy
    static let threadedFileBytes = 4 << 20

    public init(spec: SourceSpec, threading: Threading = .automatic, policy: InputPolicy = InputPolicy()) {
        self.spec = spec
        self.threading = threading
        self.policy = policy
    }

    /// Reads one of the source's files. Errors thrown by `handle` end the read and are passed
    /// on; a file that cannot be read is not an error here but a report with its `rejection` set.
    /// `observer` sees the file's bytes once, in order, as they are read (the caller hashes them).
    /// `screenAgreement` may still quarantine an agreement typed well, in the file's order
    /// (`UniqueAgreementIDs`: the caller keeps one across every file and source).
    public func ingest(file path: String, observer: (any ByteObserver)? = nil,
                       screenAgreement: ((AgreementRecord) -> QuarantinedRecord?)? = nil,
                       _ handle: (IngestEvent) throws -> Void) throws -> FileReport {
        var report = FileReport(source: spec.name, path: path)
        let size = Self.size(of: path)
        let threaded = shouldThread(size)
        func counted(_ typed: IngestEvent, _ report: inout FileReport) throws {
            // Only an agreement is looked into: copying every event cost a percent of ingest.
            if case .accepted(.agreement(let record)) = typed, let quarantined = screenAgreement?(record) {
                try count(.quarantined(quarantined), &report)
            } else {
                try count(typed, &report)
            }
        }
        func count(_ event: IngestEvent, _ report: inout FileReport) throws {
            report.read += 1
            switch event {
            case .accepted: report.accepted += 1
            case .quarantined: report.quarantined += 1
            }
            try handle(event)
        }
        let reader: any RecordReader
        switch spec.format {
        case .csv(let settings):
            reader = CSVSourceReader(spec: spec, settings: settings, path: path, policy: policy, observer: observer)
        case .xml(let settings):
            // Threaded, an XML file is parsed in pieces (`XMLPieces`) of 8 MB, or for a smaller
            // file (tests with `.always`) an eighth of it (`XMLPieces` keeps them at 16 KB at least).
            reader = XMLSourceReader(spec: spec, settings: settings, path: path, pieceBytes: threaded ? min(8 << 20, size / 8) : nil,
                                     policy: policy, observer: observer)
        case .xlsx(let settings):
            reader = XLSXSourceReader(spec: spec, settings: settings, path: path, policy: policy, observer: observer)
        }
        var typist = BatchTypist(spec: spec, path: path)
        let outcome = threaded
            ? try Self.threaded(reader, typist: &typist, report: &report, counted)
            : try Self.inline(reader, typist: &typist, report: &report, counted)
        report.bytes = outcome.bytes
        report.identity = outcome.identity
        report.blankRows = outcome.blankRows
        report.notes = outcome.notes
        report.rejection = outcome.failure?.diagnostic
        if report.rejection != nil { report.accepted = 0 }
        return report
    }

    /// The file's size, 0 when it cannot be read (the reader then says why).
    private static func size(of path: String) -> Int {
        var status = stat()
        return stat(path, &status) == 0 ? Int(status.st_size) : 0
    }

    private func shouldThread(_ size: Int) -> Bool {
        switch threading {
        case .never: return false
        case .always: return true
        case .automatic: return sysconf(Int32(_SC_NPROCESSORS_ONLN)) > 1 && size >= Self.threadedFileBytes
        }
    }

    /// Runs the reader to the end of its file. A file that cannot be read is recorded in the
    /// outcome, after the records read before the failure; a stopped typing side ends it early.
    private static func readAll(_ reader: any RecordReader, into sink: inout BatchSink, outcome: inout ReaderOutcome) {
        do {
            try reader.read(into: &sink, outcome: &outcome)
            try sink.send()
        } catch let failure as FileFailure {
            try? sink.send()
            outcome.failure = failure
        } catch {
            // BatchSink.Stopped: the typing side stopped (its error is its own to report).
        }
    }

    /// Reading and typing on this thread: each batch is typed as soon as it is full, so at
    /// most one batch is held.
    private static func inline(_ reader: any RecordReader, typist: inout BatchTypist, report: inout FileReport,
                               _ emit: (IngestEvent, inout FileReport) throws -> Void) throws -> ReaderOutcome {
        final class Typing {
            var typist: BatchTypist
            var report: FileReport
            var error: (any Error)?

            init(typist: BatchTypist, report: FileReport) {
                self.typist = typist
                self.report = report
            }
        }
        let typing = Typing(typist: typist, report: report)
        var outcome = ReaderOutcome()
        withoutActuallyEscaping(emit) { emit in
            var sink = BatchSink { batch, context in
                do {
                    try typing.typist.type(batch, context, report: &typing.report, emit)
                    return true
                } catch {
                    typing.error = error
                    return false
                }
            }
            readAll(reader, into: &sink, outcome: &outcome)
        }
        typist = typing.typist
        report = typing.report
        if let error = typing.error { throw error }
        return outcome
    }

    /// Reading on a second thread, typing on this one, through a bounded channel.
    private static func threaded(_ reader: any RecordReader, typist: inout BatchTypist, report: inout FileReport,
                                 _ emit: (IngestEvent, inout FileReport) throws -> Void) throws -> ReaderOutcome {
        // Three threads: the reader tokenizes, the typist types, the caller takes the events
        // (normalizing, writing the quarantine). With typing and normalizing on one thread,
        // that thread was the bottleneck and the reader waited a third of the time.
        let batches = Channel<(RecordBatch, BatchContext)>()
        let events = Channel<[IngestEvent]>()
        let readerDone = DispatchSemaphore(value: 0), typistDone = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            var sink = BatchSink { batch, context in batches.send((batch, context)) }
            var outcome = ReaderOutcome()
            readAll(reader, into: &sink, outcome: &outcome)
            batches.finish(outcome)
            readerDone.signal()
        }
        let startingTypist = typist
        let source = report.source, path = report.path
        DispatchQueue.global().async {
            var typist = startingTypist
            // The counts are the caller's; the typist's own report only passes through.
            var scratch = FileReport(source: source, path: path)
            loop: while true {
                switch batches.receive() {
                case .item(let (batch, context)):
                    var typed: [IngestEvent] = []
                    typed.reserveCapacity(batch.count)
                    do {
                        try typist.type(batch, context, report: &scratch) { event, _ in typed.append(event) }
                    } catch {
                        // The collecting closure never throws.
                    }
                    guard events.send(typed) else {
                        batches.cancel()
                        break loop
                    }
                case .end(let outcome):
                    events.finish(outcome)
                    break loop
                }
            }
            typistDone.signal()
        }
        defer {
            typistDone.wait()
            readerDone.wait()
        }
        while true {
            switch events.receive() {
            case .item(let typed):
                do {
                    for event in typed { try emit(event, &report) }
                } catch {
                    events.cancel()
                    throw error
                }
            case .end(let outcome):
                return outcome
            }
        }
    }
}

/// A whole file cannot be read (unreadable, wrong encoding, malformed XML, no usable header).
public struct FileFailure: Error, Sendable {
    public var diagnostic: Diagnostic

    init(_ location: SourceLocation, _ message: String, notes: [String] = []) {
        diagnostic = Diagnostic(.error, at: location, message, notes: notes)
    }
}

