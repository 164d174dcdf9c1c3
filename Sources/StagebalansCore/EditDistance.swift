/// Levenshtein distance over Unicode scalars, for "did you mean" suggestions.
public enum EditDistance {
    public static func between(_ a: String, _ b: String) -> Int {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count)
        var current = Array(repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                let substitution = previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1)
                current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
            }
            swap(&previous, &current)
        }
        return previous[y.count]
    }

    /// The candidates closest to `word`, nearest first (ties alphabetically), within a distance
    /// that still reads as a typo: at most a third of the word's length, and at least 1.
    public static func closest(to word: String, among candidates: some Sequence<String>, limit: Int = 3,
                               maxDistance: Int? = nil) -> [String] {
        let bound = maxDistance ?? max(1, word.unicodeScalars.count / 3)
        return candidates
            .map { (candidate: $0, distance: between(word, $0)) }
            .filter { $0.distance <= bound }
            .sorted { ($0.distance, $0.candidate) < ($1.distance, $1.candidate) }
            .prefix(limit)
            .map(\.candidate)
    }
}
