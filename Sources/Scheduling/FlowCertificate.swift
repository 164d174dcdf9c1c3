/// The proof behind a max-flow answer, in a form a reader can check without trusting the
/// algorithm: a schedule on the slots alone that places `value` student-blocks, and a cut whose
/// capacity is the same number. Any schedule crosses the cut, so none places more than the cut
/// lets through; this one places that much, so it is the most there is (weak duality: each of
/// the two proves the other).
public struct FlowCertificate: Sendable, Hashable {
    /// flow[g][b]: students of group g in block b on the slots, no extra slot.
    public var flow: [[Int]]
    /// Σ flow: the student-blocks the slots can hold at most.
    public var value: Int
    /// The cut's source side: group g's node for whole blocks (`sourceWhole[g]`) and for
    /// half-blocks (`sourceHalf[g]`), and the blocks by position. The source is in it, the sink not.
    public var sourceWhole: [Bool]
    public var sourceHalf: [Bool]
    public var sourceBlocks: [Int]
    /// The capacity of the network's edges from the source side to the rest.
    public var cutCapacity: Int

    public init(flow: [[Int]], value: Int, sourceWhole: [Bool], sourceHalf: [Bool], sourceBlocks: [Int], cutCapacity: Int) {
        self.flow = flow
        self.value = value
        self.sourceWhole = sourceWhole
        self.sourceHalf = sourceHalf
        self.sourceBlocks = sourceBlocks
        self.cutCapacity = cutCapacity
    }
}

extension CohortFlow {
    /// The maximum flow over the slots of the problem's first type and its minimum cut (the
    /// certificate `solve`'s feasibility and bottleneck rest on); nil without a type.
    public static func certificate(_ problem: CohortProblem) -> FlowCertificate? {
        guard let need = problem.types.first else { return nil }
        var built = network(problem, students: need.count, need: need)
        let onSlots: (FlowNetwork.Edge) -> Bool = { $0.cost == 0 }
        let value = built.graph.maximiseFlow(from: built.layout.source, to: built.layout.sink, usable: onSlots)
        let flow = built.cells.map { row in row.map { edge in edge.map { built.graph.flow($0) } ?? 0 } }
        let side = built.graph.sourceSide(of: built.layout.source, usable: onSlots)
        let layout = built.layout
        return FlowCertificate(flow: flow, value: value,
                               sourceWhole: problem.groups.indices.map { side[layout.group($0, half: false)] },
                               sourceHalf: problem.groups.indices.map { side[layout.group($0, half: true)] },
                               sourceBlocks: problem.blocks.indices.filter { side[layout.block($0)] },
                               cutCapacity: built.graph.cut(side, usable: onSlots).capacity)
    }
}
