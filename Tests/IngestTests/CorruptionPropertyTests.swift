import Foundation
@testable import Ingest
import Domain
import Testing

/// SplitMix64: a seedable generator, so that a failing case can be replayed from its seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// An independent count of CSV records, byte by byte in one pass, with the same dialect rules
/// as the tokenizer (a quote opens a quoted field only at a field's start; CR, LF and CRLF end
/// a record outside quotes). Used to show that ingest accounts for every record.
func referenceRecordCount(_ bytes: [UInt8], delimiter: UInt8) -> Int {
    var records = 0
    var inQuotes = false
    var atFieldStart = true
    var recordOpen = false
    var index = 0
    while index < bytes.count {
        let byte = bytes[index]
        recordOpen = true
        if inQuotes {
            if byte == UInt8(ascii: "\"") {
                if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\"") {
                    index += 1
                } else {
                    inQuotes = false
                }
            }
        } else if byte == UInt8(ascii: "\"") && atFieldStart {
            inQuotes = true
            atFieldStart = false
        } else if byte == delimiter {
            atFieldStart = true
        } else if byte == 0x0A || byte == 0x0D {
            records += 1
            recordOpen = false
            atFieldStart = true
            if byte == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A { index += 1 }
        } else {
            atFieldStart = false
        }
        index += 1
    }
    return records + (recordOpen ? 1 : 0)
}

@Suite("Random corruption")
struct CorruptionPropertyTests {
    static let alphabet: [UInt8] = Array("\",;\r\n\t x0/%é".utf8) + [0x00, 0xFF, 0x81, 0xE9]

    func corrupt(_ original: [UInt8], using generator: inout SeededGenerator) -> [UInt8] {
        var bytes = original
        for _ in 0..<Int.random(in: 1...8, using: &generator) {
            guard !bytes.isEmpty else { break }
            let position = Int.random(in: 0..<bytes.count, using: &generator)
            let byte = Self.alphabet.randomElement(using: &generator) ?? 0
            switch Int.random(in: 0..<4, using: &generator) {
            case 0: bytes[position] = byte
            case 1: bytes.insert(byte, at: position)
            case 2: bytes.remove(at: position)
            default:
                let length = min(Int.random(in: 1...40, using: &generator), bytes.count - position)
                bytes.insert(contentsOf: bytes[position..<position + length], at: Int.random(in: 0...bytes.count, using: &generator))
            }
        }
        return bytes
    }

    @Test("random corruption of a CSV never crashes and never loses a row", arguments: 0..<4)
    func corruption(batch: Int) throws {
        let original = try Array(Data(contentsOf: URL(fileURLWithPath: Fixture.path("csv/evaluations_bom_comma.csv"))))
        let folder = try temporaryFile("seed.csv", []).folder
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var compared = 0
        for round in 0..<100 {
            let seed = UInt64(batch * 1_000 + round)
            var generator = SeededGenerator(state: seed)
            let bytes = corrupt(original, using: &generator)
            let path = folder + "/corrupt-\(seed).csv"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let encoding: EncodingChoice = round.isMultiple(of: 2) ? .auto : .fixed(.windows1252)
            let result = try ingest(try csvSpec(.evaluations, path, encoding: encoding, delimiter: .fixed(UInt8(ascii: ","))))
            if result.report.rejection == nil {
                compared += 1
                let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
                let expected = referenceRecordCount(body, delimiter: UInt8(ascii: ","))
                let counted = result.report.read + result.report.blankRows + 1
                #expect(counted == expected, "seed \(seed): the header, blank rows and records read must be every record")
                let lines = result.accepted.map { event -> Int in
                    if case .evaluation(let record) = event { return record.source.line } else { return 0 }
                } + result.quarantined.map(\.source.line)
                #expect(Set(lines).count == lines.count, "seed \(seed): two records on one line")
            }
            try? FileManager.default.removeItem(atPath: path)
        }
        #expect(compared >= 50, "most corrupted files must still be read, or the property says nothing")
    }
}
