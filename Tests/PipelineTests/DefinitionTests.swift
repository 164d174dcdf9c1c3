import Foundation
import Ingest
@testable import Pipeline
import Domain
import Testing

@Suite("Pipeline definitions")
struct DefinitionTests {
    func parse(_ yaml: String, workingDirectory: String = "/data") throws(DefinitionError) -> PipelineDefinition {
        try DefinitionLoader.parse(yaml, file: "pipelines/x.yml", workingDirectory: workingDirectory)
    }

    func error(_ yaml: String) -> String {
        do {
            _ = try parse(yaml)
            return "no error"
        } catch {
            return error.description
        }
    }

    static let minimal = """
        output: ../out
        sources:
          - name: a
            kind: agreements
            format: csv
            path: ../samples/a.csv

        """

    @Test("a misspelt key is an error at its line and column, with a suggestion")
    func unknownKey() {
        let text = error(Self.minimal + "    delimter: \";\"\n")
        #expect(text.hasPrefix("pipelines/x.yml:7:5: error: unknown field 'delimter' in a source; did you mean 'delimiter'?"))
    }

    @Test("paths are relative to the definition's folder; output too")
    func relativePaths() throws {
        let definition = try parse(Self.minimal)
        #expect(definition.outputDirectory == "/data/out")
        #expect(definition.sources[0].files == ["samples/a.csv"])
        #expect(definition.name == "x")
    }

    @Test("CSV settings are read as written")
    func csvSettings() throws {
        let definition = try parse(Self.minimal + """
                encoding: windows-1252
                delimiter: tab
                decimal: comma
                dates: ["dd/mm/yyyy", excel]
                fields:
                  site: [Stageplaats, Ziekenhuis]
                values:
                  kind:
                    individual: [apart]
                limits:
                  max_field_bytes: 1000

            """)
        let source = definition.sources[0]
        guard case .csv(let settings) = source.format else {
            Issue.record("a csv source")
            return
        }
        #expect(settings.encoding == .fixed(.windows1252))
        #expect(settings.delimiter == .fixed(9))
        #expect(source.decimal == .comma)
        #expect(source.dates.formats.map(\.description) == ["dd/mm/yyyy", "excel"])
        #expect(source.columns[.site] == ["Stageplaats", "Ziekenhuis"])
        #expect(source.valueMaps.maps[.agreementKind]?.lookup("Apart") == "individual")
        #expect(source.valueMaps.maps[.agreementKind]?.lookup("raamovereenkomst") == "framework", "defaults stay")
        #expect(source.limits.maxFieldBytes == 1000)
    }

    @Test("XML paths: prefixes bound by the definition, attributes, predicates")
    func xmlSettings() throws {
        let definition = try parse("""
            output: out
            sources:
              - name: e
                kind: evaluations
                format: xml
                path: e.xml
                record: ev:evaluatie
                namespaces: {ev: "urn:e"}
                fields:
                  student: "@student"
                  start_date: ev:periode/@van
                  score_team: "ev:score[@naam='team']"

            """)
        guard case .xml(let settings) = definition.sources[0].format else {
            Issue.record("an xml source")
            return
        }
        #expect(settings.record == XMLName(namespaceURI: "urn:e", localName: "evaluatie"))
        #expect(settings.fields[.student]?.attribute?.localName == "student")
        #expect(settings.fields[.startDate]?.elements.map(\.name.localName) == ["periode"])
        #expect(settings.fields[.scoreTeam]?.elements.first?.predicate?.value == "team")
        #expect(settings.fields[.site]?.elements.map(\.name.localName) == ["site"], "an unnamed field defaults to its own name")
    }

