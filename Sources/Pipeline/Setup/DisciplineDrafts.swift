import Ingest
import Normalize
import Domain

/// One discipline of the taxonomy `init` writes.
struct DisciplineDraft: Sendable {
    var code: String
    var dutch: String
    var english: String
    /// Spellings the exports use that are not its Dutch or English name; `check` says why a
    /// person should look (a typo, a name the thesaurus only half knows).
    var aliases: [(spelling: String, rows: Int, check: String?)]
    var parent: String?
    var rows: Int
    /// Why it is here and where its code comes from.
    var why: String
    /// Whether the code, names and group are init's own guess (the thesaurus does not know it).
    var isGuess: Bool
}

/// Discipline names from the exports, by the thesaurus entry each means (`DisciplineThesaurus`):
/// the entry gives the code, the Dutch and English names and the group; every spelling the
/// exports use is an alias; every group of SPEC §1's model trajectory is there for the
/// curriculum. A name the thesaurus does not know is an entry of its own, to check.
enum DisciplineDrafting {
    /// The groups of the model trajectory (`curriculum.yml`), by thesaurus code.
    static let trajectoryGroups = ["HK", "IG", "PED", "HA", "GYN", "BV", "WET"]

    static func collect(_ drafts: [SourceDraft]) -> [String: Int] {
        var spellings: [String: Int] = [:]
        for draft in drafts where draft.kind != .roster {
            for value in draft.values(.discipline) ?? [] {
                guard let value, !value.isEmpty, spellings[value] != nil || spellings.count < 3_000 else { continue }
                spellings[value, default: 0] += 1
            }
        }
        return spellings
    }

    static func drafts(_ spellings: [String: Int], thesaurus: DisciplineThesaurus = .standard) -> [DisciplineDraft] {
        var byEntry: [Int: [(spelling: String, rows: Int, check: String?)]] = [:]
        var unknown: [(spelling: String, rows: Int)] = []
        for (spelling, rows) in spellings.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) {
            let matches = thesaurus.matches(spelling)
            guard let first = matches.first else {
                unknown.append((spelling, rows))
                continue
            }
            var check: String?
            if matches.count > 1 {
                check = "it names " + matches.map { thesaurus.entries[$0.entry].english[0] }.joined(separator: " and ") + "; the first is taken"
            } else if first.kind != .name {
                check = "read as \(thesaurus.entries[first.entry].english[0]) (\(description(first.kind)))"
            }
            byEntry[first.entry, default: []].append((spelling, rows, check))
        }
        var entries = Set(byEntry.keys)
        for code in trajectoryGroups { if let entry = thesaurus.entry(code: code) { entries.insert(entry) } }
        for entry in entries {
            if let group = thesaurus.entries[entry].group, let parent = thesaurus.entry(code: group) { entries.insert(parent) }
        }
        var drafts = entries.sorted().map { entry in draft(thesaurus.entries[entry], spellings: byEntry[entry] ?? [], thesaurus) }
        drafts += unknownDrafts(unknown, taken: Set(drafts.map(\.code)))
        return withoutClashingAliases(drafts)
    }

    private static func description(_ kind: DisciplineThesaurus.Match.Kind) -> String {
        switch kind {
        case .name: "a name of it"
        case .containsName: "the name holds its name and more words"
        case .partOfName: "the name is part of its name"
        case .close: "a letter or two from its name"
        }
    }

    private static func draft(_ entry: DisciplineThesaurus.Entry, spellings: [(spelling: String, rows: Int, check: String?)],
                              _ thesaurus: DisciplineThesaurus) -> DisciplineDraft {
        let own = Set([entry.code, entry.dutch[0], entry.english[0]].map(Canonical.text))
        let rows = spellings.reduce(0) { $0 + $1.rows }
        var aliases: [(spelling: String, rows: Int, check: String?)] = []
        for spelling in spellings where !own.contains(Canonical.text(spelling.spelling)) {
            guard !aliases.contains(where: { Canonical.text($0.spelling) == Canonical.text(spelling.spelling) }) else { continue }
            aliases.append(spelling)
        }
        let why: String
        if spellings.isEmpty {
            let isTrajectory = trajectoryGroups.contains(entry.code)
            why = isTrajectory ? "a group of SPEC §1's model trajectory: curriculum.yml requires its weeks; no export names it"
                : "the group of a discipline below; no export names it"
        } else {
            why = "\(rows.grouped) records; code, names and group from the thesaurus"
        }
        return DisciplineDraft(code: entry.code, dutch: entry.dutch[0], english: entry.english[0], aliases: aliases,
                               parent: entry.group, rows: rows, why: why, isGuess: false)
    }

    /// Names the thesaurus does not know: one entry each, a rarer one within a typo of a more
    /// frequent one joining it as an alias.
    private static func unknownDrafts(_ unknown: [(spelling: String, rows: Int)], taken: Set<String>) -> [DisciplineDraft] {
        var drafts: [DisciplineDraft] = []
        var codes = taken
        for (spelling, rows) in unknown {
            let key = Array(Canonical.text(spelling).unicodeScalars)
            if let index = drafts.firstIndex(where: { draft in
                let other = Array(Canonical.text(draft.dutch).unicodeScalars)
                return EditDistance.isWithin(key, other, limit: min(2, max(key.count, other.count) / 6))
            }) {
                let check = Canonical.text(spelling) == Canonical.text(drafts[index].dutch) ? nil : "a typo of \(YAMLText.quoted(drafts[index].dutch))?"
                if check != nil { drafts[index].aliases.append((spelling, rows, check)) }
                drafts[index].rows += rows
                continue
            }
            var code = String(Canonical.text(spelling).unicodeScalars.filter { $0 >= "a" && $0 <= "z" }.prefix(3)).uppercased()
            if code.isEmpty { code = "DIS" }
            var unique = code, counter = 2
            while codes.contains(unique) {
                unique = code + String(counter)
                counter += 1
            }
            codes.insert(unique)
            drafts.append(DisciplineDraft(code: unique, dutch: spelling, english: spelling, aliases: [], parent: nil, rows: rows,
                                          why: "\(rows.grouped) records; the thesaurus does not know this name: give its English name, "
                                              + "a code, and its group as parent if it has one", isGuess: true))
        }
        return drafts
    }

    /// A code, name or alias may name one discipline only (`ReferenceData`): an alias that
    /// reads as another discipline's code or name is left out.
    private static func withoutClashingAliases(_ drafts: [DisciplineDraft]) -> [DisciplineDraft] {
        var owner: [String: String] = [:]
        for draft in drafts {
            for name in [draft.code, draft.dutch, draft.english] { owner[Canonical.text(name)] = owner[Canonical.text(name)] ?? draft.code }
        }
        return drafts.map { draft in
            var copy = draft
            copy.aliases = draft.aliases.filter { alias in
                let key = Canonical.text(alias.spelling)
                guard owner[key] == nil else { return false }
                owner[key] = draft.code
                return true
            }
            return copy
        }
    }
}
