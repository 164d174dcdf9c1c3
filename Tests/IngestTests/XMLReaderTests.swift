import Foundation
@testable import Ingest
import Domain
import Testing

@Suite("XML sources")
struct XMLReaderTests {
    static let aanvragen = "urn:example:aanvragen"

    func agreementsSpec(_ file: String, namespace: String? = nil) -> SourceSpec {
        xmlSpec(.agreements, file, record: XMLName(namespaceURI: namespace, localName: "aanvraag"), fields: [
            .agreementID: element(attribute: "nummer"), .agreementKind: element(attribute: "type"),
            .site: element("plaats", namespace: namespace), .discipline: element("discipline"), .capacity: element("plaatsen"),
            .validFrom: element("periode", attribute: "van"), .validTo: element("periode", attribute: "tot"),
        ])
    }

    @Test("default namespace, attributes and children, CDATA and character references")
    func defaultNamespace() throws {
        let result = try ingest(agreementsSpec(try Fixture.path("xml/agreements_default_ns.xml"), namespace: Self.aanvragen))
        #expect(result.report.read == 3)
        let first = try #require(result.agreements.first)
        #expect(first.agreementID == "IO-1" && first.kind == .individual && first.student == "r0000001")
        #expect(first.site == "Kliniek <Sint-Jozef> & Co")
        let (july, august) = (try day(2025, 7, 1), try day(2025, 8, 31))
        #expect(first.validFrom == july && first.validTo == august)
        #expect(first.source.line == 4)
        let second = try #require(result.quarantined(atLine: 11))
        #expect(second.field == "valid_from")
        #expect(second.raw.contains("site=\"Hôpital Necker – Paris\""))
        let empty = try #require(result.quarantined(atLine: 12))
        #expect(empty.reason.contains("field 'site' (path 'plaats'): missing"))
    }

    @Test("a field over max_field_bytes is quarantined in one piece or in several; pieces are joined")
    func fieldPieces() throws {
        let xml = """
            <?xml version="1.0"?>
            <studenten>
            <student id="r1"><cohort>aaaaaaaaaaaaaaaaaaaaaaaaa</cohort></student>
            <student id="r2"><cohort>aaaaaaaaaaaa<!-- cut -->aaaaaaaaaaaaa</cohort></student>
            <student id="r3"><cohort>kort</cohort><master_year>2</master_year></student>
            <student id="r4"><cohort>ab<!-- cut -->cd</cohort></student>
            <student id="r5"><cohort/></student>
            <student id="r6" id2="x"><cohort>ok</cohort><cohort>twice</cohort></student>
            </studenten>
            """
        let (path, folder) = try temporaryFile("roster.xml", Array(xml.utf8))
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let spec = xmlSpec(.roster, path, record: XMLName(namespaceURI: nil, localName: "student"),
                           fields: [.student: element(attribute: "id")], limits: Limits(maxFieldBytes: 20))
        let result = try ingest(spec)
        #expect(result.report.read == 6)
        for line in [3, 4] {
            let oversized = try #require(result.quarantined(atLine: line), "line \(line)")
            #expect(oversized.field == "cohort" && oversized.reason.contains("longer than 20 bytes"))
        }
        let repeated = try #require(result.quarantined(atLine: 8))
        #expect(repeated.reason.contains("matches 2 elements"))
        #expect(result.roster.map(\.student) == ["r3", "r4", "r5"])
        #expect(result.roster.map(\.cohort) == ["kort", "abcd", nil])
        #expect(result.roster.first?.masterYear == 2)
    }

    @Test("a prefix bound to another namespace matches nothing")
    func namespaceMismatch() throws {
        let result = try ingest(agreementsSpec(try Fixture.path("xml/agreements_default_ns.xml"), namespace: "urn:other"))
        #expect(result.report.read == 0)
    }

    @Test("a prefixed namespace, values told apart by an attribute, a repeated field quarantined")
    func prefixedEvaluations() throws {
        let ns = "urn:example:evaluaties"
        func step(_ name: String, naam: String? = nil) -> XMLStep {
            XMLStep(name: XMLName(namespaceURI: ns, localName: name),
                    predicate: naam.map { (XMLName(namespaceURI: nil, localName: "naam"), $0) })
        }
        func path(_ steps: XMLStep..., text: String) -> XMLPath { XMLPath(elements: steps, attribute: nil, text: text) }
        let spec = xmlSpec(.evaluations, try Fixture.path("xml/evaluations_prefixed.xml"),
                           record: XMLName(namespaceURI: ns, localName: "evaluatie"), fields: [
            .student: element(attribute: "student"), .evaluatorRole: element(attribute: "rol"), .status: element(attribute: "status"),
            .site: path(step("plaats"), text: "ev:plaats"), .discipline: path(step("discipline"), text: "ev:discipline"),
            .startDate: path(step("start"), text: "ev:start"), .weeks: path(step("weken"), text: "ev:weken"),
            .scoreKnowledge: path(step("score", naam: "kennis"), text: "ev:score[@naam='kennis']"),
            .scorePatient: path(step("score", naam: "patient"), text: "ev:score[@naam='patient']"),
            .scoreTeam: path(step("score", naam: "team"), text: "ev:score[@naam='team']"),
            .finalScore: path(step("eindscore"), text: "ev:eindscore"),
        ])
        let result = try ingest(spec)
        #expect(result.report.read == 2, "the record in the other namespace is not one of ours")
        let evaluation = try #require(result.evaluations.first)
        #expect(evaluation.scores == CriterionScores(knowledgeAndSkills: 14, patientContact: 15, teamwork: 16))
        #expect(evaluation.finalScore == 15 && evaluation.role == .supervisor && evaluation.weeks == 4)
        let repeated = try #require(result.quarantined(atLine: 10))
        #expect(repeated.field == "final_score")
        #expect(repeated.reason.contains("matches 2 elements"))
    }

    @Test("a declared ISO-8859-1 encoding is honoured")
    func declaredEncoding() throws {
        let spec = xmlSpec(.roster, try Fixture.path("xml/declared_latin1.xml"),
                           record: XMLName(namespaceURI: nil, localName: "student"), fields: [.student: element("id")])
        let result = try ingest(spec)
        #expect(result.roster.first?.cohort == "Zoë")
        #expect(result.report.notes.contains("encoding ISO-8859-1"))
    }

    @Test("a malformed file is rejected whole with line, column and libxml2's message")
    func malformed() throws {
        let spec = xmlSpec(.roster, try Fixture.path("xml/malformed.xml"),
                           record: XMLName(namespaceURI: nil, localName: "student"), fields: [.student: element("id")])
        let result = try ingest(spec)
        let rejection = try #require(result.report.rejection)
        #expect(rejection.location?.line == 4)
        #expect(rejection.location?.column != nil)
        #expect(rejection.message.contains("mismatch"))
    }
}
