import Foundation
import GRDB
@testable import Pipeline
import Report
import Domain
import Testing

/// The publish guard's rule as a plain function, with hand-worked cases at and around each
/// threshold, and its settings as the definition gives them.
@Suite("Publish guard: the rule and its settings")
struct PublishGuardTests {
    /// 1,000 records read, 10 quarantined (1%), 100 agreements, 200 placements, 40 NO_AGREEMENT.
    static let night = GuardFigures(recordsRead: 1000, recordsQuarantined: 10, agreements: 100, placements: 200, noAgreement: 40)

    func measures(_ current: GuardFigures, _ previous: GuardFigures? = night, _ settings: GuardSettings = GuardSettings())
        -> [HoldReason.Measure] {
        PublishGuard.reasons(current: current, previous: previous, settings: settings).map(\.measure)
    }

    func night(_ change: (inout GuardFigures) -> Void) -> GuardFigures {
        var figures = Self.night
        change(&figures)
        return figures
    }

    @Test("nothing to compare (the first run, a run recorded before v7) and the guard off: never held")
    func nothingToCompare() {
        let collapsed = GuardFigures(recordsRead: 1000, recordsQuarantined: 1000, agreements: 0, placements: 0, noAgreement: 5000)
        #expect(measures(collapsed, nil).isEmpty)
        var off = GuardSettings()
        off.enabled = false
        #expect(measures(collapsed, Self.night, off).isEmpty)
        #expect(measures(collapsed) == [.quarantineShare, .agreements, .placements, .noAgreement], "the same night, guarded")
        #expect(measures(Self.night).isEmpty, "the same figures again")
    }

    @Test("the quarantined share: a rise of exactly 5 points is not more than 5; 5.1 is")
    func quarantineShare() {
        // 1% → 6% (60 of 1,000): exactly 5 points.
        #expect(measures(night { $0.recordsQuarantined = 60 }).isEmpty)
        // 1% → 6.1%.
        #expect(measures(night { $0.recordsQuarantined = 61 }) == [.quarantineShare])
        // Other denominators: 1% of 1,000 → 12 of 200 is 6%: 5 points exactly; 13 of 200 is 6.5%.
        #expect(measures(night { $0.recordsRead = 200; $0.recordsQuarantined = 12 }).isEmpty)
        #expect(measures(night { $0.recordsRead = 200; $0.recordsQuarantined = 13 }) == [.quarantineShare])
        // A fall is never held.
        #expect(measures(night { $0.recordsQuarantined = 0 }).isEmpty)
        // Nothing read before is a share of 0: 6 of 100 now is 6 points.
        let emptyBefore = night { $0.recordsRead = 0; $0.recordsQuarantined = 0 }
        #expect(measures(night { $0.recordsRead = 100; $0.recordsQuarantined = 6 }, emptyBefore) == [.quarantineShare])
        #expect(measures(night { $0.recordsRead = 100; $0.recordsQuarantined = 5 }, emptyBefore).isEmpty)
        // Nothing read now is a share of 0 too, not a division by zero.
        #expect(measures(night { $0.recordsRead = 0; $0.recordsQuarantined = 0 }).isEmpty)
        // A threshold with decimals, exactly: 2.5 points is 1% → 3.5% (35), not held; 36 is.
        var settings = GuardSettings()
        settings.quarantineShareRisePoints = Ratio(25, 10)
        #expect(measures(night { $0.recordsQuarantined = 35 }, Self.night, settings).isEmpty)
        #expect(measures(night { $0.recordsQuarantined = 36 }, Self.night, settings) == [.quarantineShare])
    }

    @Test("a billion records: 100 × quarantined × read does not overflow, and 5 points is still exact")
    func largeCounts() {
        let before = GuardFigures(recordsRead: 1_000_000_000, recordsQuarantined: 0, agreements: 1, placements: 1, noAgreement: 0)
        var now = before
        now.recordsQuarantined = 50_000_000
        #expect(measures(now, before).isEmpty)
        now.recordsQuarantined = 50_000_001
        #expect(measures(now, before) == [.quarantineShare])
    }

