import Domain
import Normalize

/// Writes the run's page (`report.html`): what needs action first, then the figures, the
/// charts per placement year, the findings, the quarantine, what changed, the trends and the
/// tables. One self-contained file: inline style and script allowed by their hashes in a
/// Content-Security-Policy (`PageAssets`), the data for filters and drill-down as JSON in a
/// data block (`PageData`). Without script the page still shows the action list, the figures,
/// the charts and the first rows of each list.
struct PageWriter {
    var out = TextBuffer()
    var data = PageData()
    let content: ReportPageContent
    let reference: ReferenceData
    var language: ReportLanguage { content.language }

    /// Rows of each table written into the page itself; the script pages through all of them
    /// from the data block.
    static let tableRowsInPage = 50

    /// The findings the page lists, by code (the action list, the findings and the data block
    /// read them).
    let findingsByCode: [String: [[Cell]]]

    init(content: ReportPageContent, reference: ReferenceData) {
        self.content = content
        self.reference = reference
        var byCode: [String: [[Cell]]] = [:]
        if let code = content.findings.column("code") {
            for row in content.findings.rows { byCode[row[code].plainText, default: []].append(row) }
        }
        findingsByCode = byCode
    }

    func text(_ english: String, _ dutch: String) -> String { language.text(english, dutch) }

    /// Text into the page, escaped for HTML text and attribute values alike.
    mutating func escaped(_ text: String) { TableFormats.appendHTML(text, to: &out) }

    mutating func page() -> [UInt8] {
        head()
        header()
        out.append("<main>\n")
        actionSection()
        filterForm()
        summarySection()
        findingsSection()
        changesSection()
        quarantineSection()
        let years = Set(content.capacity.map(\.year)).union(content.coverage.map(\.year)).sorted()
        for year in years.reversed() { yearSection(year) }
        trendsSection()
        HTMLPage.planSection(content.plan, language: language, into: &out)
        coverageTable()
        capacityTable()
        auditTable()
        out.append("</main>\n")
        drillPanel()
        dataBlock(years: years)
        out.append("<script>\(PageAssets.script)</script>\n</body>\n</html>\n")
        return out.bytes
    }

    // MARK: Names beside codes

    /// A site's name from the register; nil for a code it does not hold (an unknown site's
    /// pseudonym in a run for auditors, or a group row's code).
    func siteName(_ code: String) -> String? { reference.site(code)?.name }

    /// A discipline's or group's name in the page's language.
    func disciplineName(_ code: String) -> String? {
        guard let index = reference.disciplineIndex[code] else { return nil }
        let discipline = reference.disciplines[index]
        return language == .nl ? discipline.dutch : discipline.english
    }

    /// `<span class="code">CODE</span> <span class="name">name</span>`.
    mutating func codeAndName(_ code: String, _ name: String?) {
        out.append("<span class=\"code\">")
        escaped(code)
        out.append("</span>")
        guard let name, !name.isEmpty else { return }
        out.append(" <span class=\"name\">")
        escaped(name)
        out.append("</span>")
    }

    /// "CODE name" as plain text (titles, labels).
    func label(_ code: String, _ name: String?) -> String {
        guard let name, !name.isEmpty else { return code }
        return code + " " + name
    }

    // MARK: Head, header, action

    mutating func head() {
        out.append("<!DOCTYPE html>\n<html lang=\"\(language.rawValue)\">\n<head>\n<meta charset=\"utf-8\">\n")
        out.append("<meta http-equiv=\"Content-Security-Policy\" content=\"\(PageAssets.contentSecurityPolicy)\">\n")
        out.append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
        escaped(content.summary.title)
        out.append("</title>\n<style>\(PageAssets.style)</style>\n</head>\n<body>\n")
    }

    mutating func header() {
        out.append("<header>\n<h1>")
        escaped(content.summary.title)
        out.append("</h1>\n<p class=\"asof\">")
        escaped(text("As of ", "Stand op ") + language.date(content.summary.asOf))
        if content.forAuditors {
            escaped(text(" · for auditors: students appear as pseudonyms only", " · voor auditoren: studenten enkel als pseudoniem"))
        }
        out.append("</p>\n")
        if let hold = content.hold { heldBanner(hold) }
        out.append("<nav aria-label=\"\(text("Sections", "Onderdelen"))\"><ul>")
        let sections = [("action", text("Today", "Vandaag")), ("summary", text("Figures", "Cijfers")),
                        ("findings", text("Findings", "Bevindingen")), ("changes", text("Changes", "Wijzigingen")),
                        ("quarantine", text("Quarantine", "Quarantaine")), ("years", text("Charts", "Grafieken")),
                        ("trends", text("Trends", "Trends")), ("coverage", text("Coverage", "Dekking")), ("capacity", text("Capacity", "Capaciteit")),
                        ("audit", text("Audit", "Audit"))]
        for (id, name) in sections { out.append("<li><a href=\"#\(id)\">\(name)</a></li>") }
        out.append("</ul></nav>\n</header>\n")
    }

    /// A held run's page says so before anything else: whoever opens runs/ID/report.html must
    /// not take it for the published reports.
    mutating func heldBanner(_ hold: PublishHold) {
        out.append("<div id=\"held\" role=\"alert\"><strong>")
        escaped(hold.headline(language))
        out.append("</strong>\n<ul>")
        for reason in hold.reasons {
            out.append("<li>")
            escaped(reason.text(language))
            out.append("</li>")
        }
        out.append("</ul>\n<p>")
        escaped(hold.advice(language))
        out.append("</p></div>\n")
    }

