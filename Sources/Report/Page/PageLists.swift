import Domain

/// The page's lists: findings per code, what changed, the quarantine, and the capacity and
/// audit tables (their first rows in the page, all rows in the data block).
extension PageWriter {
    /// What a finding code asks of the office, in a sentence.
    func explanation(_ code: FindingCode) -> String {
        switch code {
        case .unknownSite: return text("A site name the register does not know: add an alias or correct the export.",
                                       "Een plaatsnaam die het register niet kent: voeg een alias toe of verbeter de export.")
        case .unknownDiscipline: return text("A discipline the taxonomy does not know: add an alias or correct the export.",
                                             "Een discipline die de taxonomie niet kent: voeg een alias toe of verbeter de export.")
        case .noAgreement: return text("A placement without any agreement for its site and discipline.",
                                       "Een stage zonder overeenkomst voor haar plaats en discipline.")
        case .outsideValidity: return text("An agreement exists, but not for all of the placement's days.",
                                           "Er is een overeenkomst, maar niet voor alle dagen van de stage.")
        case .overCapacity: return text("More students than slots on consecutive days.",
                                        "Meer studenten dan plaatsen op opeenvolgende dagen.")
        case .evaluationMissing: return text("A placement ended long ago without a final evaluation.",
                                             "Een stage die lang voorbij is, zonder eindevaluatie.")
        case .duplicateEvaluation: return text("More than one final evaluation for a placement.",
                                               "Meer dan één eindevaluatie voor een stage.")
        case .overlappingPlacements: return text("A student in two placements on the same days.",
                                                 "Een student in twee stages op dezelfde dagen.")
        case .weeksMismatch: return text("The stated weeks differ from the placement's dates.",
                                         "Het opgegeven aantal weken verschilt van de data van de stage.")
        case .agreementExpiring: return text("An agreement ends soon: renew it in time.",
                                             "Een overeenkomst loopt binnenkort af: vernieuw ze tijdig.")
        case .agreementUnused: return text("An agreement no placement used this year.",
                                           "Een overeenkomst die dit jaar door geen stage gebruikt werd.")
        }
    }

    func severityName(_ severity: String) -> String {
        switch severity {
        case "error": return text("error", "fout")
        case "warning": return text("warning", "waarschuwing")
        default: return text("info", "info")
        }
    }

    /// Findings per code, in the listing order: each code's first `HTMLPage.findingsPerCode`,
    /// every one with its source rows and a button that opens them.
    mutating func findingsSection() {
        out.append("<section id=\"findings\"><h2>\(text("Findings", "Bevindingen"))</h2>\n")
        let findings = content.findings
        guard let severityColumn = findings.column("severity"), let messageColumn = findings.column("message"),
              let sourcesColumn = findings.column("sources"), let fingerprintColumn = findings.column("fingerprint") else { return }
        if findings.rows.isEmpty { out.append("<p>\(text("No findings.", "Geen bevindingen."))</p>\n") }
        let new = newFingerprints ?? []
        for code in FindingCode.allCases {
            guard let rows = findingsByCode[code.rawValue], let severity = rows.first?[severityColumn].plainText else { continue }
            let total = findingCount(code)
            out.append("<section class=\"per-code sev-\(severity)\" id=\"finding-\(code.rawValue)\" data-code=\"\(code.rawValue)\">\n<h3>")
            out.append("\(code.rawValue) <span class=\"sev\">\(severityName(severity))</span> <span class=\"total\">\(language.integer(total))</span></h3>\n<p class=\"note\">")
            escaped(explanation(code))
            out.append("</p>\n<ul class=\"findings\">\n")
            for row in rows.prefix(HTMLPage.findingsPerCode) {
                let fingerprint = row[fingerprintColumn].plainText
                out.append("<li data-fingerprint=\"")
                escaped(fingerprint)
                out.append("\"\(new.contains(fingerprint) ? " class=\"new\"" : "")>")
                if new.contains(fingerprint) { out.append("<span class=\"badge\">\(text("new", "nieuw"))</span> ") }
                escaped(Self.shortened(row[messageColumn].plainText, language))
                out.append(" <button type=\"button\" class=\"drill\">\(text("source rows", "bronrijen"))</button><br><span class=\"sources\">")
                let (shown, total) = Self.firstSources(row[sourcesColumn])
                escaped(shown.map(\.description).joined(separator: " "))
                if total > shown.count {
                    escaped(text(" … \(language.integer(total - shown.count)) more rows in findings.csv",
                                 " … nog \(language.integer(total - shown.count)) rijen in findings.csv"))
                }
                // The fingerprint names the finding in findings.csv and in the history.
                out.append("</span> <code class=\"fp\">")
                escaped(fingerprint)
                out.append("</code></li>\n")
            }
            out.append("</ul>\n")
            if total > min(rows.count, HTMLPage.findingsPerCode) {
                moreLine(total - min(rows.count, HTMLPage.findingsPerCode), file: "findings.csv",
                         key: "code=" + code.rawValue)
            }
            out.append("</section>\n")
        }
        out.append("</section>\n")
    }

    /// The longest finding message the page shows whole: a message quotes names from the
    /// exports, and a 60,000-character name on every row made a page of megabytes.
    static let messageCharacters = 300

