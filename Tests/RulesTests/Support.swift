import Domain
import Rules

/// An agreement of the test faculty; site and discipline indices are not used by the rules.
func agreement(_ id: String, site: String = "AZGR", discipline: String = "HEEL", slots: Int = 2, from: String, to: String,
               kind: AgreementKind = .framework, student: String? = nil) -> Agreement {
    Agreement(id: id, site: site, discipline: discipline, siteIndex: 0, disciplineIndex: 0, slots: slots, validFrom: day(from),
              validTo: day(to), kind: kind, student: student, supervisor: nil,
              source: SourceLocation(path: "agreements.csv", line: 2))
}

func placement(_ student: String, site: String = "AZGR", discipline: String = "HEEL", from: String, to: String,
               line: Int = 2) -> Placement {
    let start = day(from), end = day(to)
    return Placement(student: student, site: site, discipline: discipline, siteIndex: 0, disciplineIndex: 0, start: start, end: end,
                     weeks: PlacementBuilding.weeks(from: start, to: end), kind: .hospital, year: PlacementYear(containing: start), finalScore: nil,
                     finalCriteria: nil, sources: [SourceLocation(path: "evaluations.csv", line: line)])
}
