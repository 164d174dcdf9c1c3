import Normalize
import Domain

/// The page's drill-down (`PageDrillDown`): the first placements of each heatmap cell (placement
/// year, site, discipline group) and of each coverage bar (year, group), and how many each
/// holds, gathered partition by partition in the order the placements come (student order, so
/// the same in memory and in partitions of any size).
///
/// Per placement: two look-ups on integer keys and two counters; a placement is copied only
/// while its cell or bar holds fewer than its cap. The caps keep the page small at 1,000 sites
/// (placements.csv and the workbook hold every placement):
/// - `perCell` placements per heatmap cell while gathering;
/// - `budget` placements over all cells: when cells × `perCell` exceed it, each cell keeps the
///   first max(1, `budget` / cells) at the end (the number of cells is known only then);
/// - `perGroupBar` placements per coverage bar (a few dozen bars at most).
public struct DrillDownTally: Sendable {
    public static let perCell = 5
    public static let budget = 20_000
    public static let perGroupBar = 20

    private struct CellKey: Hashable {
        var year: Int32
        var site: Int32
        var group: Int32
    }

    private struct GroupKey: Hashable {
        var year: Int32
        var group: Int32
    }

    /// The group of each discipline (by position in the reference data), as a position in `groupCodes`.
    private var groupOfDiscipline: [Int32] = []
    private var groupCodes: [String] = []
    private var cells: [CellKey: PlacementSample] = [:]
    private var groups: [GroupKey: PlacementSample] = [:]

    public init() {}

    /// `placements` in the run's order; `agreements` are those `Match.agreement` indexes.
    public mutating func add(_ placements: [MatchedPlacement], agreements: [Agreement], reference: ReferenceData) {
        if groupOfDiscipline.count != reference.disciplines.count { indexGroups(reference) }
        for index in placements.indices {
            // Read in place: a copy of the placement would retain its strings.
            let discipline = placements[index].placement.disciplineIndex
            let group = groupOfDiscipline.indices.contains(discipline) ? groupOfDiscipline[discipline] : -1
            let year = Int32(clamping: placements[index].placement.year.startYear)
            let cell = CellKey(year: year, site: Int32(clamping: placements[index].placement.siteIndex), group: group)
            let inCell = Self.count(&cells[cell, default: PlacementSample()], cap: Self.perCell)
            let inGroup = Self.count(&groups[GroupKey(year: year, group: group), default: PlacementSample()], cap: Self.perGroupBar)
            guard inCell || inGroup else { continue }
            let sampled = Self.page(placements[index], agreements: agreements)
            if inCell { cells[cell]?.first.append(sampled) }
            if inGroup { groups[GroupKey(year: year, group: group)]?.first.append(sampled) }
        }
    }

    /// Counts one more placement; true when the sample has room for it.
    private static func count(_ sample: inout PlacementSample, cap: Int) -> Bool {
        sample.total += 1
        return sample.first.count < cap
    }

    private static func page(_ matched: MatchedPlacement, agreements: [Agreement]) -> PagePlacement {
        let placement = matched.placement
        var agreement: String?
        if case .agreement(let index) = matched.match, agreements.indices.contains(index) { agreement = agreements[index].id }
        return PagePlacement(student: placement.student, site: placement.site, discipline: placement.discipline,
                             start: placement.start, end: placement.end, weeks: placement.weeks, agreement: agreement,
                             sources: placement.sources)
    }

    private mutating func indexGroups(_ reference: ReferenceData) {
        var positions: [String: Int32] = [:]
        groupCodes = []
        groupOfDiscipline = reference.disciplines.map { discipline in
            let group = reference.group(of: discipline.code)
            if let known = positions[group] { return known }
            let position = Int32(groupCodes.count)
            positions[group] = position
            groupCodes.append(group)
            return position
        }
    }

    /// The drill-down, the cells trimmed to the budget. A cell's site is its placements' site
    /// code (every counted cell holds at least one placement).
    public var drillDown: PageDrillDown {
        let perCell = cells.count * Self.perCell > Self.budget ? max(1, Self.budget / max(1, cells.count)) : Self.perCell
        var drillDown = PageDrillDown()
        for (key, sample) in cells {
            guard let site = sample.first.first?.site else { continue }
            let cell = PageDrillDown.CellKey(year: PlacementYear(startYear: Int(key.year)), site: site, group: groupCode(key.group, sample))
            drillDown.cells[cell] = PlacementSample(first: Array(sample.first.prefix(perCell)), total: sample.total)
        }
        for (key, sample) in groups {
            let group = PageDrillDown.GroupKey(year: PlacementYear(startYear: Int(key.year)), group: groupCode(key.group, sample))
            drillDown.groups[group] = sample
        }
        return drillDown
    }

    /// A discipline outside the reference data (never from normalize) is its own group, as
    /// `ReferenceData.group(of:)` has it.
    private func groupCode(_ position: Int32, _ sample: PlacementSample) -> String {
        groupCodes.indices.contains(Int(position)) ? groupCodes[Int(position)] : sample.first.first?.discipline ?? ""
    }
}
