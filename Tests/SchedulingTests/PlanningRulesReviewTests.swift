import Domain
import Rules
@testable import Scheduling
import Testing

/// The review of the calendar, the block requirements, which agreements count in a block and
/// the sites' shares: the edges of each rule, worked out by hand.
@Suite("Planning rules review: calendar, requirements, slots, shares")
struct PlanningRulesReviewTests {
    static func span(_ block: PlanningBlock) -> String { "\(block.label) \(block.first)–\(block.last)" }

    @Test("Without a count, the blocks that end by 30 June: 13 of 28 days, also in a leap year")
    func defaultCount() {
        let plain = BlockCalendar.blocks(of: PlacementYear(startYear: 2026), CalendarSettings())
        #expect(plain.count == 13)
        #expect(plain.last.map(Self.span) == "13 2027-06-02–2027-06-29")
        // 2027-2028 has 366 days; 29 February falls in block 9, which still has 28 days.
        let leap = BlockCalendar.blocks(of: PlacementYear(startYear: 2027), CalendarSettings())
        #expect(leap.count == 13)
        #expect(Self.span(leap[8]) == "9 2028-02-10–2028-03-08")
        #expect(leap.allSatisfy { $0.last.daysSinceEpoch - $0.first.daysSinceEpoch == 27 })
    }

    @Test("A first month from January to June is in the year's second calendar year")
    func springStart() {
        // 4 January 2027 to 30 June 2027 is 178 days: 6 blocks, the last ending 20 June.
        let spring = BlockCalendar.blocks(of: PlacementYear(startYear: 2026), CalendarSettings(firstMonth: 1, firstDay: 4))
        #expect(spring.map(Self.span).first == "1 2027-01-04–2027-01-31")
        #expect(spring.map(Self.span).last == "6 2027-05-24–2027-06-20")
        // 29 February exists in 2028 only: no calendar in 2026-2027; in 2027-2028, 123 days: 4 blocks.
        #expect(BlockCalendar.blocks(of: PlacementYear(startYear: 2026), CalendarSettings(firstMonth: 2, firstDay: 29)) == [])
        let leap = BlockCalendar.blocks(of: PlacementYear(startYear: 2027), CalendarSettings(firstMonth: 2, firstDay: 29))
        #expect(leap.map(Self.span) == ["1 2028-02-29–2028-03-27", "2 2028-03-28–2028-04-24", "3 2028-04-25–2028-05-22",
                                        "4 2028-05-23–2028-06-19"])
    }

    @Test("Weeks as blocks: whole blocks, one half-block for a remainder up to half a block, else rounded up")
    func requirements() {
        func blocks(_ weeks: Int, _ blockWeeks: Int, halves: Bool) -> [Int] {
            let r = BlockRequirements.blocks(group: "G", weeks: weeks, blockWeeks: blockWeeks, calendarHasHalves: halves)
            return [r.wholeBlocks, r.halfBlocks, r.weeksInBlocks]
        }
        #expect(blocks(8, 4, halves: false) == [2, 0, 8])
        #expect(blocks(2, 4, halves: true) == [0, 1, 2])
        #expect(blocks(2, 4, halves: false) == [1, 0, 4])
        #expect(blocks(6, 4, halves: true) == [1, 1, 6])
        #expect(blocks(6, 4, halves: false) == [2, 0, 8])
        // Below half a block: still a half-block (rounded up to 2 weeks); above: a whole block.
        #expect(blocks(5, 4, halves: true) == [1, 1, 6])
        #expect(blocks(1, 4, halves: true) == [0, 1, 2])
        #expect(blocks(7, 4, halves: true) == [2, 0, 8])
        // An odd block has no whole-week half: its halves are never a requirement's.
        #expect(blocks(2, 5, halves: true) == [1, 0, 5])
        #expect(blocks(0, 4, halves: true) == [0, 0, 0])
        #expect(blocks(-3, 4, halves: true) == [0, 0, 0])
    }

    @Test("An agreement counts in a block when it is valid on the block's first and last day, both included")
    func wholeBlock() {
        let block = PlanningBlock(label: "5", first: day("2026-10-21"), last: day("2026-11-17"), weeks: 4, isHalf: false)
        func counts(_ from: String, _ to: String, kind: AgreementKind = .framework, slots: Int = 2) -> Bool {
            BlockSlots.counts(framework("A", site: "S", discipline: "d", slots: slots, from: from, to: to, kind: kind), in: block)
        }
        #expect(counts("2026-10-21", "2026-11-17"))
        #expect(!counts("2026-10-21", "2026-11-16"))
        #expect(!counts("2026-10-22", "2026-11-17"))
        #expect(!counts("2026-07-01", "2027-06-30", kind: .individual))
        #expect(!counts("2026-07-01", "2027-06-30", slots: 0))
        let year = PlacementYear(startYear: 2026)
        func expires(_ from: String, _ to: String) -> Bool {
            BlockSlots.expires(framework("A", site: "S", discipline: "d", slots: 2, from: from, to: to), inside: year)
        }
        #expect(!expires("2026-07-01", "2027-06-30"))
        #expect(expires("2026-07-01", "2027-06-29"))
        #expect(!expires("2025-07-01", "2026-06-30"))
        #expect(!expires("2027-07-01", "2027-12-31"))
    }

    @Test("A site's share is never above its slots, adds up to the students, ties to the first site")
    func proportionalShares() {
        #expect(SiteSchedule.proportional(5, over: [3, 3, 3]) == [2, 2, 1])
        #expect(SiteSchedule.proportional(7, over: [1, 10]) == [1, 6])
        #expect(SiteSchedule.proportional(0, over: [2, 2]) == [0, 0])
        #expect(SiteSchedule.proportional(3, over: [0, 3, 0]) == [0, 3, 0])
        // Every split of up to 12 students over three sites of 0–4 slots.
        for a in 0...4 {
            for b in 0...4 {
                for c in 0...4 {
                    let weights = [a, b, c]
                    for total in 0...weights.reduce(0, +) {
                        let shares = SiteSchedule.proportional(total, over: weights)
                        #expect(shares.reduce(0, +) == total)
                        #expect(zip(shares, weights).allSatisfy { $0 <= $1 })
                    }
                }
            }
        }
    }
}
