import Foundation
import GRDB
@testable import Pipeline
import Report
import Domain
import Testing
import TestSupport

/// SPEC §7's first promise, tried as an auditor and an attacker would: ids of every shape, two
/// nights of runs for auditors through the executable, every byte of the output folder
/// searched; keyed fingerprints that neither the office's run nor another key can join; the
/// first night after fingerprints were keyed.
@Suite("Reports for auditors hold no student id", .serialized)
struct AuditorsPrivacyTests {
    let cli = CommandLineTests()
    static let key = "a secret of at least sixteen bytes"
    static let otherKey = "another secret, also long enough"

    /// Ids as faculties really have them: dots, dashes, underscores, spaces, accents in NFC and
    /// in NFD (canonically equivalent: one student, one pseudonym), leading zeros; and the ids a shifted row
    /// puts into the site, date and score columns and into a row with one field too many.
    static let ids = ["jan.peeters", "r0100002-b", "\u{E9}l\u{E8}ve01", "e\u{301}le\u{300}ve01", "s_123", "Jan Peeters", "000123456",
                      "r0555555", "r0777777", "r0666666", "r0888888"]

    static func evaluations(nightTwo: Bool) -> String {
        let nfc = "\u{E9}l\u{E8}ve01", nfd = "e\u{301}le\u{300}ve01"
        var rows = NightlyTests.Faculty.evaluationHeader + """
            jan.peeters,AZ Alfa,interne geneeskunde,2025-09-01,2025-09-28,hospital,resident,submitted,,2025-09-30
            r0100002-b,Privékliniek X,interne geneeskunde,2025-10-06,2025-11-02,hospital,supervisor,final,15,2025-11-03
            \(nfc),AZ Beta,heelkunde,2025-09-01,2025-09-28,hospital,supervisor,final,14,2025-09-29
            \(nfc),AZ Alfa,heelkunde,2025-09-15,2025-10-12,hospital,supervisor,final,13,2025-10-13
            \(nfd),AZ Alfa,interne geneeskunde,2025-10-06,2025-11-02,hospital,supervisor,final,12,2025-11-03
            s_123,AZ Alfa,heelkunde,2025-10-13,2025-11-09,hospital,supervisor,final,13,2025-11-10
            Jan Peeters,AZ Beta,heelkunde,2025-10-06,2025-11-02,hospital,supervisor,final,16,2025-11-03
            000123456,AZ Alfa,interne geneeskunde,2025-10-06,2025-11-02,hospital,supervisor,final,11,2025-11-03
            s_200,r0555555,heelkunde,2025-10-06,2025-11-02,hospital,supervisor,final,12,2025-11-03
            s_201,AZ Alfa,heelkunde,r0777777,2025-11-30,hospital,supervisor,final,12,2025-12-01
            s_202,AZ Alfa,heelkunde,2025-11-10,2025-12-07,hospital,supervisor,final,r0666666,2025-12-08
            r0888888,Peeters, Jan,AZ Alfa,heelkunde,2025-11-10,2025-12-07,hospital,supervisor,final,12,2025-12-08

            """
        // Night 2: jan.peeters' final evaluation arrives, and EVALUATION_MISSING is resolved.
        if nightTwo { rows += "jan.peeters,AZ Alfa,interne geneeskunde,2025-09-01,2025-09-28,hospital,supervisor,final,14,2025-12-02\n" }
        return rows
    }

    /// The mini faculty's agreements, and an individual agreement numbered after its student
    /// (as faculties do): its id must not carry the id into the reports.
    static let agreements = """
        Overeenkomst,Stageplaats,Discipline,Capaciteit,Geldig van,Geldig tot,Soort,Student
        G1,AZ Alfa,interne geneeskunde,2,2025-07-01,2026-06-30,erkend,
        G2,AZ Beta,heelkunde,1,2025-07-01,2026-06-30,erkend,
        G3,AZ Alfa,heelkunde,1,2025-07-01,2026-06-30,erkend,
        IO-r0100002-b,Privékliniek X,interne geneeskunde,1,2025-07-01,2026-06-30,individueel,r0100002-b

        """

