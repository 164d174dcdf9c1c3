import Domain
import Rules

/// The headline figures of the page and the summary, as numbers: each format labels and
/// writes them in its language.
public struct ReportSummary: Sendable {
    public var title: String
    public var asOf: Day
    public var inputFiles: Int
    public var recordsRead: Int
    public var quarantined: Int
    public var placements: Int
    public var students: Int
    public var agreements: Int
    public var years: [PlacementYear]
    public var errors: Int
    public var warnings: Int
    public var info: Int

    public init(title: String, asOf: Day, inputFiles: Int, recordsRead: Int, quarantined: Int, placements: Int, students: Int,
                agreements: Int, years: [PlacementYear], errors: Int, warnings: Int, info: Int) {
        self.title = title
        self.asOf = asOf
        self.inputFiles = inputFiles
        self.recordsRead = recordsRead
        self.quarantined = quarantined
        self.placements = placements
        self.students = students
        self.agreements = agreements
        self.years = years
        self.errors = errors
        self.warnings = warnings
        self.info = info
    }

    /// The headline as the workbook's summary sheet keeps it: English labels (an interface, as
    /// column names are) and typed values.
    public var headlineCells: [(label: String, value: Cell)] {
        [("input files", .integer(inputFiles)), ("records read", .integer(recordsRead)), ("quarantined", .integer(quarantined)),
         ("placements", .integer(placements)), ("students", .integer(students)), ("agreements", .integer(agreements)),
         ("placement years", .text(years.map(\.description).joined(separator: ", "))), ("errors", .integer(errors)),
         ("warnings", .integer(warnings)), ("info", .integer(info))]
    }

    /// The headline as (label, value) in `language`, in the order both formats show it.
    public func headline(_ language: ReportLanguage) -> [(label: String, value: String)] {
        let l = language
        return [(l.text("input files", "invoerbestanden"), l.integer(inputFiles)),
                (l.text("records read", "gelezen records"), l.integer(recordsRead)),
                (l.text("quarantined", "in quarantaine"), l.integer(quarantined)),
                (l.text("placements", "stages"), l.integer(placements)),
                (l.text("students", "studenten"), l.integer(students)),
                (l.text("agreements", "overeenkomsten"), l.integer(agreements)),
                (l.text("placement years", "stagejaren"), years.map(\.description).joined(separator: ", ")),
                (l.text("errors", "fouten"), l.integer(errors)),
                (l.text("warnings", "waarschuwingen"), l.integer(warnings)),
                (l.text("info", "info"), l.integer(info))]
    }
}

/// One placement as the page's drill-down lists it (the student is a pseudonym in a run for
/// auditors, as in its placements.csv).
public struct PagePlacement: Sendable, Hashable {
    public var student: String
    public var site: String
    public var discipline: String
    public var start: Day
    public var end: Day
    public var weeks: Int
    /// The matched agreement's id; nil without one.
    public var agreement: String?
    /// The first `sourcesShown` of its source rows: a placement made of a hundred thousand
    /// repeated evaluation rows must not carry them all into the page, twice over (a cell and a bar).
    public var sources: [SourceLocation]
    /// How many source rows the placement has (all of them are in placements.csv).
    public var sourceCount: Int

    public static let sourcesShown = 10

    public init(student: String, site: String, discipline: String, start: Day, end: Day, weeks: Int, agreement: String?,
                sources: [SourceLocation]) {
        self.student = student
        self.site = site
        self.discipline = discipline
        self.start = start
        self.end = end
        self.weeks = weeks
        self.agreement = agreement
        self.sources = Array(sources.prefix(Self.sourcesShown))
        self.sourceCount = sources.count
    }
}

/// The first placements of a group of them, and how many the group holds.
public struct PlacementSample: Sendable, Hashable {
    public var first: [PagePlacement]
    public var total: Int

    public init(first: [PagePlacement] = [], total: Int = 0) {
        self.first = first
        self.total = total
    }
}

/// What a click on a chart opens: the first placements of each heatmap cell (year, site,
/// discipline group) and of each coverage bar (year, discipline group).
public struct PageDrillDown: Sendable {
    public struct CellKey: Sendable, Hashable {
        public var year: PlacementYear
        public var site: String
        public var group: String

        public init(year: PlacementYear, site: String, group: String) {
            self.year = year
            self.site = site
            self.group = group
        }
    }

    public struct GroupKey: Sendable, Hashable {
        public var year: PlacementYear
        public var group: String

        public init(year: PlacementYear, group: String) {
            self.year = year
            self.group = group
        }
    }

    public var cells: [CellKey: PlacementSample]
    public var groups: [GroupKey: PlacementSample]

    public init(cells: [CellKey: PlacementSample] = [:], groups: [GroupKey: PlacementSample] = [:]) {
        self.cells = cells
        self.groups = groups
    }
}

/// A capacity row's occupancy day by day over one placement year, as runs of days with the
/// same placements and slots: drawn for every row with over-capacity days.
public struct OccupancyTimeline: Sendable, Hashable {
    /// Days with the same placements and slots, as `CapacityDays.stretches` gives them.
    public typealias Stretch = CapacityDays.Stretch

