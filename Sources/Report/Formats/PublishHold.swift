import Domain

/// Why the publish guard held a run back, as facts: the run it was compared with and each
/// threshold crossed, with both figures. Each format words them in its language; the log and
/// the history keep the English (`text(.en)`).
public struct PublishHold: Sendable, Hashable {
    /// The run held.
    public var runID: String
    /// The last published run, which `latest` still names.
    public var comparedWith: String
    public var reasons: [HoldReason]

    public init(runID: String, comparedWith: String, reasons: [HoldReason]) {
        self.runID = runID
        self.comparedWith = comparedWith
        self.reasons = reasons
    }

    /// The heading of the summary's section and the first line of the log's explanation.
    public func headline(_ language: ReportLanguage) -> String {
        language.text("Held back by the publish guard: latest still names run \(comparedWith)",
                      "Tegengehouden door de publicatiebewaking: latest wijst nog naar run \(comparedWith)")
    }

    /// What a person does next, in `language`.
    public func advice(_ language: ReportLanguage) -> String {
        language.text("Look at this run's reports. When they are right, `stagebalans accept \(runID)` publishes them; "
                      + "when the export or the definition was wrong, fix it: the next run is compared with run \(comparedWith) again.",
                      "Bekijk de rapporten van deze run. Kloppen ze, dan publiceert `stagebalans accept \(runID)` ze; "
                      + "was de export of de definitie fout, verbeter die dan: de volgende run wordt weer met run "
                      + "\(comparedWith) vergeleken.")
    }
}

/// One threshold of the publish guard that a run crossed against the last published run.
public struct HoldReason: Sendable, Hashable {
    public enum Measure: String, Sendable, Hashable, CaseIterable {
        /// Quarantined records over records read, in percentage points.
        case quarantineShare = "quarantine_share"
        /// Accepted agreements, in percent of the previous count.
        case agreements
        /// Placements, in percent of the previous count.
        case placements
        /// NO_AGREEMENT findings, in percent of the previous count and in number.
        case noAgreement = "no_agreement"
    }

    public var measure: Measure
    public var previous: Int
    public var current: Int
    /// Records read before and now: the denominators of the quarantined share (else 0).
    public var previousRead = 0
    public var currentRead = 0
    /// Percentage points (the share) or percent (the counts), exact.
    public var threshold: Ratio
    /// NO_AGREEMENT only: the rise in number that must be reached as well.
    public var minimumRise = 0

    public init(measure: Measure, previous: Int, current: Int, threshold: Ratio, previousRead: Int = 0, currentRead: Int = 0,
                minimumRise: Int = 0) {
        self.measure = measure
        self.previous = previous
        self.current = current
        self.threshold = threshold
        self.previousRead = previousRead
        self.currentRead = currentRead
        self.minimumRise = minimumRise
    }

    /// The share of records quarantined, as a fraction (0 when nothing was read).
    static func share(_ quarantined: Int, of read: Int) -> Ratio { Ratio(quarantined, max(read, 1)) }

    /// The change against the previous count, as a fraction of it (nil from 0).
    var change: Ratio? { previous > 0 ? Ratio(current - previous, previous) : nil }

    /// The threshold as a person wrote it: `5`, `2.5`, `0.25`.
    func written(_ value: Ratio, _ language: ReportLanguage) -> String {
        let hundredths = value.units(places: 2)
        return language.decimal(value, places: hundredths % 100 == 0 ? 0 : hundredths % 10 == 0 ? 1 : 2)
    }

    /// The reason as one sentence in `language`, with both figures.
    public func text(_ language: ReportLanguage) -> String {
        let l = language, limit = written(threshold, l)
        let before = l.integer(previous), now = l.integer(current)
        // A tenth of a percent where it tells; whole percents from 100% on (+121650%, not +121650.0%).
        let change = self.change.map { " (" + ($0.numerator >= 0 ? "+" : "") + l.percent($0, places: abs($0.numerator) >= $0.denominator ? 0 : 1) + ")" } ?? ""
        switch measure {
        case .quarantineShare:
            let shares = (l.percent(Self.share(previous, of: previousRead), places: 1), l.percent(Self.share(current, of: currentRead), places: 1))
            return l.text("the quarantined share rose from \(shares.0) (\(before) of \(l.integer(previousRead)) records) to "
                          + "\(shares.1) (\(now) of \(l.integer(currentRead))): more than \(limit) percentage points",
                          "het aandeel in quarantaine steeg van \(shares.0) (\(before) van \(l.integer(previousRead)) records) naar "
                          + "\(shares.1) (\(now) van \(l.integer(currentRead))): meer dan \(limit) procentpunt")
        case .agreements:
            return l.text("accepted agreements fell from \(before) to \(now)\(change): more than \(limit)%",
                          "aanvaarde overeenkomsten daalden van \(before) naar \(now)\(change): meer dan \(limit)%")
        case .placements:
            return l.text("placements fell from \(before) to \(now)\(change): more than \(limit)%",
                          "stages daalden van \(before) naar \(now)\(change): meer dan \(limit)%")
        case .noAgreement:
            let rise = l.integer(current - previous), minimum = l.integer(minimumRise)
            return l.text("NO_AGREEMENT rose from \(before) to \(now)\(change), \(rise) more: more than \(limit)% and at least \(minimum)",
                          "NO_AGREEMENT steeg van \(before) naar \(now)\(change), \(rise) meer: meer dan \(limit)% en minstens \(minimum)")
        }
    }
}
