// Report: the figures of SPEC §5 computed from a reconciliation (capacity, coverage), as plain
// rows; writing them in a format is the caller's. Every ratio keeps its exact numerator and
// denominator, so rounding happens once, half up, when a figure is printed.

import Normalize
import Reconcile
import StagebalansCore

/// A non-negative fraction, printed rounded half up to a fixed number of decimals.
public struct Ratio: Sendable, Hashable {
    public var numerator: Int
    public var denominator: Int

    public init(_ numerator: Int, _ denominator: Int) {
        self.numerator = numerator
        self.denominator = denominator
    }

    /// nil when the denominator is 0 (the figure is left empty).
    public func formatted(decimals: Int) -> String? {
        guard denominator > 0 else { return nil }
        var scale = 1
        for _ in 0..<decimals { scale *= 10 }
        // round(n / d × scale), half up, in integers.
        let scaled = (2 * numerator * scale + denominator) / (2 * denominator)
        let whole = scaled / scale, fraction = scaled % scale
        guard decimals > 0 else { return String(whole) }
        let digits = String(fraction)
        return "\(whole)." + String(repeating: "0", count: decimals - digits.count) + digits
    }
}

/// A capacity row: one (site, discipline at the agreement's level, year).
public struct CapacityRow: Sendable, Hashable {
    public var site: String
    public var discipline: String
    public var year: PlacementYear
    /// The largest total of slots of the row's framework agreements valid on one day of the year.
    public var slots: Int
    /// Σ slots × days of validity inside the year (capacity weeks × 7, exactly).
    public var slotDays: Int
    public var usedWeeks: Int
    public var placements: Int
    public var students: Int
    public var peakConcurrent: Int
    public var overCapacityDays: Int

    /// capacity_weeks, one decimal.
    public var capacityWeeks: String { Ratio(slotDays, 7).formatted(decimals: 1) ?? "0.0" }
    /// used_weeks / capacity_weeks (unrounded), three decimals; nil when capacity is 0.
    public var utilisation: String? { Ratio(usedWeeks * 7, slotDays).formatted(decimals: 3) }
}

/// A coverage row: one (discipline group, year).
public struct CoverageRow: Sendable, Hashable {
    public var group: String
    public var year: PlacementYear
    public var students: Int
    public var requiredWeeks: Int
    public var studentWeeks: Int
    public var recognisedWeeks: Int
    public var nonRecognisedWeeks: Int
    /// The group's framework agreements valid in the year: Σ slots × days inside the year.
    public var recognisedSlotDays: Int

    public var shareNonRecognised: String? { Ratio(nonRecognisedWeeks, studentWeeks).formatted(decimals: 3) }
    public var recognisedCapacityWeeks: String { Ratio(recognisedSlotDays, 7).formatted(decimals: 1) ?? "0.0" }
    /// recognised capacity weeks (unrounded) / student weeks, three decimals.
    public var capacityCoverage: String? { Ratio(recognisedSlotDays, 7 * studentWeeks).formatted(decimals: 3) }
}

public enum Figures {
    private struct RowKey: Hashable, Comparable {
        var site: String
        var discipline: String

        static func < (lhs: RowKey, rhs: RowKey) -> Bool { (lhs.site, lhs.discipline) < (rhs.site, rhs.discipline) }
    }

    /// Days of `agreement`'s validity inside `year`.
    static func daysInside(_ agreement: Agreement, _ year: PlacementYear) -> Int {
        let first = max(agreement.validFrom, year.firstDay), last = min(agreement.validTo, year.lastDay)
        return first <= last ? last.daysSinceEpoch - first.daysSinceEpoch + 1 : 0
    }

