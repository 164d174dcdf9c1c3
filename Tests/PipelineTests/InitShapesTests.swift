import Foundation
import Ingest
@testable import Pipeline
import Report
import Workbook
import Normalize
import Domain
import Testing

/// `init` on exports written here, in shapes samples/ does not have (other header names and
/// orders, a tab-delimited file, an XML with other element names and a default namespace, a
/// workbook with a title, dates with no day above 12): it is not tuned to the samples.
@Suite("init: exports in other shapes")
struct InitShapesTests {
    static func write(_ text: String, _ path: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Agreements in English, columns in another order, comma-separated, month-first dates
    /// (some days above 12, so only m/d/yyyy reads them all).
    static let contracts = """
        Valid until,Hospital,Contract ID,Slots,Specialty,Type,Valid from
        06/30/2027,AZ Noorderkempen,C-1,2,Pediatrics,Framework,07/01/2024
        06/30/2027,AZ Noorderkempen,C-2,3,Cardiology,Framework,07/15/2024
        12/31/2026,Kliniek Ter Duinen,C-3,1,Ophthalmology,framework agreement,09/01/2024
        06/30/2027,Kliniek Ter Duinen,C-4,2,Pediatrics,Framework,07/01/2024

        """

    /// Evaluations, tab-delimited, Dutch headers in another order, Dutch value words, dates as
    /// `1 juli 2025`, and the three discipline names of issue 21.
    static let evaluations = [
        "Toestand\tStudentnummer\tBeoordelaar\tZiekenhuis\tSpecialisme\tBegindatum\tAantal weken\tEindcijfer",
        "definitief\tr001\tstagemeester\tAZ Noorderkempen\tKindergeneeskunde\t1 juli 2025\t4\t15",
        "ingediend\tr001\tASO\tAZ Noorderkempen\tKindergeneeskunde\t1 juli 2025\t4\t",
        "definitief\tr002\tstagemeester\tAZ Noorderkempen\tHartziekten\t4 augustus 2025\t4\t14,5",
        "definitief\tr003\tstagemeester\tKliniek Ter Duinen\tOogheelkunde\t15 september 2025\t2\t16",
    ].joined(separator: "\n") + "\n"

    /// Evaluations as XML: other element names, a default namespace and a prefixed one, values in
    /// attributes and in children.
    static let xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <uitvoer xmlns="urn:test:beoordelingen:3" xmlns:x="urn:test:extra">
          <lijst>
            <beoordeling studentnummer="r004" rol="supervisor"><locatie>AZ Noorderkempen</locatie><specialisme>Pediatrie</specialisme><periode van="2025-10-06" tot="2025-11-02"/><toestand>final</toestand><eindcijfer>13</eindcijfer><x:opmerking>vlot</x:opmerking></beoordeling>
            <beoordeling studentnummer="r005" rol="resident"><locatie>Kliniek Ter Duinen</locatie><specialisme>Oftalmologie</specialisme><periode van="2025-10-06" tot="2025-10-19"/><toestand>submitted</toestand><eindcijfer/><x:opmerking/></beoordeling>
          </lijst>
        </uitvoer>

        """

    /// A workbook whose first row is a title: the column names are on row 2.
    static func roster() throws -> [UInt8] {
        let rows: [[Cell]] = [[.text("Rolnummer"), .text("Fase"), .text("Instroom")],
                              [.text("r001"), .integer(3), .text("2023-2024")], [.text("r002"), .integer(2), .text("2024-2025")]]
        return try Workbook.bytes([WorkbookTable(name: "Studenten", headings: [ColumnHeading(name: "Studentenlijst 2025", type: .text),
                                                                              ColumnHeading(name: "", type: .text),
                                                                              ColumnHeading(name: "", type: .text)], rows: rows)],
                                  date: InitTests.today)
    }

    @Test("other names, orders, delimiters, a default namespace and a title row: every field mapped, every record accepted")
    func otherShapes() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/exports", withIntermediateDirectories: true)
        try Self.write(Self.contracts, root + "/exports/contracten.csv")
        try Self.write(Self.evaluations, root + "/exports/beoordelingen.txt")
        try Self.write(Self.xml, root + "/exports/evaluaties.xml")
        try Data(try Self.roster()).write(to: URL(fileURLWithPath: root + "/exports/studenten.xlsx"))
        let result = try InitTests.initialise(root + "/exports", into: root + "/faculty")
        let text = try String(contentsOfFile: root + "/faculty/pipeline.yml", encoding: .utf8)
        #expect(result.definitionError == nil, "\(result.definitionError?.description ?? "")\n\(text)")
        let validation = try #require(result.validation)
        #expect(validation.rejected.isEmpty && validation.totalQuarantined == 0, "\(validation.firstProblems)")
        #expect(InitTests.counts(validation) == ["contracten.csv": [4, 0], "beoordelingen.txt": [4, 0], "evaluaties.xml": [2, 0],
                                                 "studenten.xlsx": [2, 0]])
        for decided in ["kind: agreements", "delimiter: \",\"", "dates: [\"m/d/yyyy\"]", "delimiter: tab", "dates: [\"d month yyyy\"]",
                        "record: \"b:beoordeling\"", "b: \"urn:test:beoordelingen:3\"", "student: \"@studentnummer\"",
                        "evaluator_role: \"@rol\"", "site: \"b:locatie\"", "start_date: \"b:periode/@van\"", "end_date: \"b:periode/@tot\"",
                        "status: \"b:toestand\"", "final_score: \"b:eindcijfer\"", "kind: roster", "header_row: 2"] {
            #expect(text.contains(decided), "\(decided)")
        }
        #expect(text.contains("\"x:opmerking\""), "the prefixed child no field has is listed as not read")
        #expect(!text.contains("CHECK: a guess"), "every field here has a recognised name")
        let disciplines = try ReferenceLoader.loadDisciplines(root + "/faculty/disciplines.yml")
        let reference = try ReferenceLoader.load(try #require(try DefinitionLoader.load(file: root + "/faculty/pipeline.yml").reference))
        let resolver = NameResolver(disciplines: disciplines)
        for (typed, code) in [("Kindergeneeskunde", "PED"), ("Hartziekten", "IG-CAR"), ("Oogheelkunde", "KS-OFT"), ("Pediatrics", "PED"),
                              ("Ophthalmology", "KS-OFT"), ("Cardiology", "IG-CAR")] {
            #expect(resolver.resolve(typed) == code, "\(typed)")
        }
        #expect(reference.sites.count == 2)
    }

    @Test("dates whose days are all 12 or less: d/m/yyyy is taken and the choice is flagged for a person")
    func ambiguousDates() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/exports", withIntermediateDirectories: true)
        try Self.write("Overeenkomst;Stageplaats;Discipline;Capaciteit;Geldig van;Geldig tot;Soort\n"
                       + "A1;UZ Gent;Urologie;2;01/07/2024;06/12/2027;erkend\nA2;UZ Gent;Urologie;2;03/09/2024;11/02/2027;erkend\n",
                       root + "/exports/overeenkomsten.csv")
        let result = try InitTests.initialise(root + "/exports", into: root + "/faculty")
        let text = try String(contentsOfFile: root + "/faculty/pipeline.yml", encoding: .utf8)
        #expect(text.contains("dates: [\"d/m/yyyy\"]"))
        #expect(text.contains("# CHECK: m/d/yyyy reads all 4 dates that d/m/yyyy reads (no day above 12)"))
        let dates = result.leftForAPerson.first { $0.topic == "Dates" }?.lines ?? []
        #expect(dates == ["overeenkomsten: d/m/yyyy or m/d/yyyy? both read all 4 dates"])
    }

    @Test("a date format is taken only when it reads every date of its shape")
    func everyDate() {
        let decided = DateDetection.decide(["13/01/2025", "01/02/2025", "31/06/2025", "2025-07-01", "45000"], typed: 0)
        #expect(decided?.formats == ["d/m/yyyy", "yyyy-m-d", "excel"])
        #expect(decided?.ambiguous.isEmpty == true)
        #expect(decided?.unreadable.map(\.value) == ["31/06/2025"])
        let mixed = DateDetection.decide(["13/01/2025", "01/13/2025"], typed: 0)
        #expect(mixed?.formats == [] && mixed?.conflicting.count == 2)
    }

    @Test("values the defaults do not map are listed, with the code of a close word")
    func valueWords() throws {
        let words = ValueWording.words(.status, values: ["definitief", "definitef", "ingediend", "??", nil], lines: [2, 3, 4, 5, 6],
                                       map: try #require(ValueMaps.defaults.maps[.status]))
        #expect(words.known.map(\.target) == ["final", "submitted"])
        #expect(words.unknown.map(\.value) == ["definitef", "??"])
        #expect(words.unknown.first?.suggestion == "final" && words.unknown.first?.firstLine == 3)
    }

    @Test("an encoding is named only when certain")
    func encodings() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let header = Array("Student;Cohort\n".utf8)
        let cases: [(bytes: [UInt8], expected: String)] = [
            (header + Array("r1;caf".utf8) + [0xE9] + Array("\n".utf8), "windows1252"),             // é in Windows-1252
            (header + Array("r1;caf".utf8) + [0xC3, 0xA9] + Array(" x".utf8) + [0xE9] + Array("\n".utf8), "undecided"),  // UTF-8, but
            (header + Array("r1;a".utf8) + [0x82] + Array("b\n".utf8), "undecided"),                 // ‚ between letters: CP850's é?
            ([0xEF, 0xBB, 0xBF] + header + Array("r1;x\n".utf8), "utf8BOM"),
        ]
        for (index, test) in cases.enumerated() {
            let path = root + "/\(index).csv"
            try Data(test.bytes).write(to: URL(fileURLWithPath: path))
            let sniff = try CSVSampler(path: path).sniff()
            #expect(String(describing: sniff.encoding).hasPrefix(test.expected), "\(index): \(sniff.encoding)")
        }
    }
}
