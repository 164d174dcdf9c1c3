import Domain
import Rules

/// The day-level occupancy of over-capacity rows and the coverage bars of one year.
extension PageWriter {
    func monthNames() -> [String] {
        language == .nl ? ["jul", "aug", "sep", "okt", "nov", "dec", "jan", "feb", "mrt", "apr", "mei", "jun"]
            : ["Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar", "Apr", "May", "Jun"]
    }

    /// One small chart per row with over-capacity days: placements on each day of the year as
    /// bars (over-capacity days in vermillion), the slots as a black step line.
    mutating func timelines(_ year: PlacementYear) {
        let rows = content.timelines.filter { $0.year == year }
        guard !rows.isEmpty else { return }
        out.append("<h3 id=\"over-capacity-\(year)\">\(text("Days over capacity", "Dagen boven capaciteit"))</h3>\n<p class=\"note\">")
        escaped(text("Placements on each day of the year (bars; over capacity in vermillion) against the slots (black line).",
                     "Stages op elke dag van het jaar (staven; boven capaciteit in vermiljoen) tegenover de plaatsen (zwarte lijn)."))
        out.append("</p>\n")
        for timeline in rows { timelineFigure(timeline) }
    }

    mutating func timelineFigure(_ timeline: OccupancyTimeline) {
        let overDays = timeline.stretches.filter(\.isOverCapacity).reduce(0) { $0 + $1.days }
        let peak = timeline.stretches.map(\.placements).max() ?? 0
        let top = max(1, timeline.stretches.map { max($0.placements, $0.slots) }.max() ?? 1)
        let group = reference.group(of: timeline.discipline)
        let title = label(timeline.site, siteName(timeline.site)) + " · " + label(timeline.discipline, disciplineName(timeline.discipline))
            + ": " + text("\(overDays) days over capacity, at most \(peak) placements", "\(overDays) dagen boven capaciteit, hoogstens \(peak) stages")
        out.append("<figure class=\"timeline-row\" data-site=\"")
        escaped(timeline.site)
        out.append("\" data-group=\"")
        escaped(group)
        out.append("\"><figcaption>")
        escaped(title)
        out.append("</figcaption>\n<div class=\"scroll\"><svg class=\"timeline\" role=\"img\" aria-label=\"")
        escaped(title)
        let dayWidth = 2, chartTop = 14, chartHeight = 44, width = 366 * dayWidth + 30
        out.append("\" width=\"\(width)\" height=\"\(chartTop + chartHeight + 4)\" viewBox=\"0 0 \(width) \(chartTop + chartHeight + 4)\" "
                   + "xmlns=\"http://www.w3.org/2000/svg\" font-family=\"sans-serif\" font-size=\"10\"><title>")
        escaped(title)
        out.append("</title>\n")
        let origin = timeline.year.firstDay.daysSinceEpoch, left = 26
        for (month, name) in monthNames().enumerated() {
            let (startYear, calendarMonth) = month < 6 ? (timeline.year.startYear, month + 7) : (timeline.year.startYear + 1, month - 5)
            let x = left + ((Day(year: startYear, month: calendarMonth, day: 1)?.daysSinceEpoch ?? origin) - origin) * dayWidth
            out.append("<line x1=\"\(x)\" y1=\"\(chartTop)\" x2=\"\(x)\" y2=\"\(chartTop + chartHeight)\" stroke=\"#ddd\"/>"
                       + "<text x=\"\(x + 2)\" y=\"10\">\(name)</text>")
        }
        out.append("<text x=\"\(left - 4)\" y=\"\(chartTop + 8)\" text-anchor=\"end\">\(top)</text><text x=\"\(left - 4)\" "
                   + "y=\"\(chartTop + chartHeight)\" text-anchor=\"end\">0</text>\n")
        func y(_ value: Int) -> Int { chartTop + chartHeight - value * chartHeight / top }
        // One path per colour, a closed box per stretch: 200 timelines of rects were most of a
        // 1 M-row page's markup.
        var within = "", over = "", slotsPath = ""
        for stretch in timeline.stretches {
            let x = left + (stretch.first.daysSinceEpoch - origin) * dayWidth, w = stretch.days * dayWidth
            if stretch.placements > 0 {
                let box = "M\(x) \(y(0))V\(y(stretch.placements))h\(w)V\(y(0))z"
                if stretch.isOverCapacity { over += box } else { within += box }
            }
            slotsPath += (slotsPath.isEmpty ? "M\(x) \(y(stretch.slots))" : "L\(x) \(y(stretch.slots))") + "h\(w)"
        }
        if !within.isEmpty { out.append("<path d=\"\(within)\" fill=\"#0072B2\"/>") }
        if !over.isEmpty { out.append("<path d=\"\(over)\" fill=\"#\(UtilisationBands.overCapacity)\"/>") }
        out.append("\n<path d=\"\(slotsPath)\" fill=\"none\" stroke=\"#000\" stroke-width=\"1.5\"/>\n</svg></div></figure>\n")
    }

