import Ingest
import Normalize
import Domain

/// Which column (or XML place) a field reads, and how init knows.
struct FieldChoice: Sendable {
    enum Basis: Sendable, Equatable {
        /// The column carries one of the field's recognised names (`LogicalField.defaultHeaders`).
        case recognisedName
        /// A guess: the column's name is made of words of one of the field's names.
        case nameWords(String)
        /// A guess from the column's values.
        case values(String)

        var isGuess: Bool { self != .recognisedName }
    }

    var field: LogicalField
    var column: Int
    var basis: Basis
}

/// One source as init proposes it: its kind and which column each field reads.
struct SourceDraft: Sendable {
    var read: ExportRead
    var name: String
    var kind: SourceKind
    /// Per kind, the fields its recognised names find and the required ones they miss.
    var scores: [(kind: SourceKind, found: Int, missing: Int)]
    var choices: [FieldChoice]
    /// Required fields without a column after every guess.
    var missing: [LogicalField]
    /// Recognised names carried by two columns: the later columns, and the field.
    var sameName: [(column: Int, field: LogicalField)]
    var dates: DateDecision?
    var words: [ValueWords]

    func choice(_ field: LogicalField) -> FieldChoice? { choices.first { $0.field == field } }

    func values(_ field: LogicalField) -> [String?]? { choice(field).map { read.columns[$0.column].values } }

    /// Columns no field reads.
    var unmapped: [Int] { read.columns.indices.filter { index in !choices.contains { $0.column == index } } }
}

/// Other exports' values of a field, to recognise a column by what it holds.
struct KnownValues: Sendable {
    var sites: Set<String> = []
    var disciplines: Set<String> = []
    var students: Set<String> = []

    mutating func add(_ draft: SourceDraft) {
        for value in draft.values(.site) ?? [] { if let value, !value.isEmpty { sites.insert(SiteNames.canonical(value)) } }
        for value in draft.values(.discipline) ?? [] { if let value, !value.isEmpty { disciplines.insert(Canonical.text(value)) } }
        for value in draft.values(.student) ?? [] { if let value, !value.isEmpty { students.insert(value) } }
    }
}

enum SourceDrafting {
    /// The kind whose fields the recognised names find best, and those fields' columns.
    static func draft(_ read: ExportRead, name: String) -> SourceDraft {
        var best: SourceDraft?
        var scores: [(kind: SourceKind, found: Int, missing: Int)] = []
        for kind in SourceKind.allCases {
            let (choices, sameName) = recognised(read, kind: kind)
            let missing = missingRequired(kind, choices.map(\.field))
            scores.append((kind, choices.count, missing.count))
            let draft = SourceDraft(read: read, name: name, kind: kind, scores: [], choices: choices, missing: missing,
                                    sameName: sameName, dates: nil, words: [])
            if let current = best, score(current) >= score(draft) { continue }
            best = draft
        }
        var chosen = best ?? SourceDraft(read: read, name: name, kind: .roster, scores: [], choices: [], missing: [.student],
                                         sameName: [], dates: nil, words: [])
        chosen.scores = scores
        return chosen
    }

    /// Fields found, less twice the required ones missing: a roster's one field does not beat
    /// an agreements export that lacks two of its nine.
    private static func score(_ draft: SourceDraft) -> (Int, Int) {
        (draft.choices.count - 2 * draft.missing.count, -draft.missing.count)
    }

    /// The columns `run` would give each field of `kind` by name (`HeaderMatching`); a name two
    /// columns carry goes to the first, the others are noted.
    static func recognised(_ read: ExportRead, kind: SourceKind) -> ([FieldChoice], [(column: Int, field: LogicalField)]) {
        var names = read.columns.map(\.matchName)
        var sameName: [(column: Int, field: LogicalField)] = []
        while true {
            let matched = HeaderMatching.columns(canonical: names, kind: kind)
            guard let conflict = matched.conflict else {
                return (matched.assigned.map { FieldChoice(field: $0.key, column: $0.value, basis: .recognisedName) }
                    .sorted { $0.field < $1.field }, sameName)
            }
            for column in conflict.columns.dropFirst() {
                sameName.append((column, conflict.field))
                names[column] = ""
            }
        }
    }

    static func missingRequired(_ kind: SourceKind, _ found: [LogicalField]) -> [LogicalField] {
        var missing = LogicalField.requiredColumns(of: kind).filter { !found.contains($0) }
        if kind == .evaluations, !found.contains(.endDate), !found.contains(.weeks) { missing.append(.endDate) }
        return missing
    }

