#if canImport(Glibc)
import Glibc
#endif
import Domain

/// Reads one CSV file of a source: decides encoding and delimiter (only where certain), maps
/// the header onto logical fields, and sends every row on as accepted or quarantined.
struct CSVSourceReader: RecordReader {
    let spec: SourceSpec
    let settings: CSVSettings
    let path: String
    var policy = InputPolicy()
    /// Sees the bytes of the one pass that makes the records (not the encoding check's).
    var observer: (any ByteObserver)?

    private static let sniffBytes = 64 * 1024
    private static let candidates: [UInt8] = [UInt8(ascii: ";"), UInt8(ascii: ","), UInt8(ascii: "\t")]

    func read(into sink: inout BatchSink, outcome: inout ReaderOutcome) throws {
        let file = try ChunkedFile.opening(path, policy)
        let head = try file.sniff(Self.sniffBytes)
        outcome.bytes = file.size
        outcome.identity = file.identity
        let (encoding, bomLength) = try decideEncoding(head: head, file: file, notes: &outcome.notes)
        let body = Array(head[bomLength...])
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            throw FileFailure(SourceLocation(path: path, line: 1), "the file is empty: no header line")
        }
        let delimiter = try decideDelimiter(head: body, encoding: encoding, notes: &outcome.notes)

