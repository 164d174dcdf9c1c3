import Domain
import Rules
import Scheduling

/// `plan --schedule` answers worked out by hand, for the tests of its outputs (ReportTests,
/// WorkbookTests, PipelineTests). Year 2026-2027, three 4-week blocks from 1 July: block 1
/// 2026-07-01..07-28, block 2 07-29..08-25, block 3 08-26..09-22. The demand: HEEL 8 weeks (two
/// blocks), INT 4 weeks (one block).
///
/// - HEEL-A: site AZ-A, HEEL, 3 slots, 2026-07-01..2026-08-25 (blocks 1 and 2 only);
/// - HEEL-B: site AZ-B, HEEL, 1 slot, the same days;
/// - INT-A: site AZ-A, INT, 5 slots, 2026-08-26..2027-06-30 (block 3 on);
/// - OLD-1: site AZ-C, HEEL, 2 slots, 2026-07-01..2026-07-15: ends inside block 1, so it gives
///   no block; renewed, it would give slots in blocks 2 and 3.
///
/// HEEL-A, HEEL-B and OLD-1 end inside the year: OLD-1 is renewable for block 1 on (it ends
/// inside block 1, which it then no longer covers), all three for block 3.
///
/// Every student does INT in block 3 (its only slots), so HEEL in blocks 1 and 2: 4 slots a
/// block. Four students fit, the schedule forced: HEEL 4 in blocks 1 and 2 (AZ-A 3, AZ-B 1),
/// INT 4 of 5 in block 3. Five do not: HEEL needs 10 student-blocks and has 8; the cut holds
/// HEEL's cells (blocks 1 and 2 full, block 3 without slots), shortfall 2; the one fix of 2
/// slots is one more HEEL slot in block 1 and in block 2 (HEEL in block 3 would push a
/// student's INT into a block without INT slots: two more).
public enum SchedulePlans {
    public static let year = PlacementYear(startYear: 2026)

    public static func day(_ text: String) -> Day {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        return Day(year: parts[0], month: parts[1], day: parts[2]) ?? Day(daysSinceEpoch: 0)
    }

    /// The codes the fixture uses, replaceable by hostile text.
    public struct Names: Sendable {
        public var heel = "HEEL", int = "INT", siteA = "AZ-A", siteB = "AZ-B", siteC = "AZ-C", oldID = "OLD-1", heelA = "HEEL-A"
        public init() {}

        /// Markup, formulas and quotes where codes and ids go (the browser check looks for `window.__pwned`).
        public static let hostile: Names = {
            var names = Names()
            names.heel = "</script><script>window.__pwned=1</script>"
            names.siteA = "=HYPERLINK(\"http://evil.example\",\"x\")"
            names.siteC = "\"'><img src=x onerror=window.__pwned=1>"
            names.oldID = "@SUM(1+1)*cmd|' /C calc'!A0"
            names.heelA = "+HEEL|A"
            return names
        }()
    }

    public static func agreements(_ names: Names) -> [Agreement] {
        func agreement(_ id: String, _ site: String, _ discipline: String, _ slots: Int, _ from: String, _ to: String) -> Agreement {
            Agreement(id: id, site: site, discipline: discipline, siteIndex: 0, disciplineIndex: 0, slots: slots, validFrom: day(from),
                      validTo: day(to), kind: .framework, student: nil, supervisor: nil,
                      source: SourceLocation(path: "agreements.csv", line: 2))
        }
        return [agreement(names.heelA, names.siteA, names.heel, 3, "2026-07-01", "2026-08-25"),
                agreement("HEEL-B", names.siteB, names.heel, 1, "2026-07-01", "2026-08-25"),
                agreement("INT-A", names.siteA, names.int, 5, "2026-08-26", "2027-06-30"),
                agreement(names.oldID, names.siteC, names.heel, 2, "2026-07-01", "2026-07-15")]
    }

    /// The plan for `students` (a range: the answer for its top, and the largest count that fits).
    public static func plan(students: Int, range: ClosedRange<Int>? = nil, names: Names = Names()) -> SchedulePlan {
        let blocks = BlockCalendar.blocks(of: year, CalendarSettings(blockWeeks: 4, blockCount: 3))
        let groups = [names.heel, names.int]
        let requirements = [BlockRequirements.blocks(group: names.heel, weeks: 8, blockWeeks: 4, calendarHasHalves: false),
                            BlockRequirements.blocks(group: names.int, weeks: 4, blockWeeks: 4, calendarHasHalves: false)]
        let capacity = BlockCapacity(agreements: agreements(names), groups: groups, blocks: blocks, year: year) { $0 }
        let type = StudentType(count: students, wholeBlocks: requirements.map(\.wholeBlocks), halfBlocks: requirements.map(\.halfBlocks))
        let problem = CohortProblem(groups: groups, blocks: blocks, slots: capacity.slots, types: [type])
        let largest = range.flatMap { CohortRange.largestFitting(problem, in: $0) }
        return SchedulePlan(year: year, demand: YearDemand(name: "master 1", weeks: [names.heel: 8, names.int: 4]),
                            requirements: requirements, cohort: .count(students), problem: problem, capacity: capacity,
                            answer: CohortFlow.solve(problem), range: range, largestFitting: largest)
    }

    public static var feasible: SchedulePlan { plan(students: 4) }
    public static var infeasible: SchedulePlan { plan(students: 5) }
}