    func faculty(nightTwo: Bool = false) throws -> NightlyTests.Faculty {
        let faculty = try NightlyTests.Faculty()
        try faculty.write("agreements.csv", Self.agreements)
        try faculty.write("evaluations.csv", Self.evaluations(nightTwo: nightTwo))
        return faculty
    }

    func run(_ faculty: NightlyTests.Faculty, key: String? = Self.key, _ extra: [String] = [])
        throws -> (status: Int32, out: String, err: String) {
        let arguments = ["run", "p.yml", "--as-of", "2025-12-15", "--quiet"] + (key == nil ? [] : ["--for-auditors"]) + extra
        return try cli.stagebalans(arguments, in: faculty.folder,
                                   environment: key.map { ["STAGEBALANS_PSEUDONYM_KEY": $0] } ?? [:])
    }

    /// Every way a file can hold `id`: its UTF-8, JSON's `\u00e9` (either case), HTML's `&#233;`
    /// and `&#xe9;`.
    static func forms(of id: String) -> Set<String> {
        func escaped(_ scalar: Unicode.Scalar, _ form: (UInt32) -> String) -> String {
            scalar.isASCII ? String(Character(scalar)) : form(scalar.value)
        }
        func each(_ form: @escaping (UInt32) -> String) -> String {
            id.unicodeScalars.map { escaped($0, form) }.joined()
        }
        return [id, each { String(format: "\\u%04x", $0) }, each { String(format: "\\u%04X", $0) }, each { "&#\($0);" },
                each { "&#x\(String($0, radix: 16));" }, each { "&#x\(String($0, radix: 16, uppercase: true));" }]
    }

