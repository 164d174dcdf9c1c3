import Ingest
import Domain

/// The medical disciplines by their Dutch, English and French names and usual synonyms
/// (`data/discipline-thesaurus.tsv`, compiled in as `DisciplineThesaurusData.text`), so that a
/// name the taxonomy lacks is suggested as the discipline it means, not as the one spelt
/// most alike: `Kindergeneeskunde` is paediatrics, not paediatric surgery.
///
/// A typed name matches a thesaurus entry through `DisciplineTerms.key`: spelling folded
/// across the three languages, word endings reduced, compounds split, filler words dropped.
/// Only the matches listed in `Match.Kind` are made; nothing is guessed from one letter.
public struct DisciplineThesaurus: Sendable {
    public struct Entry: Sendable, Hashable {
        /// The code `init` suggests; a sub-discipline's is `GROUP-CODE`.
        public var code: String
        /// The code of the group SPEC §1 counts it towards; nil for a group.
        public var group: String?
        public var dutch: [String]
        public var english: [String]
        public var french: [String]

        public var names: [String] { dutch + english + french }
    }

    public struct Match: Sendable, Hashable {
        public enum Kind: Int, Sendable, Comparable {
            /// The same words as a thesaurus name (in any order, any spelling the key folds).
            case name
            /// Every word of a thesaurus name, and more (`urologische heelkunde` ⊇ `urologie`).
            case containsName
            /// Some words of a thesaurus name, and no others (`chirurgie digestive`).
            case partOfName
            /// One or two letters from a thesaurus name.
            case close

            public static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.rawValue < rhs.rawValue }
        }