        var tokenizer = CSVTokenizer(delimiter: delimiter, quote: settings.quote,
                                     maxRecordBytes: spec.limits.maxRecordBytes, maxFields: spec.limits.maxFields)
        var rows = RowProcessor(spec: spec, path: path, encoding: encoding)
        sink.rawEncoding = encoding
        func handleRow(_ row: CSVRow) throws {
            try rows.process(row, sink: &sink, outcome: &outcome)
        }
        do {
            var skip = bomLength
            try file.forEachChunk { chunk in
                observer?.observe(UnsafeRawBufferPointer(chunk))
                if skip > 0 {
                    let dropped = min(skip, chunk.count)
                    skip -= dropped
                    try tokenizer.consume(UnsafeBufferPointer(rebasing: chunk[dropped...]), emit: handleRow)
                } else {
                    try tokenizer.consume(chunk, emit: handleRow)
                }
            }
            try tokenizer.finish(emit: handleRow)
        } catch let error as CSVTokenizerError {
            switch error {
            case .recordTooLarge(let line, let limit):
                throw FileFailure(SourceLocation(path: path, line: line),
                                  "record is longer than \(limit) bytes (limits.max_record_bytes); an unterminated quote?")
            case .tooManyFields(let line, let limit):
                throw FileFailure(SourceLocation(path: path, line: line),
                                  "record has more than \(limit) fields (limits.max_fields)")
            }
        } catch let error as FileReadError {
            throw FileFailure(SourceLocation(path: path, line: 1), error.message)
        }
        if !rows.sawHeader {
            throw FileFailure(SourceLocation(path: path, line: 1), "the file is empty: no header line")
        }
        try file.failIfChanged()
    }

    // MARK: Encoding

    private func decideEncoding(head: [UInt8], file: borrowing ChunkedFile, notes: inout [String])
        throws -> (TextEncoding, Int) {
        if head.starts(with: [0xEF, 0xBB, 0xBF]) {
            if case .fixed(let named) = settings.encoding, named != .utf8 {
                notes.append("encoding utf-8 (the file starts with a UTF-8 BOM although the definition names \(named.rawValue))")
            } else {
                notes.append("encoding utf-8 (BOM)")
            }
            return (.utf8, 3)
        }
        if head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF]) {
            throw FileFailure(SourceLocation(path: path, line: 1, column: 1),
                              "the file is UTF-16, which is not supported; save it as 'CSV UTF-8' instead")
        }
        switch settings.encoding {
        case .fixed(let encoding):
            return (encoding, 0)
        case .auto:
            var validator = StreamingUTF8Validator()
            do {
                try file.forEachChunk { chunk in
                    if let bad = validator.feed(chunk) { throw bad }
                }
                try file.rewind()
            } catch let bad as StreamingUTF8Validator.Invalid {
                throw FileFailure(SourceLocation(path: path, line: bad.line, column: bad.column),
                                  "byte 0x\(String(bad.byte, radix: 16, uppercase: true)) is not UTF-8 and the definition names no encoding",
                                  notes: ["set encoding: windows-1252 (Excel on Windows) or iso-8859-1 for this source"])
            } catch let error as FileReadError {
                throw FileFailure(SourceLocation(path: path, line: 1), error.message)
            }
            if validator.endsInsideSequence {
                throw FileFailure(SourceLocation(path: path, line: validator.line), "the file ends inside a UTF-8 sequence")
            }
            notes.append("encoding utf-8 (checked)")
            return (.utf8, 0)
        }
    }

    // MARK: Delimiter

    private func decideDelimiter(head: [UInt8], encoding: TextEncoding, notes: inout [String]) throws -> UInt8 {
        if case .fixed(let delimiter) = settings.delimiter { return delimiter }
        var splits: [(delimiter: UInt8, headers: [String])] = []
        for candidate in Self.candidates {
            guard let headers = firstNonBlankRecord(head, delimiter: candidate, encoding: encoding),
                  headers.filter({ !$0.isEmpty }).count >= 2 else { continue }
            splits.append((candidate, headers))
        }
        let location = SourceLocation(path: path, line: 1)
        if splits.count == 1 {
            notes.append("delimiter \(Self.name(of: splits[0].delimiter)) (detected)")
            return splits[0].delimiter
        }
        if splits.isEmpty {
            throw FileFailure(location, "cannot tell the delimiter: the header line splits on none of ';', ',' and tab",
                              notes: ["set delimiter: in the definition for this source"])
        }
        let complete = splits.filter { HeaderMap.missingRequired(spec: spec, headers: $0.headers).isEmpty }
        if complete.count == 1 {
            notes.append("delimiter \(Self.name(of: complete[0].delimiter)) (detected)")
            return complete[0].delimiter
        }
        let names = splits.map { Self.name(of: $0.delimiter) }.joined(separator: " and ")
        throw FileFailure(location, "cannot tell the delimiter: the header line splits on \(names)",
                          notes: ["set delimiter: in the definition for this source"])
    }

    static func name(of delimiter: UInt8) -> String {
        delimiter == UInt8(ascii: "\t") ? "tab" : "'\(Character(Unicode.Scalar(delimiter)))'"
    }

    private func firstNonBlankRecord(_ head: [UInt8], delimiter: UInt8, encoding: TextEncoding) -> [String]? {
        var tokenizer = CSVTokenizer(delimiter: delimiter, quote: settings.quote,
                                     maxRecordBytes: spec.limits.maxRecordBytes, maxFields: spec.limits.maxFields)
        var found: [String]?
        struct Done: Error {}
        do {
            let handle: (CSVRow) throws -> Void = { row in
                guard !row.isBlank else { return }
                found = (0..<row.fieldCount).map { encoding.decodeForDisplay(row.field($0)) }
                throw Done()
            }
            try head.withUnsafeBufferPointer { try tokenizer.consume($0, emit: handle) }
            try tokenizer.finish(emit: handle)
        } catch {}
        return found
    }
}

/// How a header's columns are given to fields, the one rule for `run` (`HeaderMap`) and
/// `init` (which writes `fields:` only where the rule would not find a column).
public enum HeaderMatching {
    /// A name of `field` that two free columns carry.
    public struct Conflict: Sendable, Hashable {
        public var field: LogicalField
        public var columns: [Int]
    }

