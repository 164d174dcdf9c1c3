import Domain
import Rules
import Scheduling
@testable import Report
import TestSupport
import Testing

/// The outputs of `plan --schedule` on the hand-worked plans of `SchedulePlans` (their doc
/// comment derives every figure below).
@Suite("plan --schedule: tables, sentences, grid")
struct ScheduleOutputTests {
    static func day(_ text: String) -> Cell { .date(SchedulePlans.day(text)) }

    static func row(_ block: String, _ group: String, _ site: String?, _ agreements: String, _ slots: Int, _ students: Int,
                    _ extra: Int) -> [Cell] {
        let days = ["1": ("2026-07-01", "2026-07-28"), "2": ("2026-07-29", "2026-08-25"), "3": ("2026-08-26", "2026-09-22")][block]
        return [.text(block), day(days?.0 ?? ""), day(days?.1 ?? ""), .text(group), .text(site), agreements.isEmpty ? .empty : .text(agreements),
                .integer(slots), .integer(students), .integer(extra)]
    }

    @Test("The feasible plan's schedule: HEEL 3 + 1 in blocks 1 and 2, INT 4 of 5 in block 3")
    func feasibleSchedule() {
        let table = ScheduleTables.schedule(SchedulePlans.feasible)
        #expect(table.columns == ["block", "first_day", "last_day", "group", "site", "agreements", "slots", "students", "extra_slots"])
        #expect(table.rows == [
            Self.row("1", "HEEL", "AZ-A", "HEEL-A", 3, 3, 0), Self.row("1", "HEEL", "AZ-B", "HEEL-B", 1, 1, 0),
            Self.row("2", "HEEL", "AZ-A", "HEEL-A", 3, 3, 0), Self.row("2", "HEEL", "AZ-B", "HEEL-B", 1, 1, 0),
            Self.row("3", "INT", "AZ-A", "INT-A", 5, 4, 0),
        ])
        #expect(ScheduleTables.fix(SchedulePlans.feasible).rows.isEmpty)
    }

    @Test("The infeasible plan: a row of extra slots without a site in blocks 1 and 2")
    func infeasibleSchedule() {
        #expect(ScheduleTables.schedule(SchedulePlans.infeasible).rows == [
            Self.row("1", "HEEL", "AZ-A", "HEEL-A", 3, 3, 0), Self.row("1", "HEEL", "AZ-B", "HEEL-B", 1, 1, 0),
            Self.row("1", "HEEL", nil, "", 0, 1, 1),
            Self.row("2", "HEEL", "AZ-A", "HEEL-A", 3, 3, 0), Self.row("2", "HEEL", "AZ-B", "HEEL-B", 1, 1, 0),
            Self.row("2", "HEEL", nil, "", 0, 1, 1),
            Self.row("3", "INT", "AZ-A", "INT-A", 5, 5, 0),
        ])
    }

    @Test("The fix: HEEL's cells in the cut, one extra slot in blocks 1 and 2, OLD-1 renewable from block 1 (it ends inside it), all three from block 3")
    func fixTable() {
        let table = ScheduleTables.fix(SchedulePlans.infeasible)
        #expect(table.columns == ["block", "group", "slots", "students", "extra_slots", "in_cut", "renewable"])
        let old = "OLD-1 (AZ-C, 2 slots, until 2026-07-15)"
        let all = old + "; HEEL-A (AZ-A, 3 slots, until 2026-08-25); HEEL-B (AZ-B, 1 slot, until 2026-08-25)"
        #expect(table.rows == [
            [.text("1"), .text("HEEL"), .integer(4), .integer(5), .integer(1), .yesNo(true), .text(old)],
            [.text("2"), .text("HEEL"), .integer(4), .integer(5), .integer(1), .yesNo(true), .text(old)],
            [.text("3"), .text("HEEL"), .integer(0), .integer(0), .integer(0), .yesNo(true), .text(all)],
        ])
    }

    @Test("The summary's facts: always the same names, typed values")
    func facts() {
        func facts(_ plan: SchedulePlan) -> [String: Cell] {
            Dictionary(uniqueKeysWithValues: ScheduleSummary(plan).facts.map { ($0.name, $0.value) })
        }
        let no = facts(SchedulePlans.infeasible), yes = facts(SchedulePlans.feasible)
        #expect(ScheduleSummary(SchedulePlans.infeasible).facts.map(\.name) == ScheduleSummary(SchedulePlans.feasible).facts.map(\.name))
        #expect(no["year"] == .year(SchedulePlans.year) && no["demand"] == .text("master 1") && no["demand_weeks"] == .text("HEEL 8, INT 4"))
        #expect(no["students"] == .integer(5) && no["method"] == .text("max-flow") && no["feasible"] == .text("no"))
        #expect(no["shortfall"] == .integer(2) && no["extra_slots"] == .integer(2) && no["extra_slots_lower_bound"] == .empty)
        #expect(no["calendar_shortfall"] == .empty && no["rounded_up"] == .empty && no["blocks"] == .integer(3))
        #expect(yes["feasible"] == .text("yes") && yes["shortfall"] == .integer(0) && yes["extra_slots"] == .integer(0))
        let ranged = facts(SchedulePlans.plan(students: 5, range: 2...5))
        #expect(ranged["students_range"] == .text("2..5") && ranged["largest_fitting"] == .integer(4))
    }

    @Test("The grid: students / slots, full, in the cut, extra slots")
    func grid() {
        let grid = ScheduleGrid(SchedulePlans.infeasible)
        let heel = grid.cells[0], int = grid.cells[1]
        #expect(heel.map(\.students) == [5, 5, 0] && heel.map(\.slots) == [4, 4, 0] && heel.map(\.extra) == [1, 1, 0])
        #expect(heel.map(\.full) == [true, true, false] && heel.map(\.inCut) == [true, true, true])
        #expect(int.map(\.students) == [0, 0, 5] && int.map(\.full) == [false, false, true] && int.map(\.inCut) == [false, false, false])
        #expect(grid.busyBlocks.isEmpty)
        #expect(ScheduleDocument.cellText(heel[0], language: .nl) == "5 / 4 ■ ✂ +1")
    }

    @Test("The sentences in English: the verdict, the cut, the smallest fix and what to renew")
    func sentencesEnglish() {
        #expect(ScheduleSummary(SchedulePlans.infeasible).sentences(.en) == [
            "5 students do not fit: the slots of the framework agreements leave 2 student-blocks of the demand master 1 "
                + "(HEEL 8, INT 4 weeks) unplaced in the 3 blocks of 2026-2027.",
            "Method: a maximum flow over blocks and discipline groups; its minimum cut proves the answer (exact).",
            "Where it breaks (the minimum cut): the students need 10 student-blocks in HEEL and the slots let at most 8 of them through.",
            "Slots all taken in the cut: HEEL in blocks 1, 2.",
            "No slots at all, in the cut: HEEL in block 3.",
            "The smallest fix: 2 extra slots (a slot is one student in one block): HEEL 1 in block 1, 1 in block 2.",
            "Agreements that ended inside the year before blocks that need extra slots (renewing one gives its slots again): "
                + "OLD-1 (AZ-C, 2 slots, until 2026-07-15).",
        ])
        #expect(ScheduleSummary(SchedulePlans.feasible).sentences(.en) == [
            "All 4 students fit: each can do the demand master 1 (HEEL 8, INT 4 weeks) in the 3 blocks of 2026-2027 "
                + "with the slots of the framework agreements.",
            "Method: a maximum flow over blocks and discipline groups; its minimum cut proves the answer (exact).",
            "Slots all taken (no room left): HEEL in blocks 1, 2.",
        ])
    }

    @Test("The sentences in Dutch, and the range")
    func sentencesDutch() {
        let sentences = ScheduleSummary(SchedulePlans.plan(students: 5, range: 2...5)).sentences(.nl)
        #expect(sentences.first == "5 studenten passen niet: de plaatsen van de raamovereenkomsten laten 2 studentblokken van de "
                    + "vraag master 1 (HEEL 8, INT 4 weken) onbezet in de 3 blokken van 2026-2027.")
        #expect(sentences.contains("Van 2 tot 5 studenten passen er hoogstens 4; het antwoord is voor 5."))
        #expect(sentences.contains("De kleinste oplossing: 2 extra plaatsen (een plaats is één student in één blok): "
                                   + "HEEL 1 in blok 1, 1 in blok 2."))
        #expect(sentences.contains("Alle plaatsen bezet in de snede: HEEL in blokken 1, 2."))
    }

    @Test("Markdown: the title, the sentences, the grid with its dates and marks, the fix, the schedule")
    func markdown() {
        let text = String(decoding: ScheduleDocument.markdown(SchedulePlans.infeasible, title: "Blokplanning", language: .nl), as: UTF8.self)
        #expect(text.hasPrefix("# Blokplanning\n\n5 studenten passen niet: "))
        #expect(text.contains("| groep | 1 (01/07/2026–28/07/2026) | 2 (29/07/2026–25/08/2026) | 3 (26/08/2026–22/09/2026) |\n|---|---:|---:|---:|\n"))
        #expect(text.contains("| HEEL | 5 / 4 ■ ✂ +1 | 5 / 4 ■ ✂ +1 | 0 / 0 ✂ |\n| INT | 0 / 0 | 0 / 0 | 5 / 5 ■ |\n"))
        #expect(text.contains("## Waar het breekt en de oplossing\n\n| block | group | slots | students | extra_slots | in_cut | renewable |"))
        #expect(text.contains("| 2 | HEEL | 4 | 5 | 1 | ja | OLD-1 (AZ-C, 2 slots, until 2026-07-15) |"))
        #expect(text.contains("## Blokplanning\n\n| block | first_day |"))
        #expect(text.contains("| 1 | 01/07/2026 | 28/07/2026 | HEEL |  |  | 0 | 1 | 1 |"))
    }

    @Test("The page's grid: th scope, caption, the cells' figures and classes, the legend in words")
    func page() {
        let page = String(decoding: HTMLPage.schedule(SchedulePlans.infeasible, title: "Block plan", language: .en), as: UTF8.self)
        #expect(page.contains("<table class=\"grid\"><caption>Students / slots per group and block</caption>"))
        #expect(page.contains("<th scope=\"col\" data-block=\"1\">1<span class=\"dates\">2026-07-01–2026-07-28</span></th>"))
        #expect(page.contains("<tr><th scope=\"row\">HEEL</th><td class=\"full cut extra-needed\" data-group=\"HEEL\" data-block=\"1\" "
                              + "data-students=\"5\" data-slots=\"4\" data-extra=\"1\">5 / 4 <span aria-hidden=\"true\">■</span>"
                              + "<span class=\"vh\">slots all taken</span>"))
        #expect(page.contains("<td class=\"cut\" data-group=\"HEEL\" data-block=\"3\" data-students=\"0\" data-slots=\"0\" data-extra=\"0\">"))
        #expect(page.contains("<td data-group=\"INT\" data-block=\"1\" data-students=\"0\" data-slots=\"0\" data-extra=\"0\">0 / 0</td>"))
        #expect(page.contains("the minimum cut passes here: this is the bottleneck"))
        #expect(page.contains("<dl class=\"headline\">"))
        #expect(page.contains("<section id=\"fix\">") && page.contains("<section id=\"schedule\">"))
        let feasible = String(decoding: HTMLPage.schedule(SchedulePlans.feasible, title: "B", language: .nl), as: UTF8.self)
        #expect(!feasible.contains("<section id=\"fix\">") && feasible.contains("<html lang=\"nl\">"))
    }

    @Test("The page's policy allows its own style and script by hash, nothing else")
    func pagePolicy() throws {
        let page = String(decoding: HTMLPage.schedule(SchedulePlans.feasible, title: "B"), as: UTF8.self)
        let style = try #require(page.firstMatch(of: /<style>(.*?)<\/style>/.dotMatchesNewlines())?.output.1)
        let script = try #require(page.firstMatch(of: /<script>(.*?)<\/script>/.dotMatchesNewlines())?.output.1)
        let policy = "default-src 'none'; script-src '\(PageAssets.hash(String(script)))'; style-src '\(PageAssets.hash(String(style)))'; "
            + "base-uri 'none'; form-action 'none'"
        #expect(page.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"\(policy)\">"))
        #expect(page.matches(of: /<script/).count == 1 && !page.contains("http://") && !page.contains("https://"))
    }

    /// A bound only (the integer programme not solved in time), for the cohort of a run, with a
    /// group rounded up and one on a half-block: the answer has no schedule, only facts and words.
    static var boundOnly: SchedulePlan {
        let feasible = SchedulePlans.feasible
        let requirements = [GroupBlocks(group: "HEEL", weeks: 6, wholeBlocks: 2, halfBlocks: 0, weeksInBlocks: 8),
                            GroupBlocks(group: "INT", weeks: 2, wholeBlocks: 0, halfBlocks: 1, weeksInBlocks: 2)]
        let answer = CohortAnswer(method: .linearBound, students: 12, feasible: nil, placed: [], extra: [], extraLowerBound: 3,
                                  calendarShortfall: "the year's demand needs 4 whole blocks per student and the calendar has 3")
        return SchedulePlan(year: feasible.year, demand: YearDemand(name: "master 2", weeks: ["HEEL": 6, "INT": 2], freeWeeks: 4),
                            requirements: requirements, cohort: .progress(run: "2026-06-30T0200", students: 12, types: 3, withoutDemand: 2),
                            problem: feasible.problem, capacity: feasible.capacity, answer: answer)
    }

    @Test("A bound only: unknown, the lower bound, the run's cohort, rounding, a half-block, the calendar")
    func boundOnly() {
        let plan = Self.boundOnly
        let facts = Dictionary(uniqueKeysWithValues: ScheduleSummary(plan).facts.map { ($0.name, $0.value) })
        #expect(facts["feasible"] == .text("unknown") && facts["extra_slots"] == .empty && facts["extra_slots_lower_bound"] == .integer(3))
        #expect(facts["shortfall"] == .empty && facts["cohort_run"] == .text("2026-06-30T0200") && facts["students_without_demand"] == .integer(2))
        #expect(facts["rounded_up"] == .text("HEEL 6->8") && facts["half_blocks"] == .text("INT") && facts["method"] == .text("linear-bound"))
        let sentences = ScheduleSummary(plan).sentences(.en)
        #expect(sentences.first == "Whether 12 students fit is not known: the linear bound says at least 3 extra slots are needed for "
                    + "the demand master 2 (HEEL 6, INT 2 weeks; 4 free weeks) in 2026-2027; that is a bound, not a schedule.")
        #expect(sentences.contains("The cohort: the 12 students of run 2026-06-30T0200's progress with weeks of the demand left, in 3 "
                                   + "types of identical remaining requirements; 2 have nothing left."))
        #expect(sentences.contains("No number of extra slots helps: the year's demand needs 4 whole blocks per student and the calendar has 3."))
        #expect(sentences.contains("Rounded up to whole blocks: HEEL (6 weeks planned as 8).") && sentences.contains("On a half-block: INT."))
        #expect(!sentences.contains { $0.hasPrefix("The smallest fix") })
        #expect(ScheduleTables.schedule(plan).rows.isEmpty && ScheduleTables.fix(plan).rows.isEmpty)
        let markdown = String(decoding: ScheduleDocument.markdown(plan, title: "t", language: .nl), as: UTF8.self)
        #expect(markdown.contains("Geen rijen: alleen een grens is bekend.") && markdown.contains("| HEEL | 0 / 4 | 0 / 4 | 0 / 0 |"))
        let page = String(decoding: HTMLPage.schedule(plan, title: "t", language: .nl), as: UTF8.self)
        #expect(page.contains("<dd>≥ 3</dd>") && page.contains("<dd>onbekend</dd>"))
    }
}
