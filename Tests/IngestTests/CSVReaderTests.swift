import Foundation
@testable import Ingest
import Domain
import Testing

@Suite("CSV sources")
struct CSVReaderTests {
    @Test("Excel on Belgian Windows: ';', CRLF, Windows-1252, quoted fields, trailing empty columns and rows")
    func excelAgreements() throws {
        let spec = try csvSpec(.agreements, Fixture.path("csv/agreements_excel_cp1252.csv"),
                               encoding: .fixed(.windows1252), dates: ["d/m/yyyy", "d month yyyy", "excel"], decimal: .comma)
        let result = try ingest(spec)
        #expect(result.report.read == 6)
        #expect(result.report.blankRows == 2)
        #expect(result.report.rejection == nil)
        #expect(result.report.notes.contains("delimiter ';' (detected)"))
        #expect(result.report.notes.contains("ignored columns: 'Opmerking'"))

        let ids = result.agreements.map(\.agreementID)
        #expect(ids == ["RO-1", "RO-2", "RO-6"])
        let erasme = try #require(result.agreements.first { $0.agreementID == "RO-2" })
        #expect(erasme.site == "Hôpital Érasme; campus Anderlecht")
        #expect(erasme.slots == 2)
        let (september, july) = (try day(2025, 9, 1), try day(2026, 7, 1))
        #expect(erasme.validFrom == september)
        #expect(erasme.validTo == july)
        #expect(erasme.kind == .framework)
        #expect(erasme.supervisor == "Dr. B. \"Bart\" Maes")
        #expect(erasme.source.line == 3)
        let individual = try #require(result.agreements.first { $0.agreementID == "RO-6" })
        #expect(individual.kind == .individual && individual.student == "r0123456")
        #expect(individual.source.line == 8, "lines count the newline inside the quoted remark")

        let serial = try #require(result.quarantined(atLine: 5))
        #expect(serial.field == "valid_to")
        #expect(serial.reason.contains("2025-06-30 is before valid_from 2025-07-01"))
        #expect(serial.raw.contains("A.Z.\u{00A0}Groeninge"))
        let capacity = try #require(result.quarantined(atLine: 6))
        #expect(capacity.field == "capacity")
        #expect(capacity.source.column == 24)
        #expect(capacity.reason.contains("'een' is not a whole number"))
        #expect(capacity.raw == "RO-4;AZ Delta;urologie;een;01/07/2025;30/06/2026;raamovereenkomst;;;;;")
        let noStudent = try #require(result.quarantined(atLine: 7))
        #expect(noStudent.field == "student")
        #expect(result.quarantined.count == 3)
    }

    @Test("UTF-8 with BOM, ',', headers in Dutch with mixed case and accents, every score form, ragged rows")
    func webEvaluations() throws {
        let spec = try csvSpec(.evaluations, Fixture.path("csv/evaluations_bom_comma.csv"))
        let result = try ingest(spec)
        #expect(result.report.notes.contains("encoding utf-8 (BOM)"))
        #expect(result.report.notes.contains("delimiter ',' (detected)"))
        #expect(result.report.read == 7)
        #expect(result.report.blankRows == 1)

        #expect(result.evaluations.map(\.source.line) == [2, 3, 6])
        let final = result.evaluations[0]
        #expect(final.student == "r0000001" && final.site == "AZ Groeninge" && final.role == .supervisor && final.status == .final)
        #expect(final.scores == CriterionScores(knowledgeAndSkills: 14, patientContact: 14.5, teamwork: 14))
        #expect(final.finalScore == 14)
        let august = try day(2025, 8, 3)
        #expect(final.end == august && final.weeks == 4)
        #expect(final.placementKind == .hospital)
        let resident = result.evaluations[1]
        let july = try day(2025, 7, 7)
        #expect(resident.start == july && resident.end == nil && resident.weeks == 4)
        #expect(resident.role == .resident && resident.scores.teamwork == 14)
        #expect(result.evaluations[2].status == .open, "a ragged short row whose missing fields are optional is accepted")

        #expect(try #require(result.quarantined(atLine: 4)).field == "final_score")
        let short = try #require(result.quarantined(atLine: 5))
        #expect(short.reason.contains("the row has 4 of the header's 14 columns"))
        #expect(short.field == "evaluator_role")
        #expect(try #require(result.quarantined(atLine: 7)).reason.contains("15 fields"))
        #expect(try #require(result.quarantined(atLine: 8)).reason.contains("after the closing quote"))
    }

    @Test("tab delimiter, CR line endings, ISO-8859-1")
    func roster() throws {
        let spec = try csvSpec(.roster, Fixture.path("csv/roster_tab_cr.tsv"), encoding: .fixed(.iso88591))
        let result = try ingest(spec)
        #expect(result.report.notes.contains("delimiter tab (detected)"))
        #expect(result.roster.map(\.student) == ["r0000001", "r0000002"])
        #expect(result.roster[1].cohort == "Zoë-groep")
        #expect(result.roster[1].source.line == 3)
        #expect(try #require(result.quarantined(atLine: 4)).field == "master_year")
    }

