import Foundation
import Testing

/// Agreement ids are unique over every agreement source (issue 18): a second occurrence is
/// quarantined with the first one's `file:line`, so no two agreements share findings.
@Suite("Unique agreement ids", .serialized)
struct AgreementIDTests {
    let cli = CommandLineTests()

    /// The nightly faculty with a second agreements source, `extra.csv`.
    func faculty() throws -> NightlyTests.Faculty {
        let faculty = try NightlyTests.Faculty()
        try faculty.write("p.yml", """
            name: mini faculty
            output: out
            sources:
              - {name: agreements, kind: agreements, format: csv, path: agreements.csv, encoding: utf-8, delimiter: ",", dates: ["yyyy-m-d"]}
              - {name: extra, kind: agreements, format: csv, path: extra.csv, encoding: utf-8, delimiter: ",", dates: ["yyyy-m-d"]}
              - {name: evaluations, kind: evaluations, format: csv, path: evaluations.csv, encoding: utf-8, delimiter: ",", dates: ["yyyy-m-d"]}
            reference: {sites: ref/sites.yml, disciplines: ref/disciplines.yml, curriculum: ref/curriculum.yml}
            """)
        return faculty
    }

    func rows(_ path: String) throws -> [[String]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test("a repeated id, within a source or across sources, is quarantined citing the first; the first is used")
    func repeatedIDs() throws {
        let faculty = try faculty()
        defer { try? FileManager.default.removeItem(atPath: faculty.folder) }
        try faculty.write("agreements.csv", NightlyTests.Faculty.agreementHeader + """
            G1,AZ Alfa,interne geneeskunde,2,2025-07-01,2026-06-30,erkend
            G2,AZ Beta,heelkunde,1,2025-07-01,2026-06-30,erkend
            G1,AZ Beta,heelkunde,1,2025-07-01,2026-06-30,erkend

            """)
        try faculty.write("extra.csv", NightlyTests.Faculty.agreementHeader + """
            G2,AZ Alfa,heelkunde,1,2025-07-01,2026-06-30,erkend
            G3,AZ Alfa,heelkunde,1,2025-07-01,2026-06-30,erkend

            """)
        try faculty.write("evaluations.csv", NightlyTests.Faculty.evaluationHeader + """
            s1,AZ Alfa,interne geneeskunde,2025-09-01,2025-09-28,hospital,supervisor,final,14,2025-09-30

            """)
        let run = try cli.stagebalans(["run", "p.yml", "--as-of", "2025-10-01"], in: faculty.folder)
        #expect(run.status == 0, "\(run.err)")
        let quarantine = try rows(faculty.output + "/latest/quarantine.csv")
        // source, path, line, column, field, reason (its words contain no comma), raw.
        #expect(quarantine.map { Array($0[0...4]) } == [["agreements", "agreements.csv", "4", "1", "agreement_id"],
                                                        ["extra", "extra.csv", "2", "1", "agreement_id"]])
        let text = try String(contentsOfFile: faculty.output + "/latest/quarantine.csv", encoding: .utf8)
        #expect(text.contains("\"field 'agreement_id': 'G1' repeats the agreement at agreements.csv:2; agreement ids must be unique "
                              + "across all agreement sources; give one of them another id, or remove the repeated row\""), "\(text)")
        #expect(text.contains("'G2' repeats the agreement at agreements.csv:3;"))
        #expect(quarantine.first?.joined(separator: ",").hasSuffix("\"G1,AZ Beta,heelkunde,1,2025-07-01,2026-06-30,erkend\"") == true,
                "the raw row")
        // The first G1 (AZA IG) is used by s1; the first G2 (AZB HK) and G3 (AZA HK) are unused:
        // one finding each, none for the quarantined rows (AZB HK as G1, AZA HK as G2).
        let unused = try rows(faculty.output + "/latest/findings.csv").filter { $0[0] == "AGREEMENT_UNUSED" }.map { $0[3] }
        #expect(unused == ["agreement=G2 year=2025-2026", "agreement=G3 year=2025-2026"])
        let capacity = try rows(faculty.output + "/latest/capacity.csv").map { "\($0[0]) \($0[1]) \($0[3])" }
        #expect(capacity == ["AZA HK 1", "AZA IG 2", "AZB HK 1"], "site, discipline, slots: the repeats add no slots")

        let validate = try cli.stagebalans(["validate", "p.yml"], in: faculty.folder)
        #expect(validate.out.contains("agreements.csv:4:1: error: field 'agreement_id': 'G1' repeats the agreement at agreements.csv:2"),
                "\(validate.out)")
        #expect(validate.out.contains("extra.csv:2:1: error: field 'agreement_id': 'G2' repeats the agreement at agreements.csv:3"))
    }

    @Test("each agreement's findings have a fingerprint of their own: the changes report sees one of them resolved")
    func resolvedAfterRepeat() throws {
        let faculty = try faculty()
        defer { try? FileManager.default.removeItem(atPath: faculty.folder) }
        // Night 1: G9 twice (AZA HK, then AZB HK in the second source); neither has a placement.
        try faculty.write("agreements.csv", NightlyTests.Faculty.agreementHeader + """
            G1,AZ Alfa,interne geneeskunde,2,2025-07-01,2026-06-30,erkend
            G9,AZ Alfa,heelkunde,1,2025-07-01,2026-06-30,erkend

            """)
        try faculty.write("extra.csv", NightlyTests.Faculty.agreementHeader + """
            G9,AZ Beta,heelkunde,1,2025-07-01,2026-06-30,erkend

            """)
        try faculty.write("evaluations.csv", NightlyTests.Faculty.evaluationHeader + """
            s1,AZ Alfa,interne geneeskunde,2025-09-01,2025-09-28,hospital,supervisor,final,14,2025-09-30

            """)
        let first = try cli.stagebalans(["run", "p.yml", "--as-of", "2025-10-01"], in: faculty.folder)
        #expect(first.status == 0, "\(first.err)")
        let unused = try rows(faculty.output + "/latest/findings.csv").filter { $0[0] == "AGREEMENT_UNUSED" }
        #expect(unused.map { $0[3] } == ["agreement=G9 year=2025-2026"])
        #expect(unused.first?.joined(separator: ",").contains("agreement G9 (AZA, HK, 1 slots)") == true, "the first G9 is the one kept: \(unused)")

        // Night 2: s2 is placed at AZA HK, so the G9 kept is used; the repeat stays quarantined.
        try faculty.write("evaluations.csv", NightlyTests.Faculty.evaluationHeader + """
            s1,AZ Alfa,interne geneeskunde,2025-09-01,2025-09-28,hospital,supervisor,final,14,2025-09-30
            s2,AZ Alfa,heelkunde,2025-10-06,2025-11-02,hospital,supervisor,final,15,2025-11-03

            """)
        let second = try cli.stagebalans(["run", "p.yml", "--as-of", "2025-11-05"], in: faculty.folder)
        #expect(second.status == 0, "\(second.err)")
        let changes = try rows(faculty.output + "/latest/changes.csv")
        #expect(changes.filter { $0[0] == "RESOLVED_FINDING" }.map { $0[1] } == ["AGREEMENT_UNUSED"], "\(changes)")
        #expect(try rows(faculty.output + "/latest/findings.csv").allSatisfy { $0[0] != "AGREEMENT_UNUSED" })
    }
}
