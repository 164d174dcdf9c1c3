import Rules
import Scheduling
import Domain

/// The page of `plan --schedule --format html`: the answer in sentences, the block × group grid,
/// the fix and the block schedule. Self-contained as the other standalone pages: its own style and
/// the sorting script, allowed by their hashes (`policy`), no network resource.
extension HTMLPage {
    /// The grid's look. Nothing rests on colour: each mark is a symbol in the cell and a word in
    /// the legend, and hidden words for a screen reader (`.vh`). Over the table's own style. A
    /// `.scroll` box is positioned so that the hidden words, placed absolutely, stay inside the
    /// box it scrolls instead of widening the page on a phone (the browser check found it).
    static let scheduleStyle = style + """
        table.grid th { cursor: auto; } table.grid td { text-align: right; white-space: nowrap; }
        table.grid th[scope="row"] { position: sticky; left: 0; background: #eef; text-align: left; }
        table.grid thead th { white-space: nowrap; } table.grid .dates { display: block; font-weight: normal; font-size: 0.8em; color: #444; }
        table.grid caption { text-align: left; font-weight: bold; padding: 0.3em 0; }
        td.full, ul.legend .key.full { background: #c9d3e3; } td.idle { color: #666; }
        div.scroll { position: relative; } #fix td, #schedule td { white-space: nowrap; }
        td.cut, th.cut { outline: 3px solid #D55E00; outline-offset: -3px; }
        .extra { font-weight: bold; color: #8a3000; }
        ul.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.4em 1.2em; font-size: 0.9em; }
        ul.legend .key { display: inline-block; min-width: 2.2em; padding: 0 0.3em; border: 1px solid #ccc; text-align: center; }
        ul.legend .key.cut { outline: 3px solid #D55E00; outline-offset: -3px; }
        .vh { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
        p.answer { max-width: 60em; } section { margin-bottom: 1.5em; }

        """

    static let scheduleStyleText = "\n" + scheduleStyle
    /// As `standalonePolicy`, over the schedule page's style.
    static let schedulePolicy = "default-src 'none'; script-src '\(PageAssets.hash(standaloneScriptText))'; "
        + "style-src '\(PageAssets.hash(scheduleStyleText))'; base-uri 'none'; form-action 'none'"

    public static func schedule(_ plan: SchedulePlan, title: String, language: ReportLanguage = .standard) -> [UInt8] {
        let summary = ScheduleSummary(plan)
        var out = TextBuffer()
        standaloneHead(title: title, policy: schedulePolicy, style: scheduleStyleText, language: language, into: &out)
        out.append("<main>\n<h1>")
        TableFormats.appendHTML(title, to: &out)
        out.append("</h1>\n<section id=\"answer\">\n")
        scheduleHeadline(summary, language: language, into: &out)
        for sentence in summary.sentences(language) {
            out.append("<p class=\"answer\">")
            TableFormats.appendHTML(sentence, to: &out)
            out.append("</p>\n")
        }
        out.append("</section>\n")
        scheduleGrid(summary.grid, language: language, into: &out)
        if !summary.fixRows.isEmpty {
            out.append("<section id=\"fix\"><h2>" + language.text("Where it breaks and the fix", "Waar het breekt en de oplossing")
                       + "</h2>\n")
            standaloneTable(Tables.scheduleFix.table(summary.fixRows), language: language, into: &out)
            out.append("</section>\n")
        }
        out.append("<section id=\"schedule\"><h2>" + language.text("Block schedule", "Blokplanning") + "</h2>\n")
        let schedule = ScheduleTables.schedule(plan)
        if schedule.rows.isEmpty {
            out.append("<p>" + language.text("No rows: only a bound is known.", "Geen rijen: alleen een grens is bekend.") + "</p>\n")
        } else {
            standaloneTable(schedule, language: language, into: &out)
        }
        out.append("</section>\n</main>\n<script>\(standaloneScriptText)</script>\n</body>\n</html>\n")
        return out.bytes
    }

    /// The answer's figures in boxes: students, whether they fit, the shortfall, the extra slots.
    static func scheduleHeadline(_ summary: ScheduleSummary, language: ReportLanguage, into out: inout TextBuffer) {
        let answer = summary.plan.answer
        let fits = answer.feasible.map { $0 ? language.text("yes", "ja") : language.text("no", "nee") }
            ?? language.text("unknown", "onbekend")
        let figures = [
            (language.text("students", "studenten"), language.integer(answer.students), "students"),
            (language.text("fits", "past"), fits, "feasible"),
            (language.text("student-blocks short", "studentblokken tekort"), summary.shortfall.map(language.integer) ?? "—", "shortfall"),
            (language.text("extra slots needed", "extra plaatsen nodig"),
             answer.feasible == nil ? "≥ " + language.integer(answer.extraLowerBound ?? 0) : language.integer(answer.extraSlots),
             "extra_slots"),
        ]
        out.append("<dl class=\"headline\">")
        for (label, value, key) in figures {
            out.append("<div data-fact=\"\(key)\"><dt>\(label)</dt><dd>")
            TableFormats.appendHTML(value, to: &out)
            out.append("</dd></div>")
        }
        out.append("</dl>\n")
    }

