import Ingest
import Normalize
import Domain

/// One site of the register `init` writes, from the site names the exports hold.
struct SiteDraft: Sendable {
    var code: String
    /// The spelling most records use.
    var name: String
    var rows: Int
    /// Other spellings of the same canonical name: they resolve without an alias.
    var sameName: [(spelling: String, rows: Int)]
    /// Other names taken as this site (a typo, initials): written as aliases, each to check.
    var aliases: [(spelling: String, rows: Int, why: String)]
    var kind: SiteKind
    var kindWhy: String
    var region: Region
    var regionWhy: String
    /// Sites with a name this close that were not merged (the same site twice?).
    var nearly: [String]
}

/// Site names from the exports, grouped: by canonical form (`SiteNames.canonical`, as `run`
/// resolves them), then a rarer name within the typo distance of `ReferenceData`'s duplicate
/// check, or one whose words read as another's with some of them as initials
/// (`Universitair Ziekenhuis Gent` = `UZ Gent`), joins the more frequent one as an alias.
enum SiteDrafting {
    /// Names as typed, with their records' placement kinds (evaluations only).
    struct Seen {
        var spellings: [String: Int] = [:]
        var kinds: [String: Int] = [:]
        var rows: Int { spellings.values.reduce(0, +) }
        var spelling: String { spellings.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key ?? "" }
    }

    /// At most this many different names are grouped (each against each).
    static let maxNames = 2_000

    static func collect(_ drafts: [SourceDraft]) -> [String: Seen] {
        var seen: [String: Seen] = [:]
        for draft in drafts where draft.kind != .roster {
            guard let sites = draft.values(.site) else { continue }
            let kinds = draft.values(.placementKind)
            let map = ValueMaps.defaults.maps[.placementKind]
            for (index, value) in sites.enumerated() {
                guard let value, !value.isEmpty else { continue }
                let key = SiteNames.canonical(value)
                guard !key.isEmpty, seen[key] != nil || seen.count < maxNames else { continue }
                seen[key, default: Seen()].spellings[value, default: 0] += 1
                if let kind = kinds?[index].flatMap({ map?.lookup($0) }) { seen[key]?.kinds[kind, default: 0] += 1 }
            }
        }
        return seen
    }

    static func drafts(_ seen: [String: Seen]) -> [SiteDraft] {
        let keys = seen.keys.sorted { (seen[$0]?.rows ?? 0, $1) > (seen[$1]?.rows ?? 0, $0) }
        let forms = Dictionary(uniqueKeysWithValues: keys.map { ($0, Form($0)) })
        var heads: [String] = [], joined: [String: [(key: String, why: String)]] = [:], nearly: [String: [String]] = [:]
        for key in keys {
            let rows = seen[key]?.rows ?? 0, form = forms[key] ?? Form(key)
            let close = heads.compactMap { head in sameSite(form, forms[head] ?? Form(head)).map { (head: head, why: $0) } }
            if let first = close.first, rows < seen[first.head]?.rows ?? 0 {
                joined[first.head, default: []].append((key, first.why))
            } else {
                for head in close.map(\.head) { nearly[head, default: []].append(seen[key]?.spelling ?? key) }
                heads.append(key)
            }
        }
        let central = centralSite(heads, seen)
        var codes: Set<String> = []
        return heads.sorted().compactMap { key in
            guard let site = seen[key] else { return nil }
            let name = site.spelling
            var draft = SiteDraft(code: code(name, taken: &codes), name: name, rows: site.rows,
                                  sameName: site.spellings.filter { $0.key != name }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
                                  aliases: [], kind: .other, kindWhy: "", region: .peripheral, regionWhy: "", nearly: nearly[key] ?? [])
            var kinds = site.kinds
            for (other, why) in joined[key] ?? [] {
                guard let alias = seen[other] else { continue }
                for (spelling, rows) in alias.spellings.sorted(by: { $0.key < $1.key }) { draft.aliases.append((spelling, rows, why)) }
                kinds.merge(alias.kinds, uniquingKeysWith: +)
            }
            (draft.kind, draft.kindWhy) = kind(name, kinds)
            (draft.region, draft.regionWhy) = key == central ? (.central, "the university hospital with the most records? check")
                : region(kinds)
            return draft
        }
    }

    /// A canonical name as compared: its scalars and its words, made once.
    struct Form {
        var text: String
        var scalars: [Unicode.Scalar]
        var words: [Substring]

        init(_ text: String) {
            self.text = text
            scalars = Array(text.unicodeScalars)
            words = text.split(separator: " ")
        }
    }

    /// Why two canonical names may be one site, or nil.
    static func sameSite(_ a: Form, _ b: Form) -> String? {
        let limit = min(2, max(a.scalars.count, b.scalars.count) / 8)
        if limit > 0, EditDistance.isWithin(a.scalars, b.scalars, limit: limit) {
            return "a typo? it differs from \(YAMLText.quoted(b.text)) by at most \(limit) letter\(limit == 1 ? "" : "s")"
        }
        if initialsMatch(a.words, b.words) || initialsMatch(b.words, a.words) { return "the same words with some as initials" }
        return nil
    }

