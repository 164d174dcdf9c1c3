import Normalize
import Domain

/// One self-contained HTML page: inline CSS, inline SVG charts, a few lines of inline script
/// to sort tables; no network resource, readable when printed.
public enum HTMLPage {
    /// Source rows listed per finding code on the page; the rest are in findings.csv.
    public static let findingsPerCode = 50

    public static func render(_ content: ReportPageContent, reference: ReferenceData) -> [UInt8] {
        var out = TextBuffer()
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
        TableFormats.appendHTML(content.summary.title, to: &out)
        out.append("</title>\n<style>\n\(style)</style>\n</head>\n<body>\n<h1>")
        TableFormats.appendHTML(content.summary.title, to: &out)
        out.append("</h1>\n<p class=\"asof\">As of \(content.summary.asOf)</p>\n")
        out.append("<section id=\"summary\"><h2>Summary</h2>\n<dl class=\"headline\">\n")
        for (label, value) in content.summary.headline(.en) {
            out.append("<div><dt>")
            TableFormats.appendHTML(label, to: &out)
            out.append("</dt><dd>")
            TableFormats.appendHTML(value, to: &out)
            out.append("</dd></div>\n")
        }
        out.append("</dl></section>\n")
        if let changes = content.changes {
            out.append("<section id=\"changes\"><h2>Changes since the previous run</h2>\n<p class=\"note\">")
            TableFormats.appendHTML(content.changesNote, to: &out)
            out.append("</p>\n")
            if !changes.rows.isEmpty { table(changes, into: &out) }
            out.append("</section>\n")
        }
        if !content.plan.isEmpty { planSection(content.plan, into: &out) }
        let years = Set(content.capacity.map(\.year)).union(content.coverage.map(\.year)).sorted()
        for year in years.reversed() {
            out.append("<section class=\"year\"><h2>Placement year \(year)</h2>\n")
            heatmap(content.capacity.filter { $0.year == year }, reference: reference, into: &out)
            coverageBars(content.coverage.filter { $0.year == year }, into: &out)
            out.append("</section>\n")
        }
        findingsSection(content.findings, counts: content.findingCounts, into: &out)
        out.append("<section id=\"audit\"><h2>Audit: recognised and non-recognised sites</h2>\n")
        out.append("<p class=\"note\">Means are left empty when fewer evaluations stand behind them than the threshold.</p>\n")
        table(content.audit, into: &out)
        out.append("</section>\n<script>\n\(script)</script>\n</body>\n</html>\n")
        return out.bytes
    }

    // MARK: Charts