    /// Each field of `kind` in turn, the definition's named fields first (so that they win a
    /// column from a default name), takes the first free column whose canonical header is one
    /// of its names (`named`, else `LogicalField.defaultHeaders`), trying the names in order;
    /// the first name that two free columns carry stops it with a conflict.
    public static func columns(canonical headers: [String], kind: SourceKind,
                               named: [LogicalField: [String]] = [:]) -> (assigned: [LogicalField: Int], conflict: Conflict?) {
        var taken: Set<Int> = []
        var assigned: [LogicalField: Int] = [:]
        let fields = LogicalField.fields(of: kind)
        let ordered = fields.filter { named[$0] != nil } + fields.filter { named[$0] == nil }
        for field in ordered {
            for name in (named[field] ?? field.defaultHeaders).map(Canonical.text) {
                let matches = headers.indices.filter { headers[$0] == name && !taken.contains($0) }
                if matches.count > 1 { return (assigned, Conflict(field: field, columns: matches)) }
                if let column = matches.first {
                    taken.insert(column)
                    assigned[field] = column
                    break
                }
            }
        }
        return (assigned, nil)
    }
}

/// The header's columns, as logical fields.
struct HeaderMap {
    var columnCount: Int
    var mapping: [(field: LogicalField, column: Int)]
    var labels: [LogicalField: String]
    var ignored: [String]

    func label(_ field: LogicalField) -> String {
        labels[field].map { "field '\(field.rawValue)' (\($0))" } ?? "field '\(field.rawValue)'"
    }

    static func names(for field: LogicalField, spec: SourceSpec) -> [String] {
        (spec.columns[field] ?? field.defaultHeaders).map(Canonical.text)
    }

    static func missingRequired(spec: SourceSpec, headers: [String]) -> [LogicalField] {
        let canonical = Set(headers.map(Canonical.text))
        var missing = LogicalField.requiredColumns(of: spec.kind).filter { field in
            !names(for: field, spec: spec).contains(where: canonical.contains)
        }
        if spec.kind == .evaluations,
           !names(for: .endDate, spec: spec).contains(where: canonical.contains),
           !names(for: .weeks, spec: spec).contains(where: canonical.contains) {
            missing.append(.endDate)
        }
        return missing
    }

    init(headers: [String], spec: SourceSpec, location: SourceLocation) throws {
        columnCount = headers.count
        let canonical = headers.map(Canonical.text)
        let matched = HeaderMatching.columns(canonical: canonical, kind: spec.kind, named: spec.columns)
        if let conflict = matched.conflict {
            let columns = conflict.columns.map { "'\(headers[$0])' (column \($0 + 1))" }.joined(separator: " and ")
            throw FileFailure(location, "field '\(conflict.field.rawValue)' matches two columns: \(columns)",
                              notes: ["name the right one under fields: \(conflict.field.rawValue): in the definition"])
        }
        let assigned = matched.assigned
        let taken = Dictionary(uniqueKeysWithValues: assigned.map { ($0.value, $0.key) })
        let missing = Self.missingRequired(spec: spec, headers: headers.enumerated().filter { taken[$0.offset] != nil }.map(\.element))
        if let field = missing.first {
            let present = headers.filter { !$0.isEmpty }.map { "'\($0)'" }.joined(separator: ", ")
            var notes = ["the header has: \(present)"]
            let free = headers.indices.filter { taken[$0] == nil && !canonical[$0].isEmpty }
            let nearest = EditDistance.closest(to: Self.names(for: field, spec: spec).first ?? field.rawValue,
                                               among: free.map { canonical[$0] }, limit: 1, maxDistance: 4)
            if let guess = nearest.first, let column = free.first(where: { canonical[$0] == guess }) {
                notes.append("did you mean '\(headers[column])'? if so, add under fields: \(field.rawValue): \"\(headers[column])\"")
            } else {
                notes.append("name its column under fields: \(field.rawValue): in the definition")
            }
            let what = field == .endDate && spec.kind == .evaluations ? "'end_date' or 'weeks'" : "'\(field.rawValue)'"
            throw FileFailure(location, "no column for the required field \(what)", notes: notes)
        }
        mapping = assigned.map { (field: $0.key, column: $0.value) }.sorted { $0.field < $1.field }
        labels = Dictionary(uniqueKeysWithValues: mapping.map { ($0.field, "column '\(headers[$0.column])'") })
        ignored = headers.indices.filter { taken[$0] == nil && !canonical[$0].isEmpty }.map { headers[$0] }
    }
}

