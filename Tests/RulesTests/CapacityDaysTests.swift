// Hand-worked cases of SPEC §5's day-based figures and OVER_CAPACITY runs.

import Rules
import Domain
import Testing

@Suite("Rules: capacity day by day")
struct CapacityDaysTests {
    let year = PlacementYear(startYear: 2025)

    @Test("slots, peak and over-capacity days inside the year")
    func figures() {
        // 2 slots all year, 1 more from 1 October. Three students 1–28 September (28 days over),
        // two of them again in October (within the 3 slots).
        let agreements = [agreement("A-1", slots: 2, from: "2025-07-01", to: "2026-06-30"),
                          agreement("A-2", slots: 1, from: "2025-10-01", to: "2026-06-30")]
        var spans: [(Day, Day)] = (0..<3).map { _ in (day("2025-09-01"), day("2025-09-28")) }
        spans += (0..<2).map { _ in (day("2025-10-06"), day("2025-11-02")) }
        var buffers = CapacityDays.Buffers()
        let figures = CapacityDays.figures(in: year, placements: spans, agreements: agreements, buffers: &buffers)
        #expect(figures.slots == 3)
        #expect(figures.peakConcurrent == 3)
        #expect(figures.overCapacityDays == 28)
    }

    @Test("a day with no slots is never over capacity; placements outside the year are clipped")
    func noSlotsAndClipping() {
        let agreements = [agreement("A-1", slots: 1, from: "2025-09-01", to: "2025-09-14")]
        // Two students 1–28 September: over on 14 days (1 slot), not on the 14 days without slots.
        let spans = [(day("2025-09-01"), day("2025-09-28")), (day("2025-09-01"), day("2025-09-28")),
                     (day("2025-06-01"), day("2025-07-03"))]
        var buffers = CapacityDays.Buffers()
        let figures = CapacityDays.figures(in: year, placements: spans, agreements: agreements, buffers: &buffers)
        #expect(figures.overCapacityDays == 14)
        #expect(figures.slots == 1)
        #expect(figures.peakConcurrent == 2)
        #expect(!CapacityDays.isOverCapacity(placements: 5, slots: 0))
        #expect(CapacityDays.isOverCapacity(placements: 3, slots: 2))
    }

    @Test("OVER_CAPACITY: one run per maximal stretch of days, not cut at 30 June, with its peak")
    func runs() {
        let agreements = [agreement("A-1", slots: 2, from: "2025-07-01", to: "2026-12-31")]
        let spans = [(start: day("2026-06-20"), end: day("2026-07-10")), (start: day("2026-06-20"), end: day("2026-07-10")),
                     (start: day("2026-06-25"), end: day("2026-07-05")), (start: day("2026-07-01"), end: day("2026-07-02")),
                     (start: day("2026-07-20"), end: day("2026-07-21")), (start: day("2026-07-20"), end: day("2026-07-21")),
                     (start: day("2026-07-20"), end: day("2026-07-21"))]
        let runs = CapacityDays.overCapacityRuns(spans, agreements)
        #expect(runs.count == 2)
        // 25 June – 5 July: 11 days, peak 4 (1–2 July) against 2 slots.
        #expect(runs.first?.first == day("2026-06-25"))
        #expect(runs.first?.last == day("2026-07-05"))
        #expect(runs.first?.days == 11)
        #expect(runs.first?.peak == 4)
        #expect(runs.first?.slots == 2)
        #expect(runs.last?.days == 2)
        #expect(runs.last?.peak == 3)
    }

    @Test("occupancy stretches: the year cut where placements or slots change, the days adding up to the year")
    func stretches() {
        // 2 slots all year, 1 more from 1 October. Three students 1–28 September, two of them
        // 6 October – 2 November: 1 July – 31 August 0 on 2 (62 days), September 3 on 2 for 28
        // days, 29 September 0 on 2 (2 days), 1–5 October 0 on 3, then 2 on 3 for 28 days, then
        // 0 on 3 until 30 June (3 November – 30 June: 240 days).
        let agreements = [agreement("A-1", slots: 2, from: "2025-07-01", to: "2026-06-30"),
                          agreement("A-2", slots: 1, from: "2025-10-01", to: "2026-06-30")]
        var spans: [(Day, Day)] = (0..<3).map { _ in (day("2025-09-01"), day("2025-09-28")) }
        spans += (0..<2).map { _ in (day("2025-10-06"), day("2025-11-02")) }
        var buffers = CapacityDays.Buffers()
        let stretches = CapacityDays.stretches(in: year, placements: spans, agreements: agreements, buffers: &buffers)
        let expected = [CapacityDays.Stretch(first: day("2025-07-01"), days: 62, placements: 0, slots: 2),
                        CapacityDays.Stretch(first: day("2025-09-01"), days: 28, placements: 3, slots: 2),
                        CapacityDays.Stretch(first: day("2025-09-29"), days: 2, placements: 0, slots: 2),
                        CapacityDays.Stretch(first: day("2025-10-01"), days: 5, placements: 0, slots: 3),
                        CapacityDays.Stretch(first: day("2025-10-06"), days: 28, placements: 2, slots: 3),
                        CapacityDays.Stretch(first: day("2025-11-03"), days: 240, placements: 0, slots: 3)]
        #expect(stretches == expected)
        #expect(stretches.reduce(0) { $0 + $1.days } == 365)
        // The over-capacity days of the figures are the days of the stretches over capacity.
        let over = stretches.filter { CapacityDays.isOverCapacity(placements: $0.placements, slots: $0.slots) }.reduce(0) { $0 + $1.days }
        #expect(over == CapacityDays.figures(in: year, placements: spans, agreements: agreements, buffers: &buffers).overCapacityDays)
    }
}