    /// Utilisation per site × discipline group: capacity rows summed per cell, coloured by
    /// used / capacity weeks; cells without capacity show used weeks on grey.
    static func heatmap(_ rows: [CapacityRow], reference: ReferenceData, into out: inout TextBuffer) {
        struct CellSum { var used = 0, slotDays = 0, overDays = 0 }
        var cells: [String: [String: CellSum]] = [:]
        for row in rows {
            let group = reference.group(of: row.discipline)
            var sum = cells[row.site]?[group] ?? CellSum()
            sum.used += row.usedWeeks
            sum.slotDays += row.slotDays
            sum.overDays += row.overCapacityDays
            cells[row.site, default: [:]][group] = sum
        }
        guard !cells.isEmpty else { return }
        let sites = cells.keys.sorted()
        let groups = Set(cells.values.flatMap(\.keys)).sorted()
        let labelWidth = 150, cellWidth = 58, cellHeight = 20, top = 70
        let width = labelWidth + cellWidth * groups.count + 10, height = top + cellHeight * sites.count + 40
        out.append("<h3>Utilisation per site and discipline group</h3>\n")
        out.append("<svg class=\"chart\" role=\"img\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" "
                   + "xmlns=\"http://www.w3.org/2000/svg\" font-family=\"sans-serif\" font-size=\"11\">\n")
        for (column, group) in groups.enumerated() {
            let x = labelWidth + column * cellWidth + cellWidth / 2
            out.append("<text x=\"\(x)\" y=\"\(top - 6)\" transform=\"rotate(-35 \(x) \(top - 6))\">")
            TableFormats.appendHTML(group, to: &out)
            out.append("</text>\n")
        }
        for (line, site) in sites.enumerated() {
            let y = top + line * cellHeight
            out.append("<text x=\"\(labelWidth - 6)\" y=\"\(y + 14)\" text-anchor=\"end\">")
            TableFormats.appendHTML(site, to: &out)
            out.append("</text>\n")
            for (column, group) in groups.enumerated() {
                guard let sum = cells[site]?[group] else { continue }
                let x = labelWidth + column * cellWidth
                let label: String, fill: String
                if sum.slotDays > 0 {
                    let permille = (sum.used * 7 * 1000 + sum.slotDays / 2) / sum.slotDays
                    label = Ratio(sum.used * 7 * 100, sum.slotDays).formatted(decimals: 0).map { $0 + "%" } ?? ""
                    fill = colour(permille: permille)
                } else {
                    label = "\(sum.used) wk"
                    fill = "#d9d9d9"
                }
                out.append("<rect x=\"\(x + 1)\" y=\"\(y + 1)\" width=\"\(cellWidth - 2)\" height=\"\(cellHeight - 2)\" fill=\"\(fill)\">"
                           + "<title>")
                TableFormats.appendHTML("\(site) \(group): \(sum.used) used weeks, capacity "
                                        + (Ratio(sum.slotDays, 7).formatted(decimals: 1) ?? "0") + " weeks, "
                                        + "\(sum.overDays) over-capacity days", to: &out)
                out.append("</title></rect>\n<text x=\"\(x + cellWidth / 2)\" y=\"\(y + 14)\" text-anchor=\"middle\">\(label)</text>\n")
            }
        }
        let legendY = top + cellHeight * sites.count + 22
        for (index, (permille, text)) in [(250, "≤ 50%"), (750, "50–90%"), (950, "90–100%"), (1100, "> 100%")].enumerated() {
            let x = labelWidth + index * 90
            out.append("<rect x=\"\(x)\" y=\"\(legendY - 11)\" width=\"14\" height=\"14\" fill=\"\(colour(permille: permille))\"/>"
                       + "<text x=\"\(x + 18)\" y=\"\(legendY)\">\(text)</text>\n")
        }
        out.append("<rect x=\"\(labelWidth + 360)\" y=\"\(legendY - 11)\" width=\"14\" height=\"14\" fill=\"#d9d9d9\"/>"
                   + "<text x=\"\(labelWidth + 378)\" y=\"\(legendY)\">no recognised capacity (used weeks)</text>\n")
        out.append("</svg>\n")
    }

    static func colour(permille: Int) -> String {
        switch permille {
        case ..<500: return "#cfe8f3"
        case ..<900: return "#7fc4a4"
        case ...1000: return "#f2c14e"
        default: return "#e4572e"
        }
    }

