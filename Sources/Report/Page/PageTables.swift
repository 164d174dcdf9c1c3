import Domain

/// The capacity and audit tables: their first rows written into the page (readable without
/// script), every row in the data block, from which the script filters and pages them.
extension PageWriter {
    /// Column names stay the interface's in CSV, JSON and xlsx; on the page they are read, so
    /// Dutch gets its words (English its own words, without underscores).
    func columnHeading(_ column: String) -> String {
        guard language == .nl else { return column.replacingUnderscores }
        return Self.dutchHeadings[column] ?? column.replacingUnderscores
    }

    static let dutchHeadings: [String: String] = [
        "site": "plaats", "discipline": "discipline", "discipline_group": "disciplinegroep", "year": "stagejaar",
        "slots": "plaatsen", "capacity_weeks": "capaciteitsweken", "used_weeks": "gebruikte weken", "placements": "stages",
        "students": "studenten", "utilisation": "bezetting", "peak_concurrent": "piek tegelijk",
        "over_capacity_days": "dagen boven capaciteit", "required_weeks": "vereiste weken", "student_weeks": "studentweken",
        "recognised_weeks": "erkende weken", "non_recognised_weeks": "niet-erkende weken",
        "share_non_recognised": "aandeel niet-erkend", "recognised_capacity_weeks": "erkende capaciteitsweken",
        "capacity_coverage": "capaciteitsdekking", "recognised": "erkend", "region": "regio",
        "placements_without_agreement": "stages zonder overeenkomst", "individual_agreements": "individuele overeenkomsten",
        "evaluation_completeness": "volledigheid evaluaties", "mean_final_score": "gem. eindscore",
        "mean_knowledge_and_skills": "gem. kennis en vaardigheden", "mean_patient_contact": "gem. patiëntcontact",
        "mean_teamwork": "gem. teamwerk", "change": "wijziging", "subject": "onderwerp", "before": "voor", "after": "na",
        "detail": "detail", "demand_weeks": "vraag in weken", "balance_weeks": "saldo in weken", "balance_slots": "saldo in plaatsen",
    ]

    /// A table for the script to filter and page: its first `tableRowsInPage` rows here, with
    /// the code columns named; all of them in the data block under `id`.
    mutating func pagedTable(_ table: ReportTable, id: String, keys: [(year: String, site: String, group: String)]) {
        let siteColumn = table.column("site"), disciplineColumn = table.column("discipline") ?? table.column("discipline_group")
        out.append("<div class=\"scroll\"><table class=\"paged wide\" id=\"\(id)-table\" data-table=\"\(id)\"><thead><tr>")
        for column in table.columns {
            out.append("<th scope=\"col\">")
            escaped(columnHeading(column))
            out.append("</th>")
        }
        out.append("</tr></thead>\n<tbody>\n")
        for row in table.rows.prefix(Self.tableRowsInPage) {
            out.append("<tr>")
            for (index, cell) in row.enumerated() {
                out.append(cell.isNumeric ? "<td class=\"n\">" : "<td>")
                let value = cell.plainText
                if index == siteColumn {
                    codeAndName(value, siteName(value))
                } else if index == disciplineColumn {
                    codeAndName(value, disciplineName(value))
                } else {
                    escaped(language.display(cell))
                }
                out.append("</td>")
            }
            out.append("</tr>\n")
        }
        out.append("</tbody></table></div>\n<div class=\"pager\" data-for=\"\(id)\"></div>\n")
        if table.rows.count > Self.tableRowsInPage {
            out.append("<noscript><p class=\"more\">")
            escaped(text("The first \(Self.tableRowsInPage) of \(language.integer(table.rows.count)) rows; all in ",
                         "De eerste \(Self.tableRowsInPage) van \(language.integer(table.rows.count)) rijen; alle in "))
            out.append("<a href=\"\(table.name).csv\">\(table.name).csv</a>.</p></noscript>\n")
        }
        tableData(table, id: id, keys: keys)
    }

    /// {"columns", "numeric", "named", "rows", "keys"} under `id`.
    mutating func tableData(_ table: ReportTable, id: String, keys: [(year: String, site: String, group: String)]) {
        data.key(id)
        data.raw("{")
        data.key("numeric")
        let numeric = table.rows.first.map { $0.map(\.isNumeric) } ?? table.columns.map { _ in false }
        data.array(numeric) { $0.raw($1 ? "1" : "0") }
        data.raw(",")
        data.key("named")
        data.array(table.columns) { data, column in
            data.raw(column == "site" ? "\"sites\"" : column == "discipline" || column == "discipline_group" ? "\"disciplines\"" : "null")
        }
        data.raw(",")
        data.key("rows")
        let language = self.language
        data.array(table.rows) { data, row in
            data.array(row) { data, cell in
                switch cell {
                // Written by the tool itself, digits and marks only: no escaping to look for.
                case .integer, .decimal, .date, .year, .empty: data.raw("\"" + language.display(cell) + "\"")
                default: data.string(language.display(cell))
                }
            }
        }
        data.raw(",")
        data.key("keys")
        data.array(keys) { $0.strings([$1.year, $1.site, $1.group]) }
        data.raw("},")
    }

    mutating func coverageTable() {
        out.append("<section id=\"coverage\"><h2>\(text("Coverage per discipline group and year", "Dekking per disciplinegroep en stagejaar"))</h2>\n")
        let keys = content.coverage.map { ($0.year.description, "", $0.group) }
        pagedTable(Tables.coverage.table(content.coverage), id: "coverage", keys: keys)
        out.append("</section>\n")
    }

    mutating func capacityTable() {
        out.append("<section id=\"capacity\"><h2>\(text("Capacity per site, discipline and year", "Capaciteit per plaats, discipline en stagejaar"))</h2>\n")
        let keys = content.capacity.map { ($0.year.description, $0.site, reference.group(of: $0.discipline)) }
        pagedTable(Tables.capacity.table(content.capacity), id: "capacity", keys: keys)
        out.append("</section>\n")
    }

    mutating func auditTable() {
        out.append("<section id=\"audit\"><h2>\(text("Audit: recognised and non-recognised sites", "Audit: erkende en niet-erkende plaatsen"))</h2>\n<p class=\"note\">")
        escaped(text("Means are left empty when fewer evaluations stand behind them than the threshold.",
                     "Gemiddelden blijven leeg wanneer er minder evaluaties achter staan dan de drempel."))
        out.append("</p>\n")
        let audit = content.audit
        let site = audit.column("site"), year = audit.column("year")
        let keys = audit.rows.map { row in (year.map { row[$0].plainText } ?? "", site.map { row[$0].plainText } ?? "", "") }
        pagedTable(audit, id: "audit", keys: keys)
        out.append("</section>\n")
    }
}
