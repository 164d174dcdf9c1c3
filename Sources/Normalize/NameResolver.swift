import Ingest
import Domain

/// The canonical form of a site name as typed: `Canonical.text` (case, accents, punctuation,
/// non-breaking spaces), then the spellings hospitals go by: `A.Z.`→`AZ`, `St.`/`Ste.`→
/// `Sint`/`Sinte`, `O.L.V.`→`OLV`, and a campus suffix (`- campus Kortrijk`) dropped.
public enum SiteNames {
    public static func canonical(_ typed: String) -> String {
        var words = Canonical.text(typed).split(separator: " ").map(String.init)
        if let campus = words.firstIndex(of: "campus"), campus > 0 { words.removeSubrange(campus...) }
        var result: [String] = []
        var index = 0
        while index < words.count {
            // Initials typed with dots become single letters: a z → az, o l v → olv.
            var letters = ""
            var end = index
            while end < words.count, words[end].count == 1, words[end].first?.isLetter == true {
                letters += words[end]
                end += 1
            }
            if letters.count >= 2 {
                result.append(letters)
                index = end
                continue
            }
            switch words[index] {
            case "st": result.append("sint")
            case "ste": result.append("sinte")
            default: result.append(words[index])
            }
            index += 1
        }
        return result.joined(separator: " ")
    }
}

/// Resolves typed names to codes. Only certain matches are taken: the canonical form of the
/// typed text must equal that of a code, a name or an alias. Nothing is guessed; what does not
/// resolve is reported with the closest known names.
public struct NameResolver: Sendable {
    /// Which register the names come from: site names have their own canonical form.
    private enum Register: Sendable {
        case site, discipline
    }

    private let register: Register
    private let table: [String: String]
    /// Codes as typed (case-insensitive): exports may give `AZGR` instead of a name.
    private let codes: [String: String]
    /// Canonical name → (display name, code), for suggestions.
    private let known: [(canonical: String, display: String, code: String)]
    /// Disciplines only: per thesaurus entry, the taxonomy's disciplines that are it (by a name
    /// or alias the thesaurus knows, or by its code), with the Dutch name to show.
    private let thesaurusCodes: [Int: [(name: String, code: String)]]

    public init(sites: [Site]) {
        register = .site
        var table: [String: String] = [:]
        var known: [(String, String, String)] = []
        codes = Dictionary(sites.map { ($0.code.uppercased(), $0.code) }, uniquingKeysWith: { first, _ in first })
        for site in sites {
            for name in [site.name] + site.aliases {
                let key = SiteNames.canonical(name)
                table[key] = site.code
                known.append((key, name, site.code))
            }
        }
        self.table = table
        self.known = known
        thesaurusCodes = [:]
    }

    public init(disciplines: [Discipline]) {
        register = .discipline
        codes = [:]
        var table: [String: String] = [:]
        var known: [(String, String, String)] = []
        for discipline in disciplines {
            for name in [discipline.code, discipline.dutch, discipline.english] + discipline.aliases {
                let key = Canonical.text(name)
                table[key] = discipline.code
                known.append((key, name, discipline.code))
            }
        }
        self.table = table
        self.known = known
        thesaurusCodes = Self.thesaurusCodes(disciplines, DisciplineThesaurus.standard)
    }

    /// The taxonomy's disciplines by thesaurus entry: each discipline is the entries its code
    /// or one of its names names exactly (a taxonomy's names are spelt out, so no looser match).
    private static func thesaurusCodes(_ disciplines: [Discipline],
                                       _ thesaurus: DisciplineThesaurus) -> [Int: [(name: String, code: String)]] {
        var codes: [Int: [(name: String, code: String)]] = [:]
        for discipline in disciplines {
            var entries = Set([discipline.dutch, discipline.english] + discipline.aliases).flatMap { name in
                thesaurus.matches(name).filter { $0.kind == .name }.map(\.entry)
            }
            if let byCode = thesaurus.entry(code: discipline.code) { entries.append(byCode) }
            for entry in Set(entries) { codes[entry, default: []].append((discipline.dutch, discipline.code)) }
        }
        return codes
    }

    public func canonical(_ typed: String) -> String {
        register == .site ? SiteNames.canonical(typed) : Canonical.text(typed)
    }

    public func resolve(_ typed: String) -> String? {
        codes[typed.trimmedOfWhitespace.uppercased()] ?? table[canonical(typed)]
    }

    /// The closest known names (at most `limit`), nearest first, each with its code. For a
    /// discipline, the taxonomy's disciplines the thesaurus says the name means come first
    /// (`Hartziekten` → cardiologie), or else its group's (a sub-discipline the taxonomy lacks);
    /// then the names spelt most alike.
    public func suggestions(for typed: String, limit: Int = 3) -> [(name: String, code: String)] {
        var meant = register == .discipline ? thesaurusSuggestions(for: typed) : []
        for candidate in spelledAlike(typed) where !meant.contains(where: { $0.code == candidate.code }) {
            meant.append(candidate)
        }
        return Array(meant.prefix(limit))
    }

    /// The taxonomy's disciplines for the thesaurus entries the name means, in their order.
    private func thesaurusSuggestions(for typed: String) -> [(name: String, code: String)] {
        let thesaurus = DisciplineThesaurus.standard
        var found: [(name: String, code: String)] = []
        for match in thesaurus.matches(typed) {
            var codes = thesaurusCodes[match.entry] ?? []
            if codes.isEmpty, let group = thesaurus.entries[match.entry].group, let entry = thesaurus.entry(code: group) {
                codes = thesaurusCodes[entry] ?? []
            }
            for code in codes.sorted(by: { $0.code < $1.code }) where !found.contains(where: { $0.code == code.code }) {
                found.append(code)
            }
        }
        return found
    }

    /// Every register entry by the edit distance of its nearest name, nearest first.
    private func spelledAlike(_ typed: String) -> [(name: String, code: String)] {
        let key = canonical(typed)
        var best: [String: (distance: Int, name: String)] = [:]
        for entry in known {
            let distance = EditDistance.between(key, entry.canonical)
            if let current = best[entry.code], current.distance < distance || (current.distance == distance && current.name <= entry.display) {
                continue
            }
            best[entry.code] = (distance, entry.display)
        }
        return best.sorted { ($0.value.distance, $0.value.name, $0.key) < ($1.value.distance, $1.value.name, $1.key) }
            .map { (name: $0.value.name, code: $0.key) }
    }
}
