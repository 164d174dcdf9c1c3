import Foundation
@testable import Ingest
import Domain
import Testing

/// Ingest hands every byte it reads to its `ByteObserver` once, in the file's order, whichever
/// way the file is read (CSV inline or threaded, XML whole, in pieces, or read again after a
/// piece in doubt): the Pipeline module hashes them, and the digest recorded is then that of the
/// bytes the records came from. A read again must read the bytes the pieces read.
@Suite("Bytes observed while read")
struct ByteObserverTests {
    /// Keeps the bytes themselves: the "digest" so far is the bytes so far.
    final class Copying: ByteObserver, @unchecked Sendable {
        var bytes: [UInt8] = []
        var restarts = 0
        /// Called before a read again (to change the file between the pieces and that read).
        var onRestart: (() -> Void)?

        func observe(_ chunk: UnsafeRawBufferPointer) { bytes.append(contentsOf: chunk) }
        func digestSoFar() -> [UInt8] { bytes }
        func restart() {
            restarts += 1
            bytes = []
            onRestart?()
        }
    }

    let xml = XMLPiecesTests()

    func observed(_ spec: SourceSpec, _ threading: Ingester.Threading) throws -> (Copying, FileReport) {
        let observer = Copying()
        let report = try Ingester(spec: spec, threading: threading).ingest(file: spec.files[0], observer: observer) { _ in }
        return (observer, report)
    }

    @Test("CSV inline and threaded, XML whole, in pieces and read again: the observer sees exactly the file's bytes")
    func everyRoute() throws {
        let csv = "\u{FEFF}Student ID;Cohort;Master year\n" + (0..<40_000).map { "r\($0);2024;\($0 % 6 + 1)\n" }.joined()
        let (csvPath, csvFolder) = try temporaryFile("roster.csv", Array(csv.utf8))
        defer { try? FileManager.default.removeItem(atPath: csvFolder) }
        for threading in [Ingester.Threading.never, .always] {
            let (observer, report) = try observed(try csvSpec(.roster, csvPath), threading)
            #expect(report.rejection == nil && report.read == 40_000)
            #expect(observer.bytes == Array(csv.utf8), "CSV \(threading)")
        }
        let plain = "<studenten>\n" + XMLPiecesTests.records(3_000) + "</studenten>\n"
        let grouped = "<studenten>\n" + (0..<8).map { "<groep nr=\"\($0)\">\n" + XMLPiecesTests.records(400) + "</groep>\n" }
            .joined() + "</studenten>\n"
        for (name, text, route) in [("plain", plain, "pieces"), ("grouped", grouped, "read again")] {
            let (path, folder) = try temporaryFile(name + ".xml", Array(text.utf8))
            defer { try? FileManager.default.removeItem(atPath: folder) }
            for threading in [Ingester.Threading.never, .always] {
                let (observer, report) = try observed(xml.spec(path), threading)
                #expect(report.rejection == nil, "\(name): \(String(describing: report.rejection))")
                #expect(observer.bytes == Array(text.utf8), "\(name) \(threading)")
                #expect(observer.restarts == (threading == .always && route == "read again" ? 1 : 0), "\(name) \(threading)")
            }
        }
    }

    @Test("a file written between the pieces and their read again: rejected, the bytes differ")
    func changedBeforeReadAgain() throws {
        // Plain records, then a comment of decoy start tags longer than a piece: a cut falls in
        // it, that piece gives up after a dozen good ones, and the file is read again.
        let decoys = "<!-- " + String(repeating: "<student id=\"fake\"><cohort>x</cohort></student> ", count: 800) + " -->\n"
        let text = "<studenten>\n" + XMLPiecesTests.records(3_000) { $0 == 2_500 ? decoys : "" } + "</studenten>\n"
        let (path, folder) = try temporaryFile("late-doubt.xml", Array(text.utf8))
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(try xml.route(xml.spec(path))?.isReadAgain == true)
        let unchanged = try observed(xml.spec(path), .always)
        #expect(unchanged.1.rejection == nil && unchanged.0.bytes == Array(text.utf8) && unchanged.0.restarts == 1)

        let observer = Copying()
        observer.onRestart = {
            // The first record's id, r1000000, becomes r9000000: same size, inside what the pieces read.
            guard let handle = FileHandle(forWritingAtPath: path) else { return }
            handle.seek(toFileOffset: UInt64(Array(text.utf8).firstRange(of: Array("r1000000".utf8))?.lowerBound ?? 0) + 1)
            handle.write(Data("9".utf8))
            try? handle.close()
        }
        let report = try Ingester(spec: xml.spec(path), threading: .always).ingest(file: path, observer: observer) { _ in }
        #expect(observer.restarts == 1)
        let message = try #require(report.rejection?.message)
        #expect(message.contains("the file changed while it was read: its first") && message.contains("differ between two reads"),
                "\(message)")
    }
}
