/// A lower bound on the extra slots of several types of student without a solver: every
/// student in one flow, as if students were interchangeable across types. Source → (group,
/// family): the demand of all types; (group, family) → block: the slots, and at most the
/// students of the types that need the group there; block → sink: the students of the types
/// that need anything in the block's family (each is in one placement per block). Any timetable
/// is such a flow, so its shortfall is a lower bound, and each extra slot widens one cell by
/// one, so the fix needs at least the shortfall. Over 0 it proves the cohort does not fit.
public enum CohortRelaxation {
    public static func shortfall(_ problem: CohortProblem, types: [StudentType]) -> Int {
        let groups = problem.groups.count
        func groupNode(_ g: Int, _ half: Bool) -> Int { 2 + 2 * g + (half ? 1 : 0) }
        func blockNode(_ b: Int) -> Int { 2 + 2 * groups + b }
        var graph = FlowNetwork(nodes: 2 + 2 * groups + problem.blocks.count)
        var demand = 0
        for g in problem.groups.indices {
            for half in [false, true] {
                let need = types.reduce(0) { $0 + $1.count * $1.need(g, half: half) }
                let students = types.reduce(0) { $0 + ($1.need(g, half: half) > 0 ? $1.count : 0) }
                guard need > 0 else { continue }
                demand += need
                graph.addEdge(from: 0, to: groupNode(g, half), capacity: need)
                for (b, block) in problem.blocks.enumerated() where block.isHalf == half {
                    let slots = problem.slots.indices.contains(g) && problem.slots[g].indices.contains(b) ? problem.slots[g][b] : 0
                    graph.addEdge(from: groupNode(g, half), to: blockNode(b), capacity: min(max(0, slots), students))
                }
            }
        }
        for (b, block) in problem.blocks.enumerated() {
            let busy = types.reduce(0) { total, type in
                total + (problem.groups.indices.contains { type.need($0, half: block.isHalf) > 0 } ? type.count : 0)
            }
            graph.addEdge(from: blockNode(b), to: 1, capacity: busy)
        }
        return demand - graph.maximiseFlow(from: 0, to: 1)
    }
}
