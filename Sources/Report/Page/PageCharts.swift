import Domain

/// The charts of one placement year: utilisation per site and discipline group (a table, so
/// that it stays readable on a phone and reaches the data by position), the day-level
/// occupancy of the rows with over-capacity days, and coverage per discipline group.
extension PageWriter {
    struct CellSum {
        var used = 0, slotDays = 0, overDays = 0
    }

    mutating func yearSection(_ year: PlacementYear) {
        let label = year.description
        out.append("<section class=\"year\" id=\"year-\(label)\" data-year-section=\"\(label)\"><h2>")
        escaped(text("Placement year ", "Stagejaar ") + label)
        out.append("</h2>\n")
        heatmap(year)
        timelines(year)
        coverageBars(year)
        out.append("</section>\n")
    }

    /// Per site and discipline group, summed over the capacity rows: utilisation in its band,
    /// the value printed, over-capacity days outlined and counted; used weeks where there is
    /// no recognised capacity.
    mutating func heatmap(_ year: PlacementYear) {
        var cells: [String: [String: CellSum]] = [:]
        for row in content.capacity where row.year == year {
            let group = reference.group(of: row.discipline)
            var sum = cells[row.site]?[group] ?? CellSum()
            sum.used += row.usedWeeks
            sum.slotDays += row.slotDays
            sum.overDays += row.overCapacityDays
            cells[row.site, default: [:]][group] = sum
        }
        guard !cells.isEmpty else { return }
        let sites = cells.keys.sorted(), groups = Set(cells.values.flatMap(\.keys)).sorted()
        out.append("<h3>\(text("Utilisation per site and discipline group", "Bezetting per plaats en disciplinegroep"))</h3>\n")
        heatmapLegend()
        out.append("<div class=\"scroll\"><table class=\"heatmap\" data-year=\"\(year)\"><caption>")
        escaped(text("Used weeks as a share of recognised capacity weeks, \(year). A click on a cell lists its placements.",
                     "Gebruikte weken als aandeel van de erkende capaciteitsweken, \(year). Een klik op een cel toont haar stages."))
        out.append("</caption>\n<thead><tr><th scope=\"col\">\(text("site", "plaats"))</th>")
        for group in groups {
            out.append("<th scope=\"col\" data-group=\"")
            escaped(group)
            out.append("\">")
            codeAndName(group, disciplineName(group))
            out.append("</th>")
        }
        out.append("</tr></thead>\n<tbody>\n")
        // Only the first page of sites is written as rows: a table of a thousand rows took the
        // browser most of a second to parse and lay out as it grew. The script writes the other
        // pages from the data block; without it the first page and a link to the CSV remain.
        for site in sites.prefix(Self.heatmapRowsInPage) {
            out.append("<tr data-site=\"")
            escaped(site)
            out.append("\"><th scope=\"row\">")
            codeAndName(site, siteName(site))
            out.append("</th>")
            for group in groups {
                guard let sum = cells[site]?[group] else {
                    out.append("<td></td>")
                    continue
                }
                let look = cellLook(sum)
                out.append("<td class=\"\(look.classes)\" tabindex=\"0\">\(look.label)")
                if sum.overDays > 0 { out.append("<span class=\"oc\">⚠ \(language.integer(sum.overDays)) d</span>") }
                out.append("</td>")
            }
            out.append("</tr>\n")
        }
        out.append("</tbody></table></div>\n<div class=\"pager\" data-for-heatmap=\"\(year)\"></div>\n")
        if sites.count > Self.heatmapRowsInPage {
            out.append("<noscript><p class=\"more\">")
            escaped(text("The first \(Self.heatmapRowsInPage) of \(language.integer(sites.count)) sites; all in ",
                         "De eerste \(Self.heatmapRowsInPage) van \(language.integer(sites.count)) plaatsen; alle in "))
            out.append("<a href=\"capacity.csv\">capacity.csv</a>.</p></noscript>\n")
        }
        heatmapData(year, sites: sites, groups: groups, cells: cells)
    }

    /// Sites per page of a heatmap (the script's `HEAT_PAGE` is the same number).
    static let heatmapRowsInPage = 40

    /// A cell's text and classes: its utilisation in its band, over capacity outlined; used weeks
    /// where there is no recognised capacity.
    func cellLook(_ sum: CellSum) -> (label: String, classes: String) {
        guard sum.slotDays > 0 else { return (language.integer(sum.used) + " wk", "nc") }
        let permille = (sum.used * 7 * 1000 + sum.slotDays / 2) / sum.slotDays
        let band = UtilisationBands.band(permille: permille)
        return (language.percent(Ratio(sum.used * 7, sum.slotDays)), "b\(band)" + (sum.overDays > 0 ? " over" : ""))
    }

    mutating func heatmapLegend() {
        out.append("<p class=\"legend\">")
        for (index, band) in UtilisationBands.bands.enumerated() {
            out.append("<span class=\"swatch b\(index)\">\(language == .nl ? band.dutch : band.english)</span> ")
        }
        out.append("<span class=\"swatch b3 over\">⚠ \(text("days over capacity", "dagen boven capaciteit"))</span> ")
        out.append("<span class=\"swatch nc\">\(text("no recognised capacity: used weeks", "geen erkende capaciteit: gebruikte weken"))</span></p>\n")
    }

    /// `heat-YEAR`: {"sites", "groups", "cells": {SITE: {GROUP: [text, classes, used weeks,
    /// capacity weeks, over-capacity days, placements, [first placements]]}}}. Nested rather than
    /// keyed by a joined "SITE|GROUP": a register's codes may hold any character.
    mutating func heatmapData(_ year: PlacementYear, sites: [String], groups: [String], cells: [String: [String: CellSum]]) {
        data.key("heat-\(year)")
        data.raw("{")
        data.key("sites")
        data.strings(sites)
        data.raw(",")
        data.key("groups")
        data.strings(groups)
        data.raw(",")
        data.key("cells")
        data.raw("{")
        for (siteIndex, site) in sites.enumerated() {
            if siteIndex > 0 { data.raw(",") }
            data.key(site)
            data.raw("{")
            for (groupIndex, (group, sum)) in (cells[site] ?? [:]).sorted(by: { $0.key < $1.key }).enumerated() {
                if groupIndex > 0 { data.raw(",") }
                data.key(group)
                let sample = content.drillDown.cells[PageDrillDown.CellKey(year: year, site: site, group: group)] ?? PlacementSample()
                let look = cellLook(sum)
                data.raw("[")
                for text in [look.label, look.classes, language.integer(sum.used), language.decimal(Ratio(sum.slotDays, 7), places: 1)] {
                    data.string(text)
                    data.raw(",")
                }
                data.raw("\(sum.overDays),\(sample.total),")
                placements(sample.first)
                data.raw("]")
            }
            data.raw("}")
        }
        data.raw("}},")
    }

    /// [[student, discipline, start, end, weeks, agreement, sources, source count], …].
    mutating func placements(_ list: [PagePlacement]) {
        let language = self.language
        data.array(list) { data, placement in
            data.raw("[")
            data.string(placement.student)
            data.raw(",")
            data.string(placement.discipline)
            data.raw(",")
            data.date(placement.start, language)
            data.raw(",")
            data.date(placement.end, language)
            data.raw(",\(placement.weeks),")
            if let agreement = placement.agreement { data.string(agreement) } else { data.raw("null") }
            data.raw(",")
            data.sources(placement.sources)
            data.raw(",\(placement.sourceCount)]")
        }
    }
}