    /// Per discipline group: recognised and non-recognised student weeks stacked, the
    /// recognised capacity weeks as a line, on an axis of weeks.
    mutating func coverageBars(_ year: PlacementYear) {
        let rows = content.coverage.filter { $0.year == year }
        guard !rows.isEmpty else { return }
        let maxWeeks = max(1, rows.map { max($0.studentWeeks, ($0.recognisedSlotDays + 6) / 7) }.max() ?? 1)
        let step = Self.niceStep(maxWeeks / 6), axisMax = (maxWeeks + step - 1) / step * step
        let labelWidth = 230, barWidth = 440, lineHeight = 28, top = 34
        let width = labelWidth + barWidth + 330, height = top + lineHeight * rows.count + 34
        func scaled(_ weeks: Int) -> Int { weeks * barWidth / axisMax }
        let title = text("Coverage per discipline group, \(year), in student weeks", "Dekking per disciplinegroep, \(year), in studentweken")
        out.append("<h3>\(title)</h3>\n<div class=\"scroll\"><svg class=\"coverage\" role=\"img\" aria-label=\"")
        escaped(title)
        out.append("\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" xmlns=\"http://www.w3.org/2000/svg\" "
                   + "font-family=\"sans-serif\" font-size=\"11\"><title>")
        escaped(title)
        out.append("</title>\n")
        coverageLegend(x: labelWidth)
        var tick = 0
        while tick <= axisMax {
            let x = labelWidth + scaled(tick), bottom = top + lineHeight * rows.count
            out.append("<line x1=\"\(x)\" y1=\"\(top - 4)\" x2=\"\(x)\" y2=\"\(bottom)\" stroke=\"#ddd\"/><text x=\"\(x)\" "
                       + "y=\"\(bottom + 14)\" text-anchor=\"middle\">\(language.integer(tick))</text>")
            tick += step
        }
        out.append("<text x=\"\(labelWidth + barWidth / 2)\" y=\"\(height - 4)\" text-anchor=\"middle\">")
        escaped(text("student weeks", "studentweken"))
        out.append("</text>\n")
        for (line, row) in rows.enumerated() { coverageBar(row, y: top + line * lineHeight, labelWidth: labelWidth, scaled: scaled) }
        out.append("</svg></div>\n")
        coverageData(year, rows: rows)
    }

    mutating func coverageLegend(x: Int) {
        out.append("<rect x=\"\(x)\" y=\"4\" width=\"12\" height=\"12\" fill=\"#0072B2\"/><text x=\"\(x + 16)\" y=\"14\">"
                   + text("recognised weeks", "erkende weken") + "</text>"
                   + "<rect x=\"\(x + 150)\" y=\"4\" width=\"12\" height=\"12\" fill=\"#009E73\"/><text x=\"\(x + 166)\" y=\"14\">"
                   + text("non-recognised weeks", "niet-erkende weken") + "</text>"
                   + "<line x1=\"\(x + 320)\" y1=\"3\" x2=\"\(x + 320)\" y2=\"17\" stroke=\"#000\" stroke-width=\"3\"/><text x=\"\(x + 326)\" y=\"14\">"
                   + text("recognised capacity weeks", "erkende capaciteitsweken") + "</text>\n")
    }

    mutating func coverageBar(_ row: CoverageRow, y: Int, labelWidth: Int, scaled: (Int) -> Int) {
        let capacity = language.decimal(row.recognisedCapacityWeeks, places: 1)
        let description = label(row.group, disciplineName(row.group)) + ": "
            + text("\(language.integer(row.recognisedWeeks)) recognised + \(language.integer(row.nonRecognisedWeeks)) non-recognised weeks; capacity \(capacity) weeks",
                   "\(language.integer(row.recognisedWeeks)) erkende + \(language.integer(row.nonRecognisedWeeks)) niet-erkende weken; capaciteit \(capacity) weken")
        out.append("<g class=\"bar\" data-group=\"")
        escaped(row.group)
        out.append("\" data-year=\"\(row.year)\" tabindex=\"0\" role=\"button\" aria-label=\"")
        escaped(description)
        out.append("\"><title>")
        escaped(description)
        out.append("</title><text x=\"\(labelWidth - 6)\" y=\"\(y + 14)\" text-anchor=\"end\">")
        escaped(label(row.group, disciplineName(row.group)))
        let recognised = scaled(row.recognisedWeeks), other = scaled(row.nonRecognisedWeeks)
        let capacityX = labelWidth + scaled(row.recognisedSlotDays / 7)
        out.append("</text><rect x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(recognised)\" height=\"16\" fill=\"#0072B2\"/>"
                   + "<rect x=\"\(labelWidth + recognised)\" y=\"\(y + 3)\" width=\"\(other)\" height=\"16\" fill=\"#009E73\"/>"
                   + "<line x1=\"\(capacityX)\" y1=\"\(y)\" x2=\"\(capacityX)\" y2=\"\(y + 22)\" stroke=\"#000\" stroke-width=\"3\"/>"
                   + "<text x=\"\(max(labelWidth + recognised + other, capacityX) + 6)\" y=\"\(y + 15)\">")
        escaped(text("\(language.integer(row.recognisedWeeks)) + \(language.integer(row.nonRecognisedWeeks)) of \(capacity)",
                     "\(language.integer(row.recognisedWeeks)) + \(language.integer(row.nonRecognisedWeeks)) van \(capacity)"))
        out.append("</text></g>\n")
    }

    /// Per bar "GROUP": [placements, [first placements]].
    mutating func coverageData(_ year: PlacementYear, rows: [CoverageRow]) {
        data.key("bars-\(year)")
        data.raw("{")
        for (index, row) in rows.enumerated() {
            if index > 0 { data.raw(",") }
            data.key(row.group)
            let sample = content.drillDown.groups[PageDrillDown.GroupKey(year: year, group: row.group)] ?? PlacementSample()
            data.raw("[\(sample.total),")
            placements(sample.first)
            data.raw("]")
        }
        data.raw("},")
    }

    /// 1, 2 or 5 times a power of ten, at least `rough`.
    static func niceStep(_ rough: Int) -> Int {
        var power = 1
        while true {
            for factor in [1, 2, 5] where factor * power >= max(1, rough) { return factor * power }
            power *= 10
        }
    }
}
