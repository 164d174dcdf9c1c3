// Ingest: reads agreement, evaluation and roster exports (CSV and XML) as streams of bytes
// and turns each record into a typed record or a quarantined one. Nothing here knows about
// sites, disciplines or agreements beyond the text of a field.

/// One CSV record as the tokenizer saw it. Field bytes are undecoded (the file's encoding);
/// a row is only valid during the callback that receives it.
public struct CSVRow: Sendable {
    /// Physical line (1-based) where the record starts.
    public internal(set) var line: Int = 1
    /// Byte column (1-based) of each field's first byte, on the line where that field starts.
    public internal(set) var fieldColumns: [Int] = []
    public internal(set) var fieldBytes: [UInt8] = []
    public internal(set) var fieldEnds: [Int] = []
    /// The record's physical text without its line terminator.
    public internal(set) var raw: [UInt8] = []
    /// A structural problem (text after a closing quote, an unterminated quote).
    public internal(set) var problem: String?

    public var fieldCount: Int { fieldEnds.count }

    public func field(_ index: Int) -> ArraySlice<UInt8> {
        fieldBytes[fieldRange(index)]
    }

    public func fieldRange(_ index: Int) -> Range<Int> {
        (index == 0 ? 0 : fieldEnds[index - 1])..<fieldEnds[index]
    }

    /// A blank line or a row of empty fields (Excel's trailing `;;;;` rows).
    public var isBlank: Bool { fieldBytes.isEmpty && problem == nil }

    mutating func reset(line: Int) {
        self.line = line
        fieldColumns.removeAll(keepingCapacity: true)
        fieldBytes.removeAll(keepingCapacity: true)
        fieldEnds.removeAll(keepingCapacity: true)
        raw.removeAll(keepingCapacity: true)
        problem = nil
    }
}

public enum CSVTokenizerError: Error, Sendable, Equatable {
    case recordTooLarge(line: Int, limit: Int)
    case tooManyFields(line: Int, limit: Int)
}

/// RFC 4180 with the leniencies real exports need: any of CR, LF or CRLF ends a record (and
/// counts as one physical line, also inside quotes), a quote inside an unquoted field is
/// kept as text, and text after a closing quote is kept but marks the row as malformed.
///
/// Written by hand over raw bytes: the CSV libraries at hand (SwiftCSV, CSV.swift) work on
/// `String`/`Character`, lose physical line numbers after quoted newlines and cannot report
/// a row's raw text, all of which quarantine needs.
public struct CSVTokenizer: Sendable {
    private enum State: Sendable {
        case fieldStart, unquoted, quoted, quoteInQuoted
    }

    public let delimiter: UInt8
    public let quote: UInt8
    public let maxRecordBytes: Int
    public let maxFields: Int

    private var state: State = .fieldStart
    private var row = CSVRow()
    private var line = 1
    /// Absolute byte offset of the first byte of the current physical line.
    private var lineStart = 0
    /// Absolute offset of the current chunk's first byte.
    private var chunkBase = 0
    private var pendingLF = false
    private var previousWasCR = false
    private var quoteOpenedAtLine = 0
    private var rowHasContent = false

    public init(delimiter: UInt8, quote: UInt8 = UInt8(ascii: "\""), maxRecordBytes: Int = 1 << 20, maxFields: Int = 10_000) {
        self.delimiter = delimiter
        self.quote = quote
        self.maxRecordBytes = maxRecordBytes
        self.maxFields = maxFields
    }

    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")

