// Day-based capacity (SPEC §5, "Day-based figures"): per calendar day, the placements of a
// capacity row covering the day against the slots of the row's framework agreements valid
// that day. One sweep gives both the capacity figures (slots, peak_concurrent,
// over_capacity_days) and the OVER_CAPACITY runs.

import Domain

public enum CapacityDays {
    /// A day counts as over capacity only when slots are > 0 and placements exceed them.
    @inlinable
    public static func isOverCapacity(placements: Int, slots: Int) -> Bool { slots > 0 && placements > slots }

    /// Two day arrays reused from one sweep to the next: a pair per row was most of the
    /// capacity report's time.
    public struct Buffers: Sendable {
        @usableFromInline var load: [Int] = []
        @usableFromInline var slots: [Int] = []

        public init() {}
    }

    /// Walks the days `first`…`last`, calling `day(offset, placements, slots)` for each: the
    /// placements (given as (start, end)) covering it and the slots of `agreements` valid on it.
    /// Placements and agreements are clipped to the window.
    @inlinable
    public static func sweep<Spans: Sequence<(Day, Day)>>(from first: Day, to last: Day, placements: Spans, agreements: [Agreement],
                                                          buffers: inout Buffers, day: (_ offset: Int, _ placements: Int, _ slots: Int) -> Void) {
        let origin = first.daysSinceEpoch, span = last.daysSinceEpoch - origin + 1
        guard span > 0 else { return }
        if buffers.load.count != span + 1 {
            buffers.load = [Int](repeating: 0, count: span + 1)
            buffers.slots = [Int](repeating: 0, count: span + 1)
        } else {
            for offset in 0...span {
                buffers.load[offset] = 0
                buffers.slots[offset] = 0
            }
        }
        for (start, end) in placements {
            let from = max(start.daysSinceEpoch, origin) - origin, to = min(end.daysSinceEpoch, last.daysSinceEpoch) - origin
            guard from <= to else { continue }
            buffers.load[from] += 1
            buffers.load[to + 1] -= 1
        }
        for agreement in agreements {
            let from = max(agreement.validFrom.daysSinceEpoch, origin) - origin
            let to = min(agreement.validTo.daysSinceEpoch, last.daysSinceEpoch) - origin
            guard from <= to else { continue }
            buffers.slots[from] += agreement.slots
            buffers.slots[to + 1] -= agreement.slots
        }
        var placed = 0, available = 0
        for offset in 0..<span {
            placed += buffers.load[offset]
            available += buffers.slots[offset]
            day(offset, placed, available)
        }
    }

    /// A capacity row's day-based figures inside one year.
    public struct RowFigures: Sendable, Hashable {
        /// The most slots valid on one day of the year.
        public var slots = 0
        /// The most placements on one day.
        public var peakConcurrent = 0
        public var overCapacityDays = 0

        public init() {}
    }

    /// The row's figures for `year`: its placements covering each day of the year (whatever
    /// their start year) against its framework agreements valid that day.
    @inlinable
    public static func figures<Spans: Sequence<(Day, Day)>>(in year: PlacementYear, placements: Spans, agreements: [Agreement],
                                                            buffers: inout Buffers) -> RowFigures {
        var figures = RowFigures()
        sweep(from: year.firstDay, to: year.lastDay, placements: placements, agreements: agreements, buffers: &buffers) { _, placed, slots in
            figures.slots = max(figures.slots, slots)
            figures.peakConcurrent = max(figures.peakConcurrent, placed)
            if isOverCapacity(placements: placed, slots: slots) { figures.overCapacityDays += 1 }
        }
        return figures
    }

    /// A stretch of consecutive days on which a row has the same placements and slots.
    public struct Stretch: Sendable, Hashable {
        public var first: Day
        public var days: Int
        public var placements: Int
        public var slots: Int

        public init(first: Day, days: Int, placements: Int, slots: Int) {
            self.first = first
            self.days = days
            self.placements = placements
            self.slots = slots
        }

        /// More placements than slots on each of these days.
        public var isOverCapacity: Bool { CapacityDays.isOverCapacity(placements: placements, slots: slots) }
    }

    /// The row's occupancy over `year` day by day (its placements covering each day against its
    /// agreements' slots, as `figures` counts them), as maximal stretches of days with equal
    /// (placements, slots): at most a few dozen per row, where a day each would be 365.
    public static func stretches<Spans: Sequence<(Day, Day)>>(in year: PlacementYear, placements: Spans, agreements: [Agreement],
                                                              buffers: inout Buffers) -> [Stretch] {
        let first = year.firstDay
        var stretches: [Stretch] = []
        sweep(from: first, to: year.lastDay, placements: placements, agreements: agreements, buffers: &buffers) { offset, placed, slots in
            if let last = stretches.indices.last, stretches[last].placements == placed, stretches[last].slots == slots {
                stretches[last].days += 1
            } else {
                stretches.append(Stretch(first: first.adding(days: offset), days: 1, placements: placed, slots: slots))
            }
        }
        return stretches
    }

    /// A maximal run of consecutive over-capacity days of a row (OVER_CAPACITY: one finding per
    /// run, not cut at 30 June).
    public struct OverCapacityRun: Sendable, Hashable {
        public var first: Day
        public var last: Day
        public var days: Int
        public var peak: Int
        /// The slots on the day of the peak.
        public var slots: Int
    }

    /// The runs of over-capacity days over the whole span of the row's placements.
    public static func overCapacityRuns(_ placements: [(start: Day, end: Day)], _ agreements: [Agreement]) -> [OverCapacityRun] {
        guard let first = placements.map(\.start).min(), let last = placements.map(\.end).max() else { return [] }
        var runs: [OverCapacityRun] = []
        var current: OverCapacityRun?
        var buffers = Buffers()
        sweep(from: first, to: last, placements: placements.lazy.map { ($0.start, $0.end) }, agreements: agreements,
              buffers: &buffers) { offset, placed, slots in
            guard isOverCapacity(placements: placed, slots: slots) else {
                if let run = current { runs.append(run) }
                current = nil
                return
            }
            let day = first.adding(days: offset)
            guard var run = current else {
                current = OverCapacityRun(first: day, last: day, days: 1, peak: placed, slots: slots)
                return
            }
            run.last = day
            run.days += 1
            if placed > run.peak { (run.peak, run.slots) = (placed, slots) }
            current = run
        }
        if let run = current { runs.append(run) }
        return runs
    }
}
