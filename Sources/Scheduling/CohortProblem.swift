import Rules

/// Students with the same requirements in the planned year: how many, and how many blocks of
/// each group (in the order of `CohortProblem.groups`) each of them needs, whole and half.
public struct StudentType: Sendable, Hashable {
    public var count: Int
    public var wholeBlocks: [Int]
    public var halfBlocks: [Int]

    public init(count: Int, wholeBlocks: [Int], halfBlocks: [Int]) {
        self.count = count
        self.wholeBlocks = wholeBlocks
        self.halfBlocks = halfBlocks
    }

    /// The blocks of group `group` a student needs in a block's family (whole or half).
    public func need(_ group: Int, half: Bool) -> Int { half ? halfBlocks[group] : wholeBlocks[group] }
}

/// The feasibility question as numbers: groups × blocks, the cohort's places per (group,
/// block) summed over the sites, and the students by type.
public struct CohortProblem: Sendable {
    public var groups: [String]
    public var blocks: [PlanningBlock]
    /// slots[g][b]: students that group g's agreements valid over block b can take, all sites together.
    public var slots: [[Int]]
    public var types: [StudentType]

    public init(groups: [String], blocks: [PlanningBlock], slots: [[Int]], types: [StudentType]) {
        self.groups = groups
        self.blocks = blocks
        self.slots = slots
        self.types = types
    }

    public var students: Int { types.reduce(0) { $0 + $1.count } }

    /// Student-blocks the cohort needs in all groups together.
    public var demand: Int {
        types.reduce(0) { total, type in total + type.count * (type.wholeBlocks.reduce(0, +) + type.halfBlocks.reduce(0, +)) }
    }

    /// The same question for `count` students of the first type (a range's step).
    public func withStudents(_ count: Int) -> CohortProblem {
        var copy = self
        if !copy.types.isEmpty {
            copy.types = [copy.types[0]]
            copy.types[0].count = count
        }
        return copy
    }
}

/// A (group, block) of the schedule, by position in the problem.
public struct GroupBlock: Sendable, Hashable, Comparable {
    public var group: Int
    public var block: Int

    public init(group: Int, block: Int) {
        self.group = group
        self.block = block
    }

    public static func < (lhs: GroupBlock, rhs: GroupBlock) -> Bool { (lhs.block, lhs.group) < (rhs.block, rhs.group) }
}

/// What stops the cohort, read off a minimum cut: `groups` need `demand` student-blocks (every
/// student of theirs), but the cut lets through only `capacity`: the slots of `fullCells` (the
/// groups' blocks whose slots are all taken) plus the cohort in `busyBlocks` (blocks where every
/// student is placed already). The other groups' demand crosses the cut whole. The shortfall is
/// the flow the cohort misses.
public struct Bottleneck: Sendable, Hashable {
    public var groups: [Int]
    public var fullCells: [GroupBlock]
    public var busyBlocks: [Int]
    public var demand: Int
    public var capacity: Int
    public var shortfall: Int

    public init(groups: [Int], fullCells: [GroupBlock], busyBlocks: [Int], demand: Int, capacity: Int, shortfall: Int) {
        self.groups = groups
        self.fullCells = fullCells
        self.busyBlocks = busyBlocks
        self.demand = demand
        self.capacity = capacity
        self.shortfall = shortfall
    }
}

/// The plan's answer for one cohort.
public struct CohortAnswer: Sendable {
    public enum Method: String, Sendable {
        /// One type of student: a maximum flow, exact, with its minimum cut.
        case maxFlow = "max-flow"
        /// Several types: an integer programme over the types, solved to optimality.
        case integerProgram = "integer-programme"
        /// Several types, the integer programme not solved in time: the linear programme's bound.
        case linearBound = "linear-bound"
    }

    public var method: Method
    public var students: Int
    /// nil when only a bound is known.
    public var feasible: Bool?
    /// placed[g][b]: students in group g in block b, on the slots there and on `extra`.
    public var placed: [[Int]]
    /// extra[g][b]: the smallest set of extra slots that makes the cohort fit, all zero when it
    /// fits. A slot is one student in one block: one more in blocks 3 and 4 is two.
    public var extra: [[Int]]
    /// Only when it does not fit and the method gives a cut (max-flow).
    public var bottleneck: Bottleneck?
    /// A linear bound: at least this many extra slots (when `feasible` is nil, or to prove no fit).
    public var extraLowerBound: Int?
    /// Why no number of extra slots helps: the calendar cannot hold a student's demand.
    public var calendarShortfall: String?

    public init(method: Method, students: Int, feasible: Bool?, placed: [[Int]], extra: [[Int]], bottleneck: Bottleneck? = nil,
                extraLowerBound: Int? = nil, calendarShortfall: String? = nil) {
        self.method = method
        self.students = students
        self.feasible = feasible
        self.placed = placed
        self.extra = extra
        self.bottleneck = bottleneck
        self.extraLowerBound = extraLowerBound
        self.calendarShortfall = calendarShortfall
    }

    public var extraSlots: Int { extra.reduce(0) { $0 + $1.reduce(0, +) } }
}
