/// One type of student: the exact answer by a maximum flow.
///
/// The network: source → group g (capacity N × blocks of g each student needs) → block b
/// (capacity: g's slots in b) → sink (capacity N: a student is in one placement per block).
/// Whole and half blocks are separate families: a group's whole-block node reaches whole blocks
/// only. The cohort fits when the maximum flow carries the whole demand. That is exact, not a
/// relaxation: a flow gives x[g][b] ≤ N students per block with N × need(g) per group; split
/// each group into need(g) requirement units of N student-blocks each, and the units and blocks
/// form a bipartite multigraph of maximum degree N. By König's edge-colouring theorem its edges
/// take N colours with no two of one colour at a node; a unit has degree N, so it meets every
/// colour once. Colour = student: each student gets need(g) blocks of each group and at most one
/// placement per block. So a flow is a timetable, and a cut smaller than the demand proves none exists.
public enum CohortFlow {
    /// Node numbers of the network for a problem.
    struct Layout {
        let groupCount: Int
        let blockCount: Int
        var source: Int { 0 }
        var sink: Int { 1 }
        /// The group's node for whole blocks (half: false) or half-blocks.
        func group(_ g: Int, half: Bool) -> Int { 2 + 2 * g + (half ? 1 : 0) }
        func block(_ b: Int) -> Int { 2 + 2 * groupCount + b }
        var nodeCount: Int { 2 + 2 * groupCount + blockCount }
    }

    /// The network, and where its edges are: `cells[g][b]` is the slots edge of (g, b), `extras[g][b]`
    /// the edge of cost 1 for extra slots there (nil where b's family is not needed by g).
    struct Network {
        var graph: FlowNetwork
        var layout: Layout
        var cells: [[Int?]]
        var extras: [[Int?]]
        var demandEdges: [Int]
        var blockEdges: [Int]
    }

    /// `extraPerCell`: the most extra slots one (group, block) may get (the fix's spread); at
    /// most the cohort, since a block holds each student once. `slotsPercent`: the share of each
    /// cell's slots the flow may use per group, rounded up (the schedule's spread; nil: all).
    static func network(_ problem: CohortProblem, students: Int, need: StudentType, extraPerCell: Int? = nil,
                        slotsPercent: [Int]? = nil) -> Network {
        let layout = Layout(groupCount: problem.groups.count, blockCount: problem.blocks.count)
        var graph = FlowNetwork(nodes: layout.nodeCount)
        var cells = Array(repeating: [Int?](repeating: nil, count: problem.blocks.count), count: problem.groups.count)
        var extras = cells
        var demandEdges: [Int] = []
        for g in problem.groups.indices {
            for half in [false, true] where need.need(g, half: half) > 0 {
                demandEdges.append(graph.addEdge(from: layout.source, to: layout.group(g, half: half),
                                                 capacity: students * need.need(g, half: half)))
            }
        }
        for g in problem.groups.indices {
            for (b, block) in problem.blocks.enumerated() where need.need(g, half: block.isHalf) > 0 {
                // The slots themselves, not capped at the cohort: the block's edge to the sink holds
                // the cohort, so a cell with more slots than students is never cut and never named full.
                cells[g][b] = graph.addEdge(from: layout.group(g, half: block.isHalf), to: layout.block(b),
                                            capacity: (max(0, problem.slots[g][b]) * (slotsPercent?[g] ?? 100) + 99) / 100)
                // An extra slot helps only up to the cohort: a block holds each student once.
                extras[g][b] = graph.addEdge(from: layout.group(g, half: block.isHalf), to: layout.block(b),
                                             capacity: min(extraPerCell ?? students, students), cost: 1)
            }
        }
        let blockEdges = problem.blocks.indices.map { graph.addEdge(from: layout.block($0), to: layout.sink, capacity: students) }
        return Network(graph: graph, layout: layout, cells: cells, extras: extras, demandEdges: demandEdges, blockEdges: blockEdges)
    }