    /// The fingerprints the changes table lists as new since the previous run; nil on a first run.
    var newFingerprints: Set<String>? {
        guard !content.comparison.isFirstRun, let changes = content.changes, let change = changes.column("change"), let after = changes.column("after") else {
            return nil
        }
        var new: Set<String> = []
        for row in changes.rows where ["NEW_FINDING", "AGREEMENT_ENTERED_EXPIRY"].contains(row[change].plainText) {
            new.insert(row[after].plainText)
        }
        return new
    }

    /// The findings of `code` in the run: all of them, when the page lists only the first ones.
    func findingCount(_ code: String) -> Int { content.findingCounts?[code] ?? findingsByCode[code]?.count ?? 0 }

    func findingCount(_ code: FindingCode) -> Int { findingCount(code.rawValue) }

    /// What must be done today, each with its count and a link into its list.
    mutating func actionSection() {
        out.append("<section id=\"action\" aria-labelledby=\"action-title\">\n<h2 id=\"action-title\">")
        escaped(text("What needs action today", "Wat vandaag aandacht vraagt"))
        out.append("</h2>\n<ul>\n")
        let errorCode = FindingCode.allCases.first { $0.severity == .error && findingCount($0) > 0 }
        actionItem("errors", count: content.summary.errors, target: errorCode.map { "finding-" + $0.rawValue } ?? "findings",
                   text("errors: rows that could not be placed (unknown site or discipline)",
                        "fouten: rijen die niet geplaatst konden worden (onbekende plaats of discipline)"))
        actionItem("over-capacity", count: findingCount(.overCapacity), target: "finding-OVER_CAPACITY",
                   text("over-capacity runs: more students than slots on consecutive days",
                        "periodes boven capaciteit: meer studenten dan plaatsen op opeenvolgende dagen"))
        actionItem("expiring", count: findingCount(.agreementExpiring), target: "finding-AGREEMENT_EXPIRING",
                   text("agreements expiring soon", "overeenkomsten die binnenkort aflopen"))
        actionItem("overdue", count: findingCount(.evaluationMissing), target: "finding-EVALUATION_MISSING",
                   text("evaluations overdue", "evaluaties te laat"))
        actionItem("new", count: newFingerprints?.count, target: "changes",
                   text("findings new since the last run", "bevindingen nieuw sinds de vorige run"))
        actionItem("quarantine", count: content.quarantineTotal, target: "quarantine",
                   text("rows quarantined: not read, to be corrected at the source", "rijen in quarantaine: niet gelezen, te verbeteren in de bron"))
        if !content.emptyInputs.isEmpty {
            actionItem("empty-inputs", count: content.emptyInputs.count, target: "quarantine",
                       text("inputs with a header and no rows, so nothing from them in any figure: ",
                            "invoer met een kop en geen rijen, dus niets ervan in enig cijfer: ")
                       + content.emptyInputs.map { "\($0.path) (\($0.source))" }.joined(separator: ", "))
        }
        out.append("</ul>\n</section>\n")
    }

    mutating func actionItem(_ name: String, count: Int?, target: String, _ description: String) {
        let urgent = (count ?? 0) > 0 && name != "expiring"
        out.append("<li data-action=\"\(name)\" class=\"\(count == 0 ? "zero" : urgent ? "urgent" : "")\"><a href=\"#\(target)\">")
        out.append("<span class=\"count\">\(count.map(language.integer) ?? "—")</span> ")
        escaped(description)
        if count == nil { escaped(text(" (first run: nothing to compare with)", " (eerste run: niets om mee te vergelijken)")) }
        out.append("</a></li>\n")
    }

    // MARK: Filters, summary, drill-down

    mutating func filterForm() {
        out.append("<form id=\"filters\" hidden aria-label=\"\(text("Filters", "Filters"))\">\n")
        for (id, english, dutch) in [("year", "Placement year", "Stagejaar"), ("site", "Site", "Plaats"),
                                     ("group", "Discipline group", "Disciplinegroep"), ("code", "Finding", "Bevinding")] {
            out.append("<label>\(text(english, dutch)) <select id=\"filter-\(id)\" name=\"\(id)\"><option value=\"\">")
            escaped(text("all", "alle"))
            out.append("</option></select></label>\n")
        }
        out.append("<button type=\"reset\">\(text("Clear", "Wissen"))</button> <output id=\"filter-status\"></output>\n</form>\n")
    }

    mutating func summarySection() {
        out.append("<section id=\"summary\"><h2>\(text("Figures", "Cijfers"))</h2>\n<dl class=\"headline\">\n")
        for (label, value) in content.summary.headline(language) {
            out.append("<div><dt>")
            escaped(label)
            out.append("</dt><dd>")
            escaped(value)
            out.append("</dd></div>\n")
        }
        out.append("</dl></section>\n")
    }

    mutating func drillPanel() {
        out.append("<section id=\"drill\" hidden aria-live=\"polite\" tabindex=\"-1\" aria-label=\"")
        escaped(text("Details", "Details"))
        out.append("\"><button type=\"button\" id=\"drill-close\">\(text("Close", "Sluiten")) ✕</button><div id=\"drill-body\"></div></section>\n")
    }
}

extension HTMLPage {
    /// The run's page.
    public static func render(_ content: ReportPageContent, reference: ReferenceData) -> [UInt8] {
        var writer = PageWriter(content: content, reference: reference)
        return writer.page()
    }
}
