/// One placement: the evaluation rows of one student at one site, in one discipline, from
/// one start date, collapsed (SPEC §4; the rules that build it are in the Rules module).
public struct Placement: Sendable, Hashable {
    public var student: String
    public var site: String
    public var discipline: String
    /// Positions of the site and discipline in the reference data, for matching on integers.
    public var siteIndex: Int
    public var disciplineIndex: Int
    public var start: Day
    public var end: Day
    /// ⌈(end − start + 1 day) / 7⌉.
    public var weeks: Int
    public var kind: PlacementKind?
    public var year: PlacementYear
    /// The chosen final evaluation (see `FinalEvaluation.choose` in Rules).
    public var finalScore: Double?
    public var finalCriteria: CriterionScores?
    public var sources: [SourceLocation]

    public init(student: String, site: String, discipline: String, siteIndex: Int, disciplineIndex: Int, start: Day, end: Day,
                weeks: Int, kind: PlacementKind?, year: PlacementYear, finalScore: Double?, finalCriteria: CriterionScores?,
                sources: [SourceLocation]) {
        self.student = student
        self.site = site
        self.discipline = discipline
        self.siteIndex = siteIndex
        self.disciplineIndex = disciplineIndex
        self.start = start
        self.end = end
        self.weeks = weeks
        self.kind = kind
        self.year = year
        self.finalScore = finalScore
        self.finalCriteria = finalCriteria
        self.sources = sources
    }

    /// What identifies the placement in findings' keys: the same placement has the same key
    /// every night.
    public var key: String { "student=\(student) site=\(site) discipline=\(discipline) start=\(start)" }

    public var hasFinalEvaluation: Bool { finalScore != nil }
}

/// A student of the roster.
public struct RosterEntry: Sendable, Hashable {
    public var student: String
    public var masterYear: Int?
    public var cohort: String?

    public init(student: String, masterYear: Int?, cohort: String?) {
        self.student = student
        self.masterYear = masterYear
        self.cohort = cohort
    }
}

/// How a placement relates to the agreements (SPEC §5, Matching).
public enum Match: Sendable, Hashable {
    /// The index of the agreement it matched in the run's agreements.
    case agreement(Int)
    /// Agreements exist for its site and discipline, but none for all of its dates.
    case outsideValidity
    case noAgreement

    /// The matched agreement's index; nil for a placement that matched none.
    public var agreementIndex: Int? {
        if case .agreement(let index) = self { return index }
        return nil
    }
}

public struct MatchedPlacement: Sendable, Hashable {
    public var placement: Placement
    public var match: Match

    public init(placement: Placement, match: Match) {
        self.placement = placement
        self.match = match
    }
}
