import Domain

/// Records as a reader found them, before typing: each field's value as a range of UTF-8
/// bytes in one buffer, plus what typing needs to report on them. A batch is a plain value,
/// so a reader on one thread can hand it to the typing on another.
struct RecordBatch: Sendable {
    static let capacity = 1024
    private static let fieldCount = LogicalField.allCases.count

    /// Field values (UTF-8), then each record's raw text in the file's encoding (CSV).
    private(set) var bytes: [UInt8] = []
    /// Per record, where its field spans start in `fieldSpans` (-1 for a tape record).
    private var fieldBase: [Int32] = []
    /// Every logical field of every record: its bytes (start -1: absent) and its column.
    private var fieldSpans: [FieldSpan] = []

    private struct FieldSpan {
        var start: Int32
        var end: Int32
        var column: Int32
    }
    private(set) var lines: [Int] = []
    private var rawRanges: [Range<Int>] = []
    /// Records the reader already quarantined (shifted rows, bad bytes, repeated XML fields).
    private var rejections: [Int: Rejection] = [:]
    /// Added to a typing failure's reason (a short CSV row says how many columns it had).
    private var notes: [Int: String] = [:]
    /// Per record of a workbook, its fields that are typed cells (dates, numbers).
    private var workbookCells: [Int: WorkbookCells] = [:]
    /// Per record, its tape (XML: its pieces in `bytes`, decoded on the typing side); empty
    /// for records stored as field ranges.
    private var tapes: [Range<Int>] = []
    private var tapeStart = 0

    struct Rejection: Sendable {
        var reason: String
        var field: LogicalField?
        var column: Int?
        /// The raw text when the reader renders it itself (XML); else the record's raw bytes.
        var raw: String?
    }

    var count: Int { lines.count }
    var isFull: Bool { count >= Self.capacity || bytes.count >= 8 << 20 }

    init() {
        bytes.reserveCapacity(1 << 17)
    }

    mutating func append(_ values: FieldValues, line: Int, raw: UnsafeBufferPointer<UInt8>?, note: String? = nil) {
        if let note { notes[lines.count] = note }
        if !values.cells.isEmpty { workbookCells[lines.count] = values.cells }
        // One copy of the record's buffer, its ranges shifted; cheaper than field by field.
        fieldBase.append(Int32(fieldSpans.count))
        tapes.append(0..<0)
        let base = bytes.count
        bytes.append(contentsOf: values.bytes)
        // The record's spans are written in place after one append: appending field by field
        // (three arrays, 22 fields) cost a uniqueness check each, a tenth of the reading thread.
        let first = fieldSpans.count
        if first == 0 { fieldSpans.reserveCapacity(Self.capacity * Self.fieldCount) }
        fieldSpans.append(contentsOf: repeatElement(FieldSpan(start: -1, end: 0, column: 0), count: Self.fieldCount))
        values.withRanges { starts, ends, columns in
            fieldSpans.withUnsafeMutableBufferPointer { spans in
                for index in 0..<Self.fieldCount {
                    let start = starts[index]
                    spans[first + index] = start < 0
                        ? FieldSpan(start: -1, end: 0, column: Int32(columns[index]))
                        : FieldSpan(start: Int32(base + start), end: Int32(base + ends[index]), column: Int32(columns[index]))
                }
            }
        }
        appendRaw(raw)
        lines.append(line)
    }