    /// Whether `s` (a name's words) are `l`'s with one run of words written as its initials.
    private static func initialsMatch(_ s: [Substring], _ l: [Substring]) -> Bool {
        guard s.count < l.count, !s.isEmpty else { return false }
        for start in l.indices {
            let length = l.count - s.count + 1
            guard start + length <= l.count, length >= 2 else { continue }
            let initials = String(l[start..<start + length].compactMap(\.first))
            let collapsed = Array(l[..<start]) + [Substring(initials)] + Array(l[(start + length)...])
            if collapsed == s { return true }
        }
        return false
    }

    /// A code from the name: short words whole (AZ, UZ, OLV), longer ones by their initial,
    /// filled from the last long word to four letters; ASCII, unique.
    static func code(_ name: String, taken: inout Set<String>) -> String {
        let canonical = SiteNames.canonical(name).split(separator: " ").map(String.init)
        // Abbreviations as the name writes them: short words in capitals (AZ, UZ, ZNA), or initials with dots.
        let capitals = Set(name.replacingOccurrences(of: ".", with: "").split(whereSeparator: { !$0.isLetter })
            .filter { $0.count <= 4 && $0.allSatisfy(\.isUppercase) }
            .map { $0.lowercased() })
        let words = canonical.filter { !["de", "het", "ter", "van", "der", "den", "la", "le", "du", "des", "of", "the"].contains($0) }
            .map { String($0.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil) }) }
            .filter { !$0.isEmpty }
        let initials = words.map { capitals.contains($0) ? $0 : String($0.prefix(1)) }.joined()
        // Longer codes take more letters of the last word (AZ Delta: AZD, then AZDE), then a number.
        let more = words.last(where: { !capitals.contains($0) }).map { Array($0.dropFirst()) } ?? []
        var candidates: [String] = []
        for extra in 0...more.count {
            let code = String((initials + String(more.prefix(extra))).uppercased().prefix(6))
            if code.count >= 3 || extra == more.count, !candidates.contains(code) { candidates.append(code) }
        }
        let base = candidates.last ?? "SITE"
        var counter = 2
        var unique = candidates.first { !$0.isEmpty && !taken.contains($0) } ?? ""
        while unique.isEmpty || taken.contains(unique) {
            unique = (base.isEmpty ? "SITE" : base) + String(counter)
            counter += 1
        }
        taken.insert(unique)
        return unique
    }

    private static let gpWords = ["huisarts", "praktijk", "wijkgezondheidscentrum", "groepspraktijk", "medisch huis", "cabinet medical",
                                  "maison medicale", "general practice"]
    private static let hospitalWords = ["ziekenhuis", "hospital", "hopital", "kliniek", "clinic", "klinikum", "sjukhus", "ospedale",
                                        "medical centre", "medical center", "universitatsmedizin", "umc", "chu", "az", "uz", "zna", "gza"]

    /// From the placements' kinds where there are some, else from the name's words.
    static func kind(_ name: String, _ kinds: [String: Int]) -> (SiteKind, String) {
        let canonical = " " + SiteNames.canonical(name) + " "
        if let word = gpWords.first(where: { canonical.contains($0) }) { return (.gpPractice, "its name says \(YAMLText.quoted(word))") }
        let total = kinds.values.reduce(0, +)
        if let (top, count) = kinds.max(by: { ($0.value, $1.key) < ($1.value, $0.key) }), count * 2 > total,
           top == "general-practice" || top == "hospital" {
            return (top == "hospital" ? .hospital : .gpPractice, "\(count.grouped) of its \(total.grouped) records are \(top) placements")
        }
        if let word = hospitalWords.first(where: { canonical.contains(" \($0) ") || ($0.count > 3 && canonical.contains($0)) }) {
            return (.hospital, "its name says \(YAMLText.quoted(word))")
        }
        return (.other, "neither its name nor its placements say hospital or practice")
    }

    static func region(_ kinds: [String: Int]) -> (Region, String) {
        let total = kinds.values.reduce(0, +), abroad = kinds["abroad"] ?? 0
        if total > 0, abroad * 2 > total { return (.abroad, "\(abroad.grouped) of its \(total.grouped) records are placements abroad") }
        return (.peripheral, "not the university hospital, not abroad? check")
    }

    /// The site with the most records among those whose name reads as a university hospital.
    private static func centralSite(_ heads: [String], _ seen: [String: Seen]) -> String? {
        let words = ["uz", "universitair", "university", "universitaire", "chu", "umc", "academisch", "academic"]
        return heads.filter { key in words.contains { (" " + key + " ").contains(" \($0) ") } }
            .max { (seen[$0]?.rows ?? 0, $1) < (seen[$1]?.rows ?? 0, $0) }
    }
}