    /// Columns for the fields names did not find: required fields by the words of their
    /// names, then by their values; optional fields by words only.
    static func guess(_ draft: inout SourceDraft, known: KnownValues) {
        let fields = LogicalField.fields(of: draft.kind)
        for field in draft.missing {
            if let choice = byWords(field, draft, among: fields) ?? byValues(field, draft, known: known) {
                draft.choices.append(choice)
            }
        }
        for field in fields where draft.choice(field) == nil {
            if let choice = byWords(field, draft, among: fields) { draft.choices.append(choice) }
        }
        draft.choices.sort { $0.field < $1.field }
        draft.missing = missingRequired(draft.kind, draft.choices.map(\.field))
    }

    private static func words(_ text: String) -> Set<String> { Set(Canonical.text(text).split(separator: " ").map(String.init)) }

    /// The one free column whose name's words all belong to one of `field`'s names, when no
    /// other field without a column has a name holding them too.
    private static func byWords(_ field: LogicalField, _ draft: SourceDraft, among fields: [LogicalField]) -> FieldChoice? {
        let others = fields.filter { $0 != field && draft.choice($0) == nil }
        var found: [FieldChoice] = []
        for column in draft.unmapped {
            let name = words(draft.read.columns[column].matchName)
            guard !name.isEmpty, let holder = field.defaultHeaders.first(where: { name.isSubset(of: words($0)) }) else { continue }
            if others.contains(where: { other in other.defaultHeaders.contains { name.isSubset(of: words($0)) } }) { continue }
            found.append(FieldChoice(field: field, column: column, basis: .nameWords(
                "\(YAMLText.quoted(draft.read.columns[column].matchName)) is a word of \(YAMLText.quoted(holder)), a name of \(field.rawValue)")))
        }
        return found.count == 1 ? found[0] : nil
    }

    /// A required field's column told by its values: an id that differs in every record; site,
    /// discipline or student names the other exports (or, for a discipline, the thesaurus) know.
    private static func byValues(_ field: LogicalField, _ draft: SourceDraft, known: KnownValues) -> FieldChoice? {
        var best: (column: Int, share: Double, reason: String)?
        for column in draft.unmapped {
            let values = draft.read.columns[column].values.compactMap { $0 }.filter { !$0.isEmpty }
            guard values.count * 10 >= draft.read.records * 9, !values.isEmpty else { continue }
            let distinct = Set(values)
            let (share, reason): (Double, String)
            switch field {
            case .agreementID:
                let withDigits = values.filter { $0.contains(where: \.isNumber) }.count
                guard distinct.count * 20 >= values.count * 19, withDigits * 10 >= values.count * 9,
                      values.filter({ DateParser.standard.parse($0).isSuccess }).count * 2 < values.count else { continue }
                (share, reason) = (1, "a different value in nearly every record: " + YAMLText.list(Array(values.prefix(3)), limit: 3))
            case .site:
                (share, reason) = overlap(distinct.map(SiteNames.canonical), known.sites, "site names in the other exports")
            case .student:
                (share, reason) = overlap(Array(distinct), known.students, "student ids in the other exports")
            case .discipline:
                let named = distinct.filter { !DisciplineThesaurus.standard.matches($0).isEmpty || known.disciplines.contains(Canonical.text($0)) }
                (share, reason) = (Double(named.count) / Double(distinct.count),
                                   "\(named.count) of its \(distinct.count) names are disciplines the thesaurus or the other exports know")
            default:
                continue
            }
            if share >= 0.5, share > (best?.share ?? 0) { best = (column, share, reason) }
        }
        return best.map { FieldChoice(field: field, column: $0.column, basis: .values($0.reason)) }
    }

    private static func overlap(_ values: [String], _ known: Set<String>, _ what: String) -> (Double, String) {
        let shared = Set(values).filter(known.contains).count
        return shared < 2 ? (0, "") : (Double(shared) / Double(Set(values).count), "\(shared) of its \(Set(values).count) values are \(what)")
    }

    /// A source name from a file's name: lower case, other characters as `-`.
    static func sourceName(_ stem: String, taken: Set<String>) -> String {
        var name = ""
        for scalar in Canonical.text(stem).unicodeScalars {
            name.unicodeScalars.append(scalar == " " ? "-" : scalar)
        }
        if name.isEmpty { name = "export" }
        var unique = name, counter = 2
        while taken.contains(unique) {
            unique = "\(name)-\(counter)"
            counter += 1
        }
        return unique
    }
}

extension Result {
    var isSuccess: Bool {
        if case .success = self { return true }
        return false
    }
}