    /// Whether `students` of the type fit, without the schedule (the range's search).
    public static func fits(_ problem: CohortProblem, students: Int) -> Bool {
        guard let need = problem.types.first else { return true }
        var built = network(problem, students: students, need: need)
        let flow = built.graph.maximiseFlow(from: built.layout.source, to: built.layout.sink) { $0.cost == 0 }
        return flow == problem.withStudents(students).demand
    }

    /// The answer for the problem's first (only) type: the schedule when the cohort fits; else
    /// the bottleneck from the minimum cut and the smallest set of extra slots, with the schedule
    /// that uses them. The fix is exactly the shortfall unless the calendar is the limit: an
    /// extra slot widens one edge by one, so no fix is smaller; and from a maximum flow, each
    /// group's missing student-blocks can go to any block of its family with room left, on an
    /// extra slot, as long as the family's blocks hold N × its need. Each lands on the cut.
    public static func solve(_ problem: CohortProblem) -> CohortAnswer {
        let empty = Array(repeating: Array(repeating: 0, count: problem.blocks.count), count: problem.groups.count)
        guard let need = problem.types.first, need.count > 0 else {
            return CohortAnswer(method: .maxFlow, students: 0, feasible: true, placed: empty, extra: empty)
        }
        let students = need.count
        var built = network(problem, students: students, need: need)
        // The first type's demand only: the network is built for it, whatever else the problem holds.
        let demand = problem.withStudents(students).demand
        let onSlots: (FlowNetwork.Edge) -> Bool = { $0.cost == 0 }
        let flow = built.graph.maximiseFlow(from: built.layout.source, to: built.layout.sink, usable: onSlots)
        var bottleneck: Bottleneck?
        if flow == demand {
            built = spreadSchedule(problem, need: need, demand: demand)
        } else {
            bottleneck = self.bottleneck(built, problem: problem, flow: flow, demand: demand)
            built = spreadFix(problem, need: need, demand: demand, shortfall: demand - flow,
                              cut: Set(bottleneck?.groups ?? []))
        }
        var placed = empty, extra = empty
        for g in problem.groups.indices {
            for b in problem.blocks.indices {
                let onCell = built.cells[g][b].map { built.graph.flow($0) } ?? 0
                let onExtra = built.extras[g][b].map { built.graph.flow($0) } ?? 0
                placed[g][b] = onCell + onExtra
                extra[g][b] = onExtra
            }
        }
        let routed = built.demandEdges.reduce(0) { $0 + built.graph.flow($1) }
        let calendar = routed < demand
            ? "a student's blocks cannot hold the year's demand, whatever the slots" : nil
        return CohortAnswer(method: .maxFlow, students: students, feasible: flow == demand, placed: placed, extra: extra,
                            bottleneck: bottleneck, calendarShortfall: calendar)
    }

    /// The schedule spread over the year: group by group, the flow on the smallest share of the
    /// group's slots in every block (in whole percents) with which `works` still holds, so that
    /// the schedule fills the blocks and sites evenly instead of filling the first blocks and
    /// leaving the rest empty (a maximum flow alone takes the first paths it finds). A share that
    /// works means a larger one works too, so each group's share is found by bisection, the
    /// others kept where they are. Groups in `skipping` keep all their slots (the cut's groups,
    /// whose slots are all taken anyway).
    static func spreadShares(_ problem: CohortProblem, need: StudentType, skipping: Set<Int> = [],
                             works: ([Int]) -> Bool) -> [Int] {
        var percents = Array(repeating: 100, count: problem.groups.count)
        for g in problem.groups.indices where need.wholeBlocks[g] + need.halfBlocks[g] > 0 && !skipping.contains(g) {
            var fails = 0, fits = 100
            while fits - fails > 1 {
                var shares = percents
                shares[g] = fails + (fits - fails) / 2
                if works(shares) { fits = shares[g] } else { fails = shares[g] }
            }
            percents[g] = fits
        }
        return percents
    }