    @Test("wrong definitions get precise messages", arguments: [
        ("kind: agreement", "6:11: error: unknown kind 'agreement'; did you mean 'agreements'?"),
        ("format: xls", "7:13: error: unknown format 'xls'"),
        ("encoding: utf16", "9:15: error: unknown encoding 'utf16'"),
        ("delimiter: ';;'", "9:16: error: delimiter must be auto, tab or one printable ASCII character"),
        ("record: x", "9:5: error: 'record' applies to xml sources only; this source is csv"),
        ("dates: [dd/mm/yy]", "9:13: error: date format 'dd/mm/yy': the year must be yyyy"),
        ("fields: {valid_form: X}", "9:14: error: unknown field 'valid_form' in fields of this agreements source; did you mean 'valid_from'?"),
        ("values: {kind: {raam: [r]}}", "9:21: error: unknown field 'raam' in values.kind"),
        ("limits: {max_fields: 0}", "9:26: error: max_fields must be a whole number from 1 to 1000000"),
    ])
    func wrongDefinitions(line: String, expected: String) {
        let yaml = """
            output: out
            sources:
              - name: a
                path: a.csv
                # kind and format follow
                kind: agreements
                format: csv

            """.replacingOccurrences(of: "kind: agreements", with: line.hasPrefix("kind:") ? line : "kind: agreements")
            .replacingOccurrences(of: "format: csv", with: line.hasPrefix("format:") ? line : "format: csv")
            + (line.hasPrefix("kind:") || line.hasPrefix("format:") ? "" : "\n    " + line + "\n")
        let text = error(yaml)
        #expect(text.contains("pipelines/x.yml:" + expected), "got: \(text)")
    }

    @Test("YAML syntax errors carry Yams' position")
    func yamlSyntax() {
        #expect(error("output: out\nsources: [\n").hasPrefix("pipelines/x.yml:3:1: error: YAML:"))
    }

    @Test("missing and duplicate entries")
    func structure() {
        #expect(error("sources: []\n").contains("the definition needs 'output'"))
        #expect(error("output: o\nsources: []\n").contains("sources must name at least one source"))
        #expect(error(Self.minimal + "  - name: a\n    kind: roster\n    format: csv\n    path: r.csv\n")
            .contains("pipelines/x.yml:7:5: error: two sources are named 'a'"))
        #expect(error("output: o\noutput: p\nsources: []\n").contains("duplicate"))
    }

    @Test("a glob that matches nothing is an error; matches come sorted")
    func globs() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for name in ["b_2025.xml", "a_2024.xml", "notes.txt"] {
            _ = FileManager.default.createFile(atPath: folder + "/" + name, contents: Data())
        }
        let yaml = "output: out\nsources:\n  - {name: e, kind: roster, format: xml, record: s, path: \"*_20*.xml\"}\n"
        let definition = try DefinitionLoader.parse(yaml, file: folder + "/p.yml", workingDirectory: folder)
        #expect(definition.sources[0].files == ["a_2024.xml", "b_2025.xml"])
        let none = yaml.replacingOccurrences(of: "*_20*.xml", with: "*.csv")
        #expect(throws: DefinitionError.self) { try DefinitionLoader.parse(none, file: folder + "/p.yml", workingDirectory: folder) }
    }

    @Test("confine_paths: a path outside the definition's folder, by .. or through a symbolic link, is an error at its position")
    func confinedPaths() throws {
        let outer = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: outer) }
        let folder = outer + "/pipeline"
        try FileManager.default.createDirectory(atPath: folder + "/data", withIntermediateDirectories: true)
        for path in [outer + "/secret.csv", folder + "/data/ok.csv"] { _ = FileManager.default.createFile(atPath: path, contents: Data()) }
        try FileManager.default.createSymbolicLink(atPath: folder + "/data/link.csv", withDestinationPath: outer + "/secret.csv")
        func parse(_ path: String, confine: Bool = true, output: String = "out") throws(DefinitionError) -> PipelineDefinition {
            let yaml = (confine ? "confine_paths: true\n" : "") + "output: \(output)\nsources:\n"
                + "  - {name: r, kind: roster, format: csv, path: \"\(path)\"}\n"
            return try DefinitionLoader.parse(yaml, file: folder + "/p.yml", workingDirectory: folder)
        }
        #expect(try parse("data/ok.csv").sources[0].files == ["data/ok.csv"])
        #expect(try parse("../secret.csv", confine: false).sources[0].files.count == 1, "allowed unless confined")
        do throws(DefinitionError) {
            _ = try parse("../secret.csv")
            Issue.record("a path outside was accepted")
        } catch {
            #expect(error.description.contains("p.yml:4:") && error.description.contains("is outside the definition's folder"),
                    "\(error.description)")
        }
        do throws(DefinitionError) {
            _ = try parse("data/link.csv")
            Issue.record("a symbolic link to outside was accepted")
        } catch {
            #expect(error.description.contains("resolves to \(DefinitionLoader.realPath(outer + "/secret.csv") ?? "")"), "\(error.description)")
        }
        #expect(throws: DefinitionError.self) { try parse("data/ok.csv", output: "../elsewhere") }
    }
}
