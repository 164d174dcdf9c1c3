// Report: the figures of SPEC §5 computed from a reconciliation (capacity, coverage), as plain
// rows; writing them in a format is the caller's (their columns are declared in Tables/). Every
// ratio keeps its exact numerator and denominator, so rounding happens once, half up, when a
// figure is printed.

import Normalize
import Reconcile
import Rules
import Domain

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

    public var capacityWeeks: Ratio { CapacityFigures.capacityWeeks(slotDays: slotDays) }
    /// used_weeks / capacity_weeks; nil when capacity is 0.
    public var utilisation: Ratio? { CapacityFigures.utilisation(usedWeeks: usedWeeks, slotDays: slotDays) }
}

extension CapacityRow {
    /// A row as the run history keeps it: the counts it does not keep are 0.
    public init(site: String, discipline: String, year: PlacementYear, slots: Int, slotDays: Int, usedWeeks: Int) {
        self.init(site: site, discipline: discipline, year: year, slots: slots, slotDays: slotDays, usedWeeks: usedWeeks,
                  placements: 0, students: 0, peakConcurrent: 0, overCapacityDays: 0)
    }
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

    public var shareNonRecognised: Ratio? {
        CoverageFigures.shareNonRecognised(nonRecognisedWeeks: nonRecognisedWeeks, studentWeeks: studentWeeks)
    }
    public var recognisedCapacityWeeks: Ratio { CoverageFigures.recognisedCapacityWeeks(slotDays: recognisedSlotDays) }
    /// recognised capacity weeks / student weeks.
    public var capacityCoverage: Ratio? {
        CoverageFigures.capacityCoverage(recognisedSlotDays: recognisedSlotDays, studentWeeks: studentWeeks)
    }
}

public enum Figures {
    private struct RowKey: Hashable, Comparable {
        var site: String
        var discipline: String

        static func < (lhs: RowKey, rhs: RowKey) -> Bool { (lhs.site, lhs.discipline) < (rhs.site, rhs.discipline) }
    }

    /// SPEC §5 capacity, with its precise readings: rows for every framework agreement valid in a
    /// reported year, every individual agreement a placement matched, and unmatched placements
    /// at (site, discipline group); a matched placement counts in its agreement's row.
    ///
    /// The tally gathers what the rows need of the placements, partition by partition (a
    /// student's placements all in one): per row its placements' dates, per row and year the
    /// weeks, placements and students.
    public struct CapacityTally: Sendable {
        private struct Counts: Sendable {
            var usedWeeks = 0, placements = 0, students = 0
        }

        private struct KeyYear: Hashable {
            var key: RowKey
            var year: Int
        }

        /// The dates of the placements of each row and year (by position).
        private var spans: [[(start: Int32, end: Int32)]] = []
        /// Rows and years by their position in `keyYears`: one look-up per placement.
        private var positions: [KeyYear: Int] = [:]
        private var keyYears: [KeyYear] = []
        private var counted: [Counts] = []
        /// The last student counted per row and year, as the number of the student's run in
        /// `add`'s order: placements come sorted by student, so a student is counted once per
        /// row and year without a set of names.
        private var lastStudent: [Int] = []
        private var studentRuns = 0

        public init() {}

        /// `placements` hold every placement of their students, sorted by student (normalize's order).
        public mutating func add(_ placements: [MatchedPlacement], agreements: [Agreement], reference: ReferenceData) {
            for index in placements.indices {
                if index == 0 || placements[index].placement.student != placements[index - 1].placement.student { studentRuns += 1 }
                let key: RowKey
                if case .agreement(let matched) = placements[index].match {
                    key = RowKey(site: agreements[matched].site, discipline: agreements[matched].discipline)
                } else {
                    key = RowKey(site: placements[index].placement.site, discipline: reference.group(of: placements[index].placement.discipline))
                }
                let span = (Int32(clamping: placements[index].placement.start.daysSinceEpoch),
                            Int32(clamping: placements[index].placement.end.daysSinceEpoch))
                let keyYear = KeyYear(key: key, year: placements[index].placement.year.startYear)
                let position: Int
                if let known = positions[keyYear] {
                    position = known
                } else {
                    position = keyYears.count
                    positions[keyYear] = position
                    keyYears.append(keyYear)
                    counted.append(Counts())
                    lastStudent.append(0)
                    spans.append([])
                }
                spans[position].append(span)
                counted[position].usedWeeks += placements[index].placement.weeks
                counted[position].placements += 1
                if lastStudent[position] != studentRuns {
                    lastStudent[position] = studentRuns
                    counted[position].students += 1
                }
            }
        }

        public func rows(years: [PlacementYear], agreements: [Agreement]) -> [CapacityRow] {
            var frameworks: [RowKey: [Agreement]] = [:]
            for agreement in agreements where agreement.kind == .framework {
                frameworks[RowKey(site: agreement.site, discipline: agreement.discipline), default: []].append(agreement)
            }
            var rows: [CapacityRow] = []
            var buffers = CapacityDays.Buffers()
            // A row's sweep covers its placements of every year.
            var positionsOfRow: [RowKey: [Int]] = [:]
            for (position, keyYear) in keyYears.enumerated() { positionsOfRow[keyYear.key, default: []].append(position) }
            for year in years {
                var keys = Set(keyYears.lazy.filter { $0.year == year.startYear }.map(\.key))
                for (key, own) in frameworks where own.contains(where: { CapacityFigures.isValid($0, in: year) }) { keys.insert(key) }
                for key in keys.sorted() {
                    let own = frameworks[key] ?? []
                    let counted = positions[KeyYear(key: key, year: year.startYear)].map { self.counted[$0] } ?? Counts()
                    var row = CapacityRow(site: key.site, discipline: key.discipline, year: year, slots: 0,
                                          slotDays: own.reduce(0) { $0 + CapacityFigures.slotDays($1, in: year) },
                                          usedWeeks: counted.usedWeeks, placements: counted.placements,
                                          students: counted.students, peakConcurrent: 0, overCapacityDays: 0)
                    let rowSpans = (positionsOfRow[key] ?? []).lazy.flatMap { self.spans[$0] }
                    let days = CapacityDays.figures(in: year, placements: rowSpans.map { (Day(daysSinceEpoch: Int($0.start)), Day(daysSinceEpoch: Int($0.end))) },
                                                    agreements: own, buffers: &buffers)
                    (row.slots, row.peakConcurrent, row.overCapacityDays) = (days.slots, days.peakConcurrent, days.overCapacityDays)
                    rows.append(row)
                }
            }
            return rows
        }

