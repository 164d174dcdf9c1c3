import Normalize
import Reconcile
import Rules
import Domain

/// A plan row (SPEC §5 plan): one discipline group for a future year and N students.
public struct PlanRow: Sendable, Hashable {
    public var group: String
    public var year: PlacementYear
    public var students: Int
    public var requiredWeeks: Int
    /// Σ slots × days of validity inside the year of the framework agreements valid in it.
    public var slotDays: Int
    /// The framework agreements of the group that end inside the year, by id.
    public var expiring: [Agreement]

    public var demandWeeks: Int { students * requiredWeeks }
    public var capacityWeeks: Ratio { Ratio(slotDays, 7) }
    /// capacity − demand in weeks (negative: a shortfall).
    public var balanceWeeks: Ratio { Ratio(slotDays - 7 * demandWeeks, 7) }
    /// The balance in year-round slots (weeks / 52.1).
    public var balanceSlots: Ratio { Ratio((slotDays - 7 * demandWeeks) * 10, 7 * 521) }
}

extension Figures {
    /// Per discipline group of the curriculum and every group with framework capacity in the
    /// year: demand, capacity and the balance for `students` students; `group` keeps one.
    public static func plan(year: PlacementYear, students: Int, group only: String?, agreements: [Agreement],
                            reference: ReferenceData) -> [PlanRow] {
        var slotDays: [String: Int] = [:]
        var expiring: [String: [Agreement]] = [:]
        for agreement in agreements where agreement.kind == .framework {
            guard CapacityFigures.isValid(agreement, in: year) else { continue }
            let group = reference.group(of: agreement.discipline)
            slotDays[group, default: 0] += CapacityFigures.slotDays(agreement, in: year)
            if agreement.validTo < year.lastDay { expiring[group, default: []].append(agreement) }
        }
        let groups = CoverageFigures.curriculumGroups(reference.curriculum).union(slotDays.keys).sorted()
        return groups.filter { only == nil || $0 == only }.map { group in
            PlanRow(group: group, year: year, students: students,
                    requiredWeeks: CoverageFigures.requiredWeeks(of: group, reference.curriculum),
                    slotDays: slotDays[group] ?? 0,
                    expiring: (expiring[group] ?? []).sorted { ($0.validTo, $0.id) < ($1.validTo, $1.id) })
        }
    }
}
