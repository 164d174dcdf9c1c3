import Domain

/// One record of a sampled export: its fields as text, at its line (a CSV file's physical line,
/// a sheet's row number).
public struct SampledRecord: Sendable, Hashable {
    public var line: Int
    public var fields: [String]

    public init(line: Int, fields: [String]) {
        self.line = line
        self.fields = fields
    }
}

/// What `stagebalans init` reads of a CSV export before it knows the export's kind: the file is
/// opened as `run` opens it (`RegularFile`: regular files only, `confine_paths`), cut by the same
/// tokenizer with the same limits (a record over `max_record_bytes` or `max_fields` rejects the
/// file), and read no further than `maxBytes` and `maxRecords`.
public struct CSVSampler: Sendable {
    /// How sure the encoding is, from the bytes sampled.
    public enum Encoding: Sendable, Equatable {
        /// A UTF-8 byte order mark (`run` reads the file as UTF-8 whatever follows); the line
        /// of the first byte that is not UTF-8 after it, if any (its record is quarantined).
        case utf8BOM(invalidLine: Int?)
        /// Valid UTF-8 throughout; the line of the first non-ASCII character, if any.
        case utf8(nonASCIILine: Int?)
        /// Not UTF-8, and every byte above 0x7F reads in Windows-1252 as a letter, a space, or a
        /// sign that stands apart from letters (`25 €`): what Excel on Windows writes.
        case windows1252(nonASCIILine: Int)
        /// Neither: the byte that decides it, and why.
        case undecided(line: Int, column: Int, byte: UInt8, why: String)

        /// The encoding to read the sample in (the undecided as Windows-1252, bytes never lost).
        public var reading: TextEncoding {
            switch self {
            case .utf8BOM, .utf8: .utf8
            case .windows1252, .undecided: .windows1252
            }
        }
    }

    public struct Sniff: Sendable {
        public var encoding: Encoding
        /// Whether the encoding was checked on the whole file (not only its first `maxBytes`).
        public var checkedWholeFile: Bool
        /// Per candidate delimiter (`;`, `,`, tab), the first non-blank records of the file's head.
        public var heads: [(delimiter: UInt8, records: [[String]])]
    }

    public var path: String
    public var limits: Limits
    public var policy: InputPolicy
    public var maxBytes: Int
    public var maxRecords: Int

    public init(path: String, limits: Limits = Limits(), policy: InputPolicy = InputPolicy(), maxBytes: Int = 32 << 20,
                maxRecords: Int = 5_000) {
        self.path = path
        self.limits = limits
        self.policy = policy
        self.maxBytes = maxBytes
        self.maxRecords = maxRecords
    }

    static let candidates: [UInt8] = [UInt8(ascii: ";"), UInt8(ascii: ","), UInt8(ascii: "\t")]
    private static let headBytes = 64 * 1024
    private struct Stop: Error {}

    /// The encoding, and how each candidate delimiter splits the first records.
    public func sniff() throws(FileFailure) -> Sniff {
        let file = try ChunkedFile.opening(path, policy)
        let head = try file.sniff(Self.headBytes)
        try Self.refuseNonText(head, path: path)
        var evidence = EncodingEvidence()
        var seen = 0
        do {
            try file.forEachChunk { chunk in
                evidence.feed(UnsafeBufferPointer(rebasing: chunk.prefix(maxBytes - seen)))
                seen += chunk.count
                if seen >= maxBytes || evidence.isDecided { throw Stop() }
            }
        } catch is Stop {
        } catch {
            throw FileFailure(SourceLocation(path: path, line: 1), (error as? FileReadError)?.message ?? "\(error)")
        }
        let encoding = evidence.conclusion(bom: head.starts(with: [0xEF, 0xBB, 0xBF]))
        let body = Array(head.dropFirst(head.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0))
        let heads = Self.candidates.map { delimiter in
            (delimiter, firstRecords(body, delimiter: delimiter, encoding: encoding.reading))
        }
        return Sniff(encoding: encoding, checkedWholeFile: seen < maxBytes && seen >= file.size, heads: heads)
    }

