/// A directed network with integer capacities and costs, solved in place: a maximum flow
/// (Dinic's algorithm), the minimum cut that proves it, and a minimum-cost augmentation
/// (successive shortest paths). Written out in full rather than taken from a library: the
/// plan's networks have a few hundred edges, and the proof a coordinator is shown is read off
/// this residual graph (which nodes the source still reaches), which a solver library does not
/// hand back.
public struct FlowNetwork: Sendable {
    public struct Edge: Sendable, Hashable {
        public var from: Int
        public var to: Int
        public var capacity: Int
        public var cost: Int
        public var flow: Int
        public var residual: Int { capacity - flow }
    }

    /// Edges in pairs: edge 2k is the one added, 2k + 1 its reverse (capacity 0, cost negated).
    public private(set) var edges: [Edge] = []
    private var outgoing: [[Int]]

    public init(nodes: Int) {
        outgoing = Array(repeating: [], count: nodes)
    }

    public var nodeCount: Int { outgoing.count }

    /// Adds an edge and returns its index (the reverse edge is the next one).
    @discardableResult
    public mutating func addEdge(from: Int, to: Int, capacity: Int, cost: Int = 0) -> Int {
        let index = edges.count
        edges.append(Edge(from: from, to: to, capacity: capacity, cost: cost, flow: 0))
        edges.append(Edge(from: to, to: from, capacity: 0, cost: -cost, flow: 0))
        outgoing[from].append(index)
        outgoing[to].append(index + 1)
        return index
    }

    /// The flow on an added edge.
    public func flow(_ edge: Int) -> Int { edges[edge].flow }

    private mutating func push(_ amount: Int, along edge: Int) {
        edges[edge].flow += amount
        edges[edge ^ 1].flow -= amount
    }

    // MARK: maximum flow

    /// Raises the flow from `source` to `sink` to a maximum over the edges with `usable`
    /// (all by default) and returns the amount added.
    @discardableResult
    public mutating func maximiseFlow(from source: Int, to sink: Int, usable: (Edge) -> Bool = { _ in true }) -> Int {
        var added = 0
        while let level = levels(from: source, to: sink, usable: usable) {
            var next = Array(repeating: 0, count: nodeCount)
            while true {
                let pushed = augment(source, sink, .max, level, &next, usable)
                if pushed == 0 { break }
                added += pushed
            }
        }
        return added
    }

    /// Breadth-first distances over edges with residual capacity; nil when the sink is cut off.
    private func levels(from source: Int, to sink: Int, usable: (Edge) -> Bool) -> [Int]? {
        var level = Array(repeating: -1, count: nodeCount)
        level[source] = 0
        var queue = [source]
        var head = 0
        while head < queue.count {
            let node = queue[head]
            head += 1
            for index in outgoing[node] where edges[index].residual > 0 && level[edges[index].to] < 0 && usable(edges[index]) {
                level[edges[index].to] = level[node] + 1
                queue.append(edges[index].to)
            }
        }
        return level[sink] < 0 ? nil : level
    }

    /// One blocking-flow step of Dinic's algorithm (the networks are shallow: four levels).
    private mutating func augment(_ node: Int, _ sink: Int, _ limit: Int, _ level: [Int], _ next: inout [Int],
                                  _ usable: (Edge) -> Bool) -> Int {
        if node == sink { return limit }
        while next[node] < outgoing[node].count {
            let index = outgoing[node][next[node]]
            let edge = edges[index]
            if edge.residual > 0, level[edge.to] == level[node] + 1, usable(edge) {
                let pushed = augment(edge.to, sink, min(limit, edge.residual), level, &next, usable)
                if pushed > 0 {
                    push(pushed, along: index)
                    return pushed
                }
            }
            next[node] += 1
        }
        return 0
    }

    // MARK: the minimum cut

    /// The nodes the source still reaches through residual capacity (over `usable` edges).
    /// After a maximum flow they are the source side of a minimum cut: every edge from them to
    /// the rest is full, and those edges' capacities add up to the flow (max-flow min-cut).
    public func sourceSide(of source: Int, usable: (Edge) -> Bool = { _ in true }) -> [Bool] {
        var reached = Array(repeating: false, count: nodeCount)
        reached[source] = true
        var stack = [source]
        while let node = stack.popLast() {
            for index in outgoing[node] where edges[index].residual > 0 && !reached[edges[index].to] && usable(edges[index]) {
                reached[edges[index].to] = true
                stack.append(edges[index].to)
            }
        }
        return reached
    }

    /// The added edges that cross from `side` to the rest, and their total capacity.
    public func cut(_ side: [Bool], usable: (Edge) -> Bool = { _ in true }) -> (edges: [Int], capacity: Int) {
        var crossing: [Int] = []
        var capacity = 0
        for index in stride(from: 0, to: edges.count, by: 2) where side[edges[index].from] && !side[edges[index].to] && usable(edges[index]) {
            crossing.append(index)
            capacity += edges[index].capacity
        }
        return (crossing, capacity)
    }

    // MARK: minimum cost

    /// Adds up to `amount` more flow from `source` to `sink` along cheapest paths (Bellman-Ford
    /// over the residual graph, whose reverse edges have negative costs), one path at a time.
    /// Started from a flow of least cost for its amount (a maximum flow over the edges of cost
    /// 0 is one), every step keeps it so. Returns the amount added.
    @discardableResult
    public mutating func augmentAtLeastCost(from source: Int, to sink: Int, amount: Int) -> Int {
        var added = 0
        while added < amount {
            guard let path = cheapestPath(from: source, to: sink) else { break }
            var bottleneck = amount - added
            for index in path { bottleneck = min(bottleneck, edges[index].residual) }
            for index in path { push(bottleneck, along: index) }
            added += bottleneck
        }
        return added
    }

    private func cheapestPath(from source: Int, to sink: Int) -> [Int]? {
        var distance = Array(repeating: Int.max, count: nodeCount)
        var via = Array(repeating: -1, count: nodeCount)
        var queued = Array(repeating: false, count: nodeCount)
        distance[source] = 0
        var queue = [source]
        queued[source] = true
        var head = 0
        while head < queue.count {
            let node = queue[head]
            head += 1
            queued[node] = false
            for index in outgoing[node] where edges[index].residual > 0 {
                let edge = edges[index]
                let through = distance[node] + edge.cost
                if through < distance[edge.to] {
                    distance[edge.to] = through
                    via[edge.to] = index
                    if !queued[edge.to] {
                        queued[edge.to] = true
                        queue.append(edge.to)
                    }
                }
            }
        }
        guard distance[sink] != .max else { return nil }
        var path: [Int] = []
        var node = sink
        while node != source {
            path.append(via[node])
            node = edges[via[node]].from
        }
        return path.reversed()
    }
}
