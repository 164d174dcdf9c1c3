import Rules
import Scheduling
import Domain

/// A row of `plan --schedule`'s block schedule: the students of a group at a site in a block,
/// or (site nil) the students on extra slots, the fix, who have no site yet.
public struct BlockScheduleRow: Sendable, Hashable {
    public var block: String
    public var firstDay: Day
    public var lastDay: Day
    public var group: String
    public var site: String?
    /// The framework agreements the site's slots in the block come from.
    public var agreements: [String]
    public var slots: Int
    public var students: Int
    public var extraSlots: Int

    public init(block: String, firstDay: Day, lastDay: Day, group: String, site: String?, agreements: [String], slots: Int,
                students: Int, extraSlots: Int) {
        self.block = block
        self.firstDay = firstDay
        self.lastDay = lastDay
        self.group = group
        self.site = site
        self.agreements = agreements
        self.slots = slots
        self.students = students
        self.extraSlots = extraSlots
    }
}

/// A row of the fix: a (group, block) where extra slots are needed or the minimum cut passes,
/// with the agreements of the group that ended before the block (renewing one gives slots there).
public struct ScheduleFixRow: Sendable, Hashable {
    public var block: String
    public var group: String
    /// The group's slots in the block, all sites together.
    public var slots: Int
    public var students: Int
    public var extraSlots: Int
    /// The cut passes the cell: its slots are all taken and the cut holds them, or the block is
    /// busy (every student is placed in it).
    public var inCut: Bool
    public var renewable: [ExpiringAgreement]

    public init(block: String, group: String, slots: Int, students: Int, extraSlots: Int, inCut: Bool,
                renewable: [ExpiringAgreement]) {
        self.block = block
        self.group = group
        self.slots = slots
        self.students = students
        self.extraSlots = extraSlots
        self.inCut = inCut
        self.renewable = renewable
    }
}

/// One line of the summary: a stable name (an interface, as column names are) and a typed value.
public struct ScheduleFact: Sendable, Hashable {
    public var name: String
    public var value: Cell

    public init(_ name: String, _ value: Cell) {
        self.name = name
        self.value = value
    }
}

extension Tables {
    public static let blockSchedule = TableDeclaration<BlockScheduleRow>(
        name: "schedule", title: "Block schedule per block, discipline group and site",
        columns: [
            .text("block") { $0.block },
            .date("first_day") { $0.firstDay },
            .date("last_day") { $0.lastDay },
            .text("group") { $0.group },
            .text("site") { $0.site },
            .text("agreements") { $0.agreements.isEmpty ? nil : $0.agreements.joined(separator: " ") },
            .integer("slots") { $0.slots },
            .integer("students") { $0.students },
            .integer("extra_slots") { $0.extraSlots },
        ])

    public static let scheduleFix = TableDeclaration<ScheduleFixRow>(
        name: "fix", title: "Where the plan breaks and the smallest fix",
        columns: [
            .text("block") { $0.block },
            .text("group") { $0.group },
            .integer("slots") { $0.slots },
            .integer("students") { $0.students },
            .integer("extra_slots") { $0.extraSlots },
            .yesNo("in_cut") { $0.inCut },
            .text("renewable") { row in row.renewable.isEmpty ? nil : row.renewable.map(ScheduleTables.renewableText).joined(separator: "; ") },
        ])

    /// The summary as facts: `fact` a stable name, `value` typed per fact (a count, a text).
    public static let scheduleSummary = TableDeclaration<ScheduleFact>(
        name: "summary", title: "Block plan: the answer",
        columns: [
            .text("fact") { $0.name },
            .figure("value") { $0.value },
        ])
}

/// The tables of `plan --schedule` from a plan.
public enum ScheduleTables {
    /// "RO-0123 (UZ Gent, 3 slots, until 2027-01-31)".
    public static func renewableText(_ agreement: ExpiringAgreement) -> String {
        "\(agreement.id) (\(agreement.site), \(agreement.slots) \(agreement.slots == 1 ? "slot" : "slots"), until \(agreement.validTo))"
    }