        /// Index into `entries`.
        public var entry: Int
        public var kind: Kind
    }

    public let entries: [Entry]
    private let terms: [(key: DisciplineTerms.Key, entry: Int)]
    private let byWords: [String: [Int]]
    private let byJoined: [String: [Int]]

    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    /// The thesaurus compiled into the binary. Its text is checked by `ThesaurusTests`, so the
    /// empty fallback is never taken by a released build.
    public static let standard: DisciplineThesaurus = (try? parse(DisciplineThesaurusData.text)) ?? DisciplineThesaurus(entries: [])

    init(entries: [Entry]) {
        self.entries = entries
        var terms: [(key: DisciplineTerms.Key, entry: Int)] = []
        var byWords: [String: [Int]] = [:], byJoined: [String: [Int]] = [:]
        for (index, entry) in entries.enumerated() {
            for name in entry.names {
                let key = DisciplineTerms.key(name)
                guard !key.words.isEmpty else { continue }
                terms.append((key, index))
                if !(byWords[key.wordsText]?.contains(index) ?? false) { byWords[key.wordsText, default: []].append(index) }
                if !(byJoined[key.joined]?.contains(index) ?? false) { byJoined[key.joined, default: []].append(index) }
            }
        }
        self.terms = terms
        self.byWords = byWords
        self.byJoined = byJoined
    }

    /// Lines of `code <TAB> group <TAB> Dutch <TAB> English <TAB> French`, names separated by
    /// `|`; `#` starts a comment line. A code given twice, or a group that is no code, is an error.
    public static func parse(_ text: String) throws(ParseError) -> DisciplineThesaurus {
        var entries: [Entry] = []
        var codes: Set<String> = []
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if line.isEmpty || line.hasPrefix("#") { continue }
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard columns.count == 5 else {
                throw ParseError(line: offset + 1, message: "expected 5 tab-separated columns, found \(columns.count)")
            }
            let names = columns[2...4].map { column in column.split(separator: "|", omittingEmptySubsequences: false).map { String($0).trimmedOfWhitespace } }
            guard !columns[0].isEmpty, names.allSatisfy({ !$0.isEmpty && !$0.contains("") }) else {
                throw ParseError(line: offset + 1, message: "a code and at least one name in each language are required")
            }
            guard codes.insert(columns[0]).inserted else { throw ParseError(line: offset + 1, message: "code \(columns[0]) is given twice") }
            entries.append(Entry(code: columns[0], group: columns[1] == "-" ? nil : columns[1],
                                 dutch: names[0], english: names[1], french: names[2]))
        }
        if let orphan = entries.first(where: { $0.group.map { !codes.contains($0) } ?? false }) {
            throw ParseError(line: 0, message: "\(orphan.code) names group \(orphan.group ?? ""), which is no code of the thesaurus")
        }
        return DisciplineThesaurus(entries: entries)
    }

    /// The entry whose code this is.
    public func entry(code: String) -> Int? { entries.firstIndex { $0.code == code } }

    /// The entries the typed name means, best first: all of the best kind of match found (two
    /// when it names two as well, `heelkunde en urologie`); empty when it means none.
    public func matches(_ typed: String) -> [Match] {
        let key = DisciplineTerms.key(typed)
        guard !key.words.isEmpty else { return [] }
        let named = (byWords[key.wordsText] ?? []) + (byJoined[key.joined] ?? [])
        if !named.isEmpty { return unique(named).map { Match(entry: $0, kind: .name) } }
        let typedWords = Set(key.words)
        if let contained = best(terms.filter { $0.key.wordSet.isSubset(of: typedWords) }, largest: true) {
            return contained.map { Match(entry: $0, kind: .containsName) }
        }
        if key.hasOwnWord, let containing = best(terms.filter { typedWords.isSubset(of: $0.key.wordSet) }, largest: false) {
            return containing.map { Match(entry: $0, kind: .partOfName) }
        }
        return close(key).map { Match(entry: $0, kind: .close) }
    }

    /// The entries of the terms with the most (or fewest) words; a sub-discipline before its
    /// group, since the more specific name says more (`urologische heelkunde`).
    private func best(_ candidates: [(key: DisciplineTerms.Key, entry: Int)], largest: Bool) -> [Int]? {
        guard let size = largest ? candidates.map(\.key.wordSet.count).max() : candidates.map(\.key.wordSet.count).min() else {
            return nil
        }
        let chosen = unique(candidates.filter { $0.key.wordSet.count == size }.map(\.entry))
        return chosen.filter { entries[$0].group != nil } + chosen.filter { entries[$0].group == nil }
    }

    /// Terms within a sixth of the name's letters (a typo: `cardiolgie`, `rhumatologie`); the
    /// nearest only.
    private func close(_ key: DisciplineTerms.Key) -> [Int] {
        let limit = key.letters.count / 6
        guard limit >= 1 else { return [] }
        var found: [(distance: Int, entry: Int)] = []
        for term in terms where EditDistance.isWithin(key.letters, term.key.letters, limit: limit) {
            found.append((EditDistance.between(key.joined, term.key.joined), term.entry))
        }
        guard let nearest = found.map(\.distance).min() else { return [] }
        return unique(found.filter { $0.distance == nearest }.map(\.entry))
    }

    private func unique(_ indices: [Int]) -> [Int] {
        var seen: Set<Int> = []
        return indices.filter { seen.insert($0).inserted }
    }
}

/// How a discipline name is reduced before it is compared: the same key for `Pediatrics`,
/// `pédiatrie` and `Dienst Pediatrie`, for `Keel-, neus- en oorheelkunde` and
/// `neus-keel-oorheelkunde`.
enum DisciplineTerms {
    struct Key: Sendable {
        /// The reduced words, in the name's order.
        var words: [String]
        var wordSet: Set<String>
        /// The words sorted, joined by spaces: the name whatever its word order.
        var wordsText: String
        /// The words joined without spaces: `gastro-enterologie` and `gastroenterologie` alike.
        var joined: String
        /// Whether a word is more than a common head (surgery, medicine, diseases, medical).
        var hasOwnWord: Bool
        /// `joined` as scalars, for the edit distance.
        var letters: [Unicode.Scalar]
    }

