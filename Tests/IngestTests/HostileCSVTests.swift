import Foundation
@testable import Ingest
import Domain
import Testing

/// Broken and hostile CSV exports: each ends in a clear error or quarantine, within bounded
/// time and memory (the limits of the definition, with their safe defaults).
@Suite("Hostile CSV")
struct HostileCSVTests {
    static let header = "Student ID,Site,Discipline,Start Date,END DATE,Evaluator Role,Status,Final score\n"
    static let row = "r1,UZ Gent,cardiologie,2025-09-01,2025-09-28,supervisor,final,14\n"

    func file(_ name: String, _ write: (FileHandle) throws -> Void) throws -> String {
        let folder = try temporaryFolder()
        let path = folder + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try write(handle)
        try handle.close()
        return path
    }

    /// Peak resident memory of this process so far, in MB.
    func peakMB() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss / 1024
    }

    func rejection(_ path: String) throws -> String? {
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        return try ingest(try csvSpec(.evaluations, path, delimiter: .fixed(UInt8(ascii: ",")))).report.rejection?.message
    }

    @Test("a 100 MB single field: the file is rejected at the record limit, memory stays bounded")
    func hugeField() throws {
        let path = try file("field.csv") { handle in
            handle.write(Data((Self.header + Self.row + "r2,\"").utf8))
            let block = Data(repeating: UInt8(ascii: "x"), count: 1 << 20)
            for _ in 0..<100 { handle.write(block) }
            handle.write(Data(("\",cardiologie,2025-09-01,2025-09-28,supervisor,final,14\n" + Self.row).utf8))
        }
        let message = try rejection(path)
        #expect(message?.contains("record is longer than 1048576 bytes (limits.max_record_bytes)") == true, "\(message ?? "")")
        #expect(peakMB() < 1024)
    }

    @Test("an unterminated quote at the start of a 100 MB file: rejected as such, not read to the end into memory")
    func unterminatedQuote() throws {
        let path = try file("quote.csv") { handle in
            handle.write(Data((Self.header + "\"").utf8))
            let block = Data(String(repeating: Self.row, count: 16_000).utf8)
            for _ in 0..<(100 * (1 << 20) / block.count) { handle.write(block) }
        }
        let message = try rejection(path)
        #expect(message?.contains("an unterminated quote?") == true, "\(message ?? "")")
        #expect(peakMB() < 1024)
    }

    @Test("a million columns: rejected at the field limit")
    func millionColumns() throws {
        let path = try file("columns.csv") { handle in
            handle.write(Data(Self.header.utf8))
            handle.write(Data(String(repeating: "a,", count: 999_999).utf8))
            handle.write(Data(("a\n" + Self.row).utf8))
        }
        let message = try rejection(path)
        #expect(message?.contains("record has more than 1000 fields (limits.max_fields)") == true, "\(message ?? "")")
    }

    @Test("NUL bytes in a field: that row is quarantined with the byte's column, the others are read")
    func nulBytes() throws {
        let path = try file("nul.csv") { handle in
            handle.write(Data((Self.header + Self.row + "r3,UZ\u{0}Gent,cardiologie,2025-09-01,2025-09-28,supervisor,final,14\n" + Self.row).utf8))
        }
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let result = try ingest(try csvSpec(.evaluations, path, delimiter: .fixed(UInt8(ascii: ","))))
        #expect(result.report.accepted == 2 && result.report.quarantined == 1)
        let bad = try #require(result.quarantined(atLine: 3))
        #expect(bad.reason.contains("a NUL byte (0x00)") && bad.source.column == 6)
    }

    @Test("mixed encodings, UTF-16 and an empty file are rejected whole with what to do")
    func encodings() throws {
        let mixed = try file("mixed.csv") { handle in
            handle.write(Data((Self.header + Self.row).utf8))
            // A row saved as Latin-1 among UTF-8 ones.
            handle.write(Data([UInt8]("r4,H".utf8) + [0xF4] + [UInt8]("pital,cardiologie,2025-09-01,2025-09-28,supervisor,final,14\n".utf8)))
            handle.write(Data("r5,H\u{F4}pital,cardiologie,2025-09-01,2025-09-28,supervisor,final,14\n".utf8))
        }
        #expect(try rejection(mixed)?.contains("byte 0xF4 is not UTF-8 and the definition names no encoding") == true)
        let utf16 = try file("utf16.csv") { handle in
            handle.write(Data([0xFF, 0xFE]) + Data((Self.header + Self.row).utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }))
        }
        #expect(try rejection(utf16)?.contains("the file is UTF-16") == true)
        let empty = try file("empty.csv") { _ in }
        #expect(try rejection(empty)?.contains("the file is empty") == true)
    }

    @Test("paths with spaces and non-ASCII names are read like any other")
    func oddPaths() throws {
        let path = try file("Stage évaluaties 2025 (kopie).csv") { handle in
            handle.write(Data((Self.header + Self.row).utf8))
        }
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let result = try ingest(try csvSpec(.evaluations, path, delimiter: .fixed(UInt8(ascii: ","))))
        #expect(result.report.accepted == 1 && result.report.rejection == nil)
        #expect(result.evaluations.first?.source.path == path)
    }

    @Test("a file truncated while it is being read is rejected whole: its records are not to be trusted")
    func truncatedWhileRead() throws {
        let path = try file("growing.csv") { handle in
            handle.write(Data((Self.header + String(repeating: Self.row, count: 50_000)).utf8))
        }
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let spec = try csvSpec(.evaluations, path, delimiter: .fixed(UInt8(ascii: ",")))
        var truncated = false
        let report = try Ingester(spec: spec, threading: .never).ingest(file: path) { _ in
            // Another program cuts the file short while the first megabyte is being typed.
            if !truncated {
                truncated = true
                _ = truncate(path, 100)
            }
        }
        let message = try #require(report.rejection?.message)
        #expect(message.contains("the file shrank while it was read"), "\(message)")
    }

    @Test("a file that disappears before it is read is rejected whole, with its path")
    func vanished() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try ingest(try csvSpec(.evaluations, folder + "/gone.csv", delimiter: .fixed(UInt8(ascii: ","))))
        #expect(result.report.rejection?.message.contains("cannot open") == true)
    }
}

func temporaryFolder() throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stagebalans-hostile-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    return folder
}