/// Turns rows after the header into records for typing, or quarantines what is wrong with the
/// row itself (shifted columns, bytes not valid in the encoding, over-long fields).
private struct RowProcessor {
    let spec: SourceSpec
    let path: String
    let encoding: TextEncoding
    var header: HeaderMap?
    var values = FieldValues()
    var firstDataRowWidth: Int?

    init(spec: SourceSpec, path: String, encoding: TextEncoding) {
        self.spec = spec
        self.path = path
        self.encoding = encoding
    }

    var sawHeader: Bool { header != nil }

    mutating func process(_ row: CSVRow, sink: inout BatchSink, outcome: inout ReaderOutcome) throws {
        if row.isBlank {
            outcome.blankRows += 1
            return
        }
        guard let header else {
            try readHeader(row, sink: &sink, outcome: &outcome)
            return
        }
        try row.raw.withUnsafeBufferPointer { raw in
            if let rejection = shapeProblem(row, header) {
                try sink.reject(line: row.line, raw: raw, rejection)
                return
            }
            // Let go of the tokenizer's buffer, or its next reset would have to copy it.
            defer { values.releaseShared() }
            if let rejection = readFields(row, header) {
                try sink.reject(line: row.line, raw: raw, rejection)
                return
            }
            let note = row.fieldCount < header.columnCount
                ? " (the row has \(row.fieldCount) of the header's \(header.columnCount) columns)" : nil
            try sink.append(values, line: row.line, raw: raw, note: note)
        }
    }

    /// What is wrong with the row as a whole: what the tokenizer found, or more fields than the
    /// export is wide.
    private mutating func shapeProblem(_ row: CSVRow, _ header: HeaderMap) -> RecordBatch.Rejection? {
        if let problem = row.problem { return RecordBatch.Rejection(reason: problem) }
        // Exports are rectangular (Excel writes every row as wide as the widest), so a row longer
        // than both the header and the first data row had a delimiter inside an unquoted value,
        // and its columns are shifted even when the extra field is empty.
        let usualWidth = max(header.columnCount, firstDataRowWidth ?? row.fieldCount)
        if firstDataRowWidth == nil { firstDataRowWidth = row.fieldCount }
        guard row.fieldCount > usualWidth else { return nil }
        return RecordBatch.Rejection(reason: "the row has \(row.fieldCount) fields, the header and the first row \(usualWidth); "
                                         + "a delimiter inside an unquoted value shifted the columns",
                                     column: row.fieldColumns[usualWidth])
    }

    /// Puts the row's mapped fields into `values`; the first field that cannot be taken rejects
    /// the row.
    private mutating func readFields(_ row: CSVRow, _ header: HeaderMap) -> RecordBatch.Rejection? {
        if encoding == .utf8 {
            values.reset(sharing: row.fieldBytes)
        } else {
            values.reset()
        }
        // Most rows are plain ASCII without NUL: one pass over the row spares a NUL search
        // and a UTF-8 check per field.
        let plain = encoding == .utf8 && Self.isPlainASCII(row.fieldBytes)
        for (field, column) in header.mapping where column < row.fieldCount {
            let range = row.fieldRange(column)
            if range.count > spec.limits.maxFieldBytes {
                return RecordBatch.Rejection(
                    reason: "\(header.label(field)): longer than \(spec.limits.maxFieldBytes) bytes (limits.max_field_bytes)",
                    field: field, column: row.fieldColumns[column])
            }
            if plain {
                values.set(field, range: range, column: row.fieldColumns[column])
            } else if let rejection = readCheckedField(field, column: column, row, header) {
                return rejection
            }
        }
        return nil
    }

