import Domain

/// The Markdown summary: headline figures, coverage per group, findings per code and the
/// first findings in order of severity, in the content's language (labels, headings, numbers
/// and dates). Column names of the declared tables stay as in their CSV: they are an interface.
/// Findings' messages are written by the engine, in English.
public enum MarkdownSummary {
    public static let topFindings = 10

    public static func render(_ content: ReportPageContent) -> [UInt8] {
        let language = content.language
        var out = TextBuffer()
        out.append("# \(TableFormats.markdownCell(content.summary.title))\n\n"
                   + language.text("As of", "Stand op") + " \(language.date(content.summary.asOf)).\n\n")
        if let hold = content.hold { held(hold, language: language, into: &out) }
        out.append("| " + language.text("figure | value", "cijfer | waarde") + " |\n|---|---:|\n")
        for (label, value) in content.summary.headline(language) {
            out.append("| \(TableFormats.markdownCell(label)) | \(TableFormats.markdownCell(value)) |\n")
        }
        emptyInputs(content, into: &out)
        if let changes = content.changes {
            let note = content.comparison.text(language)
            out.append("\n## " + language.text("Changes since the previous run", "Wijzigingen sinds de vorige run")
                       + "\n\n\(TableFormats.markdownCell(note))\n")
            if !changes.rows.isEmpty {
                out.append("\n")
                table(changes, language: language, into: &out)
            }
        }
        if let first = content.plan.first {
            out.append("\n## " + planHeading(year: first.year, students: first.students, language: language) + "\n\n")
            table(Tables.plan.table(content.plan), language: language, into: &out)
        }
        if !content.coverage.isEmpty {
            out.append("\n## " + language.text("Coverage", "Dekking") + "\n\n")
            table(Tables.coverage.table(content.coverage), language: language, into: &out)
        }
        findings(content, into: &out)
        return out.bytes
    }

    /// Why the run is held back, before anything else: each threshold crossed, and what to do.
    static func held(_ hold: PublishHold, language: ReportLanguage, into out: inout TextBuffer) {
        out.append("## " + TableFormats.markdownCell(hold.headline(language)) + "\n\n")
        for reason in hold.reasons { out.append("- " + TableFormats.markdownCell(reason.text(language)) + "\n") }
        // The tool's own words and run ids: written as they are, the command in backticks.
        out.append("\n" + hold.advice(language) + "\n\n")
    }

    /// "Plan for 2026-2027: 300 students", in `language`.
    public static func planHeading(year: PlacementYear, students: Int, language: ReportLanguage) -> String {
        language.text("Plan for \(year): \(language.integer(students)) students",
                      "Plan voor \(year): \(language.integer(students)) studenten")
    }

    /// Inputs with a header and no rows, under the headline: the figures above lack them.
    static func emptyInputs(_ content: ReportPageContent, into out: inout TextBuffer) {
        guard !content.emptyInputs.isEmpty else { return }
        let language = content.language
        out.append("\n## " + language.text("Inputs without rows", "Invoer zonder rijen") + "\n\n")
        for input in content.emptyInputs {
            out.append("- \(TableFormats.markdownCode(input.path)) (\(TableFormats.markdownCell(input.source))): "
                       + language.text("a header and no rows: the reports have nothing from this input; is the export complete?",
                                       "een kop en geen rijen: de rapporten bevatten niets uit deze invoer; is de export volledig?")
                       + "\n")
        }
    }

    /// The findings per code, then the first `topFindings` of them with their sources.
    static func findings(_ content: ReportPageContent, into out: inout TextBuffer) {
        let findings = content.findings, language = content.language
        out.append("\n## " + language.text("Findings", "Bevindingen") + "\n\n")
        guard let code = findings.column("code"), let severity = findings.column("severity"),
              let message = findings.column("message"), let sources = findings.column("sources") else { return }
        if findings.rows.isEmpty {
            out.append(language.text("No findings.", "Geen bevindingen.") + "\n")
            return
        }
        var counts: [(code: String, severity: String, count: Int)] = []
        for row in findings.rows {
            if let last = counts.last, last.code == row[code].plainText {
                counts[counts.count - 1].count += 1
            } else {
                counts.append((row[code].plainText, row[severity].plainText, 1))
            }
        }
        out.append("| " + language.text("code | severity | findings", "code | ernst | bevindingen") + " |\n|---|---|---:|\n")
        for entry in counts {
            out.append("| \(TableFormats.markdownCell(entry.code)) | \(TableFormats.markdownCell(language.severity(entry.severity))) | "
                       + "\(language.integer(content.findingCounts?[entry.code] ?? entry.count)) |\n")
        }
        let total = content.findingCounts?.values.reduce(0, +) ?? findings.rows.count
        let shown = language.integer(min(topFindings, findings.rows.count)), all = language.integer(total)
        out.append("\n" + language.text("First \(shown) of \(all):", "De eerste \(shown) van \(all):") + "\n\n")
        for row in findings.rows.prefix(topFindings) {
            out.append("- **\(TableFormats.markdownCell(row[code].plainText))** \(TableFormats.markdownCell(row[message].plainText)) "
                       + "(\(TableFormats.markdownCode(row[sources].plainText)))\n")
        }
    }

    /// A declared table: its column names as in its CSV, its values as `language` writes them.
    static func table(_ table: ReportTable, language: ReportLanguage, into out: inout TextBuffer) {
        out.append("| " + table.columns.map(TableFormats.markdownCell).joined(separator: " | ") + " |\n|")
        for _ in table.columns { out.append("---|") }
        out.append("\n")
        for row in table.rows {
            out.append("| " + row.map { TableFormats.markdownCell(language.display($0)) }.joined(separator: " | ") + " |\n")
        }
    }
}

extension MarkdownSummary {
    /// One table with a heading, for `report` and `plan` on standard output.
    public static func tableDocument(_ table: ReportTable, title: String, language: ReportLanguage = .standard) -> [UInt8] {
        var out = TextBuffer()
        out.append("# \(TableFormats.markdownCell(title))\n\n")
        if table.rows.isEmpty {
            out.append(language.text("No rows.", "Geen rijen.") + "\n")
        } else {
            self.table(table, language: language, into: &out)
        }
        return out.bytes
    }
}

extension ReportLanguage {
    /// A finding's severity (`error`, `warning`, `info`) as a reader of this language says it;
    /// any other text as written.
    public func severity(_ name: String) -> String {
        switch name {
        case "error": return text("error", "fout")
        case "warning": return text("warning", "waarschuwing")
        default: return name
        }
    }
}
