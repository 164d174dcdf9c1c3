import Domain
import Foundation
import Pipeline
import Report
import Scheduling
import Testing
import TestSupport

/// `Coordinator.renderSchedule`, the entry `plan --schedule` calls: each format of the
/// hand-worked plans (`SchedulePlans`), and hostile codes in each.
@Suite("plan --schedule in every format")
struct ScheduleRenderingTests {
    static func render(_ plan: SchedulePlan, _ format: Coordinator.OutputFormat, _ language: ReportLanguage = .en) throws -> String {
        let title = Coordinator.scheduleTitle(plan, language: language)
        let bytes = try Coordinator.renderSchedule(plan, format: format, title: title, date: SchedulePlans.day("2026-06-01"),
                                                   language: language)
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test("The title: year and students, a range, in both languages")
    func title() {
        #expect(Coordinator.scheduleTitle(SchedulePlans.infeasible, language: .en) == "Block plan 2026-2027: 5 students")
        #expect(Coordinator.scheduleTitle(SchedulePlans.plan(students: 5, range: 2...5), language: .nl)
                    == "Blokplanning 2026-2027: 2–5 studenten")
    }

    @Test("CSV and the Excel CSV are the block schedule")
    func csv() throws {
        let csv = try Self.render(SchedulePlans.infeasible, .csv)
        #expect(csv.hasPrefix("block,first_day,last_day,group,site,agreements,slots,students,extra_slots\n"
                              + "1,2026-07-01,2026-07-28,HEEL,AZ-A,HEEL-A,3,3,0\n"))
        #expect(csv.contains("\n1,2026-07-01,2026-07-28,HEEL,,,0,1,1\n"))
        let excel = try Self.render(SchedulePlans.infeasible, .excel)
        #expect(excel.hasPrefix("\u{FEFF}block;first_day;last_day;group;site;agreements;slots;students;extra_slots\r\n"))
    }

    @Test("JSON: summary as an object of facts, schedule and fix as arrays of rows")
    func json() throws {
        let text = try Self.render(SchedulePlans.infeasible, .json)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["summary", "schedule", "fix"])
        let summary = try #require(object["summary"] as? [String: Any])
        #expect(summary["feasible"] as? String == "no" && summary["shortfall"] as? Int == 2 && summary["extra_slots"] as? Int == 2)
        #expect(summary["year"] as? String == "2026-2027" && summary["calendar_shortfall"] is NSNull)
        let schedule = try #require(object["schedule"] as? [[String: Any]])
        #expect(schedule.count == 7 && schedule[2]["site"] is NSNull && schedule[2]["extra_slots"] as? Int == 1)
        #expect(schedule[0]["first_day"] as? String == "2026-07-01" && schedule[0]["agreements"] as? String == "HEEL-A")
        let fix = try #require(object["fix"] as? [[String: Any]])
        #expect(fix.map { $0["block"] as? String } == ["1", "2", "3"] && fix[0]["in_cut"] as? String == "yes")
        let feasible = try #require(try JSONSerialization.jsonObject(with: Data(Self.render(SchedulePlans.feasible, .json).utf8))
                                    as? [String: Any])
        #expect((feasible["fix"] as? [Any])?.isEmpty == true)
    }

    @Test("Markdown and HTML follow the language")
    func languages() throws {
        let nl = try Self.render(SchedulePlans.feasible, .md, .nl), en = try Self.render(SchedulePlans.feasible, .md, .en)
        #expect(nl.hasPrefix("# Blokplanning 2026-2027: 4 studenten\n\nAlle 4 studenten passen: "))
        #expect(en.hasPrefix("# Block plan 2026-2027: 4 students\n\nAll 4 students fit: "))
        #expect(try Self.render(SchedulePlans.feasible, .html, .nl).contains("<h2>Blokken × groepen</h2>"))
    }

    @Test("Hostile codes: CSV guards formulas, JSON keeps them exactly, Markdown and HTML show them as text")
    func hostile() throws {
        let plan = SchedulePlans.plan(students: 5, names: .hostile), names = SchedulePlans.Names.hostile
        for format in [Coordinator.OutputFormat.csv, .excel] {
            let csv = try Self.render(plan, format)
            let delimiter = format == .csv ? "," : ";"
            #expect(csv.contains(delimiter + "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\"" + delimiter))
            #expect(csv.contains(delimiter + "\"'+HEEL|A\"" + delimiter) || csv.contains(delimiter + "'+HEEL|A" + delimiter))
            #expect(!csv.contains(delimiter + "=") && !csv.contains(delimiter + "+") && !csv.contains(delimiter + "@"))
        }
        let json = try Self.render(plan, .json)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let schedule = try #require(object["schedule"] as? [[String: Any]])
        #expect(schedule[0]["group"] as? String == names.heel && schedule[0]["site"] as? String == names.siteA)
        let fix = try #require(object["fix"] as? [[String: Any]])
        #expect((fix[1]["renewable"] as? String)?.hasPrefix(names.oldID + " (" + names.siteC) == true)
        for language in ReportLanguage.allCases {
            let md = try Self.render(plan, .md, language)
            // Every < of the names is escaped: no raw one is left.
            #expect(!md.replacingOccurrences("\\<", "").contains("<") && md.contains("\\</script\\>\\<script\\>window.__pwned=1\\</script\\>"))
            let html = try Self.render(plan, .html, language)
            #expect(html.matches(of: /<script/).count == 1 && !html.contains("<img") && !html.contains("onerror=window.__pwned=1>"))
            #expect(html.contains("&lt;/script&gt;&lt;script&gt;window.__pwned=1&lt;/script&gt;") && html.contains("=HYPERLINK(&quot;http://evil.example&quot;"))
        }
    }

    /// `STAGEBALANS_WRITE_FIXTURE=FOLDER swift test --filter ScheduleRenderingTests` writes the
    /// plans' pages and workbooks for scripts/browser_check.py --schedule and
    /// scripts/check_plan_xlsx.py; without it the test only renders them.
    @Test("The fixture pages and workbooks for the browser and openpyxl checks")
    func fixtures() throws {
        let plans = [("feasible", SchedulePlans.feasible), ("infeasible", SchedulePlans.infeasible),
                     ("hostile", SchedulePlans.plan(students: 5, names: .hostile))]
        let folder = ProcessInfo.processInfo.environment["STAGEBALANS_WRITE_FIXTURE"]
        for (name, plan) in plans {
            for (format, suffix) in [(Coordinator.OutputFormat.html, "html"), (.xlsx, "xlsx"), (.json, "json"), (.md, "md")] {
                for language in ReportLanguage.allCases {
                    let title = Coordinator.scheduleTitle(plan, language: language)
                    let bytes = try Coordinator.renderSchedule(plan, format: format, title: title, date: SchedulePlans.day("2026-06-01"),
                                                               language: language)
                    #expect(!bytes.isEmpty)
                    guard let folder else { continue }
                    try Data(bytes).write(to: URL(fileURLWithPath: "\(folder)/plan-\(name)-\(language.rawValue).\(suffix)"))
                }
            }
        }
    }
}