    /// The message, or its first `messageCharacters` and where the whole one is.
    static func shortened(_ message: String, _ language: ReportLanguage) -> String {
        guard message.count > messageCharacters else { return message }
        return String(message.prefix(messageCharacters))
            + language.text(" … (whole message in findings.csv)", " … (volledig bericht in findings.csv)")
    }

    /// Source rows listed per finding on the page: an unknown name repeated on a hundred
    /// thousand rows is one finding whose rows are all in findings.csv.
    static let sourcesPerFinding = 100

    /// A finding's first `sourcesPerFinding` source rows, and how many it has.
    static func firstSources(_ cell: Cell) -> (shown: [SourceLocation], total: Int) {
        guard case .sources(let list) = cell else { return ([], 0) }
        var shown: [SourceLocation] = [], total = 0
        list.forEach { location in
            if total < sourcesPerFinding { shown.append(location) }
            total += 1
        }
        return (shown, total)
    }

    /// "… N more in FILE (KEY)", with a link to the file beside the page.
    mutating func moreLine(_ count: Int, file: String, key: String? = nil) {
        out.append("<p class=\"more\">… ")
        escaped(text("\(language.integer(count)) more in ", "nog \(language.integer(count)) in "))
        out.append("<a href=\"\(file)\">\(file)</a>")
        if let key {
            out.append(" (")
            escaped(key)
            out.append(")")
        }
        out.append("</p>\n")
    }

    /// What changed since the previous run: counts per kind of change, the first rows, a link
    /// to changes.csv.
    mutating func changesSection() {
        out.append("<section id=\"changes\"><h2>\(text("Changes since the previous run", "Wijzigingen sinds de vorige run"))</h2>\n<p class=\"note\">")
        escaped(content.changesNote)
        out.append("</p>\n")
        guard let changes = content.changes, let change = changes.column("change"), !changes.rows.isEmpty else {
            out.append("<p>\(text("No changes.", "Geen wijzigingen."))</p>\n</section>\n")
            return
        }
        var counts: [(String, Int)] = []
        for row in changes.rows {
            let kind = row[change].plainText
            if let index = counts.firstIndex(where: { $0.0 == kind }) { counts[index].1 += 1 } else { counts.append((kind, 1)) }
        }
        out.append("<ul class=\"counts\">")
        for (kind, count) in counts {
            out.append("<li><strong>\(language.integer(count))</strong> ")
            escaped(kind)
            out.append("</li>")
        }
        out.append("</ul>\n")
        let shown = ReportTable(name: changes.name, title: changes.title, columns: changes.columns, rows: Array(changes.rows.prefix(20)))
        plainTable(shown, id: nil)
        if changes.rows.count > shown.rows.count { moreLine(changes.rows.count - shown.rows.count, file: "changes.csv") }
        out.append("</section>\n")
    }

    /// The first quarantined rows with `path:line`, field and reason.
    mutating func quarantineSection() {
        out.append("<section id=\"quarantine\"><h2>\(text("Quarantined rows", "Rijen in quarantaine"))</h2>\n<p class=\"note\">")
        escaped(text("Rows that could not be read are left out of every figure until they are corrected in their export; ",
                     "Rijen die niet gelezen konden worden tellen in geen enkel cijfer mee tot ze in hun export verbeterd zijn; "))
        out.append(text("all of them are in ", "alle staan in ") + "<a href=\"quarantine.csv\">quarantine.csv</a>.</p>\n")
        guard !content.quarantine.isEmpty else {
            out.append("<p>\(text("No row was quarantined.", "Geen enkele rij in quarantaine."))</p>\n</section>\n")
            return
        }
        out.append("<div class=\"scroll\"><table><thead><tr><th scope=\"col\">\(text("row", "rij"))</th><th scope=\"col\">")
        out.append("\(text("field", "veld"))</th><th scope=\"col\">\(text("reason", "reden"))</th></tr></thead>\n<tbody>\n")
        for row in content.quarantine {
            out.append("<tr><td class=\"where\">")
            escaped(row.location.description)
            out.append("</td><td>")
            escaped(row.field)
            out.append("</td><td>")
            escaped(row.reason)
            out.append("</td></tr>\n")
        }
        out.append("</tbody></table></div>\n")
        if content.quarantineTotal > content.quarantine.count {
            moreLine(content.quarantineTotal - content.quarantine.count, file: "quarantine.csv")
        }
        out.append("</section>\n")
    }

    /// A table as it is, values in the page's language (changes, plan).
    mutating func plainTable(_ table: ReportTable, id: String?) {
        out.append("<div class=\"scroll\"><table\(id.map { " id=\"\($0)\"" } ?? "")><thead><tr>")
        for column in table.columns {
            out.append("<th scope=\"col\">")
            escaped(columnHeading(column))
            out.append("</th>")
        }
        out.append("</tr></thead>\n<tbody>\n")
        for row in table.rows { tableRow(row, attributes: "") }
        out.append("</tbody></table></div>\n")
    }

    mutating func tableRow(_ row: [Cell], attributes: String) {
        out.append("<tr\(attributes)>")
        for cell in row {
            out.append(cell.isNumeric ? "<td class=\"n\">" : "<td>")
            escaped(language.display(cell))
            out.append("</td>")
        }
        out.append("</tr>\n")
    }
}
