/// A mixed-integer linear programme as plain values: minimise Σ objective × x over columns with
/// bounds, subject to rows lower ≤ Σ coefficient × x ≤ upper. Scheduling builds it; a solver
/// module (CoinSolver, CBC through its C interface) solves it, handed in as a `LinearSolver`.
public struct LinearProgram: Sendable {
    public struct Column: Sendable, Hashable {
        public var lower: Double
        public var upper: Double
        public var objective: Double
        public var isInteger: Bool

        public init(lower: Double = 0, upper: Double = .infinity, objective: Double = 0, isInteger: Bool = true) {
            self.lower = lower
            self.upper = upper
            self.objective = objective
            self.isInteger = isInteger
        }
    }

    public struct Row: Sendable, Hashable {
        public var columns: [Int]
        public var coefficients: [Double]
        public var lower: Double
        public var upper: Double

        public init(columns: [Int], coefficients: [Double], lower: Double = -.infinity, upper: Double = .infinity) {
            self.columns = columns
            self.coefficients = coefficients
            self.lower = lower
            self.upper = upper
        }
    }

    public var columns: [Column] = []
    public var rows: [Row] = []
    /// A solution to start from (one value per column), when the caller has one: a solver that
    /// takes it (CBC's MIP start) searches from there instead of from nothing.
    public var start: [Double]?

    public init() {}

    public mutating func addColumn(_ column: Column) -> Int {
        columns.append(column)
        return columns.count - 1
    }

    public mutating func addRow(_ row: Row) {
        rows.append(row)
    }
}

/// What a solver says of a programme.
public struct LinearProgramSolution: Sendable {
    public enum Status: Sendable, Hashable {
        /// An integer solution proven optimal.
        case optimal
        /// No solution exists.
        case infeasible
        /// Stopped by the time limit: `values` is the best integer solution found, if any, and
        /// `bound` the best bound on the optimum (the linear relaxation's at least).
        case stopped
    }

    public var status: Status
    public var values: [Double]
    public var objective: Double?
    public var bound: Double?

    public init(status: Status, values: [Double], objective: Double?, bound: Double?) {
        self.status = status
        self.values = values
        self.objective = objective
        self.bound = bound
    }
}

/// Solves a programme within a time limit in seconds.
public typealias LinearSolver = @Sendable (LinearProgram, _ seconds: Double) -> LinearProgramSolution
