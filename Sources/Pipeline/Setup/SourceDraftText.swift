import Ingest
import Domain

/// The parts of a source's text after its path: XML's record and paths, dates, columns, values.
extension DefinitionDraftText {
    static func xmlSettings(_ layout: ExportRead.XMLLayout, _ draft: SourceDraft) -> [String] {
        let prefixOf = { (uri: String?) in uri.flatMap { uri in layout.prefixes.first { $0.uri == uri }?.prefix } }
        let record = layout.recordPath.last.map { name in prefixOf(name.namespaceURI).map { $0 + ":" } .map { $0 + name.localName } ?? name.localName } ?? "?"
        let parent = layout.recordPath.dropLast().last.map { "<\($0.localName)>" } ?? "the root"
        var lines = ["    record: \(YAMLText.quoted(record))   # repeats \(layout.recordCount.grouped) times under \(YAMLText.comment(parent))"
                     + "; encoding \(YAMLText.comment(layout.encoding))"]
        if !layout.prefixes.isEmpty {
            lines.append("    namespaces:")
            lines += YAMLText.aligned(layout.prefixes.map { binding in
                ("\(YAMLText.plain(binding.prefix)): \(YAMLText.quoted(binding.uri))",
                 binding.isDefault ? "the file's default namespace; '\(binding.prefix)' is init's prefix for it" : nil)
            }, indent: "      ")
        }
        lines.append(draft.choices.isEmpty ? "    # fields:" : "    fields:")
        var fields = draft.choices.map { choice -> (text: String, comment: String?) in
            let column = draft.read.columns[choice.column]
            var comment = guessComment(choice.basis)
            if column.repeats > 0 {
                comment = (comment.map { $0 + "; " } ?? "") + "CHECK: \(column.repeats) records hold it twice; `run` quarantines them"
            }
            return ("\(choice.field.rawValue): \(YAMLText.quoted(column.label))", comment)
        }
        fields += draft.missing.map { field in
            ("# \(field.rawValue): ?", "CHECK: no path found for this required field; name it, e.g. \(field.rawValue): \"element/@attribute\"")
        }
        lines += YAMLText.aligned(fields, indent: "      ")
        return lines
    }

    static func guessComment(_ basis: FieldChoice.Basis) -> String? {
        switch basis {
        case .recognisedName: return nil
        case .nameWords(let why): return "CHECK: a guess from the name: " + why
        case .values(let why): return "CHECK: a guess from the values: " + why
        }
    }

    static func dates(_ decision: DateDecision?) -> [String] {
        guard let decision else { return [] }
        var lines: [String] = []
        if decision.formats.isEmpty {
            if decision.total == 0 { return ["    # dates: the workbook types all \(decision.typed.grouped) dates as dates; no format is needed"] }
            lines.append("    # CHECK: no date format reads these dates; name the formats under dates: (docs/definition.md#dates)")
        } else {
            let counts = decision.formats.map { "\($0) \((decision.counts[$0] ?? 0).grouped)" }.joined(separator: ", ")
            let typed = decision.typed > 0 ? "; \(decision.typed.grouped) more are date cells, which need none" : ""
            lines.append("    dates: [" + decision.formats.map(YAMLText.quoted).joined(separator: ", ") + "]"
                         + "   # each reads every date of its shape: of \(decision.total.grouped) dates, \(counts)\(typed)")
        }
        for (chosen, alternative, count) in decision.ambiguous {
            lines.append("    # CHECK: \(alternative) reads all \(count.grouped) dates that \(chosen) reads (no day above 12): \(chosen) is taken,")
            lines.append("    # as Belgian exports write dates; if these dates are month first, write \(alternative) instead")
        }
        let unreadable = decision.unreadable.reduce(0) { $0 + $1.count }
        if unreadable > 0 {
            lines.append("    # \(unreadable.grouped) date\(unreadable == 1 ? " reads" : "s read") in no format; `run` quarantines "
                         + "\(unreadable == 1 ? "its record" : "their records"): " + YAMLText.list(decision.unreadable.map(\.value)))
        }
        if !decision.conflicting.isEmpty {
            lines.append("    # CHECK: these dates read only in a format whose day and month order the others contradict: "
                         + YAMLText.list(decision.conflicting.map(\.value)))
        }
        return lines
    }

