import Normalize
import Reconcile
import StagebalansCore

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
    public var capacityWeeks: String { Ratio(slotDays, 7).formatted(decimals: 1) ?? "0.0" }
    /// capacity − demand in weeks (negative: a shortfall), one decimal.
    public var balanceWeeks: String { SignedRatio(slotDays - 7 * demandWeeks, 7).formatted(decimals: 1) }
    /// The balance in year-round slots (weeks / 52.1), one decimal.
    public var balanceSlots: String { SignedRatio((slotDays - 7 * demandWeeks) * 10, 7 * 521).formatted(decimals: 1) }
}

/// A fraction of either sign, rounded half away from zero (half up on its magnitude).
struct SignedRatio {
    var numerator: Int
    var denominator: Int

    init(_ numerator: Int, _ denominator: Int) {
        self.numerator = numerator
        self.denominator = denominator
    }

    func formatted(decimals: Int) -> String {
        let magnitude = Ratio(abs(numerator), denominator).formatted(decimals: decimals) ?? "0"
        let isZero = magnitude.utf8.allSatisfy { $0 == UInt8(ascii: "0") || $0 == UInt8(ascii: ".") }
        return numerator < 0 && !isZero ? "-" + magnitude : magnitude
    }
}

extension Figures {
    /// Per discipline group of the curriculum and every group with framework capacity in the
    /// year: demand, capacity and the balance for `students` students; `group` keeps one.
    public static func plan(year: PlacementYear, students: Int, group only: String?, agreements: [Agreement],
                            reference: ReferenceData) -> [PlanRow] {
        var slotDays: [String: Int] = [:]
        var expiring: [String: [Agreement]] = [:]
        for agreement in agreements where agreement.kind == .framework {
            let days = daysInside(agreement, year)
            guard days > 0 else { continue }
            let group = reference.group(of: agreement.discipline)
            slotDays[group, default: 0] += agreement.slots * days
            if agreement.validTo < year.lastDay { expiring[group, default: []].append(agreement) }
        }
        let groups = Set(reference.curriculum.requiredWeeks.keys).union(slotDays.keys).sorted()
        return groups.filter { only == nil || $0 == only }.map { group in
            PlanRow(group: group, year: year, students: students, requiredWeeks: reference.curriculum.requiredWeeks[group] ?? 0,
                    slotDays: slotDays[group] ?? 0,
                    expiring: (expiring[group] ?? []).sorted { ($0.validTo, $0.id) < ($1.validTo, $1.id) })
        }
    }
}

extension Tables {
    public static func plan(_ rows: [PlanRow]) -> ReportTable {
        ReportTable(name: "plan", title: "Plan: demand against recognised capacity",
                    columns: ["discipline_group", "year", "students", "required_weeks", "demand_weeks", "capacity_weeks",
                              "balance_weeks", "balance_slots", "expiring_agreements"],
                    rows: rows.map { row in
                        [.text(row.group), .text(row.year.description), .integer(row.students), .integer(row.requiredWeeks),
                         .integer(row.demandWeeks), .decimal(row.capacityWeeks), .decimal(row.balanceWeeks),
                         .decimal(row.balanceSlots),
                         .text(row.expiring.map { "\($0.site) \($0.discipline) (\($0.id), until \($0.validTo))" }
                            .joined(separator: "; "))]
                    })
    }
}