    static func key(_ name: String) -> Key {
        var words: [String] = []
        for word in Canonical.text(name).split(separator: " ") where !fillers.contains(String(word)) {
            for part in split(String(word)) {
                let reduced = reduce(part)
                words.append(heads[reduced] ?? reduced)
            }
        }
        let joined = words.joined()
        return Key(words: words, wordSet: Set(words), wordsText: Set(words).sorted().joined(separator: " "), joined: joined,
                   hasOwnWord: words.contains { !headValues.contains($0) }, letters: Array(joined.unicodeScalars))
    }

    /// Words that name no discipline: articles and conjunctions of the three languages, and
    /// the words for a department.
    static let fillers: Set<String> = ["en", "and", "et", "de", "het", "der", "des", "du", "la", "le", "les", "l", "d", "of", "the",
                                       "van", "voor", "in", "dienst", "afdeling", "afd", "service", "department", "dept", "unit",
                                       "ward", "stage", "stages", "placement", "placements"]

    /// Words that end a Dutch or English compound (`kinder|geneeskunde`, `neuro|chirurgie`).
    private static let compoundHeads = ["geneeskunde", "heelkunde", "chirurgie", "surgery", "ziekten"]

    /// A compound split before its head, when at least three letters come before it.
    static func split(_ word: String) -> [String] {
        for head in compoundHeads where word.count >= head.count + 3 && word.hasSuffix(head) {
            return [String(word.dropLast(head.count)), head]
        }
        return [word]
    }

    /// The heads as reduced, each mapped to one word of all three languages.
    private static let heads: [String: String] = {
        let groups: [(String, [String])] = [
            ("§surgery", ["heelkunde", "chirurgie", "surgery", "surgical", "chirurgical"]),
            ("§medicine", ["geneeskunde", "medicine", "medecine"]),
            ("§diseases", ["ziekten", "diseases", "maladies"]),
            ("§medical", ["medische", "medical", "medicale"]),
        ]
        var table: [String: String] = [:]
        for (head, words) in groups {
            for word in words { table[reduce(word)] = head }
        }
        return table
    }()
    private static let headValues: Set<String> = Set(heads.values)

    /// Endings of Dutch, English and French disciplines and their adjectives, longest first:
    /// `-ologie`, `-ology`, `-ologische` and `-ologique` all end in `-olog`.
    private static let endings = ["iques", "ische", "ique", "ical", "isch", "aire", "ies", "ics", "ica", "ie", "ia", "es", "en",
                                  "ic", "ar", "y", "e", "s"]

    /// The word without its ending (leaving four letters at least), its spelling folded:
    /// ae → e, ph → f, rh → r, th → t, ch → k, qu → k, c → k, y → i, doubled letters once.
    static func reduce(_ word: String) -> String {
        var stem = word
        for ending in endings where stem.count - ending.count >= 4 && stem.hasSuffix(ending) {
            stem.removeLast(ending.count)
            break
        }
        var folded = ""
        for character in String(decoding: foldSpelling(Array(stem.utf8)), as: UTF8.self) where character != folded.last {
            folded.append(character)
        }
        return folded
    }

    /// ae → e, ph → f, rh → r, th → t, ch → k, qu → k, c → k, y → i, in one pass over the bytes:
    /// the same as replacing each pair in turn (no replacement makes a pair that a later one
    /// reads), without eight passes of `String.replacing`, which were most of the thesaurus's
    /// parse, paid by every run. Bytes above ASCII pass unchanged.
    private static func foldSpelling(_ bytes: [UInt8]) -> [UInt8] {
        let pairs: [(UInt8, UInt8, UInt8)] = [(0x61, 0x65, 0x65), (0x70, 0x68, 0x66), (0x72, 0x68, 0x72), (0x74, 0x68, 0x74),
                                              (0x63, 0x68, 0x6B), (0x71, 0x75, 0x6B)]
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if index + 1 < bytes.count, let pair = pairs.first(where: { $0.0 == byte && $0.1 == bytes[index + 1] }) {
                out.append(pair.2)
                index += 2
                continue
            }
            out.append(byte == 0x63 ? 0x6B : byte == 0x79 ? 0x69 : byte)
            index += 1
        }
        return out
    }
}
