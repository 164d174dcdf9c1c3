import Foundation
@testable import Ingest
import Domain
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Reads `<student><id>…</id></student>` records as roster entries.
func rosterSpec(_ file: String) -> SourceSpec {
    xmlSpec(.roster, file, record: XMLName(namespaceURI: nil, localName: "student"), fields: [.student: element("id")])
}

/// A DOCTYPE must never read a file, open a socket or expand a bomb.
@Suite("Hostile XML")
struct HostileXMLTests {
    @Test("billion laughs is refused at once")
    func billionLaughs() throws {
        let result = try ingest(rosterSpec(try Fixture.path("xml/billion_laughs.xml")))
        #expect(result.report.rejection?.message.contains("entity") == true)
        #expect(result.report.read == 0)
    }

    @Test("a bomb is called an amplification, at its reference's own line and column")
    func amplificationPosition() throws {
        let result = try ingest(rosterSpec(try Fixture.path("xml/billion_laughs.xml")))
        let rejection = try #require(result.report.rejection)
        #expect(rejection.message.contains("amplification"), "\(rejection.message)")
        #expect(!rejection.message.contains("loop"), "\(rejection.message)")
        #expect(rejection.location?.line == 13 && rejection.location?.column == 21, "\(rejection.description)")
    }

    @Test("an entity reference inside a record is reported at the reference itself, line and column")
    func entityPosition() throws {
        let xml = """
        <?xml version="1.0"?>
        <!DOCTYPE lijst [
          <!ENTITY host "AZ Alfa">
        ]>
        <lijst>
          <student>
            <naam>x</naam>
            <cohort>2025</cohort>
            <id>r1 &host;</id>
          </student>
        </lijst>
        """
        let file = try temporaryFile("entity.xml", Array(xml.utf8))
        defer { try? FileManager.default.removeItem(atPath: file.folder) }
        let result = try ingest(rosterSpec(file.path))
        let rejection = try #require(result.report.rejection)
        #expect(rejection.location?.line == 9 && rejection.location?.column == 12, "\(rejection.description)")
        #expect(rejection.message.contains("'&host;'"))
    }

    @Test("quadratic blow-up is refused, never expanded")
    func quadraticBlowup() throws {
        let result = try ingest(rosterSpec(try Fixture.path("xml/quadratic_blowup.xml")))
        #expect(result.report.rejection != nil)
        #expect(result.accepted.isEmpty)
    }

    @Test("an external entity naming a local file is not read")
    func externalFileEntity() throws {
        let secret = try temporaryFile("secret.txt", Array("TOP-SECRET-\(UUID().uuidString)".utf8))
        defer { try? FileManager.default.removeItem(atPath: secret.folder) }
        let xml = """
        <?xml version="1.0"?>
        <!DOCTYPE lijst [ <!ENTITY xxe SYSTEM "file://\(secret.path)"> ]>
        <lijst><student><id>&xxe;</id></student></lijst>
        """
        let file = try temporaryFile("xxe.xml", Array(xml.utf8))
        defer { try? FileManager.default.removeItem(atPath: file.folder) }
        let result = try ingest(rosterSpec(file.path))
        #expect(result.report.rejection?.message.contains("not expanded") == true)
        #expect(result.accepted.isEmpty && result.quarantined.isEmpty)
    }

    @Test("neither an external DTD nor an external entity on 127.0.0.1 is fetched")
    func noNetwork() throws {
        let listener = try LoopbackListener()
        let xmlWithDTD = """
        <?xml version="1.0"?>
        <!DOCTYPE lijst SYSTEM "http://127.0.0.1:\(listener.port)/export.dtd">
        <lijst><student><id>r1</id></student></lijst>
        """
        let dtdFile = try temporaryFile("dtd.xml", Array(xmlWithDTD.utf8))
        defer { try? FileManager.default.removeItem(atPath: dtdFile.folder) }
        let withDTD = try ingest(rosterSpec(dtdFile.path))
        #expect(withDTD.report.rejection == nil, "a DOCTYPE that is never loaded does no harm")
        #expect(withDTD.roster.map(\.student) == ["r1"])

        let xmlWithEntity = """
        <?xml version="1.0"?>
        <!DOCTYPE lijst [ <!ENTITY net SYSTEM "http://127.0.0.1:\(listener.port)/x"> <!ENTITY % pe SYSTEM "http://127.0.0.1:\(listener.port)/pe"> %pe; ]>
        <lijst><student><id>&net;</id></student></lijst>
        """
        let entityFile = try temporaryFile("net.xml", Array(xmlWithEntity.utf8))
        defer { try? FileManager.default.removeItem(atPath: entityFile.folder) }
        let withEntity = try ingest(rosterSpec(entityFile.path))
        #expect(withEntity.accepted.isEmpty)
        #expect(listener.connectionAttempts() == 0)
    }
}

struct ListenerError: Error {}

/// A TCP listener on 127.0.0.1 that counts the connections waiting to be accepted.
final class LoopbackListener {
    let descriptor: Int32
    let port: UInt16

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(descriptor, 16) == 0 else {
            close(descriptor)
            throw ListenerError()
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        self.descriptor = descriptor
        port = UInt16(bigEndian: address.sin_port)
    }

    deinit { close(descriptor) }

    func connectionAttempts() -> Int {
        var count = 0
        while true {
            let client = accept(descriptor, nil, nil)
            if client < 0 { return count }
            close(client)
            count += 1
        }
    }
}

