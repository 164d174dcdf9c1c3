import Normalize
import Domain

/// The HTML pages: the run's page (`render`, written by `PageWriter`), and a page with one
/// table or the plan for `report` and `plan` (`standalone`): inline CSS, inline SVG charts, a
/// few lines of inline script to sort tables; no network resource, readable when printed.
public enum HTMLPage {
    /// Source rows listed per finding code on the page; the rest are in findings.csv.
    public static let findingsPerCode = 50

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
        svg.chart { max-width: 100%; height: auto; display: block; margin: 0.5em 0 1em; } .scroll { overflow-x: auto; }
        @media print { details { display: block; } details > summary { list-style: none; } th { cursor: auto; }
          section { break-inside: avoid-page; } body { margin: 0; } }

        """
}

extension HTMLPage {
    /// The texts inside the standalone page's `<style>` and `<script>`, as hashed for its policy.
    static let standaloneStyleText = "\n" + style
    static let standaloneScriptText = "\n" + standaloneScript

    /// As the run's page (`PageAssets`): only the page's own style and script, by their hashes.
    static let standalonePolicy = "default-src 'none'; script-src '\(PageAssets.hash(standaloneScriptText))'; "
        + "style-src '\(PageAssets.hash(standaloneStyleText))'; base-uri 'none'; form-action 'none'"
}

extension String {
    var replacingUnderscores: String { String(decoding: utf8.map { $0 == UInt8(ascii: "_") ? 0x20 : $0 }, as: UTF8.self) }
}

extension HTMLPage {
    /// A standalone page's head, up to and with `<body>`: its title, its policy and its one style.
    static func standaloneHead(title: String, policy: String, style: String, language: ReportLanguage,
                               into out: inout TextBuffer) {
        out.append("<!DOCTYPE html>\n<html lang=\"\(language.rawValue)\">\n<head>\n<meta charset=\"utf-8\">\n"
                   + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
        TableFormats.appendHTML(title, to: &out)
        out.append("</title>\n<meta http-equiv=\"Content-Security-Policy\" content=\"\(policy)\">\n")
        out.append("<style>\(style)</style>\n</head>\n<body>\n")
    }

    /// A page with one table (and the plan's bars when given), for `report` and `plan`, in
    /// `language`: its labels, and its numbers and dates with the language's marks (each
    /// number keeps its plain value in `data-value`, which the sorting reads).
    public static func standalone(_ table: ReportTable, title: String, plan: [PlanRow] = [],
                                  language: ReportLanguage = .standard) -> [UInt8] {
        var out = TextBuffer()
        standaloneHead(title: title, policy: standalonePolicy, style: standaloneStyleText, language: language, into: &out)
        out.append("<h1>")
        TableFormats.appendHTML(title, to: &out)
        out.append("</h1>\n")
        if !plan.isEmpty {
            planSection(plan, language: language, into: &out)
        } else if table.rows.isEmpty {
            out.append("<p>" + language.text("No rows.", "Geen rijen.") + "</p>\n")
        } else {
            standaloneTable(table, language: language, into: &out)
        }
        out.append("<script>\(standaloneScriptText)</script>\n</body>\n</html>\n")
        return out.bytes
    }

    /// The plan's heading, bars and table in `language` (the page of `plan`, and the run's page
    /// when it is given a plan).
    static func planSection(_ rows: [PlanRow], language: ReportLanguage, into out: inout TextBuffer) {
        guard let first = rows.first else { return }
        out.append("<section id=\"plan\"><h2>")
        TableFormats.appendHTML(MarkdownSummary.planHeading(year: first.year, students: first.students, language: language), to: &out)
        out.append("</h2>\n")
        standalonePlanChart(rows, language: language, into: &out)
        standaloneTable(Tables.plan.table(rows), language: language, into: &out)
        out.append("</section>\n")
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
        out.append("<div class=\"scroll\"><table class=\"sortable\"><thead><tr>")
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
