/// The Markdown summary: headline figures, coverage per group, findings per code and the
/// first findings in order of severity.
public enum MarkdownSummary {
    public static let topFindings = 10

    public static func render(_ content: ReportPageContent) -> [UInt8] {
        var out = TextBuffer()
        out.append("# \(TableFormats.markdownCell(content.summary.title))\n\nAs of \(content.summary.asOf).\n\n")
        out.append("| figure | value |\n|---|---:|\n")
        for (label, value) in content.summary.headline(.en) {
            out.append("| \(TableFormats.markdownCell(label)) | \(TableFormats.markdownCell(value)) |\n")
        }
        if let changes = content.changes {
            out.append("\n## Changes since the previous run\n\n\(TableFormats.markdownCell(content.comparison.sentence(.en)))\n")
            if !changes.rows.isEmpty {
                out.append("\n")
                table(changes, into: &out)
            }
        }
        if !content.plan.isEmpty {
            out.append("\n## Plan for \(content.plan[0].year): \(content.plan[0].students) students\n\n")
            table(Tables.plan.table(content.plan), into: &out)
        }
        if !content.coverage.isEmpty {
            out.append("\n## Coverage\n\n")
            table(Tables.coverage.table(content.coverage), into: &out)
        }
        let findings = content.findings
        out.append("\n## Findings\n\n")
        guard let code = findings.column("code"), let severity = findings.column("severity"),
              let message = findings.column("message"), let sources = findings.column("sources") else { return out.bytes }
        if findings.rows.isEmpty {
            out.append("No findings.\n")
            return out.bytes
        }
        var counts: [(code: String, severity: String, count: Int)] = []
        for row in findings.rows {
            if let last = counts.last, last.code == row[code].plainText {
                counts[counts.count - 1].count += 1
            } else {
                counts.append((row[code].plainText, row[severity].plainText, 1))
            }
        }
        out.append("| code | severity | findings |\n|---|---|---:|\n")
        for entry in counts {
            out.append("| \(TableFormats.markdownCell(entry.code)) | \(TableFormats.markdownCell(entry.severity)) | "
                       + "\(content.findingCounts?[entry.code] ?? entry.count) |\n")
        }
        let total = content.findingCounts?.values.reduce(0, +) ?? findings.rows.count
        out.append("\nFirst \(min(topFindings, findings.rows.count)) of \(total):\n\n")
        for row in findings.rows.prefix(topFindings) {
            out.append("- **\(TableFormats.markdownCell(row[code].plainText))** \(TableFormats.markdownCell(row[message].plainText)) "
                       + "(\(TableFormats.markdownCode(row[sources].plainText)))\n")
        }
        return out.bytes
    }

    static func table(_ table: ReportTable, into out: inout TextBuffer) {
        out.append("| " + table.columns.map(TableFormats.markdownCell).joined(separator: " | ") + " |\n|")
        for _ in table.columns { out.append("---|") }
        out.append("\n")
        for row in table.rows {
            out.append("| " + row.map { TableFormats.markdownCell($0.plainText) }.joined(separator: " | ") + " |\n")
        }
    }
}

extension MarkdownSummary {
    /// One table with a heading, for `report` and `plan` on standard output.
    public static func tableDocument(_ table: ReportTable, title: String) -> [UInt8] {
        var out = TextBuffer()
        out.append("# \(TableFormats.markdownCell(title))\n\n")
        if table.rows.isEmpty { out.append("No rows.\n") } else { self.table(table, into: &out) }
        return out.bytes
    }
}