    static func columns(_ draft: SourceDraft) -> [String] {
        var lines: [String] = []
        let recognised = draft.choices.filter { !$0.basis.isGuess }
            .map { "\(YAMLText.shown(draft.read.columns[$0.column].label)) → \($0.field.rawValue)" }
        if !recognised.isEmpty {
            lines.append("    # Columns found by their recognised names (no fields: entry needed): " + recognised.joined(separator: ", "))
        }
        for (column, field) in draft.sameName {
            lines.append("    # CHECK: a second column is called \(YAMLText.quoted(draft.read.columns[column].label)), a name of "
                         + "\(field.rawValue): `run` rejects the file until one is renamed in the export")
        }
        let guesses = draft.choices.filter(\.basis.isGuess)
        let missing = draft.missing.map { ("# \($0.rawValue): \"?\"", "CHECK: no column found for this required field; name its header" as String?) }
        guard !guesses.isEmpty || !missing.isEmpty else { return lines }
        // A `fields:` with only comments under it would be null, which the loader refuses.
        lines.append(guesses.isEmpty ? "    # fields:" : "    fields:")
        lines += YAMLText.aligned(guesses.map { choice in
            ("\(choice.field.rawValue): \(YAMLText.quoted(draft.read.columns[choice.column].label))", guessComment(choice.basis))
        } + missing, indent: "      ")
        return lines
    }

    static func unread(_ draft: SourceDraft) -> [String] {
        let columns = draft.unmapped.map { draft.read.columns[$0] }
        guard !columns.isEmpty else { return [] }
        let shown = columns.prefix(20).map { column -> String in
            let examples = Array(Set(column.values.compactMap { $0 }.filter { !$0.isEmpty })).sorted().prefix(3)
            return YAMLText.shown(column.label) + (examples.isEmpty ? "" : " (e.g. " + examples.map { YAMLText.shown($0, limit: 20) }.joined(separator: ", ") + ")")
        }
        return ["    # Not read (no field of \(draft.kind.rawValue) has this name): " + shown.joined(separator: ", ")
                + (columns.count > 20 ? " and \(columns.count - 20) more" : "")]
    }

    static func values(_ words: ValueWords) -> [String] {
        let field = words.field.rawValue
        var lines: [String] = []
        if !words.known.isEmpty {
            var byTarget: [String: [String]] = [:]
            for known in words.known { byTarget[known.target, default: []].append(known.value) }
            lines.append("    # \(field): the defaults map " + byTarget.keys.sorted().map { "\(YAMLText.list(byTarget[$0] ?? [], limit: 4)) → \($0)" }
                .joined(separator: "; "))
        }
        if words.looksLikeText {
            lines.append("    # CHECK: \(field) holds \(words.distinct) different values in the sample: is it the right column?")
        }
        guard !words.unknown.isEmpty else { return lines }
        let shown = words.unknown.prefix(10).map { "\(YAMLText.shown($0.value)) (\($0.count) record\($0.count == 1 ? "" : "s")\($0.firstLine > 0 ? ", first on line \($0.firstLine)" : ""))" }
        lines.append("    # CHECK: no default maps \(shown.joined(separator: ", "))\(words.unknown.count > 10 ? " and \(words.unknown.count - 10) more" : "");")
        lines.append("    # `run` quarantines their records until values: maps them, e.g. (the codes: "
                     + ValueMaps.targets(of: words.field).joined(separator: ", ") + "):")
        lines.append("    # values:")
        lines.append("    #   \(field):")
        // One line per code (a key given twice is a YAML error once the lines are uncommented).
        var byTarget: [(target: String, values: [String], close: Bool)] = []
        for unknown in words.unknown.prefix(10) {
            let target = unknown.suggestion ?? ValueMaps.targets(of: words.field).first ?? "?"
            if let index = byTarget.firstIndex(where: { $0.target == target }) {
                byTarget[index].values.append(unknown.value)
            } else {
                byTarget.append((target, [unknown.value], unknown.suggestion != nil))
            }
        }
        for entry in byTarget {
            lines.append("    #     \(entry.target): [" + entry.values.map(YAMLText.quoted).joined(separator: ", ") + "]   # "
                         + (entry.close ? "close to a word of \(entry.target)" : "or another code"))
        }
        return lines
    }
}