    @Test("agreements and placements: a fall of exactly 20% is not more than 20%; a fall from 0 never happens")
    func falls() {
        #expect(measures(night { $0.agreements = 80 }).isEmpty)
        #expect(measures(night { $0.agreements = 79 }) == [.agreements])
        #expect(measures(night { $0.placements = 160 }).isEmpty)
        #expect(measures(night { $0.placements = 159 }) == [.placements])
        #expect(measures(night { $0.agreements = 500; $0.placements = 900 }).isEmpty, "a rise is never held")
        let zero = night { $0.agreements = 0; $0.placements = 0 }
        #expect(measures(zero, zero).isEmpty)
        #expect(measures(night { $0.agreements = 0; $0.placements = 0 }) == [.agreements, .placements])
        // The night: 322 accepted agreements became 89 (−72%).
        #expect(measures(night { $0.agreements = 89 }, night { $0.agreements = 322 }) == [.agreements])
    }

    @Test("NO_AGREEMENT: more than 50% and at least 20 more, both")
    func noAgreement() {
        // 40 → 60: +50% exactly (and +20): not more than 50%.
        #expect(measures(night { $0.noAgreement = 60 }).isEmpty)
        // 40 → 61: +52.5%, +21.
        #expect(measures(night { $0.noAgreement = 61 }) == [.noAgreement])
        // 2 → 21: +950% but only 19 more; 2 → 22: exactly 20 more, which is enough.
        let few = night { $0.noAgreement = 2 }
        #expect(measures(night { $0.noAgreement = 21 }, few).isEmpty)
        #expect(measures(night { $0.noAgreement = 22 }, few) == [.noAgreement])
        // From 0 every rise is more than 50%: 19 is not enough in number, 20 is.
        let none = night { $0.noAgreement = 0 }
        #expect(measures(night { $0.noAgreement = 19 }, none).isEmpty)
        #expect(measures(night { $0.noAgreement = 20 }, none) == [.noAgreement])
        // 100 → 160: +60% and +60; with the minimum at 100 it is not enough.
        var settings = GuardSettings()
        settings.noAgreementRiseMinimum = 100
        let hundred = night { $0.noAgreement = 100 }
        #expect(measures(night { $0.noAgreement = 160 }, hundred) == [.noAgreement])
        #expect(measures(night { $0.noAgreement = 160 }, hundred, settings).isEmpty)
        // A minimum of 0 and a fall: nothing.
        settings.noAgreementRiseMinimum = 0
        #expect(measures(night { $0.noAgreement = 0 }, hundred, settings).isEmpty)
    }

