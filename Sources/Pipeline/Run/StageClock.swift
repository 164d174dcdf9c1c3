import Foundation

/// The stages' wall times, as the manifest and the log give them, and what happens as each
/// stage starts: the caller is told (logging, progress) and a test may crash the process there.
struct StageClock {
    /// Seconds per stage, in the order the stages ran.
    private(set) var timings: [(stage: String, seconds: Double)] = []
    private var lapStart = ContinuousClock.now
    private let onStage: (@Sendable (String) -> Void)?
    private let environment: [String: String]

    init(_ options: RunOptions) {
        onStage = options.onStage
        environment = options.environment
    }

    /// Seconds since `start`: the one duration helper of laps and partition timings.
    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// Seconds since the last lap.
    var sinceLap: Double { Self.seconds(since: lapStart) }

    /// `stage` took the time since the last lap; the next lap starts now.
    mutating func lap(_ stage: String) {
        timings.append((stage, sinceLap))
        lapStart = ContinuousClock.now
    }

    /// A stage measured piece by piece (normalize and reconcile alternate per partition).
    mutating func add(_ stage: String, seconds: Double) {
        timings.append((stage, seconds))
    }

    /// The next lap counts `seconds` spent before now (the report work done per partition).
    mutating func restartLap(counting seconds: Double) {
        lapStart = ContinuousClock.now - .seconds(seconds)
    }

    /// A stage starts: the caller is told, and `STAGEBALANS_CRASH_AT=ingest|normalize|reconcile|report|publish`
    /// kills the process here exactly as `kill -9` would (the tests of atomic publishing).
    func start(_ stage: String) {
        onStage?(stage)
        crashPoint(stage)
    }

    /// A point inside a stage where a test may kill the process: `record`, between the rename
    /// of the run's folder into `runs/` and its record in the history (the orphan run folder).
    func crashPoint(_ name: String) {
        if environment["STAGEBALANS_CRASH_AT"] == name { kill(getpid(), SIGKILL) }
    }
}