    /// Per discipline group: recognised and non-recognised student weeks stacked, against the
    /// recognised capacity weeks.
    static func coverageBars(_ rows: [CoverageRow], into out: inout TextBuffer) {
        guard !rows.isEmpty else { return }
        let maxWeeks = max(1, rows.map { max($0.studentWeeks, ($0.recognisedSlotDays + 6) / 7) }.max() ?? 1)
        let labelWidth = 90, barWidth = 520, lineHeight = 30, top = 30
        let width = labelWidth + barWidth + 200, height = top + lineHeight * rows.count + 10
        func scaled(_ weeks: Int) -> Int { weeks * barWidth / maxWeeks }
        out.append("<h3>Coverage per discipline group (student weeks)</h3>\n")
        out.append("<svg class=\"chart\" role=\"img\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" "
                   + "xmlns=\"http://www.w3.org/2000/svg\" font-family=\"sans-serif\" font-size=\"11\">\n")
        out.append("<rect x=\"\(labelWidth)\" y=\"4\" width=\"12\" height=\"12\" fill=\"#3b6ea5\"/><text x=\"\(labelWidth + 16)\" y=\"14\">recognised weeks</text>"
                   + "<rect x=\"\(labelWidth + 130)\" y=\"4\" width=\"12\" height=\"12\" fill=\"#e39b3b\"/><text x=\"\(labelWidth + 146)\" y=\"14\">non-recognised weeks</text>"
                   + "<line x1=\"\(labelWidth + 290)\" y1=\"4\" x2=\"\(labelWidth + 290)\" y2=\"16\" stroke=\"#000\" stroke-width=\"2\"/>"
                   + "<text x=\"\(labelWidth + 296)\" y=\"14\">recognised capacity weeks</text>\n")
        for (line, row) in rows.enumerated() {
            let y = top + line * lineHeight
            out.append("<text x=\"\(labelWidth - 6)\" y=\"\(y + 14)\" text-anchor=\"end\">")
            TableFormats.appendHTML(row.group, to: &out)
            out.append("</text>\n")
            let recognised = scaled(row.recognisedWeeks), other = scaled(row.nonRecognisedWeeks)
            out.append("<rect x=\"\(labelWidth)\" y=\"\(y + 2)\" width=\"\(recognised)\" height=\"16\" fill=\"#3b6ea5\"><title>\(row.recognisedWeeks) recognised weeks</title></rect>\n")
            out.append("<rect x=\"\(labelWidth + recognised)\" y=\"\(y + 2)\" width=\"\(other)\" height=\"16\" fill=\"#e39b3b\"><title>\(row.nonRecognisedWeeks) non-recognised weeks</title></rect>\n")
            let capacityX = labelWidth + scaled(row.recognisedSlotDays / 7)
            let capacityWeeks = Tables.coverage.text("recognised_capacity_weeks", of: row)
            out.append("<line x1=\"\(capacityX)\" y1=\"\(y)\" x2=\"\(capacityX)\" y2=\"\(y + 20)\" stroke=\"#000\" stroke-width=\"2\"><title>capacity \(capacityWeeks) weeks</title></line>\n")
            out.append("<text x=\"\(labelWidth + max(recognised + other, scaled(row.recognisedSlotDays / 7)) + 6)\" y=\"\(y + 14)\">"
                       + "\(row.recognisedWeeks) + \(row.nonRecognisedWeeks) / \(capacityWeeks)</text>\n")
        }
        out.append("</svg>\n")
    }

    static func planSection(_ rows: [PlanRow], into out: inout TextBuffer) {
        out.append("<section id=\"plan\"><h2>Plan for \(rows[0].year): \(rows[0].students) students</h2>\n")
        let maxWeeks = max(1, rows.map { max($0.demandWeeks, $0.slotDays / 7) }.max() ?? 1)
        let labelWidth = 90, barWidth = 480, lineHeight = 36, top = 30
        let width = labelWidth + barWidth + 160, height = top + lineHeight * rows.count + 10
        out.append("<svg class=\"chart\" role=\"img\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" "
                   + "xmlns=\"http://www.w3.org/2000/svg\" font-family=\"sans-serif\" font-size=\"11\">\n")
        out.append("<rect x=\"\(labelWidth)\" y=\"4\" width=\"12\" height=\"12\" fill=\"#8c6bb1\"/><text x=\"\(labelWidth + 16)\" y=\"14\">demand weeks</text>"
                   + "<rect x=\"\(labelWidth + 120)\" y=\"4\" width=\"12\" height=\"12\" fill=\"#3b6ea5\"/><text x=\"\(labelWidth + 136)\" y=\"14\">recognised capacity weeks</text>\n")
        for (line, row) in rows.enumerated() {
            let y = top + line * lineHeight
            out.append("<text x=\"\(labelWidth - 6)\" y=\"\(y + 18)\" text-anchor=\"end\">")
            TableFormats.appendHTML(row.group, to: &out)
            out.append("</text>\n")
            let demand = row.demandWeeks * barWidth / maxWeeks, capacity = row.slotDays / 7 * barWidth / maxWeeks
            out.append("<rect x=\"\(labelWidth)\" y=\"\(y + 2)\" width=\"\(demand)\" height=\"13\" fill=\"#8c6bb1\"/>\n")
            out.append("<rect x=\"\(labelWidth)\" y=\"\(y + 16)\" width=\"\(capacity)\" height=\"13\" fill=\"#3b6ea5\"/>\n")
            out.append("<text x=\"\(labelWidth + max(demand, capacity) + 6)\" y=\"\(y + 18)\">balance \(Tables.plan.text("balance_weeks", of: row)) weeks "
                       + "(\(Tables.plan.text("balance_slots", of: row)) slots)</text>\n")
        }
        out.append("</svg>\n")
        table(Tables.plan.table(rows), into: &out)
        out.append("</section>\n")
    }