    /// A field of a row that is not plain ASCII: it must hold no NUL and be valid in the
    /// encoding; it is decoded to UTF-8 when the file is in another encoding.
    private mutating func readCheckedField(_ field: LogicalField, column: Int, _ row: CSVRow,
                                           _ header: HeaderMap) -> RecordBatch.Rejection? {
        let range = row.fieldRange(column)
        // A NUL byte is no character any export means; such a row is quarantined, not
        // carried into names and reports.
        if let offset = Self.firstNUL(row.fieldBytes, range) {
            return RecordBatch.Rejection(reason: "\(header.label(field)): a NUL byte (0x00) in the text", field: field,
                                         column: row.fieldColumns[column] + offset)
        }
        do throws(TextEncoding.DecodingError) {
            if encoding == .utf8 {
                try row.fieldBytes.withUnsafeBufferPointer { buffer throws(TextEncoding.DecodingError) in
                    try TextEncoding.validateUTF8(UnsafeBufferPointer(rebasing: buffer[range]))
                }
                values.set(field, range: range, column: row.fieldColumns[column])
            } else {
                values.append(field, utf8: try encoding.decode(row.field(column)).utf8, column: row.fieldColumns[column])
            }
        } catch {
            return RecordBatch.Rejection(reason: "\(header.label(field)): \(error.message)", field: field,
                                         column: row.fieldColumns[column] + error.offset)
        }
        return nil
    }

    /// Whether every byte is ASCII and none is NUL, 16 bytes at a time.
    static func isPlainASCII(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            var index = 0
            let zero = SIMD16<UInt8>(repeating: 0), high = SIMD16<UInt8>(repeating: 0x80)
            while index + 16 <= raw.count {
                let block = raw.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self)
                if any((block .== zero) .| (block .>= high)) { return false }
                index += 16
            }
            while index < raw.count {
                let byte = raw[index]
                if byte == 0 || byte >= 0x80 { return false }
                index += 1
            }
            return true
        }
    }

    /// The offset of the first NUL byte in `range`, found with memchr.
    static func firstNUL(_ bytes: [UInt8], _ range: Range<Int>) -> Int? {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, !range.isEmpty, let hit = memchr(base + range.lowerBound, 0, range.count)
            else { return nil }
            return UnsafeRawPointer(hit) - UnsafeRawPointer(base + range.lowerBound)
        }
    }

    private mutating func readHeader(_ row: CSVRow, sink: inout BatchSink, outcome: inout ReaderOutcome) throws {
        let location = SourceLocation(path: path, line: row.line)
        var headers: [String] = []
        for index in 0..<row.fieldCount {
            do {
                headers.append(try encoding.decode(row.field(index)).trimmedOfWhitespace)
            } catch {
                throw FileFailure(SourceLocation(path: path, line: row.line, column: row.fieldColumns[index] + error.offset),
                                  "header: \(error.message)")
            }
        }
        let map = try HeaderMap(headers: headers, spec: spec, location: location)
        if !map.ignored.isEmpty {
            outcome.notes.append("ignored columns: " + map.ignored.map { "'\($0)'" }.joined(separator: ", "))
        }
        header = map
        sink.labels = map.labels
    }
}

/// UTF-8 validation across chunk boundaries, tracking the line and column of the first bad byte.
struct StreamingUTF8Validator {
    struct Invalid: Error {
        var line: Int
        var column: Int
        var byte: UInt8
    }

    private(set) var line = 1
    private var column = 0
    private var automaton = UTF8Automaton()
    private var sequenceColumn = 0
    private var sequenceLead: UInt8 = 0

    var endsInsideSequence: Bool { automaton.isInsideSequence }

    mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>) -> Invalid? {
        for byte in chunk {
            column += 1
            switch automaton.step(byte) {
            case .valid:
                if byte == 0x0A {
                    line += 1
                    column = 0
                }
            case .sequenceStart:
                sequenceColumn = column
                sequenceLead = byte
            case .invalidStart:
                return Invalid(line: line, column: column, byte: byte)
            case .brokenSequence:
                return Invalid(line: line, column: sequenceColumn, byte: sequenceLead)
            }
        }
        return nil
    }
}
