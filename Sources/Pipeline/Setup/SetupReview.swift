import Domain

/// What init prints at the end as left for a person: every guess, every column it did not
/// read, every ambiguous date and every name to check, by topic, each line naming its file.
enum SetupReview {
    static func topics(_ plan: SetupPlan, fileErrors: [Diagnostic],
                       validation: ValidationResult?) -> [(topic: String, lines: [String])] {
        var topics: [(topic: String, lines: [String])] = [
            ("Exports not read", fileErrors.map(\.description)),
            ("Guesses to confirm (CHECK in pipeline.yml)", plan.drafts.flatMap(guesses)),
            ("Columns not read", plan.drafts.compactMap(unread)),
            ("Dates", plan.drafts.flatMap(dates)),
            ("Values no default maps", plan.drafts.flatMap(values)),
            ("Names to check (sites.yml, disciplines.yml)", names(plan)),
        ]
        if let validation {
            var lines = validation.rejected.compactMap { $0.rejection?.description }
            if validation.totalQuarantined > 0 {
                lines.append("\(validation.totalQuarantined.grouped) of \(validation.totalRead.grouped) records quarantined: "
                             + (validation.quarantineFiles.first ?? "quarantine.csv") + " lists each with its reason")
            }
            topics.append(("Validate", lines))
        }
        return topics.filter { !$0.lines.isEmpty }
    }

    private static func guesses(_ draft: SourceDraft) -> [String] {
        var lines = draft.choices.compactMap { choice -> String? in
            guard let comment = DefinitionDraftText.guessComment(choice.basis) else { return nil }
            return "\(draft.name): \(choice.field.rawValue) ← \(YAMLText.quoted(draft.read.columns[choice.column].label)) (\(comment.dropFirst(7)))"
        }
        lines += draft.missing.map { "\(draft.name): no column for the required field \($0.rawValue)" }
        lines += draft.sameName.map { "\(draft.name): two columns are called \(YAMLText.quoted(draft.read.columns[$0.column].label))" }
        switch draft.read.layout {
        case .csv(let layout):
            if case .undecided(let line, let column, _, _) = layout.encoding {
                lines.append("\(draft.name): the encoding (a byte on line \(line), column \(column) is not UTF-8 nor clearly Windows-1252)")
            }
            if !layout.linesAbove.isEmpty { lines.append("\(draft.name): the header is on line \(layout.headerLine), under a title") }
        case .xlsx, .xml:
            break
        }
        return lines
    }

    private static func unread(_ draft: SourceDraft) -> String? {
        let labels = draft.unmapped.map { YAMLText.shown(draft.read.columns[$0].label) }
        return labels.isEmpty ? nil : "\(draft.name): " + labels.prefix(12).joined(separator: ", ")
            + (labels.count > 12 ? " and \(labels.count - 12) more" : "")
    }

    private static func dates(_ draft: SourceDraft) -> [String] {
        guard let decision = draft.dates else { return [] }
        var lines = decision.ambiguous.map { "\(draft.name): \($0.chosen) or \($0.alternative)? both read all \($0.dates.grouped) dates" }
        let unreadable = decision.unreadable.reduce(0) { $0 + $1.count }
        if unreadable > 0 {
            lines.append("\(draft.name): \(unreadable) date\(unreadable == 1 ? " reads" : "s read") in no format: "
                         + YAMLText.list(decision.unreadable.map(\.value), limit: 3))
        }
        if !decision.conflicting.isEmpty {
            lines.append("\(draft.name): dates in both day and month orders: " + YAMLText.list(decision.conflicting.map(\.value), limit: 3))
        }
        if decision.formats.isEmpty && decision.total > 0 { lines.append("\(draft.name): no date format found") }
        return lines
    }

    private static func values(_ draft: SourceDraft) -> [String] {
        draft.words.compactMap { words in
            guard !words.unknown.isEmpty || words.looksLikeText else { return nil }
            let unknown = words.unknown.map { "\(YAMLText.shown($0.value)) (\($0.count))" }
            return "\(draft.name): \(words.field.rawValue): " + (unknown.isEmpty ? "" : unknown.prefix(6).joined(separator: ", "))
                + (words.looksLikeText ? " (\(words.distinct) different values: the right column?)" : "")
        }
    }

    private static func names(_ plan: SetupPlan) -> [String] {
        var lines: [String] = []
        for site in plan.sites {
            lines += site.aliases.map { "sites.yml: \(YAMLText.quoted($0.spelling)) taken as \(site.code) \(YAMLText.quoted(site.name)): \($0.why)" }
            lines += site.nearly.map { "sites.yml: \(YAMLText.quoted($0)) and \(site.code) \(YAMLText.quoted(site.name)): the same site?" }
            if site.region == .central { lines.append("sites.yml: \(site.code) \(YAMLText.quoted(site.name)) taken as the central (university) hospital") }
        }
        if !plan.sites.isEmpty {
            lines.append("sites.yml: the codes, kinds and regions of \(plan.sites.count) sites are suggestions; city and country are empty")
        }
        for discipline in plan.disciplines {
            if discipline.isGuess { lines.append("disciplines.yml: \(discipline.code) \(YAMLText.quoted(discipline.dutch)): unknown to the thesaurus") }
            lines += discipline.aliases.compactMap { alias in
                alias.check.map { "disciplines.yml: \(YAMLText.quoted(alias.spelling)) taken as \(discipline.code): \($0)" }
            }
        }
        lines.append("curriculum.yml: SPEC §1's model trajectory; check it against your programme")
        return lines
    }
}

/// What `stagebalans init` prints: the files written, validate's table, and what is left for a
/// person; hidden characters as markers (`VisibleText`).
public enum SetupText {
    public static func render(_ result: PipelineSetup.Result, workingDirectory: String) -> String {
        var lines = ["wrote " + result.written.joined(separator: ", ")]
        if let error = result.definitionError {
            lines += ["", "the written definition does not load (please report this with the exports' headers):", error.description]
        }
        if let failure = result.validationFailure {
            lines += ["", "validate could not write its quarantine: " + failure.description]
        }
        if let validation = result.validation {
            lines += ["", "validate \(result.definitionFile):"]
            lines += ValidationText.lines(validation, workingDirectory: workingDirectory)
        }
        if !result.leftForAPerson.isEmpty {
            lines += ["", "Left for a person:"]
            for (topic, items) in result.leftForAPerson {
                lines.append("  \(topic):")
                lines += items.prefix(40).map { "    " + $0 }
                if items.count > 40 { lines.append("    … and \(items.count - 40) more (see the CHECK comments)") }
            }
        }
        lines += ["", "Next: read the CHECK comments in the files above and correct them, then run",
                  "  stagebalans validate \(result.definitionFile)",
                  "  stagebalans suggest-aliases \(result.definitionFile)",
                  "  stagebalans run \(result.definitionFile)"]
        return VisibleText.marked(lines.joined(separator: "\n"))
    }
}
