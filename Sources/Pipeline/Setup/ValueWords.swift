import Ingest
import Domain

/// The distinct values of one coded field (kind, placement kind, evaluator role, status) and
/// what the default value maps make of them.
struct ValueWords: Sendable {
    var field: LogicalField
    /// Values the defaults map, with the code and how many records hold each.
    var known: [(value: String, target: String, count: Int)]
    /// Values no default maps: `run` quarantines their records until `values:` maps them. The
    /// target a close known word has is suggested (`definitef` → final).
    var unknown: [(value: String, count: Int, firstLine: Int, suggestion: String?)]
    /// Different values in the sample: very many means free text, not a code.
    var distinct: Int

    /// More different values than a code has words: probably the wrong column.
    var looksLikeText: Bool { distinct > 30 }
}

enum ValueWording {
    static func words(_ draft: SourceDraft) -> [ValueWords] {
        ValueMaps.codedFields.compactMap { field in
            guard LogicalField.fields(of: draft.kind).contains(field), let values = draft.values(field),
                  let map = ValueMaps.defaults.maps[field] else { return nil }
            return words(field, values: values, lines: draft.read.lines, map: map)
        }
    }

    static func words(_ field: LogicalField, values: [String?], lines: [Int], map: ValueMap) -> ValueWords {
        var counts: [String: (count: Int, line: Int)] = [:]
        var order: [String] = []
        for (index, value) in values.enumerated() {
            guard let value, !value.isEmpty else { continue }
            if counts[value] == nil {
                guard counts.count < 200 else { continue }
                order.append(value)
                counts[value] = (0, index < lines.count ? lines[index] : 0)
            }
            counts[value]?.count += 1
        }
        var words = ValueWords(field: field, known: [], unknown: [], distinct: counts.count)
        let vocabulary = map.entries
        for value in order {
            let (count, line) = counts[value] ?? (0, 0)
            if let target = map.lookup(value) {
                words.known.append((value, target, count))
            } else {
                let key = Canonical.text(value)
                let close = EditDistance.closest(to: key, among: vocabulary.keys.sorted(), limit: 1,
                                                 maxDistance: max(1, key.count / 4)).first
                words.unknown.append((value, count, line, close.flatMap { vocabulary[$0] }))
            }
        }
        return words
    }
}
