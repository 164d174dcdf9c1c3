import Domain

/// The last members of the data block (names, findings, source paths, the script's words) and
/// the block itself.
extension PageWriter {
    mutating func dataBlock(years: [PlacementYear]) {
        findingsData()
        data.key("years")
        data.strings(years.reversed().map(\.description))
        data.raw(",")
        let siteCodes = Set(content.capacity.map(\.site)).union(auditSites).sorted()
        namesData("sites", siteCodes.map { ($0, siteName($0)) })
        let disciplineCodes = Set(content.capacity.map(\.discipline)).union(content.drillDown.cells.values.flatMap { $0.first.map(\.discipline) })
        let groupCodes = Set(content.capacity.map { reference.group(of: $0.discipline) }).union(content.coverage.map(\.group)).sorted()
        namesData("disciplines", disciplineCodes.union(groupCodes).sorted().map { ($0, disciplineName($0)) })
        data.key("groups")
        data.strings(groupCodes)
        data.raw(",")
        data.key("groupOf")
        data.raw("{")
        for (index, code) in disciplineCodes.sorted().enumerated() {
            if index > 0 { data.raw(",") }
            data.key(code)
            data.string(reference.group(of: code))
        }
        data.raw("},")
        labelsData()
        data.key("paths")
        data.strings(data.paths)
        data.raw("}")
        out.append("<script type=\"application/json\" id=\"page-data\">")
        out.append(bytes: data.bytes)
        out.append("</script>\n")
    }

    var auditSites: [String] {
        guard let column = content.audit.column("site") else { return [] }
        return content.audit.rows.map { $0[column].plainText }
    }

    mutating func namesData(_ key: String, _ names: [(String, String?)]) {
        data.key(key)
        data.raw("{")
        for (index, (code, name)) in names.enumerated() {
            if index > 0 { data.raw(",") }
            data.key(code)
            data.string(name ?? "")
        }
        data.raw("},")
    }

    /// Per code: [count, [[fingerprint, message, first sources, sources in all], …]] for the
    /// findings the page lists.
    mutating func findingsData() {
        let findings = content.findings, language = self.language
        data.key("findings")
        data.raw("{")
        guard let message = findings.column("message"), let sources = findings.column("sources"),
              let fingerprint = findings.column("fingerprint") else {
            data.raw("},")
            return
        }
        for (index, name) in findingsByCode.keys.sorted().enumerated() {
            if index > 0 { data.raw(",") }
            data.key(name)
            let rows = findingsByCode[name] ?? []
            data.raw("[\(findingCount(name)),")
            data.array(rows.prefix(HTMLPage.findingsPerCode)) { data, row in
                data.raw("[")
                data.string(row[fingerprint].plainText)
                data.raw(",")
                data.string(Self.shortened(row[message].plainText, language))
                data.raw(",")
                let (shown, total) = Self.firstSources(row[sources])
                data.sources(shown)
                data.raw(",\(total)")
                data.raw("]")
            }
            data.raw("]")
        }
        data.raw("},")
    }

    /// The words the script writes, in the page's language.
    mutating func labelsData() {
        let words: [(String, String, String)] = [
            ("student", "student", "student"), ("discipline", "discipline", "discipline"), ("start", "start", "begin"),
            ("end", "end", "einde"), ("weeks", "weeks", "weken"), ("agreement", "agreement", "overeenkomst"),
            ("source", "source rows", "bronrijen"), ("none", "none", "geen"), ("previous", "previous", "vorige"),
            ("next", "next", "volgende"), ("rows", "rows", "rijen"), ("of", "of", "van"), ("shown", "shown", "getoond"),
            ("morePlacements", "more in placements.csv", "meer in placements.csv"), ("moreFindings", "more in findings.csv", "meer in findings.csv"),
            ("moreFindingRows", "more rows in findings.csv", "rijen meer in findings.csv"),
            ("placementsOf", "Placements of", "Stages van"), ("sourceRowsOf", "Source rows of", "Bronrijen van"),
            ("usedWeeks", "used weeks", "gebruikte weken"), ("capacityWeeks", "capacity weeks", "capaciteitsweken"),
            ("overDays", "days over capacity", "dagen boven capaciteit"), ("showAll", "show all", "toon alle"),
            ("showFewer", "show fewer", "toon minder"), ("key", "key", "sleutel"), ("site", "site", "plaats"),
            ("group", "discipline group", "disciplinegroep"),
        ]
        data.key("labels")
        data.raw("{")
        for (index, (key, english, dutch)) in words.enumerated() {
            if index > 0 { data.raw(",") }
            data.key(key)
            data.string(text(english, dutch))
        }
        data.raw("},")
    }
}
