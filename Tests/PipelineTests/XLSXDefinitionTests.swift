import Foundation
import Ingest
@testable import Pipeline
import Domain
import Testing

/// `format: xlsx` in a definition: `sheet:`, `header_row:`, `fields:` as for CSV, the workbook limits.
@Suite("xlsx sources in a definition")
struct XLSXDefinitionTests {
    static let source = """
        output: ../out
        sources:
          - name: a
            kind: agreements
            format: xlsx
            path: ../samples/a.xlsx

        """

    func parse(_ yaml: String) throws(DefinitionError) -> PipelineDefinition {
        try DefinitionLoader.parse(yaml, file: "pipelines/x.yml", workingDirectory: "/data")
    }

    func settings(_ extra: String) throws -> (XLSXSettings, SourceSpec) {
        let spec = try parse(Self.source + extra).sources[0]
        guard case .xlsx(let settings) = spec.format else { throw CancellationError() }
        return (settings, spec)
    }

    func error(_ extra: String) -> String {
        do {
            _ = try parse(Self.source + extra)
            return "no error"
        } catch {
            return error.description
        }
    }

    @Test("the first sheet and the first row with a value, unless sheet: and header_row: say otherwise")
    func options() throws {
        #expect(try settings("").0.sheet == .first && settings("").0.headerRow == nil)
        #expect(try settings("    sheet: Overeenkomsten\n    header_row: 3\n").0.sheet == .named("Overeenkomsten"))
        #expect(try settings("    header_row: 3\n").0.headerRow == 3)
        #expect(try settings("    sheet: 2\n").0.sheet == .index(2), "a number without quotes is a position")
        #expect(try settings("    sheet: \"2025\"\n").0.sheet == .named("2025"), "quoted, it is a name")
        let (_, spec) = try settings("    fields:\n      site: [Stageplaats, Ziekenhuis]\n    decimal: comma\n")
        #expect(spec.columns[.site] == ["Stageplaats", "Ziekenhuis"] && spec.decimal == .comma)
    }

    @Test("keys of other formats, and bad values, are errors at their position")
    func errors() {
        #expect(error("    delimiter: \";\"\n") == "pipelines/x.yml:7:5: error: 'delimiter' applies to csv sources only; this source is xlsx")
        #expect(error("    record: x\n") == "pipelines/x.yml:7:5: error: 'record' applies to xml sources only; this source is xlsx")
        #expect(error("    header_row: 0\n") == "pipelines/x.yml:7:17: error: header_row must be a whole number from 1 to 1048576, not '0'")
        #expect(error("    sheet: 0\n").hasPrefix("pipelines/x.yml:7:12: error: sheet (a position; quote a sheet named with digits) must be"))
        let csv = Self.source.replacingOccurrences(of: "format: xlsx", with: "format: csv")
        do {
            _ = try parse(csv + "    sheet: Blad1\n")
            Issue.record("sheet: in a csv source")
        } catch {
            #expect(error.description == "pipelines/x.yml:7:5: error: 'sheet' applies to xlsx sources only; this source is csv")
        }
        #expect(error("").contains("no error"))
        #expect(error("    format2: x\n").hasPrefix("pipelines/x.yml:7:5: error: unknown field 'format2'"))
    }

    @Test("the workbook limits, per source or for all")
    func limits() throws {
        let spec = try settings("""
                limits:
                  max_inflated_part_bytes: 1048576
                  max_inflated_bytes: 2097152
                  max_compression_ratio: 50
                  max_shared_strings_bytes: 65536

            """).1
        #expect(spec.limits.maxInflatedPartBytes == 1 << 20 && spec.limits.maxInflatedBytes == 2 << 20)
        #expect(spec.limits.maxCompressionRatio == 50 && spec.limits.maxSharedStringsBytes == 65_536)
        let defaults = try settings("").1.limits
        #expect(defaults.maxInflatedPartBytes == 2 << 30 && defaults.maxCompressionRatio == 200 && defaults.maxSharedStringsBytes == 256 << 20)
    }

    @Test("the sample definition for workbooks loads")
    func sample() throws {
        let definition = try DefinitionLoader.load(file: packageRoot + "/pipelines/sample-xlsx.yml", workingDirectory: packageRoot)
        let formats = definition.sources.map { spec -> String in
            switch spec.format {
            case .csv: return "csv"
            case .xml: return "xml"
            case .xlsx(let settings): return "xlsx \(settings.sheet) \(settings.headerRow.map(String.init) ?? "-")"
            }
        }
        #expect(formats == ["xlsx sheet 'Overeenkomsten' 3", "xml", "xlsx the first sheet -", "xml", "xlsx sheet 1 -"])
    }
}
