import Rules
import Scheduling
import Domain

/// `plan --schedule` as Markdown and as its JSON object. CSV (both dialects) is the block
/// schedule table alone (`ScheduleTables.schedule`), the workbook its three tables as sheets.
public enum ScheduleDocument {
    /// The grid's marks, the same in Markdown and on the page (with the legend beside them).
    public static let fullMark = "■"
    public static let cutMark = "✂"

    /// The legend in `language`: the marks in words, so that nothing rests on colour.
    public static func legend(_ language: ReportLanguage) -> [(mark: String, meaning: String)] {
        [("12 / 15", language.text("students placed / slots of the group's agreements in the block",
                                   "geplaatste studenten / plaatsen van de overeenkomsten van de groep in het blok")),
         (fullMark, language.text("the slots are all taken", "alle plaatsen zijn bezet")),
         (cutMark, language.text("the minimum cut passes here: this is the bottleneck",
                                 "de minimale snede loopt hier: dit is de bottleneck")),
         ("+3", language.text("extra slots needed here (the smallest fix)", "extra plaatsen nodig hier (de kleinste oplossing)"))]
    }

    /// A cell's text: "12 / 15 ■ ✂ +3".
    public static func cellText(_ cell: ScheduleGrid.GridCell, language: ReportLanguage) -> String {
        var text = language.integer(cell.students) + " / " + language.integer(cell.slots)
        if cell.full { text += " " + fullMark }
        if cell.inCut { text += " " + cutMark }
        if cell.extra > 0 { text += " +" + language.integer(cell.extra) }
        return text
    }

    /// A block's heading: "1 (01/07/2026–28/07/2026)", with the cut's mark on a busy block.
    public static func blockHeading(_ grid: ScheduleGrid, _ b: Int, language: ReportLanguage) -> String {
        let block = grid.blocks[b]
        let mark = grid.busyBlocks.contains(b) ? " " + cutMark : ""
        return "\(block.label)\(mark) (\(language.date(block.first))–\(language.date(block.last)))"
    }

    public static func markdown(_ plan: SchedulePlan, title: String, language: ReportLanguage) -> [UInt8] {
        let summary = ScheduleSummary(plan)
        var out = TextBuffer()
        out.append("# \(TableFormats.markdownCell(title))\n\n")
        for sentence in summary.sentences(language) { out.append(TableFormats.markdownCell(sentence) + "\n\n") }
        let grid = summary.grid
        if !grid.groups.isEmpty && !grid.blocks.isEmpty {
            out.append("## " + language.text("Blocks × groups", "Blokken × groepen") + "\n\n")
            out.append(legend(language).map { TableFormats.markdownCell("\($0.mark): \($0.meaning)") }.joined(separator: " · ") + "\n\n")
            out.append("| " + language.text("group", "groep"))
            for b in grid.blocks.indices { out.append(" | " + TableFormats.markdownCell(blockHeading(grid, b, language: language))) }
            out.append(" |\n|---|" + String(repeating: "---:|", count: grid.blocks.count) + "\n")
            for (g, group) in grid.groups.enumerated() {
                out.append("| " + TableFormats.markdownCell(group))
                for cell in grid.cells[g] { out.append(" | " + TableFormats.markdownCell(cellText(cell, language: language))) }
                out.append(" |\n")
            }
        }
        if !summary.fixRows.isEmpty {
            out.append("\n## " + language.text("Where it breaks and the fix", "Waar het breekt en de oplossing") + "\n\n")
            MarkdownSummary.table(Tables.scheduleFix.table(summary.fixRows), language: language, into: &out)
        }
        out.append("\n## " + language.text("Block schedule", "Blokplanning") + "\n\n")
        let schedule = ScheduleTables.schedule(plan)
        if schedule.rows.isEmpty {
            out.append(language.text("No rows: only a bound is known.", "Geen rijen: alleen een grens is bekend.") + "\n")
        } else {
            MarkdownSummary.table(schedule, language: language, into: &out)
        }
        return out.bytes
    }

    /// `{"summary": {fact: value, …}, "schedule": [rows], "fix": [rows]}`: the facts as one
    /// object (a reader takes `summary.feasible`), the tables as arrays of objects as every JSON
    /// report writes them (numbers as numbers, absent values as null).
    public static func json(_ plan: SchedulePlan) -> [UInt8] {
        let summary = ScheduleSummary(plan)
        var out = TextBuffer()
        out.append("{\n\"summary\": {")
        for (index, fact) in summary.facts.enumerated() {
            out.append(index == 0 ? "\n  " : ",\n  ")
            TableFormats.appendJSONString(fact.name, to: &out)
            out.append(": ")
            TableFormats.appendJSON(fact.value, to: &out)
        }
        out.append("\n},\n\"schedule\": ")
        out.append(bytes: trimmedJSON(TableFormats.json(ScheduleTables.schedule(plan))))
        out.append(",\n\"fix\": ")
        out.append(bytes: trimmedJSON(TableFormats.json(Tables.scheduleFix.table(summary.fixRows))))
        out.append("\n}\n")
        return out.bytes
    }

    /// A JSON array without its last line break, to sit inside an object.
    static func trimmedJSON(_ bytes: [UInt8]) -> [UInt8] {
        bytes.last == 0x0A ? Array(bytes.dropLast()) : bytes
    }
}
