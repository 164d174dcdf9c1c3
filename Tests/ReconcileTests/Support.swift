import Ingest
import Normalize
import Reconcile
import Rules
import Domain
import TestSupport
import Testing

typealias Location = Domain.SourceLocation

func day(_ text: String) -> Day {
    guard case .success(let day) = DateParser(formats: [DateParser.iso]).parse(text) else {
        Issue.record("not a date: \(text)")
        return Day(daysSinceEpoch: 0)
    }
    return day
}

func at(_ line: Int, _ file: String = "t.csv") -> Location { Location(path: file, line: line) }

/// A small faculty: two hospitals, a practice abroad, internal medicine with cardiology, surgery.
func reference(extraSites: [Site] = []) throws -> ReferenceData {
    let registry = Location(path: "sites.yml", line: 1)
    let taxonomy = Location(path: "disciplines.yml", line: 1)
    return try ReferenceData(
        sites: [
            Site(code: "AZSJ", name: "AZ Sint-Jan Brugge", kind: .hospital, region: .peripheral, city: "Brugge", country: "BE", source: registry),
            Site(code: "AZGR", name: "AZ Groeninge", aliases: ["Groeninge Kortrijk"], kind: .hospital, region: .peripheral,
                 city: "Kortrijk", country: "BE", source: registry),
            Site(code: "NECK", name: "Hôpital Necker", kind: .hospital, region: .abroad, city: "Paris", country: "FR", source: registry),
        ] + extraSites,
        disciplines: [
            Discipline(code: "IG", dutch: "interne geneeskunde", english: "internal medicine", parent: nil, source: taxonomy),
            Discipline(code: "IG-CAR", dutch: "cardiologie", english: "cardiology", parent: "IG", source: taxonomy),
            Discipline(code: "HK", dutch: "heelkunde", english: "surgery", aliases: ["chirurgie"], parent: nil, source: taxonomy),
        ],
        curriculum: Curriculum(requiredWeeks: ["IG": 8, "HK": 8], blocks: [], clinicalWeeks: 62, scientificWeeks: 16, passMark: 10))
}

func agreement(_ id: String, site: String = "AZSJ", discipline: String = "cardiologie", slots: Int = 2,
               from: String = "2025-07-01", to: String = "2026-06-30", kind: AgreementKind = .framework,
               student: String? = nil, line: Int = 1) -> IngestedRecord {
    .agreement(AgreementRecord(agreementID: id, site: site, discipline: discipline, slots: slots, validFrom: day(from),
                               validTo: day(to), kind: kind, student: student, supervisor: nil, source: at(line, "a.csv")))
}

func evaluation(_ student: String, site: String = "AZSJ", discipline: String = "cardiologie", start: String = "2025-09-01",
                end: String? = "2025-09-28", weeks: Int? = nil, role: EvaluatorRole = .supervisor,
                status: EvaluationStatus = .final, score: Double? = 14, submitted: String? = "2025-10-01",
                line: Int) -> IngestedRecord {
    .evaluation(EvaluationRecord(student: student, site: site, discipline: discipline, start: day(start), end: end.map(day),
                                 weeks: weeks, placementKind: .hospital, role: role, status: status,
                                 scores: CriterionScores(knowledgeAndSkills: score, patientContact: score, teamwork: score),
                                 finalScore: role == .supervisor ? score : nil, submitted: submitted.map(day), source: at(line)))
}

func reconcile(_ records: [IngestedRecord], asOf: String = "2026-07-15", reference given: ReferenceData? = nil) throws -> Reconciliation {
    let reference = try given ?? reference()
    var normalizer = Normalizer(reference: reference)
    for record in records { normalizer.add(record) }
    return Reconciler(reference: reference, settings: ReconcileSettings(asOf: day(asOf))).reconcile(try normalizer.finish())
}

extension Reconciliation {
    func findings(_ code: FindingCode) -> [Finding] { findings.filter { $0.code == code } }
}
