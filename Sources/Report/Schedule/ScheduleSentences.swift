import Rules
import Scheduling
import Domain

extension ScheduleSummary {
    /// The answer in sentences, in `language`, as plain text (each format escapes it its own way):
    /// the verdict, the cohort and method, where it breaks, the smallest fix, what was rounded.
    public func sentences(_ language: ReportLanguage) -> [String] {
        var lines = [verdict(language)]
        if let range = rangeSentence(language) { lines.append(range) }
        if let cohort = cohortSentence(language) { lines.append(cohort) }
        lines.append(methodSentence(language))
        if let calendar = answer.calendarShortfall {
            lines.append(language.text("No number of extra slots helps: ", "Geen aantal extra plaatsen helpt: ") + calendar + ".")
        }
        lines += breakSentences(language)
        if let fix = fixSentence(language) { lines.append(fix) }
        if let renew = renewSentence(language) { lines.append(renew) }
        lines += roundingSentences(language)
        return lines
    }

    /// "HEEL 8, INT 8, PED 4 weeks; 12 free weeks".
    func demandPhrase(_ language: ReportLanguage) -> String {
        let free = plan.demand.freeWeeks
        let weeks = demandWeeks + language.text(" weeks", " weken")
        guard free > 0 else { return weeks }
        return weeks + language.text("; \(language.integer(free)) free weeks", "; \(language.integer(free)) vrije weken")
    }

    func verdict(_ language: ReportLanguage) -> String {
        let students = language.integer(answer.students), blocks = language.integer(plan.problem.blocks.count)
        let demand = "\(plan.demand.name) (\(demandPhrase(language)))", year = plan.year.description
        switch answer.feasible {
        case true?:
            return language.text(
                "All \(students) students fit: each can do the demand \(demand) in the \(blocks) blocks of \(year) "
                    + "with the slots of the framework agreements.",
                "Alle \(students) studenten passen: elk kan de vraag \(demand) doen in de \(blocks) blokken van \(year) "
                    + "met de plaatsen van de raamovereenkomsten.")
        case false?:
            let missing = language.integer(shortfall ?? 0)
            return language.text(
                "\(students) students do not fit: the slots of the framework agreements leave \(missing) student-blocks of the "
                    + "demand \(demand) unplaced in the \(blocks) blocks of \(year).",
                "\(students) studenten passen niet: de plaatsen van de raamovereenkomsten laten \(missing) studentblokken van de "
                    + "vraag \(demand) onbezet in de \(blocks) blokken van \(year).")
        case nil:
            let bound = language.integer(answer.extraLowerBound ?? 0)
            return language.text(
                "Whether \(students) students fit is not known: the linear bound says at least \(bound) extra slots are needed "
                    + "for the demand \(demand) in \(year); that is a bound, not a schedule.",
                "Of \(students) studenten passen, is niet bekend: de lineaire grens zegt dat er minstens \(bound) extra plaatsen "
                    + "nodig zijn voor de vraag \(demand) in \(year); dat is een grens, geen planning.")
        }
    }

    func rangeSentence(_ language: ReportLanguage) -> String? {
        guard let range = plan.range else { return nil }
        let low = language.integer(range.lowerBound), high = language.integer(range.upperBound)
        guard let largest = plan.largestFitting else {
            return language.text("Of \(low) to \(high) students, not even \(low) fit; the answer is for \(high).",
                                 "Van \(low) tot \(high) studenten passen er zelfs geen \(low); het antwoord is voor \(high).")
        }
        let most = language.integer(largest)
        return language.text("Of \(low) to \(high) students, at most \(most) fit; the answer is for \(high).",
                             "Van \(low) tot \(high) studenten passen er hoogstens \(most); het antwoord is voor \(high).")
    }

    func cohortSentence(_ language: ReportLanguage) -> String? {
        guard case .progress(let run, let students, let types, let withoutDemand) = plan.cohort else { return nil }
        let count = language.integer(students), kinds = language.integer(types), done = language.integer(withoutDemand)
        return language.text(
            "The cohort: the \(count) students of run \(run)'s progress with weeks of the demand left, in \(kinds) types of "
                + "identical remaining requirements; \(done) have nothing left.",
            "Het cohort: de \(count) studenten uit de voortgang van run \(run) met weken van de vraag over, in \(kinds) types "
                + "met dezelfde resterende vereisten; \(done) hebben niets meer over.")
    }

    func methodSentence(_ language: ReportLanguage) -> String {
        switch answer.method {
        case .maxFlow:
            return language.text(
                "Method: a maximum flow over blocks and discipline groups; its minimum cut proves the answer (exact).",
                "Methode: een maximale stroom over blokken en disciplinegroepen; de minimale snede bewijst het antwoord (exact).")
        case .integerProgram:
            let types = language.integer(plan.problem.types.count)
            return language.text("Method: an integer programme over \(types) types of student; the answer is proven (exact): "
                                 + "by the solver, or by a schedule that meets the lower bound.",
                                 "Methode: een geheeltallig programma over \(types) types studenten; het antwoord is bewezen "
                                 + "(exact): door de solver, of door een planning die de ondergrens haalt.")
        case .linearBound:
            return language.text(
                "Method: a lower bound (the linear programme's, or all students as one flow); the integer programme was "
                    + "not solved in time or has more types than the solver takes, so this is a bound.",
                "Methode: een ondergrens (van het lineaire programma, of alle studenten als één stroom); het geheeltallige "
                    + "programma werd niet op tijd opgelost of heeft meer types dan de solver aankan, dus dit is een grens.")
        }
    }
}

