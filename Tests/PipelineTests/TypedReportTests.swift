import Foundation
import Pipeline
import Report
import Domain
import Testing

/// `report` reads the run's typed files with the types its tables declare: an id that looks
/// like a number stays the id it is.
@Suite("report reads typed data")
struct TypedReportTests {
    /// A faculty whose site code, agreement id and student id start with zeros.
    func faculty(formats: String) throws -> (folder: String, definition: PipelineDefinition) {
        let folder = try temporaryFolder()
        func write(_ name: String, _ text: String) throws {
            try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8)
        }
        try write("sites.yml", """
            sites:
              - {code: "007", name: "AZ Nul", kind: hospital, region: peripheral, city: Gent, country: BE}
            """)
        try write("disciplines.yml", "disciplines:\n  - {code: IG, nl: \"interne geneeskunde\", en: \"internal medicine\"}\n")
        try write("curriculum.yml", "required_weeks: {IG: 8}\nblocks: []\nclinical_weeks: 62\nscientific_weeks: 16\npass_mark: 10\n")
        try write("agreements.csv", """
            Overeenkomst,Stageplaats,Discipline,Capaciteit,Geldig van,Geldig tot,Soort
            0100,AZ Nul,interne geneeskunde,2,2025-07-01,2026-06-30,erkend

            """)
        try write("evaluations.csv", """
            Student ID,Site,Discipline,Start Date,END DATE,Placement kind,Evaluator Role,Status,Final score,Submitted
            0042,AZ Nul,interne geneeskunde,2025-09-01,2025-09-28,hospital,supervisor,final,14,2025-09-30

            """)
        try write("p.yml", """
            name: zeros
            output: out
            as_of: 2026-04-15
            sources:
              - {name: agreements, kind: agreements, format: csv, path: agreements.csv, encoding: utf-8, delimiter: ",", dates: ["yyyy-m-d"]}
              - {name: evaluations, kind: evaluations, format: csv, path: evaluations.csv, encoding: utf-8, delimiter: ",", dates: ["yyyy-m-d"]}
            reference: {sites: sites.yml, disciplines: disciplines.yml, curriculum: curriculum.yml}
            report:
              formats: \(formats)
            """)
        let definition = try DefinitionLoader.load(file: folder + "/p.yml")
        _ = try PipelineRun.run(definition, asOf: nil, today: Day(daysSinceEpoch: 0))
        return (folder, definition)
    }

    func text(_ table: ReportTable, _ format: Coordinator.OutputFormat) -> String {
        String(decoding: (try? Coordinator.render(table, format: format, title: "t")) ?? [], as: UTF8.self)
    }

    @Test("ids with leading zeros keep them in report's output and filters, read from the JSON or, without it, the CSV",
          arguments: ["[csv, json]", "[csv]"])
    func leadingZeros(formats: String) throws {
        let (folder, definition) = try faculty(formats: formats)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let none = Coordinator.Filters(year: nil, site: nil, discipline: nil)
        let capacity = try Coordinator.report(.capacity, definition: definition, filters: none)
        #expect(capacity.rows.count == 1 && capacity.rows.first?.first == .text("007"))
        #expect(text(capacity, .csv).contains("\n007,IG,2025-2026,2,104.3,4,1,1,0.038,1,0\n"), "\(text(capacity, .csv))")
        #expect(text(capacity, .json).contains("{\"site\":\"007\",\"discipline\":\"IG\",\"year\":\"2025-2026\",\"slots\":2,"))
        #expect(text(capacity, .excel).contains("\r\n007;IG;2025-2026;2;104,3;4;1;1;0,038;1;0\r\n"))
        for typed in ["007", "AZ Nul"] {
            let site = try Coordinator.report(.audit, definition: definition, filters: .init(year: nil, site: typed, discipline: nil))
            #expect(site.rows.count == 1 && text(site, .csv).contains("\n007,2025-2026,yes,peripheral,1,4,"), "\(typed)")
        }
        let progress = try Coordinator.report(.progress, definition: definition, filters: none)
        #expect(text(progress, .csv) == "student,part,passed_weeks,required_weeks,met\n0042,IG,4,8,no\n0042,CLINICAL,4,62,no\n"
                + "0042,SCIENTIFIC,0,16,no\n")
        #expect(text(progress, .md).contains("| 0042 | IG | 4 | 8 | nee |"), "Markdown is in the default language, nl")
    }
}
