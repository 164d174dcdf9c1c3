/// An agreement whose site and discipline resolved to register codes.
public struct Agreement: Sendable, Hashable {
    public var id: String
    public var site: String
    public var discipline: String
    /// Positions of the site and discipline in the reference data, for matching on integers.
    public var siteIndex: Int
    public var disciplineIndex: Int
    public var slots: Int
    public var validFrom: Day
    public var validTo: Day
    public var kind: AgreementKind
    /// The student an individual agreement names; nil for framework agreements.
    public var student: String?
    public var supervisor: String?
    public var source: SourceLocation

    public init(id: String, site: String, discipline: String, siteIndex: Int, disciplineIndex: Int, slots: Int, validFrom: Day,
                validTo: Day, kind: AgreementKind, student: String?, supervisor: String?, source: SourceLocation) {
        self.id = id
        self.site = site
        self.discipline = discipline
        self.siteIndex = siteIndex
        self.disciplineIndex = disciplineIndex
        self.slots = slots
        self.validFrom = validFrom
        self.validTo = validTo
        self.kind = kind
        self.student = student
        self.supervisor = supervisor
        self.source = source
    }
}
