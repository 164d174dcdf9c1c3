import Foundation
import Ingest
import Domain

/// The text `stagebalans validate` prints, for the terminal: the quarantined records it quotes
/// show hidden characters as markers (`VisibleText`), so an ESC in an export cannot recolour or
/// clear the terminal and a bidi override cannot reorder a line.
public enum ValidationText {
    public static func render(_ result: ValidationResult, workingDirectory: String) -> String {
        VisibleText.marked(lines(result, workingDirectory: workingDirectory).joined(separator: "\n"))
    }

    static func lines(_ result: ValidationResult, workingDirectory: String) -> [String] {
        let header = ["source", "file", "read", "accepted", "quarantined", "blank"]
        var rows = result.reports.map { report in
            [report.source, report.path + (report.rejection == nil ? "" : " (rejected whole)"), String(report.read),
             String(report.accepted), String(report.quarantined),
             String(report.blankRows)]
        }
        rows.append(["total", "", String(result.totalRead), String(result.totalAccepted), String(result.totalQuarantined),
                     String(result.reports.reduce(0) { $0 + $1.blankRows })])
        var lines = table([header] + rows, rightAligned: [2, 3, 4, 5])
        lines.append("")
        for report in result.reports where !report.notes.isEmpty {
            lines.append("\(report.path): " + report.notes.joined(separator: "; "))
        }
        if !result.rejected.isEmpty {
            lines.append("")
            lines.append("files rejected whole (none of their records may be used):")
            for report in result.rejected {
                if let rejection = report.rejection { lines.append(rejection.description) }
            }
        }
        if !result.firstProblems.isEmpty {
            lines.append("")
            lines.append("first quarantined records:")
            lines += result.firstProblems.map(\.description)
        }
        lines.append("")
        let files = result.quarantineFiles.map { DefinitionLoader.display($0, workingDirectory: workingDirectory) }
        lines.append("quarantine written to " + files.joined(separator: " and "))
        return lines
    }

    static func table(_ rows: [[String]], rightAligned: Set<Int>) -> [String] {
        let widths = (0..<(rows.first?.count ?? 0)).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return rightAligned.contains(column) ? padding + cell : cell + padding
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}
