/// The kinds of export that ingest reads (SPEC §3).
public enum SourceKind: String, Sendable, Hashable, CaseIterable {
    case agreements, evaluations, roster
}

public enum AgreementKind: String, Sendable, Hashable, CaseIterable {
    /// A framework agreement with a recognised site.
    case framework
    /// An individual agreement for one named student at a non-recognised or foreign site.
    case individual
}

public enum PlacementKind: String, Sendable, Hashable, CaseIterable {
    case hospital, generalPractice = "general-practice", scientific, abroad
}

public enum EvaluatorRole: String, Sendable, Hashable, CaseIterable {
    case resident, assistant, supervisor
}

public enum EvaluationStatus: String, Sendable, Hashable, CaseIterable {
    case open, submitted, final
}

/// One row of an agreements export, typed but not yet resolved to register codes.
public struct AgreementRecord: Sendable, Hashable {
    public var agreementID: String
    public var site: String
    public var discipline: String
    public var slots: Int
    public var validFrom: Day
    public var validTo: Day
    public var kind: AgreementKind
    /// The student an individual agreement names; nil for framework agreements.
    public var student: String?
    public var supervisor: String?
    public var source: SourceLocation
    /// The record as it stood in the file, as a quarantined record's `raw`: an agreement typed
    /// well can still be quarantined when its id repeats an earlier one (`UniqueAgreementIDs`).
    public var raw: String = ""
    /// The column of its id in the file, for that quarantine's `path:line:col`.
    public var idColumn: Int?

    public init(agreementID: String, site: String, discipline: String, slots: Int, validFrom: Day, validTo: Day,
                kind: AgreementKind, student: String?, supervisor: String?, source: SourceLocation) {
        self.agreementID = agreementID
        self.site = site
        self.discipline = discipline
        self.slots = slots
        self.validFrom = validFrom
        self.validTo = validTo
        self.kind = kind
        self.student = student
        self.supervisor = supervisor
        self.source = source
    }
}

/// Scores on the 0–20 scale.
public struct CriterionScores: Sendable, Hashable {
    public var knowledgeAndSkills: Double?
    public var patientContact: Double?
    public var teamwork: Double?

    public init(knowledgeAndSkills: Double? = nil, patientContact: Double? = nil, teamwork: Double? = nil) {
        self.knowledgeAndSkills = knowledgeAndSkills
        self.patientContact = patientContact
        self.teamwork = teamwork
    }
}

/// One evaluator's row about one placement.
public struct EvaluationRecord: Sendable, Hashable {
    public var student: String
    public var site: String
    public var discipline: String
    public var start: Day
    /// As stated in the export; at least one of `end` and `weeks` is present.
    public var end: Day?
    public var weeks: Int?
    public var placementKind: PlacementKind?
    public var role: EvaluatorRole
    public var status: EvaluationStatus
    public var scores: CriterionScores
    public var finalScore: Double?
    public var submitted: Day?
    public var source: SourceLocation

    public init(student: String, site: String, discipline: String, start: Day, end: Day?, weeks: Int?,
                placementKind: PlacementKind?, role: EvaluatorRole, status: EvaluationStatus,
                scores: CriterionScores, finalScore: Double?, submitted: Day?, source: SourceLocation) {
        self.student = student
        self.site = site
        self.discipline = discipline
        self.start = start
        self.end = end
        self.weeks = weeks
        self.placementKind = placementKind
        self.role = role
        self.status = status
        self.scores = scores
        self.finalScore = finalScore
        self.submitted = submitted
        self.source = source
    }
}

public struct RosterRecord: Sendable, Hashable {
    public var student: String
    public var masterYear: Int?
    public var cohort: String?
    public var source: SourceLocation

    public init(student: String, masterYear: Int?, cohort: String?, source: SourceLocation) {
        self.student = student
        self.masterYear = masterYear
        self.cohort = cohort
        self.source = source
    }
}

/// A record that ingest could not accept, kept with everything a person needs to fix it.
public struct QuarantinedRecord: Sendable, Hashable {
    public var source: SourceLocation
    /// The record as it stood in the file (CSV: the physical text; XML: the fields read).
    public var raw: String
    /// The logical field at fault, when one is.
    public var field: String?
    public var reason: String
    /// The reason without the values of the row (reports for auditors: a shifted row puts a
    /// student id in any column, and the reason would quote it); nil when `reason` quotes none.
    public var withheldReason: String?

    /// `reason` or, in reports for auditors, the reason that quotes no value of the row.
    public var reasonForAuditors: String { withheldReason ?? reason }

    public init(source: SourceLocation, raw: String, field: String?, reason: String, withheldReason: String? = nil) {
        self.source = source
        self.raw = raw
        self.field = field
        self.reason = reason
        self.withheldReason = withheldReason
    }

    public var diagnostic: Diagnostic {
        Diagnostic(.error, at: source, reason, notes: ["raw: " + raw])
    }
}