    mutating func appendRejected(line: Int, raw: UnsafeBufferPointer<UInt8>?, _ rejection: Rejection) {
        fieldBase.append(-1)
        tapes.append(0..<0)
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

    // MARK: Tapes

    /// A tape entry: kind, field ordinal, length (4 bytes, little-endian), then the bytes.
    enum TapeEntry: UInt8 {
        /// An element holding a field's text starts (a new occurrence of the field).
        case opened = 1
        /// A piece of the current element's text (text, CDATA, character references).
        case text = 2
        /// An attribute's value (a new occurrence of the field).
        case attribute = 3
        /// An element's first piece of text: a new occurrence of the field, with its text.
        case openedWithText = 4
    }

    /// Moves every record's line by `delta` (a piece of a file parsed in pieces counts its
    /// lines from its own start).
    mutating func shiftLines(by delta: Int) {
        guard delta != 0 else { return }
        for index in lines.indices { lines[index] += delta }
    }

    mutating func beginTape() {
        tapeStart = bytes.count
    }

    mutating func tape(_ entry: TapeEntry, _ field: LogicalField, _ value: UnsafeBufferPointer<UInt8>) {
        let length = UInt32(truncatingIfNeeded: value.count)
        let header = (entry.rawValue, UInt8(field.ordinal), UInt8(truncatingIfNeeded: length), UInt8(truncatingIfNeeded: length >> 8),
                      UInt8(truncatingIfNeeded: length >> 16), UInt8(truncatingIfNeeded: length >> 24))
        // One append for the header: this runs for every text node of every record.
        withUnsafeBytes(of: header) { bytes.append(contentsOf: $0) }
        if value.count > 0 { bytes.append(contentsOf: value) }
    }

    mutating func abortTape() {
        bytes.removeSubrange(tapeStart...)
    }

    mutating func endTape(line: Int) {
        tapes.append(tapeStart..<bytes.count)
        fieldBase.append(-1)
        rawRanges.append(bytes.count..<bytes.count)
        lines.append(line)
    }

    /// What decoding a tape found wrong with the record's shape.
    enum TapeProblem: Equatable {
        case repeated(LogicalField, Int)
        case oversized(LogicalField)
    }

    /// Decodes a tape record into `values` (an owned buffer): each field's pieces joined,
    /// the first field that occurs twice, or the first over `maxFieldBytes`.
    func loadTape(_ record: Int, into values: inout FieldValues, maxFieldBytes: Int) -> TapeProblem? {
        if let loaded = loadTapeInPlace(record, into: &values, maxFieldBytes: maxFieldBytes) { return loaded }
        values.reset()
        var occurrences = [Int](repeating: 0, count: Self.fieldCount)
        var problem: TapeProblem?
        _ = forEachTapeEntry(record) { entry, ordinal, _, value in
            let field = LogicalField.byOrdinal[ordinal]
            switch TapeEntry(rawValue: entry) {
            case .opened:
                occurrences[ordinal] += 1
                if occurrences[ordinal] == 1 { values.open(field) }
            case .openedWithText:
                occurrences[ordinal] += 1
                guard occurrences[ordinal] == 1 else { return true }
                values.open(field)
                if values.extend(field, with: value) > maxFieldBytes, problem == nil { problem = .oversized(field) }
            case .text:
                guard occurrences[ordinal] == 1 else { return true }
                if values.extend(field, with: value) > maxFieldBytes, problem == nil { problem = .oversized(field) }
            case .attribute:
                occurrences[ordinal] += 1
                if value.count > maxFieldBytes, problem == nil { problem = .oversized(field) }
                if occurrences[ordinal] == 1 { values.replace(field, with: value) }
            case nil:
                break
            }
            return true
        }
        for field in LogicalField.byOrdinal where occurrences[field.ordinal] > 1 {
            return .repeated(field, occurrences[field.ordinal])
        }
        return problem
    }

    /// The usual record, where every field is one attribute or one element with one piece
    /// of text: `values` points into this batch's buffer, nothing is copied. Returns nil,
    /// having loaded nothing usable, when some field occurs twice or comes in pieces.
    private func loadTapeInPlace(_ record: Int, into values: inout FieldValues, maxFieldBytes: Int) -> TapeProblem?? {
        values.reset(sharing: bytes)
        var seen: UInt64 = 0
        var problem: TapeProblem?
        let complete = forEachTapeEntry(record) { entry, ordinal, range, _ in
            let bit: UInt64 = 1 << UInt64(ordinal)
            guard entry != TapeEntry.text.rawValue, seen & bit == 0 else { return false }
            seen |= bit
            let field = LogicalField.byOrdinal[ordinal]
            values.set(field, range: range, column: nil)
            if range.count > maxFieldBytes, problem == nil { problem = .oversized(field) }
            return true
        }
        return complete ? .some(problem) : nil
    }

    /// Calls `body` with each entry of a record's tape: its kind, its field's ordinal, and its
    /// value as a range of `bytes` and as bytes. Stops when `body` returns false; returns
    /// whether every entry was visited.
    private func forEachTapeEntry(_ record: Int,
                                  _ body: (UInt8, Int, Range<Int>, UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
        let range = tapes[record]
        return bytes.withUnsafeBufferPointer { tape in
            var position = range.lowerBound
            while position + 6 <= range.upperBound {
                let length = Int(tape[position + 2]) | Int(tape[position + 3]) << 8 | Int(tape[position + 4]) << 16
                    | Int(tape[position + 5]) << 24
                let value = position + 6..<position + 6 + length
                guard body(tape[position], Int(tape[position + 1]), value, UnsafeBufferPointer(rebasing: tape[value])) else {
                    return false
                }
                position = value.upperBound
            }
            return true
        }
    }

    func isTape(_ record: Int) -> Bool { !tapes[record].isEmpty }

    func note(_ record: Int) -> String? { notes[record] }

    func raw(_ record: Int) -> ArraySlice<UInt8> { bytes[rawRanges[record]] }

    /// Points `values` at record `record` (sharing this batch's buffer, copying nothing else).
    func load(_ record: Int, into values: inout FieldValues) {
        values.reset(sharing: bytes)
        if !workbookCells.isEmpty, let marked = workbookCells[record] { values.restore(marked) }
        let base = Int(fieldBase[record])
        guard base >= 0 else { return }
        for index in 0..<Self.fieldCount {
            let span = fieldSpans[base + index]
            guard span.start >= 0 else { continue }
            values.set(LogicalField.byOrdinal[index], range: Int(span.start)..<Int(span.end), column: span.column > 0 ? Int(span.column) : nil)
        }
    }
}

/// What a reader learnt about its file, handed to the typing side with the first batch
/// (labels) or at the end (the rest).
struct ReaderOutcome: Sendable {
    var bytes = 0
    /// The file as opened.
    var identity: FileIdentity?
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
    /// For a workbook: the path records are located at, `file.xlsx[Sheet]`.
    var locationPath: String?
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

    /// Writes one record as a tape (XML): `write` adds its pieces and returns whether to
    /// keep the record; a record not kept leaves no trace.
    mutating func tapeRecord(line: Int, _ write: (inout RecordBatch) -> Bool) throws(Stopped) {
        batch.beginTape()
        guard write(&batch) else {
            batch.abortTape()
            return
        }
        batch.endTape(line: line)
        if batch.isFull { try send() }
    }

    /// Hands on a whole batch made elsewhere (a piece of a file parsed in pieces), after the
    /// records already here.
    mutating func forward(_ made: RecordBatch) throws(Stopped) {
        try send()
        guard made.count > 0 else { return }
        guard flush(made, BatchContext(labels: labels, rawEncoding: rawEncoding, recordName: recordName, locationPath: locationPath)) else {
            throw Stopped()
        }
    }

    mutating func send() throws(Stopped) {
        guard batch.count > 0 else { return }
        let full = batch
        batch = RecordBatch()
        guard flush(full, BatchContext(labels: labels, rawEncoding: rawEncoding, recordName: recordName, locationPath: locationPath)) else {
            throw Stopped()
        }
    }
}

/// What the typing side needs to know about a batch's file besides its records.
struct BatchContext: Sendable {
    var labels: [LogicalField: String]
    var rawEncoding: TextEncoding
    var recordName: String?
    /// Where the records are, when not the file's path (a workbook's `file.xlsx[Sheet]`).
    var locationPath: String?
}

/// The reading side of ingest for one file: everything up to typed values.
protocol RecordReader: Sendable {
    /// Reads the whole file into `sink`. Throws `FileFailure` when the file cannot be read
    /// as a whole, or `BatchSink.Stopped` when the typing side stopped.
    func read(into sink: inout BatchSink, outcome: inout ReaderOutcome) throws
}