    /// Feeds the next chunk; `emit` receives every record completed inside it.
    public mutating func consume(_ chunk: UnsafeBufferPointer<UInt8>, emit: (CSVRow) throws -> Void) throws {
        let n = chunk.count
        var i = 0
        var rawStart = 0
        var segmentStart = 0
        let delimiter = self.delimiter, quote = self.quote
        let cr = Self.cr, lf = Self.lf

        func startField(at index: Int) {
            row.fieldColumns.append(chunkBase + index - lineStart + 1)
        }

        while i < n {
            if pendingLF {
                pendingLF = false
                if chunk[i] == lf {
                    i += 1
                    lineStart = chunkBase + i
                    rawStart = i
                    continue
                }
            }
            switch state {
            case .fieldStart:
                startField(at: i)
                rowHasContent = true
                if chunk[i] == quote {
                    state = .quoted
                    quoteOpenedAtLine = line
                    i += 1
                    segmentStart = i
                    previousWasCR = false
                } else {
                    state = .unquoted
                    segmentStart = i
                }
            case .unquoted:
                while i < n {
                    let byte = chunk[i]
                    if byte == delimiter || byte == cr || byte == lf { break }
                    i += 1
                }
                appendField(chunk, segmentStart, i)
                segmentStart = i
                if i == n { break }
                let byte = chunk[i]
                endField()
                if byte == delimiter {
                    state = .fieldStart
                    i += 1
                } else {
                    try endRecord(chunk, rawStart: rawStart, end: i, terminator: byte, emit: emit)
                    i += 1
                    rawStart = i
                    segmentStart = i
                }
            case .quoted:
                while i < n {
                    let byte = chunk[i]
                    if byte == quote { break }
                    if byte == lf {
                        if !previousWasCR { newLine(at: chunkBase + i + 1) } else { lineStart = chunkBase + i + 1 }
                        previousWasCR = false
                    } else if byte == cr {
                        newLine(at: chunkBase + i + 1)
                        previousWasCR = true
                    } else {
                        previousWasCR = false
                    }
                    i += 1
                }
                appendField(chunk, segmentStart, i)
                if i == n { segmentStart = i; break }
                state = .quoteInQuoted
                i += 1
                segmentStart = i
            case .quoteInQuoted:
                let byte = chunk[i]
                if byte == quote {
                    row.fieldBytes.append(quote)
                    state = .quoted
                    previousWasCR = false
                    i += 1
                    segmentStart = i
                } else if byte == delimiter {
                    endField()
                    state = .fieldStart
                    i += 1
                } else if byte == cr || byte == lf {
                    endField()
                    try endRecord(chunk, rawStart: rawStart, end: i, terminator: byte, emit: emit)
                    i += 1
                    rawStart = i
                    segmentStart = i
                } else {
                    if row.problem == nil {
                        row.problem = "text after the closing quote of field \(row.fieldEnds.count + 1)"
                    }
                    state = .unquoted
                    segmentStart = i
                }
            }
        }
        if rowHasContent || rawStart < n {
            row.raw.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[rawStart..<n]))
        }
        try checkLimits()
        chunkBase += n
    }

    /// Ends the input: a last record without a line terminator is emitted here.
    public mutating func finish(emit: (CSVRow) throws -> Void) throws {
        guard rowHasContent || !row.raw.isEmpty else { return }
        switch state {
        case .quoted:
            row.problem = "quoted field opened on line \(quoteOpenedAtLine) is never closed; the rest of the file was read into it"
            endField()
        case .fieldStart:
            // The input ended right after a delimiter: that delimiter opened one more, empty, field.
            row.fieldColumns.append(chunkBase - lineStart + 1)
            endField()
        case .unquoted, .quoteInQuoted:
            endField()
        }
        try emit(row)
        row.reset(line: line)
        state = .fieldStart
        rowHasContent = false
    }

    private mutating func appendField(_ chunk: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) {
        if end > start {
            row.fieldBytes.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[start..<end]))
        }
    }

    private mutating func endField() {
        row.fieldEnds.append(row.fieldBytes.count)
    }

    private mutating func newLine(at absoluteOffset: Int) {
        line += 1
        lineStart = absoluteOffset
    }

    private mutating func endRecord(_ chunk: UnsafeBufferPointer<UInt8>, rawStart: Int, end: Int, terminator: UInt8,
                                    emit: (CSVRow) throws -> Void) throws {
        row.raw.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[rawStart..<end]))
        try checkLimits()
        try emit(row)
        newLine(at: chunkBase + end + 1)
        pendingLF = terminator == Self.cr
        row.reset(line: line)
        state = .fieldStart
        rowHasContent = false
    }

    private func checkLimits() throws {
        if row.raw.count > maxRecordBytes {
            throw CSVTokenizerError.recordTooLarge(line: row.line, limit: maxRecordBytes)
        }
        if row.fieldEnds.count > maxFields {
            throw CSVTokenizerError.tooManyFields(line: row.line, limit: maxFields)
        }
    }
}