    // MARK: Tables

    static func findingsSection(_ findings: ReportTable, counts: [String: Int]?, into out: inout TextBuffer) {
        out.append("<section id=\"findings\"><h2>Findings</h2>\n")
        guard let codeColumn = findings.column("code"), let severityColumn = findings.column("severity"),
              let messageColumn = findings.column("message"), let sourcesColumn = findings.column("sources"),
              let fingerprintColumn = findings.column("fingerprint") else { return }
        if findings.rows.isEmpty { out.append("<p>No findings.</p>\n") }
        var byCode: [String: [[Cell]]] = [:]
        var codes: [String] = []
        for row in findings.rows {
            let code = row[codeColumn].plainText
            if byCode[code] == nil { codes.append(code) }
            byCode[code, default: []].append(row)
        }
        for code in codes {
            let rows = byCode[code] ?? []
            let total = counts?[code] ?? rows.count
            let severity = rows.first?[severityColumn].plainText ?? ""
            // Code and severity come from the tool's own enums, escaped all the same: every
            // text that reaches the page goes through appendHTML.
            out.append("<details class=\"")
            TableFormats.appendHTML(severity, to: &out)
            out.append("\"\(severity == "error" ? " open" : "")><summary><strong>")
            TableFormats.appendHTML(code, to: &out)
            out.append("</strong> <span class=\"severity\">")
            TableFormats.appendHTML(severity, to: &out)
            out.append("</span> — \(total)</summary>\n<ul>\n")
            for row in rows.prefix(findingsPerCode) {
                out.append("<li><code>")
                TableFormats.appendHTML(row[fingerprintColumn].plainText, to: &out)
                out.append("</code> ")
                TableFormats.appendHTML(row[messageColumn].plainText, to: &out)
                out.append("<br><span class=\"sources\">")
                TableFormats.appendHTML(row[sourcesColumn].plainText, to: &out)
                out.append("</span></li>\n")
            }
            if total > findingsPerCode { out.append("<li>… \(total - findingsPerCode) more in findings.csv</li>\n") }
            out.append("</ul></details>\n")
        }
        out.append("</section>\n")
    }

    /// A sortable table: a click on a column's heading sorts by it (numbers as numbers).
    static func table(_ table: ReportTable, into out: inout TextBuffer) {
        out.append("<table class=\"sortable\"><thead><tr>")
        for column in table.columns {
            out.append("<th>")
            TableFormats.appendHTML(column.replacingUnderscores, to: &out)
            out.append("</th>")
        }
        out.append("</tr></thead>\n<tbody>\n")
        for row in table.rows {
            out.append("<tr>")
            for cell in row {
                out.append(cell.isNumeric ? "<td class=\"n\">" : "<td>")
                TableFormats.appendHTML(cell.plainText, to: &out)
                out.append("</td>")
            }
            out.append("</tr>\n")
        }
        out.append("</tbody></table>\n")
    }

    static let style = """
        body { font-family: sans-serif; margin: 2em; color: #222; max-width: 1100px; }
        h1 { margin-bottom: 0; } .asof { color: #555; margin-top: 0.2em; }
        dl.headline { display: flex; flex-wrap: wrap; gap: 0.6em; }
        dl.headline div { border: 1px solid #ccc; border-radius: 4px; padding: 0.4em 0.8em; }
        dl.headline dt { font-size: 0.8em; color: #555; } dl.headline dd { margin: 0; font-size: 1.3em; font-weight: bold; }
        table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0 1.5em; }
        th, td { border: 1px solid #ccc; padding: 2px 6px; } td.n { text-align: right; }
        th { background: #eef; cursor: pointer; } th.asc::after { content: " ▲"; } th.desc::after { content: " ▼"; }
        details { margin: 0.3em 0; } details.error summary strong { color: #b00; }
        .sources { color: #666; font-size: 0.85em; } .note { color: #555; font-size: 0.9em; }
        svg.chart { max-width: 100%; height: auto; display: block; margin: 0.5em 0 1em; }
        @media print { details { display: block; } details > summary { list-style: none; } th { cursor: auto; }
          section { break-inside: avoid-page; } body { margin: 0; } }

        """

