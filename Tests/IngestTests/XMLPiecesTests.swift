import Foundation
@testable import Ingest
import Domain
import Testing

/// A large XML file parsed in pieces on several threads gives exactly what a front-to-back
/// read gives: the same records, lines, quarantine and rejection; and where a cut could fall
/// inside a comment, a CDATA section or another shape than a flat list of records, the pieces
/// give up and the file is read again.
@Suite("XML in pieces")
struct XMLPiecesTests {
    /// As `Ingester` cuts a small file with `.always`: at least 16 KB.
    static let pieceBytes = 16 << 10

    func spec(_ path: String, namespace: String? = nil) -> SourceSpec {
        xmlSpec(.roster, path, record: XMLName(namespaceURI: namespace, localName: "student"),
                fields: [.student: element(attribute: "id"), .cohort: element("cohort", namespace: namespace),
                         .masterYear: element("jaar", namespace: namespace)])
    }

    /// `count` records, one per line; `between(i)` is written after record i.
    static func records(_ count: Int, prefix: String = "", between: (Int) -> String = { _ in "" }) -> String {
        (0..<count).map { index in
            let year = index % 37 == 5 ? "zeven" : String(index % 6 + 1)
            return "<\(prefix)student id=\"r\(1_000_000 + index)\"><\(prefix)cohort>20\(index % 30)</\(prefix)cohort>"
                + "<\(prefix)jaar>\(year)</\(prefix)jaar></\(prefix)student>\n" + between(index)
        }.joined()
    }

    struct Reading: Equatable {
        var events: [String]
        var report: FileReport
    }

    func read(_ spec: SourceSpec, _ threading: Ingester.Threading) throws -> Reading {
        var events: [String] = []
        let report = try Ingester(spec: spec, threading: threading).ingest(file: spec.files[0]) { event in
            switch event {
            case .accepted(let record): events.append("accepted \(record)")
            case .quarantined(let record): events.append("quarantined \(record)")
            }
        }
        return Reading(events: events, report: report)
    }

    /// How the pieces read the file, straight through `XMLPieces`; nil for a file rejected whole.
    func route(_ spec: SourceSpec, pieceBytes: Int = Self.pieceBytes) throws -> XMLPieces.Route? {
        guard case .xml(let settings) = spec.format else { throw CancellationError() }
        let reader = XMLSourceReader(spec: spec, settings: settings, path: spec.files[0], pieceBytes: pieceBytes)
        var sink = BatchSink { _, _ in true }
        var outcome = ReaderOutcome()
        do {
            let file = try ChunkedFile.opening(reader.path, InputPolicy())
            return try XMLPieces(reader: reader, pieceBytes: pieceBytes).read(file, into: &sink, outcome: &outcome)
        } catch is FileFailure {
            return nil
        }
    }

