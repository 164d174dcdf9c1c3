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
    }

    public func canonical(_ typed: String) -> String {
        register == .site ? SiteNames.canonical(typed) : Canonical.text(typed)
    }

    public func resolve(_ typed: String) -> String? {
        codes[typed.trimmedOfWhitespace.uppercased()] ?? table[canonical(typed)]
    }

    /// The closest known names (at most `limit`), nearest first, each with its code.
    public func suggestions(for typed: String, limit: Int = 3) -> [(name: String, code: String)] {
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
            .prefix(limit).map { (name: $0.value.name, code: $0.key) }
    }
}