extension ScheduleSummary {
    /// Where the slots are all taken and, when it does not fit, where the minimum cut passes.
    func breakSentences(_ language: ReportLanguage) -> [String] {
        var lines: [String] = []
        if let cut = answer.bottleneck {
            let groups = cut.groups.compactMap { grid.groups.indices.contains($0) ? grid.groups[$0] : nil }.joined(separator: ", ")
            let demand = language.integer(cut.demand), capacity = language.integer(max(0, cut.capacity))
            lines.append(language.text(
                "Where it breaks (the minimum cut): the students need \(demand) student-blocks in \(groups) and the slots let at "
                    + "most \(capacity) of them through.",
                "Waar het breekt (de minimale snede): de studenten vragen \(demand) studentblokken in \(groups) en de plaatsen "
                    + "laten er hoogstens \(capacity) door."))
            if let full = cellList(language, { $0.inCut && $0.full }) {
                lines.append(language.text("Slots all taken in the cut: \(full).", "Alle plaatsen bezet in de snede: \(full)."))
            }
            if let empty = cellList(language, { $0.inCut && $0.needed && $0.slots == 0 }) {
                lines.append(language.text("No slots at all, in the cut: \(empty).", "Geen enkele plaats, in de snede: \(empty)."))
            }
            let busy = cut.busyBlocks.filter { grid.blocks.indices.contains($0) }
            if !busy.isEmpty {
                lines.append(language.text("Blocks where every student is already placed: \(blockList(busy)).",
                                           "Blokken waarin elke student al geplaatst is: \(blockList(busy))."))
            }
        } else if let full = cellList(language, \.full) {
            lines.append(language.text("Slots all taken (no room left): \(full).", "Alle plaatsen bezet (geen ruimte meer): \(full)."))
        }
        return lines
    }

    /// "The smallest fix: 12 extra slots …: HEEL 4 in block 2, 8 in block 3; …".
    func fixSentence(_ language: ReportLanguage) -> String? {
        guard answer.feasible != nil, answer.extraSlots > 0 else { return nil }
        var parts: [String] = []
        var listed = 0
        for (g, group) in grid.groups.enumerated() {
            let cells = grid.blocks.indices.filter { grid.cells[g][$0].extra > 0 }
            guard !cells.isEmpty, listed < Self.cellsListed else { continue }
            let shown = cells.prefix(Self.cellsListed - listed)
            listed += shown.count
            let each = shown.map { b in
                language.integer(grid.cells[g][b].extra) + language.text(" in block ", " in blok ") + grid.blocks[b].label
            }
            parts.append("\(group) " + each.joined(separator: ", "))
        }
        let cells = fixRows.filter { $0.extraSlots > 0 }.count
        let more = cells > listed ? language.text(" (and more: see the fix table)", " (en meer: zie de tabel van de oplossing)") : ""
        let total = language.integer(answer.extraSlots)
        if answer.method == .linearBound {
            // A schedule's extra slots, not proven the fewest: the bound is the proven part.
            let bound = language.integer(answer.extraLowerBound ?? 0)
            return language.text("A fix (at least \(bound) extra slots are needed; this one, not proven the smallest, uses "
                                 + "\(total); a slot is one student in one block): ",
                                 "Een oplossing (minstens \(bound) extra plaatsen zijn nodig; deze, niet bewezen de kleinste, "
                                 + "gebruikt er \(total); een plaats is één student in één blok): ")
                + parts.joined(separator: "; ") + more + "."
        }
        return language.text("The smallest fix: \(total) extra slots (a slot is one student in one block): ",
                             "De kleinste oplossing: \(total) extra plaatsen (een plaats is één student in één blok): ")
            + parts.joined(separator: "; ") + more + "."
    }

    /// The agreements that ended inside the year before a block that needs extra slots.
    func renewSentence(_ language: ReportLanguage) -> String? {
        var seen = Set<String>(), texts: [String] = []
        for row in fixRows where row.extraSlots > 0 {
            for agreement in row.renewable where seen.insert(agreement.id).inserted {
                texts.append(ScheduleTables.renewableText(agreement))
            }
        }
        guard !texts.isEmpty else { return nil }
        return language.text("Agreements that ended inside the year before blocks that need extra slots (renewing one gives "
                                 + "its slots again): ",
                             "Overeenkomsten die in het jaar eindigden vóór blokken die extra plaatsen nodig hebben (een "
                                 + "verlenging geeft hun plaatsen terug): ") + texts.joined(separator: "; ") + "."
    }

    func roundingSentences(_ language: ReportLanguage) -> [String] {
        var lines: [String] = []
        if !roundedUp.isEmpty {
            let list = roundedUp.map { group in
                language.text("\(group.group) (\(group.weeks) weeks planned as \(group.weeksInBlocks))",
                              "\(group.group) (\(group.weeks) weken gepland als \(group.weeksInBlocks))")
            }.joined(separator: ", ")
            lines.append(language.text("Rounded up to whole blocks: \(list).", "Naar boven afgerond op hele blokken: \(list)."))
        }
        if !onHalfBlocks.isEmpty {
            let list = onHalfBlocks.map(\.group).joined(separator: ", ")
            lines.append(language.text("On a half-block: \(list).", "Op een half blok: \(list)."))
        }
        return lines
    }
}