    /// A cohort that fits, spread over the year (`spreadShares`).
    static func spreadSchedule(_ problem: CohortProblem, need: StudentType, demand: Int) -> Network {
        func attempt(_ shares: [Int]) -> (network: Network, fits: Bool) {
            var built = network(problem, students: need.count, need: need, slotsPercent: shares)
            let flow = built.graph.maximiseFlow(from: built.layout.source, to: built.layout.sink) { $0.cost == 0 }
            return (built, flow == demand)
        }
        return attempt(spreadShares(problem, need: need) { attempt($0).fits }).network
    }

    /// The network with the smallest fix, spread: of the fixes with the fewest extra slots (the
    /// shortfall, unless the calendar is the limit), one whose largest number of extra slots in
    /// one (group, block) is smallest, so that 43 missing student-blocks read as 3 or 4 more
    /// slots in each of twelve blocks rather than 43 in one (a cap that allows a smallest fix
    /// also allows it with one more per cell, so the cap is found by bisection); then the groups
    /// outside the cut spread over the year as a cohort that fits is.
    static func spreadFix(_ problem: CohortProblem, need: StudentType, demand: Int, shortfall: Int, cut: Set<Int>) -> Network {
        func fixed(cap: Int, shares: [Int]? = nil) -> (network: Network, smallest: Bool) {
            var built = network(problem, students: need.count, need: need, extraPerCell: cap, slotsPercent: shares)
            let flow = built.graph.maximiseFlow(from: built.layout.source, to: built.layout.sink) { $0.cost == 0 }
            built.graph.augmentAtLeastCost(from: built.layout.source, to: built.layout.sink, amount: demand - flow)
            let routed = built.demandEdges.reduce(0) { $0 + built.graph.flow($1) }
            let extra = built.extras.joined().compactMap { $0 }.reduce(0) { $0 + built.graph.flow($1) }
            return (built, routed == demand && extra == shortfall)
        }
        let uncapped = fixed(cap: need.count)
        guard uncapped.smallest else { return uncapped.network }  // the calendar is the limit: no spread to find
        var fails = 0, works = need.count
        while works - fails > 1 {
            let cap = fails + (works - fails) / 2
            if fixed(cap: cap).smallest { works = cap } else { fails = cap }
        }
        let shares = spreadShares(problem, need: need, skipping: cut) { fixed(cap: works, shares: $0).smallest }
        return fixed(cap: works, shares: shares).network
    }

    /// The minimum cut after the maximum flow over the slots: the source side's groups, the
    /// (group, block) edges leaving it and the blocks inside it.
    static func bottleneck(_ built: Network, problem: CohortProblem, flow: Int, demand: Int) -> Bottleneck {
        let onSlots: (FlowNetwork.Edge) -> Bool = { $0.cost == 0 }
        let side = built.graph.sourceSide(of: built.layout.source, usable: onSlots)
        let layout = built.layout
        var groups: [Int] = []
        var groupDemand = 0
        for g in problem.groups.indices {
            var inside = false
            for half in [false, true] where side[layout.group(g, half: half)] && problem.types[0].need(g, half: half) > 0 {
                inside = true
                groupDemand += problem.types[0].count * problem.types[0].need(g, half: half)
            }
            if inside { groups.append(g) }
        }
        var fullCells: [GroupBlock] = []
        for g in problem.groups.indices {
            for b in problem.blocks.indices {
                guard let edge = built.cells[g][b] else { continue }
                let e = built.graph.edges[edge]
                if side[e.from] && !side[e.to] { fullCells.append(GroupBlock(group: g, block: b)) }
            }
        }
        let busy = problem.blocks.indices.filter { side[layout.block($0)] }
        let cut = built.graph.cut(side, usable: onSlots)
        // The cut's capacity is the flow (max-flow min-cut); what the source-side groups get is
        // the cut less the demand of the groups outside it, whose edges from the source it holds.
        let outsideDemand = demand - groupDemand
        return Bottleneck(groups: groups, fullCells: fullCells.sorted(), busyBlocks: busy, demand: groupDemand,
                          capacity: cut.capacity - outsideDemand, shortfall: demand - flow)
    }
}
