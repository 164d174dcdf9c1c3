import Domain

/// Night by night, from the output folder's history: findings opened and resolved, the
/// quarantined share and utilisation per discipline group, as small multiples.
extension PageWriter {
    mutating func trendsSection() {
        out.append("<section id=\"trends\"><h2>\(text("Trends, night by night", "Trends, nacht per nacht"))</h2>\n")
        let nights = content.trends
        guard nights.count >= 2, let first = nights.first, let last = nights.last else {
            out.append("<p class=\"note\">")
            escaped(text("Trends appear from the second published run of this output folder on.",
                         "Trends verschijnen vanaf de tweede gepubliceerde run in deze uitvoermap."))
            out.append("</p>\n</section>\n")
            return
        }
        out.append("<p class=\"note\">")
        escaped(text("\(nights.count) runs, \(language.date(first.asOf)) to \(language.date(last.asOf)) (as-of dates).",
                     "\(nights.count) runs, van \(language.date(first.asOf)) tot \(language.date(last.asOf)) (peildata)."))
        out.append("</p>\n<div class=\"multiples\">\n")
        findingsTrend(nights)
        let language = self.language
        let shares = nights.map { $0.recordsRead > 0 ? Ratio($0.recordsQuarantined * 1000, $0.recordsRead) : Ratio(0, 1) }
        lineTrend(title: text("Quarantined share of rows read", "Aandeel rijen in quarantaine"), values: shares, nights: nights,
                  format: { language.percent(Ratio($0.numerator, $0.denominator * 1000), places: 1) }, reference: nil)
        let groups = Set(nights.flatMap(\.groupUse.keys)).sorted()
        for group in groups {
            let values = nights.map { night -> Ratio? in
                guard let use = night.groupUse[group], use.slotDays > 0 else { return nil }
                return Ratio(use.usedWeeks * 7 * 1000, use.slotDays)
            }
            lineTrend(title: text("Utilisation ", "Bezetting ") + label(group, disciplineName(group)), values: values, nights: nights,
                      format: { language.percent(Ratio($0.numerator, $0.denominator * 1000)) }, reference: 1000)
        }
        out.append("</div>\n</section>\n")
    }

    private static let multipleWidth = 300, multipleHeight = 90, plotTop = 22, plotHeight = 50

    mutating func svgOpen(title: String, description: String) {
        out.append("<figure class=\"multiple\"><div class=\"scroll\"><svg role=\"img\" aria-label=\"")
        escaped(title + ": " + description)
        out.append("\" width=\"\(Self.multipleWidth)\" height=\"\(Self.multipleHeight)\" viewBox=\"0 0 \(Self.multipleWidth) "
                   + "\(Self.multipleHeight)\" xmlns=\"http://www.w3.org/2000/svg\" font-family=\"sans-serif\" font-size=\"10\"><title>")
        escaped(title + ": " + description)
        out.append("</title><text x=\"0\" y=\"11\" font-size=\"11\" font-weight=\"bold\">")
        escaped(title)
        out.append("</text>")
    }

    mutating func svgClose(_ nights: [NightTrend]) {
        let bottom = Self.plotTop + Self.plotHeight + 14
        out.append("<text x=\"0\" y=\"\(bottom)\">\(language.date(nights[0].asOf))</text><text x=\"\(Self.multipleWidth)\" "
                   + "y=\"\(bottom)\" text-anchor=\"end\">\(language.date(nights[nights.count - 1].asOf))</text></svg></div></figure>\n")
    }

    /// Opened findings as bars up, resolved ones as bars down, per night.
    mutating func findingsTrend(_ nights: [NightTrend]) {
        let top = max(1, nights.map { max($0.findingsOpened, $0.findingsResolved) }.max() ?? 1)
        let opened = nights.reduce(0) { $0 + $1.findingsOpened }, resolved = nights.reduce(0) { $0 + $1.findingsResolved }
        svgOpen(title: text("Findings opened (up) and resolved (down)", "Bevindingen geopend (op) en opgelost (neer)"),
                description: text("\(language.integer(opened)) opened, \(language.integer(resolved)) resolved",
                                  "\(language.integer(opened)) geopend, \(language.integer(resolved)) opgelost"))
        let middle = Self.plotTop + Self.plotHeight / 2, half = Self.plotHeight / 2
        let step = max(1, Self.multipleWidth / nights.count), width = max(1, step - 1)
        out.append("<line x1=\"0\" y1=\"\(middle)\" x2=\"\(Self.multipleWidth)\" y2=\"\(middle)\" stroke=\"#999\"/>")
        for (index, night) in nights.enumerated() {
            let x = index * step, up = night.findingsOpened * half / top, down = night.findingsResolved * half / top
            if up > 0 { out.append("<rect x=\"\(x)\" y=\"\(middle - up)\" width=\"\(width)\" height=\"\(up)\" fill=\"#D55E00\"/>") }
            if down > 0 { out.append("<rect x=\"\(x)\" y=\"\(middle)\" width=\"\(width)\" height=\"\(down)\" fill=\"#0072B2\"/>") }
        }
        out.append("<text x=\"\(Self.multipleWidth)\" y=\"\(Self.plotTop + 8)\" text-anchor=\"end\">\(language.integer(top))</text>")
        svgClose(nights)
    }

    /// A line of values per night (nil: no point that night), with a dashed reference line.
    mutating func lineTrend(title: String, values: [Ratio?], nights: [NightTrend], format: (Ratio) -> String, reference: Int?) {
        let units = values.map { $0?.units(places: 0) }
        let top = max(1, max(reference ?? 0, units.compactMap { $0 }.max() ?? 1))
        let latest = values.last.flatMap { $0 }.map(format) ?? "—"
        svgOpen(title: title, description: text("last night \(latest)", "laatste nacht \(latest)"))
        func y(_ value: Int) -> Int { Self.plotTop + Self.plotHeight - value * Self.plotHeight / top }
        let step = Double(Self.multipleWidth - 4) / Double(max(1, nights.count - 1))
        if let reference {
            out.append("<line x1=\"0\" y1=\"\(y(reference))\" x2=\"\(Self.multipleWidth)\" y2=\"\(y(reference))\" stroke=\"#000\" stroke-dasharray=\"3 3\"/>")
        }
        var path = ""
        for (index, value) in units.enumerated() {
            guard let value else { continue }
            path += (path.isEmpty ? "M" : "L") + "\(Int(Double(index) * step) + 2) \(y(value))"
        }
        if !path.isEmpty { out.append("<path d=\"\(path)\" fill=\"none\" stroke=\"#0072B2\" stroke-width=\"2\"/>") }
        out.append("<text x=\"\(Self.multipleWidth)\" y=\"\(Self.plotTop - 2)\" text-anchor=\"end\">")
        escaped(latest)
        out.append("</text>")
        svgClose(nights)
    }
}
