import Domain
import Rules
import Scheduling

/// A day written as `yyyy-mm-dd` (a day that does not exist is the epoch, which no test expects).
func day(_ text: String) -> Day {
    let parts = text.split(separator: "-").compactMap { Int($0) }
    guard parts.count == 3, let value = Day(year: parts[0], month: parts[1], day: parts[2]) else { return Day(daysSinceEpoch: 0) }
    return value
}

/// A framework agreement of the test faculty (individual ones with `kind`).
func framework(_ id: String, site: String, discipline: String, slots: Int, from: String, to: String,
               kind: AgreementKind = .framework) -> Agreement {
    Agreement(id: id, site: site, discipline: discipline, siteIndex: 0, disciplineIndex: 0, slots: slots, validFrom: day(from),
              validTo: day(to), kind: kind, student: kind == .individual ? "S1" : nil, supervisor: nil,
              source: SourceLocation(path: "agreements.csv", line: 2))
}

/// The test faculty's disciplines and their groups, as the reference data's `group(of:)` would.
func groupOf(_ discipline: String) -> String {
    let groups = ["abdominal surgery": "HEEL", "trauma surgery": "HEEL", "internal medicine": "INT", "cardiology": "INT",
                  "paediatrics": "PED", "radiology": "BEELD", "nuclear medicine": "BEELD", "geriatrics": "GER"]
    return groups[discipline] ?? discipline
}

/// The question `plan --schedule` asks, built as the command builds it: the calendar's blocks,
/// the demand's groups (in name order) as blocks, the slots per (site, group, block) from the
/// agreements, and `students` students of one type.
struct PlannedYear {
    let year: PlacementYear
    let blocks: [PlanningBlock]
    let requirements: [GroupBlocks]
    let capacity: BlockCapacity
    let problem: CohortProblem

    init(_ agreements: [Agreement], calendar: CalendarSettings, demand: YearDemand, students: Int,
         year: PlacementYear = PlacementYear(startYear: 2026)) {
        self.year = year
        blocks = BlockCalendar.blocks(of: year, calendar)
        let groups = demand.weeks.keys.sorted()
        let halves = blocks.contains(where: \.isHalf)
        requirements = groups.map {
            BlockRequirements.blocks(group: $0, weeks: demand.weeks[$0] ?? 0, blockWeeks: calendar.blockWeeks, calendarHasHalves: halves)
        }
        capacity = BlockCapacity(agreements: agreements, groups: groups, blocks: blocks, year: year, groupOf: groupOf)
        problem = CohortProblem(groups: groups, blocks: blocks, slots: capacity.slots,
                                types: [StudentType(count: students, wholeBlocks: requirements.map(\.wholeBlocks),
                                                    halfBlocks: requirements.map(\.halfBlocks))])
    }

    func group(_ name: String) -> Int { problem.groups.firstIndex(of: name) ?? -1 }
    func block(_ label: String) -> Int { blocks.firstIndex { $0.label == label } ?? -1 }

    /// The same year for another cohort.
    func with(students: Int) -> CohortProblem { problem.withStudents(students) }
}
