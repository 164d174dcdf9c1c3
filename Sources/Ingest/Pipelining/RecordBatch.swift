import StagebalansCore

/// Records as a reader found them, before typing: each field's value as a range of UTF-8
/// bytes in one buffer, plus what typing needs to report on them. A batch is a plain value,
/// so a reader on one thread can hand it to the typing on another.
struct RecordBatch: Sendable {
    static let capacity = 1024
    private static let fieldCount = LogicalField.allCases.count

    /// Field values (UTF-8), then each record's raw text in the file's encoding (CSV).
    private(set) var bytes: [UInt8] = []
    private var fieldStarts: [Int32] = []
    private var fieldEnds: [Int32] = []
    private var fieldColumns: [Int32] = []
    private(set) var lines: [Int] = []
    private var rawRanges: [Range<Int>] = []
    /// Records the reader already quarantined (shifted rows, bad bytes, repeated XML fields).
    private var rejections: [Int: Rejection] = [:]
    /// Added to a typing failure's reason (a short CSV row says how many columns it had).
    private var notes: [Int: String] = [:]

    struct Rejection: Sendable {
        var reason: String
        var field: LogicalField?
        var column: Int?
        /// The raw text when the reader renders it itself (XML); else the record's raw bytes.
        var raw: String?
    }

    var count: Int { lines.count }
    var isFull: Bool { count >= Self.capacity }

    init() {
        bytes.reserveCapacity(1 << 17)
    }

    mutating func append(_ values: FieldValues, line: Int, raw: UnsafeBufferPointer<UInt8>?, note: String? = nil) {
        if let note { notes[lines.count] = note }
        values.bytes.withUnsafeBufferPointer { source in
            for field in LogicalField.allCases {
                if let range = values.range(field) {
                    fieldStarts.append(Int32(bytes.count))
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[range]))
                    fieldEnds.append(Int32(bytes.count))
                } else {
                    fieldStarts.append(-1)
                    fieldEnds.append(0)
                }
                fieldColumns.append(Int32(values.column(of: field) ?? 0))
            }
        }
        appendRaw(raw)
        lines.append(line)
    }

    mutating func appendRejected(line: Int, raw: UnsafeBufferPointer<UInt8>?, _ rejection: Rejection) {
        for _ in 0..<Self.fieldCount {
            fieldStarts.append(-1)
            fieldEnds.append(0)
            fieldColumns.append(0)
        }
        appendRaw(raw)
        rejections[lines.count] = rejection
        lines.append(line)
    }

    private mutating func appendRaw(_ raw: UnsafeBufferPointer<UInt8>?) {
        let start = bytes.count
        if let raw { bytes.append(contentsOf: raw) }
        rawRanges.append(start..<bytes.count)
    }

    func rejection(_ record: Int) -> Rejection? { rejections[record] }

    func note(_ record: Int) -> String? { notes[record] }

    func raw(_ record: Int) -> ArraySlice<UInt8> { bytes[rawRanges[record]] }

    /// Points `values` at record `record` (sharing this batch's buffer, copying nothing else).
    func load(_ record: Int, into values: inout FieldValues) {
        values.reset(sharing: bytes)
        let base = record * Self.fieldCount
        for field in LogicalField.allCases {
            let start = Int(fieldStarts[base + field.ordinal])
            guard start >= 0 else { continue }
            let column = Int(fieldColumns[base + field.ordinal])
            values.set(field, range: start..<Int(fieldEnds[base + field.ordinal]), column: column > 0 ? column : nil)
        }
    }
}

/// What a reader learnt about its file, handed to the typing side with the first batch
/// (labels) or at the end (the rest).
struct ReaderOutcome: Sendable {
    var bytes = 0
    var blankRows = 0
    var notes: [String] = []
    var failure: FileFailure?
}

/// Where readers put records: batches go to `flush` when full and at the end.
struct BatchSink {
    private(set) var batch = RecordBatch()
    /// Field labels for messages; set by the reader before its first record.
    var labels: [LogicalField: String] = [:]
    /// Display encoding of raw texts.
    var rawEncoding: TextEncoding = .utf8
    /// For XML: the record element's name, for rendering a record's raw text from its fields.
    var recordName: String?
    /// Returns false when the consumer has stopped: the reader must stop too.
    let flush: (RecordBatch, BatchContext) -> Bool

    struct Stopped: Error {}

    init(flush: @escaping (RecordBatch, BatchContext) -> Bool) {
        self.flush = flush
    }

    mutating func append(_ values: FieldValues, line: Int, raw: UnsafeBufferPointer<UInt8>?, note: String? = nil)
        throws(Stopped) {
        batch.append(values, line: line, raw: raw, note: note)
        if batch.isFull { try send() }
    }

    mutating func reject(line: Int, raw: UnsafeBufferPointer<UInt8>?, _ rejection: RecordBatch.Rejection) throws(Stopped) {
        batch.appendRejected(line: line, raw: raw, rejection)
        if batch.isFull { try send() }
    }

    mutating func send() throws(Stopped) {
        guard batch.count > 0 else { return }
        let full = batch
        batch = RecordBatch()
        guard flush(full, BatchContext(labels: labels, rawEncoding: rawEncoding, recordName: recordName)) else {
            throw Stopped()
        }
    }
}

/// What the typing side needs to know about a batch's file besides its records.
struct BatchContext: Sendable {
    var labels: [LogicalField: String]
    var rawEncoding: TextEncoding
    var recordName: String?
}

/// The reading side of ingest for one file: everything up to typed values.
protocol RecordReader: Sendable {
    /// Reads the whole file into `sink`. Throws `FileFailure` when the file cannot be read
    /// as a whole, or `BatchSink.Stopped` when the typing side stopped.
    func read(into sink: inout BatchSink, outcome: inout ReaderOutcome) throws
}
