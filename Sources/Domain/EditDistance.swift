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

    /// Whether the edit distance of `x` and `y` is at most `limit`: only the band of width
    /// 2 × limit + 1 around the diagonal is computed, and it stops as soon as a row exceeds the
    /// limit, so comparing every pair of a large register stays cheap.
    public static func isWithin(_ x: [Unicode.Scalar], _ y: [Unicode.Scalar], limit: Int) -> Bool {
        guard abs(x.count - y.count) <= limit else { return false }
        if x.isEmpty || y.isEmpty { return max(x.count, y.count) <= limit }
        let outside = limit + 1
        var previous = (0...y.count).map { min($0, outside) }
        var current = [Int](repeating: outside, count: y.count + 1)
        for i in 1...x.count {
            let low = max(1, i - limit), high = min(y.count, i + limit)
            current[0] = min(i, outside)
            if low > 1 { current[low - 1] = outside }
            var rowMinimum = current[0]
            if low <= high {
                for j in low...high {
                    let substitution = previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1)
                    let value = min(substitution, previous[j] + 1, current[j - 1] + 1, outside)
                    current[j] = value
                    rowMinimum = min(rowMinimum, value)
                }
            }
            if high < y.count { current[high + 1] = outside }
            if rowMinimum > limit { return false }
            swap(&previous, &current)
        }
        return previous[y.count] <= limit
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