    @Test("each reason says both figures and the threshold, in English and in Dutch")
    func wording() throws {
        let reasons = PublishGuard.reasons(
            current: GuardFigures(recordsRead: 7471, recordsQuarantined: 1220, agreements: 89, placements: 2989, noAgreement: 2902),
            previous: GuardFigures(recordsRead: 7471, recordsQuarantined: 17, agreements: 322, placements: 2989, noAgreement: 2),
            settings: GuardSettings())
        #expect(reasons.map { $0.text(.en) } == [
            "the quarantined share rose from 0.2% (17 of 7,471 records) to 16.3% (1,220 of 7,471): more than 5 percentage points",
            "accepted agreements fell from 322 to 89 (-72.4%): more than 20%",
            "NO_AGREEMENT rose from 2 to 2,902 (+145,000%), 2,900 more: more than 50% and at least 20",
        ])
        #expect(reasons[1].text(.nl) == "aanvaarde overeenkomsten daalden van 322 naar 89 (-72,4%): meer dan 20%")
        var settings = GuardSettings()
        settings.placementsFallPercent = Ratio(125, 10)
        let placements = try #require(PublishGuard.reasons(current: night { $0.placements = 100 }, previous: Self.night,
                                                           settings: settings).first)
        #expect(placements.text(.en) == "placements fell from 200 to 100 (-50.0%): more than 12.5%")
        let hold = PublishHold(runID: "2026-11-24T02-00-00Z-2", comparedWith: "2026-11-23T02-00-00Z-1", reasons: reasons)
        #expect(hold.headline(.en) == "Held back by the publish guard: latest still names run 2026-11-23T02-00-00Z-1")
        #expect(hold.advice(.en).contains("`stagebalans accept 2026-11-24T02-00-00Z-2` publishes them"))
    }

    @Test("a history written before v7: each run's outcome from published, no figures (the first night after is not compared), holds empty")
    func migration() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try DatabaseQueue(path: folder + "/" + HistoryStore.fileName).write { db in
            try db.execute(sql: HistoryMigrationTests.todaysFormat + """
                INSERT INTO run VALUES ('night-2', '2025-10-02', '2025-10-02T21:00:00Z', '2025-10-02T21:00:01Z', 3, 'd', 'r', '0.5.0', 0, 0, 0);
                """)
        }
        let store = try HistoryStore.open(directory: folder)
        let runs = try store.runs().map(\.run)
        #expect(runs.map(\.outcome) == [.published, .failed])
        #expect(runs.allSatisfy { $0.figures == nil && $0.sameAs == nil })
        #expect(try store.lastKept()?.run.id == "night-1" && store.holds().isEmpty)
        #expect(try store.heldRuns().pending.isEmpty)
        let migrations = try store.queue.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
        #expect(migrations.last == "v7: how each run ended (held, accepted, unchanged), the guard's figures")
        // What the guard is given for such a run: nothing to compare, nothing held.
        let collapsed = GuardFigures(recordsRead: 10, recordsQuarantined: 10, agreements: 0, placements: 0, noAgreement: 100)
        #expect(PublishGuard.reasons(current: collapsed, previous: try store.lastPublished()?.run.figures, settings: GuardSettings()).isEmpty)
    }

    @Test("a held run for the office counts among the office's runs: a run for auditors is refused beside it too")
    func heldOfficeRuns() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try HistoryStore.open(directory: folder)
        for (id, published, held) in [("2026-11-23T02-00-00Z-1", false, false), ("2026-11-24T02-00-00Z-2", false, true)] {
            var run = HistoryStore.Run(id: id, asOf: "2026-04-15", startedAt: id, endedAt: id, exitCode: held ? 7 : 3,
                                       definitionSHA256: "d", referenceSHA256: "r", toolVersion: stagebalansVersion, published: published,
                                       forAuditors: false)
            if held {
                run.outcome = .held
                run.hold = HistoryStore.Hold(comparedWith: "none", reasons: ["a reason"])
            }
            try store.record(HistoryStore.Record(run: run, inputs: [], findingCount: 0, findings: FindingStore(sorted: []), capacity: [],
                                                 siteYears: []))
        }
        #expect(try store.publishedOfficeRuns() == ["2026-11-24T02-00-00Z-2"], "the failed run has no folder; the held one has")
        #expect(try store.heldRuns().pending == ["2026-11-24T02-00-00Z-2"])
        #expect(try store.holds()["2026-11-24T02-00-00Z-2"]?.reasons == ["a reason"])
    }

    // MARK: The definition

    func parse(_ yaml: String) throws(DefinitionError) -> PipelineDefinition {
        try DefinitionLoader.parse(DefinitionTests.minimal + yaml, file: "pipelines/x.yml", workingDirectory: "/data")
    }

    func error(_ yaml: String) -> String {
        do {
            _ = try parse(yaml)
            return "no error"
        } catch {
            return error.description
        }
    }

    @Test("guard: on by default with the issue's thresholds; each can be set, with decimals; off in three ways")
    func settings() throws {
        let standard = try parse("").nightly.publishGuard
        #expect(standard == GuardSettings() && standard.enabled)
        #expect(standard.quarantineShareRisePoints == Ratio(5, 1) && standard.agreementsFallPercent == Ratio(20, 1)
                && standard.placementsFallPercent == Ratio(20, 1) && standard.noAgreementRisePercent == Ratio(50, 1)
                && standard.noAgreementRiseMinimum == 20)
        let set = try parse("""
            guard: {quarantine_share_rise_points: 2.5, agreements_fall_percent: 10, placements_fall_percent: 0.25,
                    no_agreement_rise_percent: 200, no_agreement_rise_min: 5}

            """).nightly.publishGuard
        #expect(set.enabled && set.quarantineShareRisePoints == Ratio(25, 10) && set.agreementsFallPercent == Ratio(10, 1)
                && set.placementsFallPercent == Ratio(25, 100) && set.noAgreementRisePercent == Ratio(200, 1)
                && set.noAgreementRiseMinimum == 5)
        for off in ["guard: off\n", "guard: false\n", "guard: {enabled: false}\n", "guard: {enabled: no, agreements_fall_percent: 5}\n"] {
            #expect(try parse(off).nightly.publishGuard.enabled == false, "\(off)")
        }
        #expect(try parse("guard: on\n").nightly.publishGuard == GuardSettings())
    }

    @Test("a bad guard setting is an error at its position, saying what is expected")
    func badSettings() {
        #expect(error("guard: sometimes\n").hasPrefix("pipelines/x.yml:7:8: error: guard must be on or off (true or false), not 'sometimes'"))
        for bad in ["5%", "-1", "2.555", "101", "", "1e3", "five"] {
            #expect(error("guard: {quarantine_share_rise_points: \"\(bad)\"}\n").contains(
                "error: quarantine_share_rise_points must be a number from 0 to 100 with at most two decimals (e.g. 5 or 2.5), not '\(bad)'"),
                "\(bad)")
        }
        #expect(error("guard: {no_agreement_rise_min: 2.5}\n").contains("no_agreement_rise_min must be a whole number"))
        #expect(error("guard: {agreement_fall_percent: 5}\n").contains("unknown field 'agreement_fall_percent' in guard; did you mean 'agreements_fall_percent'?"))
        #expect(error("guard: [5]\n").contains("guard must be a mapping"))
    }

    @Test("on_publish / on_hold_or_failure: an argument list (a program with a / resolved against the definition's folder), or with a time limit")
    func commands() throws {
        let nightly = try parse("""
            on_publish: [mail-summary, -s, "run $STAGEBALANS_RUN_ID; rm -rf /", office@example.org]
            on_hold_or_failure: {command: [./scripts/alert.sh], timeout_seconds: 5}

            """).nightly
        // Nothing is split or expanded: the third argument is one argument, as written.
        #expect(nightly.onPublish == NotificationCommand(arguments: ["mail-summary", "-s", "run $STAGEBALANS_RUN_ID; rm -rf /",
                                                                     "office@example.org"], timeoutSeconds: 60))
        #expect(nightly.onHoldOrFailure == NotificationCommand(arguments: ["/data/pipelines/scripts/alert.sh"], timeoutSeconds: 5))
        #expect(try parse("").nightly.onPublish == nil)
    }

    @Test("a command given as a shell string, an empty list, a bad time limit, and any command beside confine_paths are refused")
    func badCommands() {
        #expect(error("on_publish: mail -s summary office@example.org\n").hasPrefix(
            "pipelines/x.yml:7:13: error: on_publish must be a list: the program and its arguments"))
        #expect(error("on_publish: []\n").contains("on_publish must name a program first"))
        #expect(error("on_publish: [\"\"]\n").contains("on_publish must name a program first"))
        #expect(error("on_hold_or_failure: {command: [x], timeout_seconds: 0}\n").contains("timeout_seconds must be a whole number from 1 to 3600"))
        #expect(error("on_hold_or_failure: {timeout_seconds: 5}\n").contains("on_hold_or_failure needs 'command'"))
        #expect(error("on_hold_or_failure: {command: [x], timeout: 5}\n").contains("unknown field 'timeout'"))
        #expect(error("on_publish: [[a, b]]\n").contains("each entry of on_publish must be a single value"))
        #expect(error("on_publish: [/bin/echo, \"a\\0b\"]\n").contains("on_publish: an argument holds a NUL byte"))
        let confined = "output: out\nconfine_paths: true\nsources: [{name: a, kind: agreements, format: csv, path: a.csv}]\n"
        func confinedError(_ extra: String) -> String {
            do {
                _ = try DefinitionLoader.parse(confined + extra, file: "pipelines/x.yml", workingDirectory: "/data")
                return "no error"
            } catch {
                return error.description
            }
        }
        #expect(confinedError("") == "no error")
        #expect(confinedError("on_hold_or_failure: [./alert.sh]\n").hasPrefix(
            "pipelines/x.yml:4:21: error: on_hold_or_failure runs a command; confine_paths: true is for definitions handed in by "
                + "others, which may not run commands"))
        #expect(confinedError("on_publish: {command: [/bin/true]}\n").contains("on_publish runs a command"))
    }
}