    /// Writes `xml`, reads it whole and in pieces, and returns the whole reading and the route.
    func compare(_ xml: String, encoding: String.Encoding = .utf8, namespace: String? = nil,
                 sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> (Reading, XMLPieces.Route?) {
        let bytes = try #require(xml.data(using: encoding))
        let (path, folder) = try temporaryFile("export.xml", Array(bytes))
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let spec = spec(path, namespace: namespace)
        let whole = try read(spec, .never)
        let pieces = try read(spec, .always)
        #expect(whole.report == pieces.report, sourceLocation: sourceLocation)
        #expect(whole.events.count == pieces.events.count, sourceLocation: sourceLocation)
        for (index, (a, b)) in zip(whole.events, pieces.events).enumerated() where a != b {
            Issue.record("event \(index) differs:\n\(a)\n\(b)", sourceLocation: sourceLocation)
            break
        }
        return (whole, try route(spec))
    }

    @Test("a plain export: many pieces, the same records and lines as one front-to-back read")
    func plain() throws {
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- export -->\n<studenten xmlns=\"urn:x\">\n"
            + Self.records(3_000) + "</studenten>\n"
        let (whole, route) = try compare(xml)
        guard case .pieces(let starts)? = route else {
            Issue.record("read as \(route), not in pieces")
            return
        }
        #expect(starts.count > 10)
        #expect(whole.report.read == 3_000 && whole.report.quarantined == (0..<3_000).filter { $0 % 37 == 5 }.count)
        #expect(whole.events[2_999].contains("r1002999") && whole.events[2_999].contains("export.xml:3003"))
    }

    @Test("prefixed records, a DOCTYPE, start tags over two lines, no trailing newline")
    func prefixedAndMultiline() throws {
        let body = Self.records(3_000, prefix: "s:").replacingOccurrences(of: "<s:student id", with: "<s:student\n  id")
        let xml = "<!DOCTYPE s:studenten>\n<s:studenten xmlns:s=\"urn:s\"\n   xmlns:t=\"urn:t\">" + body + "</s:studenten>"
        let (whole, route) = try compare(xml, namespace: "urn:s")
        #expect(whole.report.read == 3_000)
        #expect(route?.isPieces == true, "not read in pieces")
    }

    @Test("record start tags inside comments and CDATA: the pieces give up, nothing changes")
    func startTagsInCommentsAndCDATA() throws {
        let decoy = String(repeating: "<student id=\"fake\"><cohort>x</cohort></student> ", count: 12)
        let comments = "<studenten>\n" + Self.records(2_000) { $0 % 3 == 0 ? "<!-- \(decoy) -->\n" : "" } + "</studenten>\n"
        let (commented, commentRoute) = try compare(comments)
        #expect(commented.report.read == 2_000)
        #expect(commentRoute?.isReadAgain == true, "a cut inside a comment went unnoticed")

        let cdata = "<studenten>\n" + Self.records(2_000).replacingOccurrences(
            of: "<cohort>2010</cohort>", with: "<cohort><![CDATA[\(decoy)]]></cohort>") + "</studenten>\n"
        let (withCDATA, cdataRoute) = try compare(cdata)
        #expect(withCDATA.report.read == 2_000)
        #expect(cdataRoute?.isReadAgain == true, "a cut inside CDATA went unnoticed")
    }

    @Test("records in groups, or followed by other elements: read again, the same records")
    func otherShapes() throws {
        let groups = "<studenten>\n" + (0..<8).map { group in
            "<groep nr=\"\(group)\">\n" + Self.records(400) + "</groep>\n"
        }.joined() + "</studenten>\n"
        let (grouped, groupRoute) = try compare(groups)
        #expect(grouped.report.read == 3_200)
        #expect(groupRoute?.isReadAgain == true, "records in groups were not read again")
        // Elements after the records (a footer, a nested record in it) end the last piece, which
        // is read as is: no read again.
        let trailing = "<studenten>\n" + Self.records(3_000)
            + "<samenvatting><student id=\"r9\"><cohort>2024</cohort></student></samenvatting>\n</studenten>\n"
        let (trailed, trailingRoute) = try compare(trailing)
        #expect(trailed.report.read == 3_001)
        #expect(trailingRoute?.isPieces == true, "a file with a footer was not read in pieces")
    }

    @Test("malformed XML or an entity reference anywhere in the file: the same records, then the same rejection")
    func lateFailures() throws {
        // Errors just after each cut, where it matters most: a read again must hand on exactly
        // the records a front-to-back read gives before it stops at libxml2's look-ahead (without
        // a piece held back, the pieces had handed on a few records more).
        let xml = Array(("<studenten>\n" + Self.records(3_000) + "</studenten>\n").utf8)
        let (path, folder) = try temporaryFile("export.xml", xml)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        guard case .pieces(let cuts)? = try route(spec(path), pieceBytes: xml.count / 8) else {
            Issue.record("the intact file was not read in pieces")
            return
        }
        #expect(cuts.count >= 8)
        let closing = Array("</jaar>".utf8)
        for cut in cuts.dropFirst() {
            for recordsAfterCut in [0, 1, 3] {
                // An end tag misspelled at the same length, so that the cuts stay where they are.
                var broken = xml
                var at = cut
                for _ in 0...recordsAfterCut {
                    at = try #require(broken[at...].firstRange(of: closing)).upperBound
                }
                broken[at - 2] = UInt8(ascii: "q")
                let (whole, route) = try compare(String(decoding: broken, as: UTF8.self))
                #expect(route == nil && whole.report.rejection != nil)
            }
        }
        let entity = "<!DOCTYPE studenten [<!ENTITY jaar \"3\">]>\n<studenten>\n"
            + Self.records(3_000) { $0 == 2_600 ? "<student id=\"y\"><jaar>&jaar;</jaar></student>\n" : "" } + "</studenten>\n"
        let (withEntity, _) = try compare(entity)
        #expect(withEntity.report.rejection?.message.contains("&jaar;") == true)
    }

    @Test("the hostile and broken fixtures give the same rejections in pieces", arguments: [
        "billion_laughs.xml", "quadratic_blowup.xml", "malformed.xml", "declared_latin1.xml",
    ])
    func hostileFixtures(name: String) throws {
        let path = try Fixture.path("xml/" + name)
        let hostile = rosterSpec(path)
        let whole = try read(hostile, .never)
        let pieces = try read(hostile, .always)
        #expect(whole == pieces)
        #expect(name == "declared_latin1.xml" || whole.report.rejection != nil)
    }

    @Test("a file cut short while its pieces are read is rejected whole")
    func truncatedWhileRead() throws {
        let xml = "<studenten>\n" + Self.records(60_000) + "</studenten>\n"
        let (path, folder) = try temporaryFile("shrinking.xml", Array(xml.utf8))
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var truncated = false
        let report = try Ingester(spec: spec(path), threading: .always).ingest(file: path) { _ in
            if !truncated {
                truncated = true
                _ = truncate(path, 200)
            }
        }
        let message = try #require(report.rejection?.message)
        #expect(message.contains("the file shrank while it was read"), "\(message)")
    }

    @Test("UTF-16 is read front to back")
    func utf16() throws {
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<studenten>\n" + Self.records(2_000) + "</studenten>\n"
        let (whole, route) = try compare(xml, encoding: .utf16)
        #expect(whole.report.read == 2_000)
        #expect(route == .whole)
    }
}

extension XMLPieces.Route {
    var isPieces: Bool { if case .pieces = self { true } else { false } }
    var isReadAgain: Bool { if case .readAgain = self { true } else { false } }
}
