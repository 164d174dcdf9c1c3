import Domain
import Pipeline
import Report
import Scheduling
import Testing
import TestSupport
@testable import Workbook

/// `plan --schedule --format xlsx` read back by the tests' own reader: the sheets summary,
/// schedule and fix, typed (numbers as numbers, days as date serials, codes as text).
@Suite("plan --schedule as a workbook")
struct ScheduleWorkbookTests {
    static func book(_ plan: SchedulePlan) throws -> WorkbookReading {
        let bytes = try Coordinator.renderSchedule(plan, format: .xlsx, title: "t", date: SchedulePlans.day("2026-06-01"), language: .nl)
        return try WorkbookReading(bytes)
    }

    @Test("Three sheets; the schedule's and the fix's rows as their tables; the facts typed")
    func sheets() throws {
        let book = try Self.book(SchedulePlans.infeasible)
        let sheets = try book.sheets()
        #expect(sheets.map(\.name) == ["summary", "schedule", "fix"])
        let date = CellStyle.date.rawValue
        let schedule = try book.grid(sheets[1].part, dateStyle: date)
        #expect(schedule.first == ["block", "first_day", "last_day", "group", "site", "agreements", "slots", "students", "extra_slots"])
        #expect(schedule[1] == ["1", "2026-07-01", "2026-07-28", "HEEL", "AZ-A", "HEEL-A", "3", "3", "0"])
        #expect(schedule[3] == ["1", "2026-07-01", "2026-07-28", "HEEL", "", "", "0", "1", "1"])
        #expect(schedule.count == 8)
        let fix = try book.grid(sheets[2].part, dateStyle: date)
        #expect(fix == [["block", "group", "slots", "students", "extra_slots", "in_cut", "renewable"],
                        ["1", "HEEL", "4", "5", "1", "yes", "OLD-1 (AZ-C, 2 slots, until 2026-07-15)"],
                        ["2", "HEEL", "4", "5", "1", "yes", "OLD-1 (AZ-C, 2 slots, until 2026-07-15)"],
                        ["3", "HEEL", "0", "0", "0", "yes", "OLD-1 (AZ-C, 2 slots, until 2026-07-15); HEEL-A (AZ-A, 3 slots, "
                         + "until 2026-08-25); HEEL-B (AZ-B, 1 slot, until 2026-08-25)"]])
        let cells = try book.cells(sheets[1].part)
        #expect(cells.first { $0.reference == "G2" }?.type == "n" && cells.first { $0.reference == "A2" }?.type == "inlineStr")
        #expect(cells.first { $0.reference == "B2" }?.style == date)
        let summary = try book.cells(sheets[0].part)
        let facts = Dictionary(grouping: summary, by: { $0.reference.filter(\.isNumber) })
        let feasible = try #require(facts.values.first { $0.contains { $0.value == "feasible" } })
        #expect(feasible.map(\.value) == ["feasible", "no"])
        let shortfall = try #require(facts.values.first { $0.contains { $0.value == "shortfall" } })
        #expect(shortfall.last?.type == "n" && shortfall.last?.value == "2")
    }

    @Test("Hostile codes and ids are text in the workbook, never a formula")
    func hostile() throws {
        let book = try Self.book(SchedulePlans.plan(students: 5, names: .hostile))
        var texts: [String] = []
        for sheet in try book.sheets() {
            #expect(try !book.text(sheet.part).contains("<f>"))
            texts += try book.cells(sheet.part).map(\.value)
        }
        let names = SchedulePlans.Names.hostile
        #expect(texts.contains(names.siteA) && texts.contains(names.heel) && texts.contains(names.heelA))
        #expect(texts.contains { $0.hasPrefix(names.oldID + " (" + names.siteC) })
    }
}