    /// Every regular file under `folder` (symbolic links such as `latest` are not followed:
    /// their targets are under `runs/`), with the forms of ids it holds.
    static func leaks(in folder: String) throws -> [String] {
        var found: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: folder)
        while let relative = enumerator?.nextObject() as? String {
            let path = folder + "/" + relative
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            guard attributes[.type] as? FileAttributeType == .typeRegular else { continue }
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            for id in ids {
                for form in forms(of: id) where bytes.range(of: Data(form.utf8)) != nil {
                    found.append("\(relative): \(form)")
                }
            }
        }
        return found
    }

    /// The fingerprints of a published run's findings (with or without a letter prefix).
    static func fingerprints(_ faculty: NightlyTests.Faculty) throws -> Set<String> {
        let data = try Data(contentsOf: URL(fileURLWithPath: faculty.output + "/latest/findings.json"))
        let findings = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        return Set(findings.compactMap { ($0["fingerprint"] as? String)?.split(separator: "-").last.map(String.init) })
    }

    static func text(_ faculty: NightlyTests.Faculty, _ name: String) throws -> String {
        try String(contentsOfFile: faculty.output + "/latest/" + name, encoding: .utf8)
    }

    @Test("the workbook of a run for auditors holds what its CSVs hold, cell for cell, and no id in any part")
    func workbook() throws {
        let faculty = try self.faculty()
        defer { try? FileManager.default.removeItem(atPath: faculty.folder) }
        let definition = try String(contentsOfFile: faculty.folder + "/p.yml", encoding: .utf8)
        try faculty.write("p.yml", definition + "\nreport:\n  formats: [csv, excel, xlsx]\n")
        #expect(try run(faculty).status == 0)
        let latest = faculty.output + "/latest/"
        let book = try WorkbookReading(Array(try Data(contentsOf: URL(fileURLWithPath: latest + "report.xlsx"))))
        for entry in book.entries {
            for id in Self.ids {
                for form in Self.forms(of: id) { #expect(!String(decoding: entry.bytes, as: UTF8.self).contains(form), "\(entry.name): \(form)") }
            }
        }
        let sheets = try book.sheets()
        #expect(sheets.map(\.name) == ["summary", "capacity", "coverage", "progress", "audit", "findings", "placements", "quarantine",
                                       "changes"])
        for (name, part) in sheets where name != "summary" {
            let csv = try Coordinator.csvFields(Array(try Data(contentsOf: URL(fileURLWithPath: latest + name + ".csv"))),
                                                path: name, name: name).filter { $0 != [""] }
            let expected = csv.map { row in row.map(TableFormats.unguardedCSVText) }
            let grid = try book.grid(part, dateStyle: 2)
            #expect(grid.count == expected.count && grid.count > 1 || name == "changes", "\(name)")
            for (sheetRow, csvRow) in zip(grid, expected) {
                #expect(sheetRow + Array(repeating: "", count: max(0, csvRow.count - sheetRow.count)) == csvRow, "\(name)")
            }
        }
        // The Excel CSVs of every table, placements and quarantine included (issue 19, item 4).
        for name in ["capacity", "coverage", "progress", "audit", "findings", "placements", "quarantine", "changes"] {
            #expect(FileManager.default.fileExists(atPath: latest + name + ".excel.csv"), "\(name)")
        }
    }

    @Test("two nights with a resolved finding: no file of the folder, history.sqlite included, holds an id in any form")
    func twoNights() throws {
        let faculty = try self.faculty()
        defer { try? FileManager.default.removeItem(atPath: faculty.folder) }
        #expect(try run(faculty).status == 0)
        // The fixture does what it should: each shape of id is a student of the run, and the
        // shifted rows reach the quarantine and the unknown sites.
        let pseudonyms = try #require(Pseudonyms(key: Array(Self.key.utf8)))
        let progress = try Self.text(faculty, "progress.csv")
        for id in Self.ids.prefix(7) { #expect(progress.contains(pseudonyms.pseudonym(id)), "\(id) has a pseudonym in progress") }
        let quarantine = try Self.text(faculty, "quarantine.csv")
        #expect(quarantine.contains("the value is not a date") && quarantine.contains("the value is not a score"), "\(quarantine)")
        #expect(quarantine.contains("the row has 12 fields, the header"))
        let findings = try Self.text(faculty, "findings.csv")
        #expect(findings.contains("a site name withheld in reports for auditors"))
        for code in ["EVALUATION_MISSING", "OVERLAPPING_PLACEMENTS", "UNKNOWN_SITE"] { #expect(findings.contains(code)) }
        #expect(try Self.leaks(in: faculty.output) == [])

        try faculty.write("evaluations.csv", Self.evaluations(nightTwo: true))
        #expect(try run(faculty).status == 0)
        let changes = try Self.text(faculty, "changes.csv")
        let resolved = changes.split(separator: "\n").filter { $0.hasPrefix("RESOLVED_FINDING,EVALUATION_MISSING") }
        #expect(resolved.count == 1 && resolved.allSatisfy { $0.contains(pseudonyms.pseudonym("jan.peeters")) }, "\(changes)")
        #expect(try Self.text(faculty, "summary.md").contains("RESOLVED_FINDING") || changes.contains("RESOLVED_FINDING"))
        #expect(faculty.runs.count == 2)
        #expect(try Self.leaks(in: faculty.output) == [])

        // `validate` writes its quarantine into the same folder: for auditors too, without raw
        // rows or quoted values (the folder's latest run was made with --for-auditors).
        let validate = try cli.stagebalans(["validate", "p.yml"], in: faculty.folder)
        #expect(validate.status == 0 && FileManager.default.fileExists(atPath: faculty.output + "/validate/quarantine.csv"))
        #expect(try Self.leaks(in: faculty.output) == [])
    }

    @Test("an individual agreement numbered after its student shows a token; a framework agreement keeps its id")
    func agreementIDs() throws {
        let faculty = try self.faculty()
        defer { try? FileManager.default.removeItem(atPath: faculty.folder) }
        #expect(try run(faculty).status == 0)
        let placements = try Self.text(faculty, "placements.csv")
        let keyed = try #require(Pseudonyms(key: Array(Self.key.utf8)))
        #expect(placements.contains(keyed.agreementToken("IO-r0100002-b") + ",individual"), "\(placements)")
        #expect(placements.contains(",G1,framework"))
    }

    @Test("a run for auditors refuses a folder that holds the office's runs, and publishes nothing")
    func officeFolderRefused() throws {
        let faculty = try self.faculty()
        defer { try? FileManager.default.removeItem(atPath: faculty.folder) }
        #expect(try run(faculty, key: nil).status == 0)
        let refused = try run(faculty)
        #expect(refused.status == 2, "\(refused.err)")
        #expect(refused.err.contains("holds reports for the office") && refused.err.contains("an output folder of their own"))
        #expect(faculty.runs.count == 1)
    }

    @Test("fingerprints and pseudonyms differ under another key, and neither joins the office's fingerprints")
    func keyedFingerprints() throws {
        let first = try faculty(), second = try faculty(), office = try faculty()
        defer { for faculty in [first, second, office] { try? FileManager.default.removeItem(atPath: faculty.folder) } }
        #expect(try run(first).status == 0)
        #expect(try run(second, key: Self.otherKey).status == 0)
        #expect(try run(office, key: nil).status == 0)
        let keyed = try Self.fingerprints(first), rekeyed = try Self.fingerprints(second), plain = try Self.fingerprints(office)
        #expect(keyed.count == plain.count && keyed.count >= 4, "\(plain)")
        #expect(keyed.isDisjoint(with: plain), "an auditor cannot join a finding to the office's")
        #expect(keyed.isDisjoint(with: rekeyed), "another key, other fingerprints")
        let progress = try Self.text(first, "progress.csv"), otherProgress = try Self.text(second, "progress.csv")
        let one = try #require(Pseudonyms(key: Array(Self.key.utf8))), other = try #require(Pseudonyms(key: Array(Self.otherKey.utf8)))
        #expect(progress.contains(one.pseudonym("s_123")) && !progress.contains(other.pseudonym("s_123")))
        #expect(otherProgress.contains(other.pseudonym("s_123")) && !otherProgress.contains(one.pseudonym("s_123")))
        // The office's own fingerprints are FNV-1a over the plain key, as every release before.
        let officeFindings = try Self.text(office, "findings.csv")
        #expect(officeFindings.contains("student=jan.peeters"))
        let unkeyed = Finding.officeFingerprint(code: .evaluationMissing,
                                                key: "student=jan.peeters site=AZA discipline=IG start=2025-09-01")
        #expect(plain.contains(String(unkeyed, radix: 16).leftPadded(to: 16)))
    }

    @Test("the first night for auditors after an upgrade: says once that fingerprints were re-keyed, compares nothing, forgets the ids")
    func firstNightAfterUpgrade() throws {
        let faculty = try self.faculty(), office = try self.faculty()
        defer { for faculty in [faculty, office] { try? FileManager.default.removeItem(atPath: faculty.folder) } }
        // A history as the versions before 0.6 left it in an auditors' folder: the findings
        // with plain ids and unkeyed fingerprints (the office's), and no key recorded.
        #expect(try run(faculty).status == 0)
        #expect(try run(office, key: nil).status == 0)
        let plainLines = try DatabaseQueue(path: office.output + "/history.sqlite").read { db in
            try #require(try Data.fetchOne(db, sql: "SELECT lines FROM run_findings"))
        }
        try DatabaseQueue(path: faculty.output + "/history.sqlite").write { db in
            try db.execute(sql: "UPDATE run SET fingerprint_key = NULL")
            // Many nights' worth of lines: a blob on overflow pages, which a delete frees
            // without zeroing unless secure_delete is on.
            try db.execute(sql: "UPDATE run_findings SET lines = ?", arguments: [(0..<300).reduce(into: Data()) { all, _ in all += plainLines }])
        }
        #expect(String(decoding: plainLines, as: UTF8.self).contains("jan.peeters"), "the old history holds ids")

        try faculty.write("evaluations.csv", Self.evaluations(nightTwo: true))
        let night = try run(faculty)
        #expect(night.status == 0)
        #expect(night.err.contains("re-keyed"), "the log says so: \(night.err)")
        let changes = try Self.text(faculty, "changes.csv")
        #expect(!changes.contains("NEW_FINDING") && !changes.contains("RESOLVED_FINDING"), "nothing to compare: \(changes)")
        #expect(try Self.text(faculty, "summary.md").contains("met een andere sleutel gemaakt"), "said in the summary's language, nl")
        #expect(try Self.leaks(in: faculty.output) == [], "the old findings are gone from the history, freed pages included")

        // Said once: the next night compares again, and says nothing of keys.
        let next = try run(faculty, ["--force"])
        #expect(next.status == 0 && !next.err.contains("re-keyed"))
        #expect(try !Self.text(faculty, "summary.md").contains("met een andere sleutel gemaakt"))
    }
}

extension String {
    func leftPadded(to length: Int) -> String { String(repeating: "0", count: max(0, length - count)) + self }
}
