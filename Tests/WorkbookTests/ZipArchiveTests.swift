import Domain
import Foundation
@testable import Ingest
import Pipeline
import Testing
import ZipReading

/// The ZIP layer on its own: parts read, and the bytes parsed held to the bytes hashed.
@Suite("ZIP archives")
struct ZipArchiveTests {
    static func archive(_ bytes: [UInt8]) throws -> ZipArchive {
        try ZipArchive(size: bytes.count) { (offset, buffer) throws(ZipFailure) -> Int in
            let count = max(0, min(buffer.count, bytes.count - offset))
            bytes.withUnsafeBytes { source in
                if count > 0 { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<offset + count])) }
            }
            return count
        }
    }

    static func contents(_ reader: ZipEntryReader) throws -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 7)
        while true {
            let count = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
            if count == 0 { return out }
            out += buffer[0..<count]
        }
    }

    static let entries = [ZipBuilder.Entry("a.xml", String(repeating: "<a>stagebalans</a>", count: 500)),
                          ZipBuilder.Entry("b.txt", "stored as it is", deflated: false)]

    @Test("deflated and stored entries read back whole, in pieces of any size")
    func readBack() throws {
        let archive = try Self.archive(ZipBuilder(Self.entries).build())
        #expect(archive.entries.map(\.name) == ["a.xml", "b.txt"])
        #expect(try Self.contents(archive.open(try #require(archive.entry(named: "A.XML")))) == Self.entries[0].data)
        #expect(try Self.contents(archive.open(try #require(archive.entry(named: "b.txt")))) == Self.entries[1].data)
    }

    @Test("ZIP64 records (sizes and offsets in the extra field, the ZIP64 end record) read as the plain ones")
    func zip64() throws {
        let archive = try Self.archive(ZipBuilder(Self.entries, zip64: true).build())
        #expect(archive.entries.map(\.name) == ["a.xml", "b.txt"])
        #expect(try Self.contents(archive.open(try #require(archive.entry(named: "a.xml")))) == Self.entries[0].data)
        #expect(try read(.roster, bytes: ZipBuilder(HostileWorkbookTests.workbook(), zip64: true).build()).roster.map(\.student) == ["r1"])
    }

    @Test("the hashing pass and the parse must see the same bytes: a changed entry or directory fails")
    func changedBetweenReads() throws {
        let bytes = ZipBuilder(Self.entries).build()
        // The hashing pass saw bytes that differ from the ones parsed in entry b's data.
        var seen = bytes
        let stored = try #require((0..<bytes.count).first { bytes[$0...].starts(with: Array("stored as".utf8)) })
        seen[stored] = UInt8(ascii: "S")
        let archive = try Self.archive(bytes)
        seen.withUnsafeBytes { archive.absorb($0) }
        try archive.finishAbsorbing()
        #expect(try Self.contents(archive.open(try #require(archive.entry(named: "a.xml")))) == Self.entries[0].data)
        #expect(throws: ZipFailure(.changed, "the file changed while it was read: its bytes differ between two reads; is another program writing it?")) {
            try Self.contents(archive.open(try #require(archive.entry(named: "b.txt"))))
        }
        // In the directory: the pass itself fails.
        var directory = bytes
        directory[bytes.count - 30] ^= 0xFF
        let other = try Self.archive(bytes)
        directory.withUnsafeBytes { other.absorb($0) }
        #expect(throws: ZipFailure.self) { try other.finishAbsorbing() }
    }

    @Test("the observer sees exactly the .xlsx file's bytes, once, in order; the records are read")
    func observedBytes() throws {
        final class Collector: ByteObserver, @unchecked Sendable {
            var bytes: [UInt8] = []
            func observe(_ chunk: UnsafeRawBufferPointer) { bytes += chunk }
            func digestSoFar() -> [UInt8] { [] }
            func restart() { bytes = [] }
        }
        let workbook = ZipBuilder(HostileWorkbookTests.workbook()).build()
        let folder = try TestFolder()
        defer { folder.remove() }
        let path = try folder.write("book.xlsx", workbook)
        for threading in [Ingester.Threading.never, .always] {
            let collector = Collector()
            let result = try read(xlsxSpec(.roster, path), threading: threading, observer: collector)
            #expect(collector.bytes == workbook)
            #expect(result.roster.map(\.student) == ["r1"])
            #expect(result.report.bytes == workbook.count && result.report.identity != nil)
        }
    }
}

/// SPEC §7 for a workbook as for any input: a regular file, confined on the descriptor opened.
@Suite("Workbook files")
struct WorkbookFileTests {
    @Test("a FIFO named .xlsx is refused before a byte is read; confine_paths is checked on the file opened")
    func regularFilesOnly() throws {
        let folder = try TestFolder()
        defer { folder.remove() }
        let fifo = folder.path + "/pipe.xlsx"
        #expect(mkfifo(fifo, 0o600) == 0)
        let started = ContinuousClock.now
        let piped = try read(xlsxSpec(.roster, fifo))
        #expect(piped.report.rejection?.message == "is a FIFO (named pipe), not a regular file; only regular files are read")
        #expect(ContinuousClock.now - started < .seconds(5))
        let outside = try TestFolder()
        defer { outside.remove() }
        let target = try outside.write("other.xlsx", ZipBuilder(HostileWorkbookTests.workbook()).build())
        let link = folder.path + "/book.xlsx"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let spec = xlsxSpec(.roster, link)
        var accepted = 0
        let report = try Ingester(spec: spec, threading: .never, policy: InputPolicy(confinedTo: folder.path)).ingest(file: link) { event in
            if case .accepted = event { accepted += 1 }
        }
        #expect(accepted == 0)
        #expect(report.rejection?.message.hasPrefix("the file opened is \(target), outside the definition's folder \(folder.path); "
                                                    + "confine_paths: true forbids that") == true, "\(report.rejection?.description ?? "")")
    }
}