    @Test("without a BOM and with bytes that are not UTF-8, the encoding is never guessed")
    func undeterminedEncoding() throws {
        let result = try ingest(try csvSpec(.roster, Fixture.path("csv/cp1252_no_bom.csv")))
        let rejection = try #require(result.report.rejection)
        #expect(rejection.location?.line == 3 && rejection.location?.column == 6)
        #expect(rejection.message.contains("0xEB is not UTF-8"))
        #expect(rejection.notes.joined().contains("windows-1252"))
        #expect(result.report.read == 0)

        let named = try ingest(try csvSpec(.roster, Fixture.path("csv/cp1252_no_bom.csv"), encoding: .fixed(.windows1252)))
        #expect(named.quarantined.first?.reason.contains("'Zoë' is not a whole number") == true)
    }

    @Test("a file named as UTF-8 quarantines only the row with a bad byte")
    func invalidUTF8Row() throws {
        let file = try temporaryFile("r.csv", Array("student;cohort\nr1;ok\nr2;Caf".utf8) + [0xE9] + Array("\nr3;ok\n".utf8))
        defer { try? FileManager.default.removeItem(atPath: file.folder) }
        let result = try ingest(try csvSpec(.roster, file.path, encoding: .fixed(.utf8)))
        #expect(result.roster.map(\.student) == ["r1", "r3"])
        let bad = try #require(result.quarantined(atLine: 3))
        #expect(bad.source.column == 7)
        #expect(bad.raw == "r2;Caf\\xE9")
    }

    @Test func utf16IsRefused() throws {
        let result = try ingest(try csvSpec(.roster, Fixture.path("csv/utf16.csv")))
        #expect(result.report.rejection?.message.contains("UTF-16") == true)
    }

    @Test func emptyFileIsRefused() throws {
        let result = try ingest(try csvSpec(.roster, Fixture.path("csv/empty.csv")))
        #expect(result.report.rejection?.message.contains("empty") == true)
    }

    @Test func missingFileIsRefused() throws {
        let result = try ingest(try csvSpec(.roster, "/nonexistent/roster.csv"))
        #expect(result.report.rejection?.message.contains("cannot open") == true)
    }

    @Test("a header without a required field names what it has and suggests the nearest column")
    func missingRequiredColumn() throws {
        let file = try temporaryFile("a.csv", Array("Overeenkomst;Stageplaats;Disciplne;Capaciteit;Geldig van;Geldig tot;Soort\n".utf8))
        defer { try? FileManager.default.removeItem(atPath: file.folder) }
        let result = try ingest(try csvSpec(.agreements, file.path))
        let rejection = try #require(result.report.rejection)
        #expect(rejection.message == "no column for the required field 'discipline'")
        #expect(rejection.notes.contains { $0.contains("did you mean 'Disciplne'?") })
    }

    @Test("a configured column name wins over the defaults")
    func configuredColumns() throws {
        let file = try temporaryFile("r.csv", Array("ID;Leerling;Jaar\nx;r1;2\n".utf8))
        defer { try? FileManager.default.removeItem(atPath: file.folder) }
        let result = try ingest(try csvSpec(.roster, file.path, columns: [.student: ["Leerling"]]))
        #expect(result.roster.first?.student == "r1")
        #expect(result.roster.first?.masterYear == 2)
    }

    @Test("a delimiter is detected only when exactly one candidate gives the required columns")
    func delimiterDetection() throws {
        let decided = try temporaryFile("r.csv", Array("student;cohort,jaar\nr1;2022,2\n".utf8))
        defer { try? FileManager.default.removeItem(atPath: decided.folder) }
        let result = try ingest(try csvSpec(.roster, decided.path))
        #expect(result.report.notes.contains("delimiter ';' (detected)"))
        #expect(result.roster.first?.student == "r1")

        let ambiguous = try temporaryFile("r.csv", Array("student;a,student\nr1;x,y\n".utf8))
        defer { try? FileManager.default.removeItem(atPath: ambiguous.folder) }
        let refused = try ingest(try csvSpec(.roster, ambiguous.path))
        #expect(refused.report.rejection?.message == "cannot tell the delimiter: the header line splits on ';' and ','")
        let named = try ingest(try csvSpec(.roster, ambiguous.path, delimiter: .fixed(UInt8(ascii: ";"))))
        #expect(named.roster.first?.student == "r1")
    }

    @Test("a field over the limit is quarantined; a record over the limit rejects the file")
    func limits() throws {
        let long = String(repeating: "x", count: 300)
        let file = try temporaryFile("r.csv", Array("student;cohort\nr1;\(long)\nr2;ok\n".utf8))
        defer { try? FileManager.default.removeItem(atPath: file.folder) }
        let fieldLimited = try ingest(try csvSpec(.roster, file.path, limits: Limits(maxFieldBytes: 100)))
        #expect(fieldLimited.roster.map(\.student) == ["r2"])
        #expect(fieldLimited.quarantined.first?.reason.contains("longer than 100 bytes") == true)
        let recordLimited = try ingest(try csvSpec(.roster, file.path, limits: Limits(maxRecordBytes: 200)))
        #expect(recordLimited.report.rejection?.location?.line == 2)
    }
}
