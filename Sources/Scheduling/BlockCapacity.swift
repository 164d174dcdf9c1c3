import Domain
import Rules

/// A site's slots in one (group, block), and the agreements they come from.
public struct SiteSlots: Sendable, Hashable {
    public var site: String
    public var slots: Int
    /// The framework agreements valid over the block, by id.
    public var agreements: [String]

    public init(site: String, slots: Int, agreements: [String]) {
        self.site = site
        self.slots = slots
        self.agreements = agreements
    }
}

/// A framework agreement of a group that ends inside the planned year: the blocks after its end
/// lose its slots unless it is renewed.
public struct ExpiringAgreement: Sendable, Hashable {
    public var id: String
    public var site: String
    public var group: Int
    public var slots: Int
    public var validTo: Day
    public var validFrom: Day

    public init(id: String, site: String, group: Int, slots: Int, validTo: Day, validFrom: Day = Day(daysSinceEpoch: Int.min / 2)) {
        self.id = id
        self.site = site
        self.group = group
        self.slots = slots
        self.validTo = validTo
        self.validFrom = validFrom
    }
}

/// The slots of the planned year per (site, group, block).
public struct BlockCapacity: Sendable {
    /// sites[g][b]: the sites with slots in group g over block b, by site code.
    public var sites: [[[SiteSlots]]]
    public var expiring: [ExpiringAgreement]

    /// slots[g][b] summed over the sites: the problem's capacity.
    public var slots: [[Int]] { sites.map { $0.map { $0.reduce(0) { $0 + $1.slots } } } }

    /// From the agreements: each framework agreement of a planned group (its discipline's group
    /// by `groupOf`) gives its slots in every block it is valid over (`BlockSlots.counts`).
    public init(agreements: [Agreement], groups: [String], blocks: [PlanningBlock], year: PlacementYear,
                groupOf: (String) -> String) {
        let position = Dictionary(uniqueKeysWithValues: groups.enumerated().map { ($1, $0) })
        var bySite = Array(repeating: Array(repeating: [String: SiteSlots](), count: blocks.count), count: groups.count)
        var expiring: [ExpiringAgreement] = []
        for agreement in agreements where agreement.kind == .framework {
            guard let g = position[groupOf(agreement.discipline)] else { continue }
            if BlockSlots.expires(agreement, inside: year) {
                expiring.append(ExpiringAgreement(id: agreement.id, site: agreement.site, group: g, slots: agreement.slots,
                                                  validTo: agreement.validTo, validFrom: agreement.validFrom))
            }
            for (b, block) in blocks.enumerated() where BlockSlots.counts(agreement, in: block) {
                bySite[g][b][agreement.site, default: SiteSlots(site: agreement.site, slots: 0, agreements: [])].slots += agreement.slots
                bySite[g][b][agreement.site]?.agreements.append(agreement.id)
            }
        }
        sites = bySite.map { row in
            row.map { cell in
                cell.values.map { SiteSlots(site: $0.site, slots: $0.slots, agreements: $0.agreements.sorted()) }
                    .sorted { $0.site < $1.site }
            }
        }
        self.expiring = expiring.sorted { ($0.validTo, $0.site, $0.id) < ($1.validTo, $1.site, $1.id) }
    }

    /// The agreements of group g that end before block b's last day: they give no slots in b (a
    /// block counts only when an agreement covers all of it, so one ending inside b loses b too),
    /// and renewing one would.
    public func renewable(group g: Int, before block: PlanningBlock) -> [ExpiringAgreement] {
        // Renewing means a later end: it gives slots in a block the agreement had started by.
        expiring.filter { $0.group == g && $0.validTo < block.last && $0.validFrom <= block.first }
    }
}

/// One row of the block schedule: students of a group at a site in a block.
public struct ScheduleRow: Sendable, Hashable {
    public var block: Int
    public var group: Int
    /// nil: students on extra slots (the fix), not at a site yet.
    public var site: String?
    public var slots: Int
    public var students: Int

    public init(block: Int, group: Int, site: String?, slots: Int, students: Int) {
        self.block = block
        self.group = group
        self.site = site
        self.slots = slots
        self.students = students
    }
}

public enum SiteSchedule {
    /// The answer's students per (group, block) at the sites: each site takes its share of the
    /// students in proportion to its slots (largest remainders, ties by site code), never more
    /// than its slots; students on extra slots are a row of their own. Every site with slots is
    /// a row, also with no student, so that the table shows where room is left.
    public static func rows(_ answer: CohortAnswer, capacity: BlockCapacity) -> [ScheduleRow] {
        var rows: [ScheduleRow] = []
        for b in answer.placed.first.map({ $0.indices }) ?? 0..<0 {
            for g in answer.placed.indices {
                let sites = capacity.sites[g][b]
                let onSlots = answer.placed[g][b] - answer.extra[g][b]
                let shares = proportional(onSlots, over: sites.map(\.slots))
                for (site, share) in zip(sites, shares) {
                    rows.append(ScheduleRow(block: b, group: g, site: site.site, slots: site.slots, students: share))
                }
                if answer.extra[g][b] > 0 {
                    rows.append(ScheduleRow(block: b, group: g, site: nil, slots: 0, students: answer.extra[g][b]))
                }
            }
        }
        return rows
    }

    /// `total` (at most the weights' sum) split over `weights` in proportion: the integer parts,
    /// then one more each for the `left` largest remainders (ties to the earlier). A share never
    /// passes its weight: the remainders add up to `left`, each below 1, so more than `left` of
    /// them are positive, and a positive remainder means the integer part is below the weight.
    static func proportional(_ total: Int, over weights: [Int]) -> [Int] {
        let sum = weights.reduce(0, +)
        guard total > 0, sum > 0 else { return weights.map { _ in 0 } }
        let capped = min(total, sum)
        var shares = weights.map { $0 * capped / sum }
        let left = capped - shares.reduce(0, +)
        let order = weights.indices.sorted { (weights[$0] * capped % sum, $1) > (weights[$1] * capped % sum, $0) }
        for at in order.prefix(left) { shares[at] += 1 }
        return shares
    }
}
