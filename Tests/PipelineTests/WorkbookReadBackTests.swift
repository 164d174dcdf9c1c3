import Foundation
import Ingest
@testable import Pipeline
import Domain
import Testing

/// The sample run's report.xlsx read back by the project's own .xlsx reader (the reader of
/// `format: xlsx` sources): every sheet of the four reports holds its CSV's values, cell for
/// cell. The writer leaves out cell references, so this also holds the reader to rows with
/// empty cells (`<c/>`), which it once misplaced.
@Suite("The workbook read back by the project's reader")
struct WorkbookReadBackTests {
    @Test("capacity, coverage, progress and audit: the workbook's cells are the CSV's")
    func readBack() throws {
        let output = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: output) }
        var definition = try DefinitionLoader.load(file: packageRoot + "/pipelines/sample.yml", workingDirectory: packageRoot)
        definition.outputDirectory = output
        _ = try PipelineRun.run(definition, asOf: nil, today: Day(daysSinceEpoch: 0))
        for table in ["capacity", "coverage", "progress", "audit"] {
            let csv = try Coordinator.csvFields(Array(try Data(contentsOf: URL(fileURLWithPath: output + "/latest/\(table).csv"))),
                                                path: table, name: table).filter { $0 != [""] }
            var rows: [[String]] = []
            let reader = WorkbookSheetReader(path: output + "/latest/report.xlsx", sheet: .named(table), opener: WorkbookZip.opener)
            try reader.forEachRow { row in
                var cells = [String](repeating: "", count: csv.first?.count ?? 0)
                for cell in row.cells where cell.column <= cells.count {
                    switch cell.value {
                    case .text(let text): cells[cell.column - 1] = text
                    case .number(let number): cells[cell.column - 1] = number
                    default: cells[cell.column - 1] = "\(cell.value)"
                    }
                }
                rows.append(cells)
            }
            #expect(rows.count == csv.count, "\(table)")
            // Numbers come back as their value: 52.1 and 0.460 as 52.1 and 0.46.
            func value(_ text: String) -> String { Double(text).map { String($0) } ?? text }
            for (index, (read, written)) in zip(rows, csv).enumerated() {
                #expect(read.map(value) == written.map(value), "\(table) row \(index + 1)")
            }
        }
    }
}