    /// The first `maxRecords` non-blank records (and a few more, for a title above the header),
    /// decoded; whether they are all of the file's records.
    public func records(delimiter: UInt8, encoding: TextEncoding) throws(FileFailure) -> (records: [SampledRecord], complete: Bool) {
        let file = try ChunkedFile.opening(path, policy)
        var tokenizer = CSVTokenizer(delimiter: delimiter, maxRecordBytes: limits.maxRecordBytes, maxFields: limits.maxFields)
        var records: [SampledRecord] = []
        let wanted = maxRecords + 20
        let emit: (CSVRow) throws -> Void = { row in
            guard !row.isBlank else { return }
            // A field not valid in the encoding is empty here: `run` quarantines its record anyway.
            records.append(SampledRecord(line: row.line, fields: (0..<row.fieldCount).map { (try? encoding.decode(row.field($0))) ?? "" }))
            if records.count >= wanted { throw Stop() }
        }
        var seen = 0, skip = 0
        do {
            if try file.sniff(3).starts(with: [0xEF, 0xBB, 0xBF]) { skip = 3 }
            try file.forEachChunk { chunk in
                let dropped = min(skip, chunk.count)
                skip -= dropped
                try tokenizer.consume(UnsafeBufferPointer(rebasing: chunk[dropped...]), emit: emit)
                seen += chunk.count
                if seen >= maxBytes { throw Stop() }
            }
            try tokenizer.finish(emit: emit)
        } catch is Stop {
            return (records, false)
        } catch let error as CSVTokenizerError {
            throw Self.failure(error, path: path)
        } catch let error as FileFailure {
            throw error
        } catch {
            throw FileFailure(SourceLocation(path: path, line: 1), (error as? FileReadError)?.message ?? "\(error)")
        }
        return (records, true)
    }

    private func firstRecords(_ head: [UInt8], delimiter: UInt8, encoding: TextEncoding) -> [[String]] {
        var tokenizer = CSVTokenizer(delimiter: delimiter, maxRecordBytes: limits.maxRecordBytes, maxFields: limits.maxFields)
        var found: [[String]] = []
        let emit: (CSVRow) throws -> Void = { row in
            guard !row.isBlank else { return }
            found.append((0..<row.fieldCount).map { encoding.decodeForDisplay(row.field($0)) })
            if found.count >= 12 { throw Stop() }
        }
        do {
            try head.withUnsafeBufferPointer { try tokenizer.consume($0, emit: emit) }
            try tokenizer.finish(emit: emit)
        } catch {}
        return found
    }

    static func failure(_ error: CSVTokenizerError, path: String) -> FileFailure {
        switch error {
        case .recordTooLarge(let line, let limit):
            return FileFailure(SourceLocation(path: path, line: line),
                               "record is longer than \(limit) bytes (limits.max_record_bytes); an unterminated quote, or not a CSV file?")
        case .tooManyFields(let line, let limit):
            return FileFailure(SourceLocation(path: path, line: line), "record has more than \(limit) fields (limits.max_fields)")
        }
    }

    /// A file that is no text at all: a workbook, a PDF or binary data named `.csv`, or UTF-16.
    static func refuseNonText(_ head: [UInt8], path: String) throws(FileFailure) {
        let at = SourceLocation(path: path, line: 1, column: 1)
        if head.isEmpty || head.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            throw FileFailure(SourceLocation(path: path, line: 1), "the file is empty: no header line")
        }
        if head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF]) {
            throw FileFailure(at, "the file is UTF-16, which is not supported; save it as 'CSV UTF-8' instead")
        }
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            throw FileFailure(at, "the file is a ZIP archive (an .xlsx workbook?), not CSV text",
                              notes: ["if it is a workbook, name it .xlsx"])
        }
        let control = head.indices.filter { head[$0] < 0x20 && ![0x09, 0x0A, 0x0C, 0x0D].contains(head[$0]) }
        if let first = control.first, control.count * 100 >= head.count {
            let line = 1 + head[..<first].filter { $0 == 0x0A }.count
            let column = first - (head[..<first].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0) + 1
            throw FileFailure(SourceLocation(path: path, line: line, column: column),
                              "byte 0x\(String(head[first], radix: 16, uppercase: true)): the file holds binary data "
                              + "(\(control.count) control bytes in its first \(head.count)), not CSV text",
                              notes: ["export the data again as CSV, or leave this file out of the exports folder"])
        }
    }
}

