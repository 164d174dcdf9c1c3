@testable import Ingest
import Testing

struct TokenizedRow: Equatable {
    var line: Int
    var fields: [String]
    var columns: [Int]
    var raw: String
    var problem: String?
}

func tokenize(_ text: String, delimiter: Character = ";", chunkSize: Int = 1 << 20) throws -> [TokenizedRow] {
    var tokenizer = CSVTokenizer(delimiter: UInt8(ascii: delimiter.unicodeScalars.first ?? ";"))
    var rows: [TokenizedRow] = []
    let collect: (CSVRow) throws -> Void = { row in
        rows.append(TokenizedRow(line: row.line,
                                 fields: (0..<row.fieldCount).map { String(decoding: row.field($0), as: UTF8.self) },
                                 columns: row.fieldColumns, raw: String(decoding: row.raw, as: UTF8.self), problem: row.problem))
    }
    let bytes = Array(text.utf8)
    var start = 0
    while start < bytes.count {
        let end = min(start + chunkSize, bytes.count)
        try bytes[start..<end].withUnsafeBufferPointer { try tokenizer.consume($0, emit: collect) }
        start = end
    }
    try tokenizer.finish(emit: collect)
    return rows
}

@Suite("CSV tokenizer")
struct CSVTokenizerTests {
    @Test("quoted delimiters, doubled quotes and newlines inside quotes; physical line numbers")
    func quoting() throws {
        let rows = try tokenize("a;\"b;c\";\"say \"\"hi\"\"\"\r\n\"multi\r\nline\nfield\";x;y\r\nlast;1;2")
        #expect(rows.map(\.fields) == [["a", "b;c", "say \"hi\""], ["multi\r\nline\nfield", "x", "y"], ["last", "1", "2"]])
        #expect(rows.map(\.line) == [1, 2, 5])
        #expect(rows[0].columns == [1, 3, 9])
        #expect(rows[1].raw == "\"multi\r\nline\nfield\";x;y")
    }

    @Test("CR, LF and CRLF each end one line", arguments: ["\r", "\n", "\r\n"])
    func lineEndings(terminator: String) throws {
        let rows = try tokenize(["h1;h2", "1;2", "", "3;4"].joined(separator: terminator) + terminator)
        #expect(rows.map(\.line) == [1, 2, 3, 4])
        #expect(rows.map(\.fields) == [["h1", "h2"], ["1", "2"], [""], ["3", "4"]])
    }

    @Test("a trailing delimiter opens an empty field, also at the end of the input")
    func trailingDelimiter() throws {
        #expect(try tokenize("a;b;\nc;d;").map(\.fields) == [["a", "b", ""], ["c", "d", ""]])
    }

    @Test("text after a closing quote is kept and marks the row")
    func textAfterQuote() throws {
        let rows = try tokenize("\"UZ Gent\" campus;x\n")
        #expect(rows[0].fields == ["UZ Gent campus", "x"])
        #expect(rows[0].problem?.contains("after the closing quote") == true)
    }

    @Test("an unterminated quote is reported with the line it opened on")
    func unterminatedQuote() throws {
        let rows = try tokenize("a;b\n\"open;c\nd;e\n")
        #expect(rows.count == 2)
        #expect(rows[1].line == 2)
        #expect(rows[1].problem?.contains("opened on line 2") == true)
    }

    @Test("chunk boundaries never change the result", arguments: [1, 2, 3, 5, 7, 64])
    func chunkIndependence(chunkSize: Int) throws {
        let text = "h1;h2;h3\r\n\"a;\"\"q\"\"\r\nz\";b;\r\n\rc;\"\";\"d\"\n;;\r\n\"x\" y;2;3"
        #expect(try tokenize(text, chunkSize: chunkSize) == tokenize(text))
    }

    @Test("a record over the size limit stops the file")
    func recordLimit() throws {
        var tokenizer = CSVTokenizer(delimiter: UInt8(ascii: ";"), maxRecordBytes: 100)
        let bytes = Array(("\"" + String(repeating: "x", count: 500)).utf8)
        #expect(throws: CSVTokenizerError.recordTooLarge(line: 1, limit: 100)) {
            try bytes.withUnsafeBufferPointer { try tokenizer.consume($0) { _ in } }
        }
    }

    @Test("a record with too many fields stops the file")
    func fieldLimit() throws {
        var tokenizer = CSVTokenizer(delimiter: UInt8(ascii: ";"), maxFields: 10)
        let bytes = Array((String(repeating: ";", count: 50) + "\n").utf8)
        #expect(throws: CSVTokenizerError.tooManyFields(line: 1, limit: 10)) {
            try bytes.withUnsafeBufferPointer { try tokenizer.consume($0) { _ in } }
        }
    }
}