    public static func scheduleRows(_ plan: SchedulePlan) -> [BlockScheduleRow] {
        let blocks = plan.problem.blocks, groups = plan.problem.groups
        return plan.rows.compactMap { row in
            guard blocks.indices.contains(row.block), groups.indices.contains(row.group) else { return nil }
            let block = blocks[row.block]
            let sites = plan.capacity.sites.indices.contains(row.group) && plan.capacity.sites[row.group].indices.contains(row.block)
                ? plan.capacity.sites[row.group][row.block] : []
            let agreements = row.site.flatMap { site in sites.first { $0.site == site }?.agreements } ?? []
            return BlockScheduleRow(block: block.label, firstDay: block.first, lastDay: block.last, group: groups[row.group],
                                    site: row.site, agreements: agreements, slots: row.slots, students: row.students,
                                    extraSlots: row.site == nil ? row.students : 0)
        }
    }

    /// Block by block, groups in the problem's order: each cell with extra slots or in the cut.
    public static func fixRows(_ plan: SchedulePlan) -> [ScheduleFixRow] {
        let grid = ScheduleGrid(plan)
        var rows: [ScheduleFixRow] = []
        for b in grid.blocks.indices {
            for g in grid.groups.indices {
                let cell = grid.cells[g][b]
                guard cell.extra > 0 || cell.inCut else { continue }
                rows.append(ScheduleFixRow(block: grid.blocks[b].label, group: grid.groups[g], slots: cell.slots,
                                           students: cell.students, extraSlots: cell.extra, inCut: cell.inCut,
                                           renewable: plan.capacity.renewable(group: g, before: grid.blocks[b])))
            }
        }
        return rows
    }

    public static func schedule(_ plan: SchedulePlan) -> ReportTable { Tables.blockSchedule.table(scheduleRows(plan)) }
    public static func fix(_ plan: SchedulePlan) -> ReportTable { Tables.scheduleFix.table(fixRows(plan)) }
    public static func summary(_ plan: SchedulePlan) -> ReportTable { Tables.scheduleSummary.table(ScheduleSummary(plan).facts) }
}

/// The block × group grid of the answer: per cell the students placed, the slots, the extra
/// slots and where the cut passes; what the page and the Markdown draw.
public struct ScheduleGrid: Sendable {
    public struct GridCell: Sendable, Hashable {
        public var students: Int
        public var slots: Int
        public var extra: Int
        /// The cohort needs this block's family (whole or half) in the group.
        public var needed: Bool
        /// The students on the group's slots fill them.
        public var full: Bool { needed && slots > 0 && students - extra >= slots }
        /// The minimum cut passes here: a full cell it holds, or a busy block of a group inside it.
        public var inCut: Bool
    }

    public var groups: [String]
    public var blocks: [PlanningBlock]
    /// cells[g][b].
    public var cells: [[GridCell]]
    /// Blocks where every student is placed, in the cut (the cohort, not the slots, limits them).
    public var busyBlocks: Set<Int>

    public init(_ plan: SchedulePlan) {
        let problem = plan.problem, answer = plan.answer
        groups = problem.groups
        blocks = problem.blocks
        let cut = answer.bottleneck
        let fullInCut = Set(cut?.fullCells ?? [])
        let cutGroups = Set(cut?.groups ?? [])
        busyBlocks = Set(cut?.busyBlocks ?? [])
        let needs = problem.types
        var cells: [[GridCell]] = []
        for g in problem.groups.indices {
            var row: [GridCell] = []
            for (b, block) in problem.blocks.enumerated() {
                let needed = needs.contains { $0.need(g, half: block.isHalf) > 0 }
                let students = Self.value(answer.placed, g, b), extra = Self.value(answer.extra, g, b)
                let inCut = fullInCut.contains(GroupBlock(group: g, block: b))
                    || (needed && cutGroups.contains(g) && busyBlocks.contains(b))
                row.append(GridCell(students: students, slots: Self.value(problem.slots, g, b), extra: extra, needed: needed, inCut: inCut))
            }
            cells.append(row)
        }
        self.cells = cells
    }

    /// A value of a per (group, block) array, 0 where an answer without a schedule (a bound) has none.
    static func value(_ grid: [[Int]], _ g: Int, _ b: Int) -> Int {
        grid.indices.contains(g) && grid[g].indices.contains(b) ? grid[g][b] : 0
    }
}