/// Reads bytes once and tells whether they are UTF-8, plausibly Windows-1252, or neither.
struct EncodingEvidence {
    private var validator = StreamingUTF8Validator()
    private(set) var invalidUTF8: StreamingUTF8Validator.Invalid?
    /// Well-formed multi-byte UTF-8 characters before the first byte that is not UTF-8: text
    /// in Windows-1252 almost never forms one (`Ã©` would), UTF-8 text with one bad byte does.
    private var utf8Characters = 0
    private var line = 1, column = 0
    private var firstNonASCIILine: Int?
    private var previous: UInt8 = 0x0A
    /// A sign right after a letter: implausible if a letter follows it too.
    private var signAfterLetter: (line: Int, column: Int, byte: UInt8)?
    private(set) var implausible: (line: Int, column: Int, byte: UInt8, why: String)?

    /// Once UTF-8 failed and Windows-1252 failed too, nothing more can be learnt.
    var isDecided: Bool { invalidUTF8 != nil && implausible != nil }

    mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>) {
        if invalidUTF8 == nil {
            let bad = validator.feed(bytes)
            // Lead bytes (0xC2–0xF4) of the characters before the bad byte.
            let valid = bad == nil ? bytes.count : (UTF8Validation.firstInvalidOffset(bytes) ?? bytes.count)
            utf8Characters += bytes.prefix(valid).filter { $0 >= 0xC2 && $0 <= 0xF4 }.count
            invalidUTF8 = bad
        }
        for byte in bytes {
            column += 1
            if let sign = signAfterLetter, implausible == nil {
                if Self.isASCIILetter(byte) {
                    implausible = (sign.line, sign.column, sign.byte, "it reads as a sign between two letters in Windows-1252")
                }
                signAfterLetter = nil
            }
            if byte >= 0x80 { classify(byte) }
            if byte == 0x0A {
                line += 1
                column = 0
            }
            previous = byte
        }
    }

    private mutating func classify(_ byte: UInt8) {
        if firstNonASCIILine == nil { firstNonASCIILine = line }
        guard implausible == nil else { return }
        guard let scalar = (try? TextEncoding.windows1252.decode([byte]))?.unicodeScalars.first else {
            implausible = (line, column, byte, "it is not defined in Windows-1252")
            return
        }
        // Letters, the no-break space, apostrophes and dashes may stand inside a word.
        if scalar.properties.isAlphabetic || [0xA0, 0x2018, 0x2019, 0x2013, 0x2014, 0xB7].contains(scalar.value) { return }
        if Self.isASCIILetter(previous) { signAfterLetter = (line, column, byte) }
    }

    private static func isASCIILetter(_ byte: UInt8) -> Bool {
        (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    func conclusion(bom: Bool) -> CSVSampler.Encoding {
        if bom { return .utf8BOM(invalidLine: invalidUTF8?.line) }
        guard let invalid = invalidUTF8 else { return .utf8(nonASCIILine: firstNonASCIILine) }
        if utf8Characters > 0 {
            return .undecided(line: invalid.line, column: invalid.column, byte: invalid.byte,
                              why: "the file is UTF-8 (\(utf8Characters) characters before it) but for this byte")
        }
        if let implausible {
            return .undecided(line: implausible.line, column: implausible.column, byte: implausible.byte,
                              why: "it is not UTF-8, and " + implausible.why)
        }
        return .windows1252(nonASCIILine: firstNonASCIILine ?? invalid.line)
    }
}