    /// Sorting only; no network, no libraries.
    static let script = """
        document.querySelectorAll('table.sortable th').forEach(function (th, index) {
          th.addEventListener('click', function () {
            var table = th.closest('table'), body = table.tBodies[0];
            var ascending = !th.classList.contains('asc');
            table.querySelectorAll('th').forEach(function (other) { other.classList.remove('asc', 'desc'); });
            th.classList.add(ascending ? 'asc' : 'desc');
            var rows = Array.prototype.slice.call(body.rows);
            rows.sort(function (a, b) {
              var x = a.cells[index].textContent, y = b.cells[index].textContent;
              var nx = parseFloat(x), ny = parseFloat(y);
              var result = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
              return ascending ? result : -result;
            });
            rows.forEach(function (row) { body.appendChild(row); });
          });
        });

        """
}

extension String {
    var replacingUnderscores: String { String(decoding: utf8.map { $0 == UInt8(ascii: "_") ? 0x20 : $0 }, as: UTF8.self) }
}

extension HTMLPage {
    /// A page with one table (and the plan's bars when given), for `report` and `plan`, in
    /// `language`: its labels, and its numbers and dates with the language's marks (each
    /// number keeps its plain value in `data-value`, which the sorting reads).
    public static func standalone(_ table: ReportTable, title: String, plan: [PlanRow] = [],
                                  language: ReportLanguage = .standard) -> [UInt8] {
        var out = TextBuffer()
        out.append("<!DOCTYPE html>\n<html lang=\"\(language.rawValue)\">\n<head>\n<meta charset=\"utf-8\">\n"
                   + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
        TableFormats.appendHTML(title, to: &out)
        out.append("</title>\n<style>\n\(style)</style>\n</head>\n<body>\n<h1>")
        TableFormats.appendHTML(title, to: &out)
        out.append("</h1>\n")
        if let first = plan.first {
            out.append("<section id=\"plan\"><h2>")
            TableFormats.appendHTML(MarkdownSummary.planHeading(year: first.year, students: first.students, language: language), to: &out)
            out.append("</h2>\n")
            standalonePlanChart(plan, language: language, into: &out)
            standaloneTable(Tables.plan.table(plan), language: language, into: &out)
            out.append("</section>\n")
        } else if table.rows.isEmpty {
            out.append("<p>" + language.text("No rows.", "Geen rijen.") + "</p>\n")
        } else {
            standaloneTable(table, language: language, into: &out)
        }
        out.append("<script>\n\(standaloneScript)</script>\n</body>\n</html>\n")
        return out.bytes
    }

    /// Demand against recognised capacity per group, as bars with the balance beside them.
    static func standalonePlanChart(_ rows: [PlanRow], language: ReportLanguage, into out: inout TextBuffer) {
        let maxWeeks = max(1, rows.map { max($0.demandWeeks, $0.slotDays / 7) }.max() ?? 1)
        let labelWidth = 90, barWidth = 480, lineHeight = 36, top = 30
        let width = labelWidth + barWidth + 200, height = top + lineHeight * rows.count + 10
        let demandLabel = language.text("demand weeks", "vraag in weken")
        let capacityLabel = language.text("recognised capacity weeks", "erkende capaciteit in weken")
        out.append("<svg class=\"chart\" role=\"img\" aria-label=\"\(demandLabel), \(capacityLabel)\" viewBox=\"0 0 \(width) \(height)\" "
                   + "width=\"\(width)\" height=\"\(height)\" xmlns=\"http://www.w3.org/2000/svg\" font-family=\"sans-serif\" font-size=\"11\">\n")
        out.append("<rect x=\"\(labelWidth)\" y=\"4\" width=\"12\" height=\"12\" fill=\"#8c6bb1\"/><text x=\"\(labelWidth + 16)\" y=\"14\">"
                   + "\(demandLabel)</text><rect x=\"\(labelWidth + 130)\" y=\"4\" width=\"12\" height=\"12\" fill=\"#3b6ea5\"/>"
                   + "<text x=\"\(labelWidth + 146)\" y=\"14\">\(capacityLabel)</text>\n")
        let weeks = Tables.plan.column("balance_weeks"), slots = Tables.plan.column("balance_slots")
        for (line, row) in rows.enumerated() {
            let y = top + line * lineHeight
            out.append("<text x=\"\(labelWidth - 6)\" y=\"\(y + 18)\" text-anchor=\"end\">")
            TableFormats.appendHTML(row.group, to: &out)
            out.append("</text>\n")
            let demand = row.demandWeeks * barWidth / maxWeeks, capacity = row.slotDays / 7 * barWidth / maxWeeks
            out.append("<rect x=\"\(labelWidth)\" y=\"\(y + 2)\" width=\"\(demand)\" height=\"13\" fill=\"#8c6bb1\"/>\n")
            out.append("<rect x=\"\(labelWidth)\" y=\"\(y + 16)\" width=\"\(capacity)\" height=\"13\" fill=\"#3b6ea5\"/>\n")
            let balanceWeeks = weeks.map { language.display($0.cell(row, .plain)) } ?? ""
            let balanceSlots = slots.map { language.display($0.cell(row, .plain)) } ?? ""
            out.append("<text x=\"\(labelWidth + max(demand, capacity) + 6)\" y=\"\(y + 18)\">"
                       + language.text("balance \(balanceWeeks) weeks (\(balanceSlots) slots)",
                                       "saldo \(balanceWeeks) weken (\(balanceSlots) plaatsen)") + "</text>\n")
        }
        out.append("</svg>\n")
    }

    /// A sortable table: column names as in the CSV, values as `language` writes them.
    static func standaloneTable(_ table: ReportTable, language: ReportLanguage, into out: inout TextBuffer) {
        out.append("<div style=\"overflow-x: auto\"><table class=\"sortable\"><thead><tr>")
        for column in table.columns {
            out.append("<th scope=\"col\">")
            TableFormats.appendHTML(column.replacingUnderscores, to: &out)
            out.append("</th>")
        }
        out.append("</tr></thead>\n<tbody>\n")
        for row in table.rows {
            out.append("<tr>")
            for cell in row {
                if cell.isNumeric {
                    out.append("<td class=\"n\" data-value=\"")
                    TableFormats.appendHTML(cell.plainText, to: &out)
                    out.append("\">")
                } else {
                    out.append("<td>")
                }
                TableFormats.appendHTML(language.display(cell), to: &out)
                out.append("</td>")
            }
            out.append("</tr>\n")
        }
        out.append("</tbody></table></div>\n")
    }

    /// Sorting by a column's plain values (`data-value`: a decimal comma does not parse).
    static let standaloneScript = """
        document.querySelectorAll('table.sortable th').forEach(function (th, index) {
          th.addEventListener('click', function () {
            var table = th.closest('table'), body = table.tBodies[0];
            var ascending = !th.classList.contains('asc');
            table.querySelectorAll('th').forEach(function (other) { other.classList.remove('asc', 'desc'); });
            th.classList.add(ascending ? 'asc' : 'desc');
            function value(cell) { return cell.hasAttribute('data-value') ? cell.getAttribute('data-value') : cell.textContent; }
            var rows = Array.prototype.slice.call(body.rows);
            rows.sort(function (a, b) {
              var x = value(a.cells[index]), y = value(b.cells[index]);
              var nx = parseFloat(x), ny = parseFloat(y);
              var result = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
              return ascending ? result : -result;
            });
            rows.forEach(function (row) { body.appendChild(row); });
          });
        });

        """
}
