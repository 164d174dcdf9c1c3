import Normalize
import Report
import Domain
import Testing

@Suite("Drill-down samples: caps, budget, groups")
struct DrillDownTests {
    /// A placement at site `site` (its position and code S<position>) in the discipline at
    /// `discipline` of `fixtureReference` (IG, IG-CAR, HK), in 2025-2026.
    func placement(_ student: Int, site: Int, discipline: Int, reference: ReferenceData) -> MatchedPlacement {
        let start = day("2025-09-01"), end = day("2025-09-28")
        return MatchedPlacement(placement: Placement(student: "r\(student)", site: "S\(site)", discipline: reference.disciplines[discipline].code,
                                                     siteIndex: site, disciplineIndex: discipline, start: start, end: end, weeks: 4,
                                                     kind: .hospital, year: PlacementYear(startYear: 2025), finalScore: nil,
                                                     finalCriteria: nil, sources: [Location(path: "e.csv", line: student + 2)]),
                                match: .noAgreement)
    }

    @Test("a cell is its discipline group's: IG and IG-CAR share one; the first placements in order, the count of all")
    func groupsAndOrder() throws {
        let reference = try fixtureReference()
        var tally = DrillDownTally()
        // Two partitions: 4 cardiology and 3 internal medicine placements at S0, 2 surgery.
        tally.add((0..<4).map { placement($0, site: 0, discipline: 1, reference: reference) }, agreements: [], reference: reference)
        tally.add((4..<7).map { placement($0, site: 0, discipline: 0, reference: reference) }
                  + (7..<9).map { placement($0, site: 0, discipline: 2, reference: reference) }, agreements: [], reference: reference)
        let drillDown = tally.drillDown
        let year = PlacementYear(startYear: 2025)
        let ig = try #require(drillDown.cells[PageDrillDown.CellKey(year: year, site: "S0", group: "IG")])
        #expect(ig.total == 7 && ig.first.map(\.student) == ["r0", "r1", "r2", "r3", "r4"])
        #expect(ig.first.map(\.discipline) == ["IG-CAR", "IG-CAR", "IG-CAR", "IG-CAR", "IG"])
        #expect(ig.first[4].sources == [Location(path: "e.csv", line: 6)] && ig.first[4].agreement == nil)
        #expect(drillDown.cells[PageDrillDown.CellKey(year: year, site: "S0", group: "HK")]?.total == 2)
        #expect(drillDown.cells.count == 2)
        #expect(drillDown.groups[PageDrillDown.GroupKey(year: year, group: "IG")]?.first.count == 7)
    }

    @Test("over the budget every cell keeps budget / cells placements (at least 1), its count whole; bars keep 20")
    func budget() throws {
        let reference = try fixtureReference()
        var tally = DrillDownTally()
        let sites = 4_500, perSite = 6
        var placements: [MatchedPlacement] = []
        for site in 0..<sites {
            for index in 0..<perSite { placements.append(placement(site * perSite + index, site: site, discipline: 2, reference: reference)) }
        }
        tally.add(placements, agreements: [], reference: reference)
        let drillDown = tally.drillDown
        #expect(drillDown.cells.count == sites)
        let kept = DrillDownTally.budget / sites
        #expect(kept == 4 && drillDown.cells.values.allSatisfy { $0.first.count == kept && $0.total == perSite })
        #expect(drillDown.cells.values.reduce(0) { $0 + $1.first.count } <= DrillDownTally.budget)
        let bar = try #require(drillDown.groups[PageDrillDown.GroupKey(year: PlacementYear(startYear: 2025), group: "HK")])
        #expect(bar.total == sites * perSite && bar.first.map(\.student) == (0..<DrillDownTally.perGroupBar).map { "r\($0)" })
    }
}
