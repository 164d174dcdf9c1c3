import Ingest
import Domain

/// The `dates:` of a source, from its sampled dates.
struct DateDecision: Sendable {
    /// In the order `dates:` lists them (their shapes never overlap: each date is read by one).
    var formats: [String]
    /// Per chosen format, how many sampled dates it reads.
    var counts: [String: Int]
    /// Dates sampled as text, and cells a workbook types as dates (those need no format).
    var total: Int
    var typed: Int
    /// A chosen format, another that reads every one of its dates too (no day above 12), and
    /// how many dates: a person must say which.
    var ambiguous: [(chosen: String, alternative: String, dates: Int)]
    /// Dates no format reads (`31/06/2025`, `2025/13/01`): `run` quarantines their rows.
    var unreadable: [(value: String, count: Int)]
    /// Dates a format reads that a chosen format's shape takes but cannot read (day and month
    /// in both orders in one column): no list of formats reads them all.
    var conflicting: [(value: String, count: Int)]
}

/// Only formats that read every sampled date of their shape are taken (a date that no format
/// reads, a typo, does not count against one); where two do (`d/m/yyyy` and `m/d/yyyy` while no
/// day is above 12), the day-first one is taken, as Belgian exports write, and the choice is
/// flagged for a person.
enum DateDetection {
    static let candidates = ["d/m/yyyy", "m/d/yyyy", "d-m-yyyy", "m-d-yyyy", "d.m.yyyy", "m.d.yyyy", "yyyy-m-d", "yyyy/m/d",
                             "yyyy.m.d", "yyyymmdd", "d month yyyy", "d-month-yyyy", "month d, yyyy", "excel"]
    /// At most this many different dates are weighed.
    static let maxDistinct = 5_000

    private enum Outcome {
        case reads, fails, noShape
    }

    static func decide(_ values: [String], typed: Int) -> DateDecision? {
        var counts: [String: Int] = [:]
        for value in values where !value.isEmpty && (counts[value] != nil || counts.count < maxDistinct) { counts[value, default: 0] += 1 }
        guard !counts.isEmpty || typed > 0 else { return nil }
        let dates = counts.keys.sorted()
        let parsers = candidates.compactMap { pattern in (try? DateFormat(pattern)).map { (pattern, DateParser(formats: [$0])) } }
        let outcomes: [[Outcome]] = parsers.map { _, parser in
            dates.map { date in
                switch parser.parse(date) {
                case .success: return .reads
                case .failure(.unrecognised): return .noShape
                case .failure: return .fails
                }
            }
        }
        let readable = dates.indices.map { index in outcomes.contains { $0[index] == .reads } }
        let eligible = parsers.indices.filter { p in
            outcomes[p].contains(.reads) && dates.indices.allSatisfy { outcomes[p][$0] != .fails || !readable[$0] }
        }
        var chosen: [Int] = [], covered = Set<Int>()
        for p in eligible {
            let reads = Set(dates.indices.filter { outcomes[p][$0] == .reads })
            guard !reads.isSubset(of: covered) else { continue }
            chosen.append(p)
            covered.formUnion(reads)
        }
        var decision = DateDecision(formats: chosen.map { parsers[$0].0 }, counts: [:], total: values.filter { !$0.isEmpty }.count,
                                    typed: typed, ambiguous: [], unreadable: [], conflicting: [])
        for p in chosen {
            let reads = dates.indices.filter { outcomes[p][$0] == .reads }
            decision.counts[parsers[p].0] = reads.reduce(0) { $0 + (counts[dates[$1]] ?? 0) }
            for q in eligible where !chosen.contains(q) && reads.allSatisfy({ outcomes[q][$0] == .reads }) {
                decision.ambiguous.append((parsers[p].0, parsers[q].0, decision.counts[parsers[p].0] ?? 0))
            }
        }
        for (index, date) in dates.enumerated() where !covered.contains(index) {
            if readable[index] {
                decision.conflicting.append((date, counts[date] ?? 0))
            } else {
                decision.unreadable.append((date, counts[date] ?? 0))
            }
        }
        return decision
    }
}
