internal import CCoinCbc
import Scheduling

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// CBC (COIN-OR branch and cut, EPL-2.0) through its C interface, as a `LinearSolver`: the
/// programme goes in as plain values, the answer comes out as plain values, and no pointer of
/// CBC's outlives a call. A module of its own, without Foundation: C modules beside Foundation
/// and libxml2's headers have failed clean builds on ICU's `UErrorCode` (docs/architecture.md).
public enum CBC {
    /// Solves with CBC's default cuts and heuristics, silent, within `seconds`.
    public static let solver: LinearSolver = { program, seconds in solve(program, seconds: seconds) }

    /// The programme solved within `seconds` (the whole of CBC's branch and bound; the first
    /// linear relaxation is not interrupted). Solves run one at a time in a process: CBC 2.10's
    /// `CbcMain1`, behind `Cbc_solve`, keeps some of its settings in static variables.
    public static func solve(_ program: LinearProgram, seconds: Double) -> LinearProgramSolution {
        if program.columns.isEmpty { return withoutColumns(program) }
        return SolverLock.shared.withLock { solveLocked(program, seconds: seconds) }
    }

    private static func solveLocked(_ program: LinearProgram, seconds: Double) -> LinearProgramSolution {
        guard let model = Cbc_newModel() else {
            return LinearProgramSolution(status: .stopped, values: [], objective: nil, bound: nil)
        }
        defer { Cbc_deleteModel(model) }
        load(program, into: model)
        Cbc_setLogLevel(model, 0)
        if seconds.isFinite, seconds > 0 {
            // Wall-clock seconds: CBC counts CPU seconds by default, which on a busy machine overran 10 s twice.
            Cbc_setParameter(model, "timeMode", "elapsed")
            Cbc_setMaximumSeconds(model, seconds)
        }
        if let start = program.start, start.count == program.columns.count {
            let columns = (0..<Int32(start.count)).map { $0 }
            Cbc_setMIPStartI(model, Int32(start.count), columns, start)
        }
        _ = Cbc_solve(model)
        return solution(of: model, columns: program.columns.count)
    }

    /// Writes the programme as an MPS file at `path` + ".mps.gz" (CBC adds the extension and compresses), for a
    /// peer solver to read (scripts/highs_peer.py). False when CBC has no model to give.
    public static func writeMPS(_ program: LinearProgram, path: String) -> Bool {
        SolverLock.shared.withLock {
            guard let model = Cbc_newModel() else { return false }
            defer { Cbc_deleteModel(model) }
            load(program, into: model)
            path.withCString { Cbc_writeMps(model, $0) }
            return true
        }
    }

    /// The programme as CBC's column-major matrix in one `Cbc_loadProblem` (faster than a call per
    /// row: docs/planning.md), then the integer columns.
    static func load(_ program: LinearProgram, into model: UnsafeMutableRawPointer) {
        let matrix = ColumnMajor(program)
        let lower = program.columns.map { finite($0.lower) }
        let upper = program.columns.map { finite($0.upper) }
        let objective = program.columns.map(\.objective)
        let rowLower = program.rows.map { finite($0.lower) }
        let rowUpper = program.rows.map { finite($0.upper) }
        Cbc_loadProblem(model, Int32(program.columns.count), Int32(program.rows.count), matrix.starts, matrix.rows, matrix.values,
                        lower, upper, objective, rowLower, rowUpper)
        for (index, column) in program.columns.enumerated() where column.isInteger {
            Cbc_setInteger(model, Int32(index))
        }
    }

    /// CBC's infinity is DBL_MAX (COIN_DBL_MAX); an IEEE infinity is taken as one too, but said plainly.
    static func finite(_ value: Double) -> Double {
        if value == .infinity { return .greatestFiniteMagnitude }
        if value == -.infinity { return -.greatestFiniteMagnitude }
        return value
    }

    static func solution(of model: UnsafeMutableRawPointer, columns: Int) -> LinearProgramSolution {
        if Cbc_isProvenOptimal(model) != 0, let values = copy(Cbc_getColSolution(model), count: columns) {
            let objective = Cbc_getObjValue(model)
            return LinearProgramSolution(status: .optimal, values: values, objective: objective, bound: objective)
        }
        if Cbc_isProvenInfeasible(model) != 0 {
            return LinearProgramSolution(status: .infeasible, values: [], objective: nil, bound: nil)
        }
        // Stopped (time, or numerical trouble: status 2): the best integer solution, if any, and the bound.
        let incumbent = copy(Cbc_bestSolution(model), count: columns)
        let bound = Cbc_getBestPossibleObjValue(model)
        return LinearProgramSolution(status: .stopped, values: incumbent ?? [], objective: incumbent.map { _ in Cbc_getObjValue(model) },
                                     bound: bound.isFinite && abs(bound) < 1e20 && Cbc_status(model) != 2 ? bound : nil)
    }

    /// The values CBC hands back, copied before the model is deleted; nil for a null pointer.
    static func copy(_ pointer: UnsafePointer<Double>?, count: Int) -> [Double]? {
        guard let pointer else { return nil }
        return Array(UnsafeBufferPointer(start: pointer, count: count))
    }

    static func copy(_ pointer: UnsafeMutablePointer<Double>?, count: Int) -> [Double]? {
        copy(pointer.map { UnsafePointer($0) }, count: count)
    }

    /// No columns: every row's activity is 0, so the programme is its rows' bounds around 0.
    static func withoutColumns(_ program: LinearProgram) -> LinearProgramSolution {
        let holds = program.rows.allSatisfy { $0.lower <= 0 && 0 <= $0.upper }
        return LinearProgramSolution(status: holds ? .optimal : .infeasible, values: [], objective: holds ? 0 : nil, bound: holds ? 0 : nil)
    }
}

/// The rows' coefficients regrouped by column, as `Cbc_loadProblem` takes them: column j's
/// entries are rows[starts[j] ..< starts[j + 1]] with values alike. A column named twice in one
/// row is one entry with the coefficients summed (CoinPackedMatrix refuses duplicates); a column
/// index outside the programme is a caller's mistake and left out.
struct ColumnMajor {
    var starts: [Int32]
    var rows: [Int32]
    var values: [Double]

    init(_ program: LinearProgram) {
        var perColumn = Array(repeating: [(row: Int32, value: Double)](), count: program.columns.count)
        for (rowIndex, row) in program.rows.enumerated() {
            for (column, value) in zip(row.columns, row.coefficients) where program.columns.indices.contains(column) {
                if let last = perColumn[column].last, last.row == Int32(rowIndex) {
                    perColumn[column][perColumn[column].count - 1].value += value
                } else {
                    perColumn[column].append((Int32(rowIndex), value))
                }
            }
        }
        starts = [0]
        starts.reserveCapacity(program.columns.count + 1)
        rows = []
        values = []
        for entries in perColumn {
            for entry in entries where entry.value != 0 {
                rows.append(entry.row)
                values.append(entry.value)
            }
            starts.append(Int32(rows.count))
        }
    }
}

/// One mutex for the process's CBC solves (see `CBC.solve`), a pthread mutex that lives as long
/// as the process: a lock, not state.
final class SolverLock: @unchecked Sendable {
    static let shared = SolverLock()
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    private init() {
        mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    func withLock<Result>(_ body: () -> Result) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }
}