    /// SPEC §5 capacity, with its precise readings: rows for every framework agreement valid in a
    /// reported year, every individual agreement a placement matched, and unmatched placements
    /// at (site, discipline group); a matched placement counts in its agreement's row.
    public static func capacity(_ reconciliation: Reconciliation, reference: ReferenceData) -> [CapacityRow] {
        let agreements = reconciliation.agreements
        var frameworks: [RowKey: [Agreement]] = [:]
        for agreement in agreements where agreement.kind == .framework {
            frameworks[RowKey(site: agreement.site, discipline: agreement.discipline), default: []].append(agreement)
        }
        // Placements are referred to by index: copying them (strings, source arrays) was most of
        // the time of this function.
        let placements = reconciliation.placements
        var placementsByRow: [RowKey: [Int]] = [:]
        for index in placements.indices {
            let key: RowKey
            if case .agreement(let matched) = placements[index].match {
                key = RowKey(site: agreements[matched].site, discipline: agreements[matched].discipline)
            } else {
                key = RowKey(site: placements[index].placement.site, discipline: reference.group(of: placements[index].placement.discipline))
            }
            placementsByRow[key, default: []].append(index)
        }
        var rows: [CapacityRow] = []
        // One pair of day arrays for every row's sweep (a pair per row was most of this function's time).
        var load: [Int] = [], slots: [Int] = []
        for year in reconciliation.years {
            var keys = Set(placementsByRow.compactMap { key, own in own.contains { placements[$0].placement.year == year } ? key : nil })
            for (key, own) in frameworks where own.contains(where: { daysInside($0, year) > 0 }) { keys.insert(key) }
            for key in keys.sorted() {
                let own = frameworks[key] ?? []
                let rowPlacements = placementsByRow[key] ?? []
                var usedWeeks = 0, count = 0
                var students = Set<String>()
                for index in rowPlacements where placements[index].placement.year == year {
                    usedWeeks += placements[index].placement.weeks
                    count += 1
                    students.insert(placements[index].placement.student)
                }
                var row = CapacityRow(site: key.site, discipline: key.discipline, year: year, slots: 0,
                                      slotDays: own.reduce(0) { $0 + $1.slots * daysInside($1, year) },
                                      usedWeeks: usedWeeks, placements: count,
                                      students: students.count, peakConcurrent: 0, overCapacityDays: 0)
                sweep(year, rowPlacements.lazy.map { (placements[$0].placement.start, placements[$0].placement.end) }, own,
                      into: &row, load: &load, slots: &slots)
                rows.append(row)
            }
        }
        return rows
    }

    /// Day by day inside the year: placements of the row covering the day (whatever their start
    /// year) against the slots of its framework agreements valid that day.
    private static func sweep<Spans: Sequence<(Day, Day)>>(_ year: PlacementYear, _ spans: Spans, _ agreements: [Agreement],
                                                            into row: inout CapacityRow, load: inout [Int], slots: inout [Int]) {
        let first = year.firstDay.daysSinceEpoch
        let span = year.lastDay.daysSinceEpoch - first + 1
        if load.count != span + 1 {
            load = [Int](repeating: 0, count: span + 1)
            slots = [Int](repeating: 0, count: span + 1)
        } else {
            for day in 0...span {
                load[day] = 0
                slots[day] = 0
            }
        }
        for (start, end) in spans {
            let from = max(start.daysSinceEpoch, first) - first
            let to = min(end.daysSinceEpoch, year.lastDay.daysSinceEpoch) - first
            guard from <= to else { continue }
            load[from] += 1
            load[to + 1] -= 1
        }
        for agreement in agreements {
            let from = max(agreement.validFrom.daysSinceEpoch, first) - first
            let to = min(agreement.validTo.daysSinceEpoch, year.lastDay.daysSinceEpoch) - first
            guard from <= to else { continue }
            slots[from] += agreement.slots
            slots[to + 1] -= agreement.slots
        }
        var students = 0, available = 0
        for day in 0..<span {
            students += load[day]
            available += slots[day]
            row.slots = max(row.slots, available)
            row.peakConcurrent = max(row.peakConcurrent, students)
            if available > 0 && students > available { row.overCapacityDays += 1 }
        }
    }

    /// SPEC §5 coverage: a row for every discipline group with placements or framework capacity
    /// in the year. Recognised weeks are those matched to a framework agreement; the rest
    /// (individual agreements, unmatched placements) are non-recognised.
    public static func coverage(_ reconciliation: Reconciliation, reference: ReferenceData) -> [CoverageRow] {
        var rows: [CoverageRow] = []
        let agreements = reconciliation.agreements
        for year in reconciliation.years {
            let placements = reconciliation.placements
            var byGroup: [String: [Int]] = [:]
            for index in placements.indices where placements[index].placement.year == year {
                byGroup[reference.group(of: placements[index].placement.discipline), default: []].append(index)
            }
            var capacity: [String: Int] = [:]
            for agreement in agreements where agreement.kind == .framework {
                let days = daysInside(agreement, year)
                guard days > 0 else { continue }
                capacity[reference.group(of: agreement.discipline), default: 0] += agreement.slots * days
            }
            for group in Set(byGroup.keys).union(capacity.keys).sorted() {
                var recognised = 0, total = 0
                var students = Set<String>()
                for index in byGroup[group] ?? [] {
                    let weeks = placements[index].placement.weeks
                    total += weeks
                    if case .agreement(let matched) = placements[index].match, agreements[matched].kind == .framework { recognised += weeks }
                    students.insert(placements[index].placement.student)
                }
                rows.append(CoverageRow(group: group, year: year, students: students.count,
                                        requiredWeeks: reference.curriculum.requiredWeeks[group] ?? 0, studentWeeks: total,
                                        recognisedWeeks: recognised, nonRecognisedWeeks: total - recognised,
                                        recognisedSlotDays: capacity[group] ?? 0))
            }
        }
        return rows
    }
}