@Suite("Broken XML")
struct BrokenXMLTests {
    @Test("a truncated file is rejected whole at the point where it ends")
    func truncated() throws {
        var xml = "<?xml version=\"1.0\"?>\n<lijst>\n"
        for index in 1...200 { xml += "  <student><id>r\(index)</id></student>\n" }
        let cut = Array(xml.utf8).prefix(xml.utf8.count - 17)
        let file = try temporaryFile("truncated.xml", Array(cut))
        defer { try? FileManager.default.removeItem(atPath: file.folder) }
        let result = try ingest(rosterSpec(file.path))
        let rejection = try #require(result.report.rejection)
        #expect(rejection.location?.line == 202)
        #expect(rejection.message.hasPrefix("XML: "))
    }

    @Test("10,000-deep nesting is refused without HUGE")
    func deepNesting() throws {
        let depth = 10_000
        let xml = "<?xml version=\"1.0\"?>\n" + String(repeating: "<a>", count: depth) + "<student><id>r1</id></student>"
            + String(repeating: "</a>", count: depth)
        let file = try temporaryFile("deep.xml", Array(xml.utf8))
        defer { try? FileManager.default.removeItem(atPath: file.folder) }
        let result = try ingest(rosterSpec(file.path))
        let rejection = try #require(result.report.rejection)
        #expect(rejection.message.contains("depth"))
        #expect(result.accepted.isEmpty)
    }

    @Test("100,000-deep nesting is refused at libxml2's depth limit, after the records before it")
    func deeperNesting() throws {
        let depth = 100_000
        let xml = "<?xml version=\"1.0\"?>\n<lijst>\n<student><id>r1</id></student>\n" + String(repeating: "<a>", count: depth)
            + String(repeating: "</a>", count: depth) + "\n</lijst>\n"
        let file = try temporaryFile("deeper.xml", Array(xml.utf8))
        defer { try? FileManager.default.removeItem(atPath: file.folder) }
        let result = try ingest(rosterSpec(file.path))
        let rejection = try #require(result.report.rejection)
        #expect(rejection.message.contains("Excessive depth in document"))
    }

    @Test("a 50 MB single text node is refused (libxml2's 10 MB text limit, without HUGE), in bounded memory")
    func hugeTextNode() throws {
        var bytes = Array("<?xml version=\"1.0\"?>\n<lijst>\n<student><id>r1</id></student>\n<student><id>".utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "x"), count: 50 << 20)
        bytes += Array("</id></student>\n</lijst>\n".utf8)
        let file = try temporaryFile("text.xml", bytes)
        bytes = []
        defer { try? FileManager.default.removeItem(atPath: file.folder) }
        let result = try ingest(rosterSpec(file.path))
        let rejection = try #require(result.report.rejection)
        #expect(rejection.message.contains("huge text node"), "\(rejection.message)")
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        #expect(usage.ru_maxrss / 1024 < 1024, "peak memory in MB")
    }

    @Test("an attribute flood (200,000 attributes on one element) is refused at once at limits.max_fields")
    func attributeFlood() throws {
        let attributes = (0..<200_000).map { "a\($0)=\">\"" }.joined(separator: " ")
        let xml = "<?xml version=\"1.0\"?>\n<lijst>\n<student><id>r1</id></student>\n<student \(attributes)><id>r2</id></student>\n</lijst>\n"
        let file = try temporaryFile("flood.xml", Array(xml.utf8))
        defer { try? FileManager.default.removeItem(atPath: file.folder) }
        let started = ContinuousClock.now
        let result = try ingest(rosterSpec(file.path))
        let rejection = try #require(result.report.rejection)
        #expect(rejection.message.hasPrefix("an element with more than 10000 '=' signs"), "\(rejection.message)")
        #expect(rejection.location?.line == 4)
        // Not a timing assertion of speed: a hang would be minutes (libxml2 compares each new
        // attribute with all earlier ones); this bounds it generously.
        #expect(ContinuousClock.now - started < .seconds(60))
    }

    @Test("a file truncated while it is being read is rejected whole")
    func truncatedWhileRead() throws {
        var xml = "<?xml version=\"1.0\"?>\n<lijst>\n"
        for index in 1...60_000 { xml += "  <student><id>r\(index)</id></student>\n" }
        xml += "</lijst>\n"
        let file = try temporaryFile("shrinking.xml", Array(xml.utf8))
        defer { try? FileManager.default.removeItem(atPath: file.folder) }
        var truncated = false
        let report = try Ingester(spec: rosterSpec(file.path), threading: .never).ingest(file: file.path) { _ in
            if !truncated {
                truncated = true
                _ = truncate(file.path, 200)
            }
        }
        let message = try #require(report.rejection?.message)
        #expect(message.contains("the file shrank while it was read"), "\(message)")
    }

    @Test("800 attributes whose values hold '=' too are read as usual")
    func manyAttributesWithinTheLimit() throws {
        let attributes = (0..<800).map { "a\($0)=\"v=\($0)\"" }.joined(separator: " ")
        let xml = "<?xml version=\"1.0\"?>\n<lijst>\n<student \(attributes)><id>r2</id></student>\n</lijst>\n"
        let file = try temporaryFile("many.xml", Array(xml.utf8))
        defer { try? FileManager.default.removeItem(atPath: file.folder) }
        let result = try ingest(rosterSpec(file.path))
        #expect(result.report.rejection == nil && result.report.accepted == 1)
    }
}