    /// Groups as rows, blocks as columns with their dates; each cell "students / slots" with its
    /// marks, and its figures in data attributes (the browser check reads them).
    static func scheduleGrid(_ grid: ScheduleGrid, language: ReportLanguage, into out: inout TextBuffer) {
        guard !grid.groups.isEmpty, !grid.blocks.isEmpty else { return }
        out.append("<section id=\"grid\"><h2>" + language.text("Blocks × groups", "Blokken × groepen") + "</h2>\n<ul class=\"legend\">")
        for (index, entry) in ScheduleDocument.legend(language).enumerated() {
            let kind = ["", " full", " cut", " extra"][index]
            out.append("<li><span class=\"key\(kind)\" aria-hidden=\"true\">")
            TableFormats.appendHTML(entry.mark, to: &out)
            out.append("</span> ")
            TableFormats.appendHTML(entry.meaning, to: &out)
            out.append("</li>")
        }
        out.append("</ul>\n<div class=\"scroll\"><table class=\"grid\"><caption>")
        out.append(language.text("Students / slots per group and block", "Studenten / plaatsen per groep en blok"))
        out.append("</caption>\n<thead><tr><th scope=\"col\">" + language.text("group", "groep") + "</th>")
        for (b, block) in grid.blocks.enumerated() {
            let busy = grid.busyBlocks.contains(b)
            out.append(busy ? "<th scope=\"col\" class=\"cut\" data-block=\"" : "<th scope=\"col\" data-block=\"")
            TableFormats.appendHTML(block.label, to: &out)
            out.append("\">")
            TableFormats.appendHTML(block.label, to: &out)
            if busy { scheduleMark(ScheduleDocument.cutMark, language.text("every student is placed in this block: in the cut",
                                                                            "elke student is in dit blok geplaatst: in de snede"), into: &out) }
            out.append("<span class=\"dates\">" + language.date(block.first) + "–" + language.date(block.last) + "</span></th>")
        }
        out.append("</tr></thead>\n<tbody>\n")
        for (g, group) in grid.groups.enumerated() {
            out.append("<tr><th scope=\"row\">")
            TableFormats.appendHTML(group, to: &out)
            out.append("</th>")
            for (b, cell) in grid.cells[g].enumerated() { scheduleCell(cell, group: group, block: grid.blocks[b].label, language: language, into: &out) }
            out.append("</tr>\n")
        }
        out.append("</tbody></table></div>\n</section>\n")
    }

    static func scheduleCell(_ cell: ScheduleGrid.GridCell, group: String, block: String, language: ReportLanguage,
                             into out: inout TextBuffer) {
        let classes = [cell.full ? "full" : nil, cell.inCut ? "cut" : nil, cell.extra > 0 ? "extra-needed" : nil,
                       cell.needed ? nil : "idle"].compactMap { $0 }
        out.append(classes.isEmpty ? "<td" : "<td class=\"\(classes.joined(separator: " "))\"")
        out.append(" data-group=\"")
        TableFormats.appendHTML(group, to: &out)
        out.append("\" data-block=\"")
        TableFormats.appendHTML(block, to: &out)
        out.append("\" data-students=\"\(cell.students)\" data-slots=\"\(cell.slots)\" data-extra=\"\(cell.extra)\">")
        out.append(language.integer(cell.students) + " / " + language.integer(cell.slots))
        if cell.full { scheduleMark(ScheduleDocument.fullMark, language.text("slots all taken", "alle plaatsen bezet"), into: &out) }
        if cell.inCut { scheduleMark(ScheduleDocument.cutMark, language.text("in the minimum cut", "in de minimale snede"), into: &out) }
        if cell.extra > 0 {
            out.append(" <span class=\"extra\">+" + language.integer(cell.extra) + "<span class=\"vh\"> "
                       + language.text("extra slots needed", "extra plaatsen nodig") + "</span></span>")
        }
        out.append("</td>")
    }

    /// A symbol for the eye and its words for a screen reader.
    static func scheduleMark(_ mark: String, _ words: String, into out: inout TextBuffer) {
        out.append(" <span aria-hidden=\"true\">\(mark)</span><span class=\"vh\">\(words)</span>")
    }
}