    public var site: String
    public var discipline: String
    public var year: PlacementYear
    public var stretches: [Stretch]

    public init(site: String, discipline: String, year: PlacementYear, stretches: [Stretch]) {
        self.site = site
        self.discipline = discipline
        self.year = year
        self.stretches = stretches
    }
}

/// One quarantined row as the page lists it: where, which field, why (never the raw text: a
/// page for auditors holds no raw row).
public struct QuarantinedRow: Sendable, Hashable {
    public var location: SourceLocation
    public var field: String
    public var reason: String

    public init(location: SourceLocation, field: String, reason: String) {
        self.location = location
        self.field = field
        self.reason = reason
    }
}

/// One published run of the output folder, as the trends show it night by night.
public struct NightTrend: Sendable, Hashable {
    public var asOf: Day
    public var runID: String
    public var findingsOpened: Int
    public var findingsResolved: Int
    public var recordsRead: Int
    public var recordsQuarantined: Int
    /// false when the run compared no findings with the run before it: the first run of the
    /// folder, fingerprints made with another key, or a run recorded before history v6. Its
    /// opened and resolved counts are then 0 and mean "not compared", not "nothing changed".
    public var comparedFindings: Bool
    /// Used weeks and capacity (slot days) per discipline group, in the placement year of the
    /// run's as-of date.
    public var groupUse: [String: (usedWeeks: Int, slotDays: Int)]

    public init(asOf: Day, runID: String, findingsOpened: Int, findingsResolved: Int, recordsRead: Int, recordsQuarantined: Int,
                groupUse: [String: (usedWeeks: Int, slotDays: Int)], comparedFindings: Bool = true) {
        self.comparedFindings = comparedFindings
        self.asOf = asOf
        self.runID = runID
        self.findingsOpened = findingsOpened
        self.findingsResolved = findingsResolved
        self.recordsRead = recordsRead
        self.recordsQuarantined = recordsQuarantined
        self.groupUse = groupUse
    }

    public static func == (lhs: NightTrend, rhs: NightTrend) -> Bool {
        lhs.runID == rhs.runID && lhs.asOf == rhs.asOf && lhs.findingsOpened == rhs.findingsOpened
            && lhs.findingsResolved == rhs.findingsResolved && lhs.recordsRead == rhs.recordsRead
            && lhs.recordsQuarantined == rhs.recordsQuarantined && lhs.comparedFindings == rhs.comparedFindings
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(runID) }
}

/// Everything one page shows.
public struct ReportPageContent: Sendable {
    public var summary: ReportSummary
    public var language: ReportLanguage
    public var capacity: [CapacityRow]
    public var coverage: [CoverageRow]
    public var audit: ReportTable
    /// The findings table (already pseudonymised when the reports are for auditors): the
    /// first `HTMLPage.findingsPerCode` of each code.
    public var findings: ReportTable
    public var plan: [PlanRow]
    /// What changed since the previous successful run, and what it is compared with.
    public var changes: ReportTable?
    public var comparison: ComparisonNote
    /// `comparison`'s sentence in the page's language.
    public var changesNote: String { comparison.text(language) }
    /// Findings per code when `findings` holds only the first ones of each code.
    public var findingCounts: [String: Int]?
    /// The first placements behind each heatmap cell and coverage bar.
    public var drillDown: PageDrillDown
    /// Day-level occupancy of the capacity rows with over-capacity days.
    public var timelines: [OccupancyTimeline]
    /// The first quarantined rows, and how many there are in all.
    public var quarantine: [QuarantinedRow]
    public var quarantineTotal: Int
    /// The published runs of the output folder before this one, oldest first, and this one last.
    public var trends: [NightTrend]
    /// A run for auditors: ids are pseudonyms already; the page says so.
    public var forAuditors: Bool
    /// Why the publish guard held the run back; summary.md opens with it.
    public var hold: PublishHold?
    /// Input files read whole that held no record (a header and no rows): the reports have
    /// nothing from them, so the summary and the page say so.
    public var emptyInputs: [(source: String, path: String)] = []

    public init(summary: ReportSummary, language: ReportLanguage = .standard, capacity: [CapacityRow], coverage: [CoverageRow],
                audit: ReportTable, findings: ReportTable, plan: [PlanRow] = [], changes: ReportTable? = nil,
                comparison: ComparisonNote = ComparisonNote(previousRun: nil, previousAsOf: nil, changes: 0, fingerprintsRekeyed: false),
                findingCounts: [String: Int]? = nil, drillDown: PageDrillDown = PageDrillDown(), timelines: [OccupancyTimeline] = [],
                quarantine: [QuarantinedRow] = [], quarantineTotal: Int = 0, trends: [NightTrend] = [], forAuditors: Bool = false) {
        self.summary = summary
        self.language = language
        self.capacity = capacity
        self.coverage = coverage
        self.audit = audit
        self.findings = findings
        self.plan = plan
        self.changes = changes
        self.comparison = comparison
        self.findingCounts = findingCounts
        self.drillDown = drillDown
        self.timelines = timelines
        self.quarantine = quarantine
        self.quarantineTotal = quarantineTotal
        self.trends = trends
        self.forAuditors = forAuditors
    }
}