        /// The day-level occupancy of the rows with over-capacity days (`rows` as `rows(...)` made
        /// them): at most `limit`, those with the most over-capacity days first, then in row
        /// order. A row's placements of every year count, as in its figures.
        public func timelines(of rows: [CapacityRow], agreements: [Agreement], limit: Int) -> [OccupancyTimeline] {
            let over = rows.enumerated().filter { $0.element.overCapacityDays > 0 }
                .sorted { ($1.element.overCapacityDays, $0.offset) < ($0.element.overCapacityDays, $1.offset) }
                .prefix(limit).map(\.element)
            guard !over.isEmpty else { return [] }
            var positionsOfRow: [RowKey: [Int]] = [:]
            for (position, keyYear) in keyYears.enumerated() { positionsOfRow[keyYear.key, default: []].append(position) }
            // The framework agreements of the rows drawn, gathered in one pass (a filter of every
            // agreement per row copied thousands of them for each).
            let wanted = Set(over.map { RowKey(site: $0.site, discipline: $0.discipline) })
            var frameworks: [RowKey: [Agreement]] = [:]
            for agreement in agreements where agreement.kind == .framework {
                let key = RowKey(site: agreement.site, discipline: agreement.discipline)
                if wanted.contains(key) { frameworks[key, default: []].append(agreement) }
            }
            var buffers = CapacityDays.Buffers()
            return over.map { row in
                let key = RowKey(site: row.site, discipline: row.discipline)
                let own = frameworks[key] ?? []
                let rowSpans = (positionsOfRow[key] ?? []).lazy.flatMap { self.spans[$0] }
                    .map { (Day(daysSinceEpoch: Int($0.start)), Day(daysSinceEpoch: Int($0.end))) }
                let stretches = CapacityDays.stretches(in: row.year, placements: rowSpans, agreements: own, buffers: &buffers)
                return OccupancyTimeline(site: row.site, discipline: row.discipline, year: row.year, stretches: stretches)
            }
        }
    }

    /// SPEC §5 coverage: a row for every discipline group with placements or framework capacity
    /// in the year (`CoverageFigures`). The tally gathers what the rows need of the placements,
    /// per group and year, partition by partition (a student's placements all in one).
    public struct CoverageTally: Sendable {
        private struct GroupYear: Hashable {
            var group: String
            var year: Int
        }

        private struct Counts: Sendable {
            var recognised = 0, total = 0, students = 0

            mutating func add(weeks: Int, recognised: Int, newStudent: Bool) {
                total += weeks
                self.recognised += recognised
                if newStudent { students += 1 }
            }
        }

        private var counts: [GroupYear: Counts] = [:]
        private var lastStudent: [GroupYear: Int] = [:]
        private var studentRuns = 0

        public init() {}

        /// `placements` hold every placement of their students, sorted by student (normalize's order).
        public mutating func add(_ placements: [MatchedPlacement], agreements: [Agreement], reference: ReferenceData) {
            for index in placements.indices {
                if index == 0 || placements[index].placement.student != placements[index - 1].placement.student { studentRuns += 1 }
                let key = GroupYear(group: reference.group(of: placements[index].placement.discipline),
                                    year: placements[index].placement.year.startYear)
                let weeks = placements[index].placement.weeks
                var recognised = 0
                if CoverageFigures.isRecognised(placements[index].match, agreements: agreements) { recognised = weeks }
                let newStudent = lastStudent.updateValue(studentRuns, forKey: key) != studentRuns
                counts[key, default: Counts()].add(weeks: weeks, recognised: recognised, newStudent: newStudent)
            }
        }

        public func rows(years: [PlacementYear], agreements: [Agreement], reference: ReferenceData) -> [CoverageRow] {
            var rows: [CoverageRow] = []
            for year in years {
                var capacity: [String: Int] = [:]
                for agreement in agreements where agreement.kind == .framework {
                    guard CapacityFigures.isValid(agreement, in: year) else { continue }
                    capacity[reference.group(of: agreement.discipline), default: 0] += CapacityFigures.slotDays(agreement, in: year)
                }
                let groups = Set(counts.keys.lazy.filter { $0.year == year.startYear }.map(\.group)).union(capacity.keys)
                for group in groups.sorted() {
                    let counted = counts[GroupYear(group: group, year: year.startYear)] ?? Counts()
                    rows.append(CoverageRow(group: group, year: year, students: counted.students,
                                            requiredWeeks: CoverageFigures.requiredWeeks(of: group, reference.curriculum), studentWeeks: counted.total,
                                            recognisedWeeks: counted.recognised, nonRecognisedWeeks: counted.total - counted.recognised,
                                            recognisedSlotDays: capacity[group] ?? 0))
                }
            }
            return rows
        }
    }
}
