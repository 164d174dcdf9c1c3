import Foundation

/// What a notification command is told about the run: in its environment
/// (`STAGEBALANS_OUTCOME`, `STAGEBALANS_EXIT_CODE`, `STAGEBALANS_RUN_ID`, `STAGEBALANS_RUN_DIR`,
/// `STAGEBALANS_PIPELINE_NAME`) and on its standard input.
public struct NotificationContext: Sendable {
    /// What the command reads on standard input.
    public enum Input: Sendable {
        /// A file of the run (its summary.md), opened without following a link; empty when missing.
        case file(String)
        /// A text (a failed run's error), cut at `textLimit` bytes.
        case text(String)
    }

    /// published, held, unchanged or failed.
    public var outcome: String
    public var exitCode: Int32
    /// The run folder's id and path; empty for a failed run, which has none.
    public var runID: String
    public var runDirectory: String
    public var pipelineName: String
    public var input: Input

    public init(outcome: String, exitCode: Int32, runID: String, runDirectory: String, pipelineName: String, input: Input) {
        self.outcome = outcome
        self.exitCode = exitCode
        self.runID = runID
        self.runDirectory = runDirectory
        self.pipelineName = pipelineName
        self.input = input
    }

    /// A text handed on standard input goes into a pipe before the command starts: within the
    /// pipe's 64 KiB it never blocks, whether the command reads it or not.
    static let textLimit = 60 * 1024
}

/// How a notification command ended: its status, its output (the first `outputLimit` bytes of
/// standard output and standard error together) and how long it took.
public struct NotificationResult: Sendable {
    public enum Status: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)
        /// Still running at the time limit: its process group was killed.
        case timedOut(seconds: Int)
        /// It could not be started (no such program, not executable): the reason.
        case notStarted(String)
    }

    public var status: Status
    public var output: [UInt8]
    /// Output bytes beyond `outputLimit`, read and dropped.
    public var omittedBytes: Int
    public var seconds: Double

    public var succeeded: Bool { status == .exited(0) }
}

/// Runs `on_publish` / `on_hold_or_failure`. The command runs in a process group of its own,
/// with the signals' default actions, no descriptor of the run but its standard input, output
/// and error, and an environment without the run's own `STAGEBALANS_` variables (the pseudonym
/// key among them). At its time limit the whole group is killed. Nothing it does changes the
/// run: the caller logs the result.
public enum Notifier {
    public static let outputLimit = 16 * 1024

    /// The command's environment: the run's, minus every `STAGEBALANS_` variable, plus the context's.
    public static func environment(_ base: [String: String], _ context: NotificationContext) -> [String: String] {
        var environment = base.filter { !$0.key.hasPrefix("STAGEBALANS_") }
        environment["STAGEBALANS_OUTCOME"] = context.outcome
        environment["STAGEBALANS_EXIT_CODE"] = String(context.exitCode)
        environment["STAGEBALANS_RUN_ID"] = context.runID
        environment["STAGEBALANS_RUN_DIR"] = context.runDirectory
        environment["STAGEBALANS_PIPELINE_NAME"] = context.pipelineName
        return environment
    }

    public static func run(_ command: NotificationCommand, context: NotificationContext,
                           environment base: [String: String] = ProcessInfo.processInfo.environment) -> NotificationResult {
        let start = ContinuousClock.now
        func ended(_ status: NotificationResult.Status, _ output: [UInt8] = [], omitted: Int = 0) -> NotificationResult {
            NotificationResult(status: status, output: output, omittedBytes: omitted, seconds: StageClock.seconds(since: start))
        }
        guard let input = standardInput(context.input) else { return ended(.notStarted("cannot open its standard input: \(errnoText)")) }
        var outputPipe: [Int32] = [-1, -1]
        guard makePipe(&outputPipe) else {
            close(input)
            return ended(.notStarted("cannot make a pipe for its output: \(errnoText)"))
        }
        let spawned = spawn(command.arguments, environment: environment(base, context), input: input, output: outputPipe[1])
        close(input)
        close(outputPipe[1])
        defer { close(outputPipe[0]) }
        let pid: pid_t
        switch spawned {
        case .success(let started): pid = started
        case .failure(let reason): return ended(.notStarted(reason.message))
        }
        var collected = CollectedOutput()
        let status = waitForExit(pid, output: outputPipe[0], timeout: command.timeoutSeconds, into: &collected)
        return ended(status, collected.bytes, omitted: collected.omitted)
    }

    struct SpawnFailure: Error {
        var message: String
    }

    /// The process started with `posix_spawnp`: a program without a `/` is looked up on PATH.
    static func spawn(_ arguments: [String], environment: [String: String], input: Int32,
                      output: Int32) -> Result<pid_t, SpawnFailure> {
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_adddup2(&actions, input, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, output, 2)
        // Whatever the process holds open without close-on-exec stays with it, not the command.
        for descriptor in openDescriptors() where descriptor > 2 { posix_spawn_file_actions_addclose(&actions, descriptor) }
        var everySignal = sigset_t(), noSignal = sigset_t()
        sigfillset(&everySignal)
        sigemptyset(&noSignal)
        posix_spawnattr_setsigdefault(&attributes, &everySignal)
        posix_spawnattr_setsigmask(&attributes, &noSignal)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.sorted { $0.key < $1.key }.map { strdup($0.key + "=" + $0.value) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let error = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, envp)
        guard error == 0 else { return .failure(SpawnFailure(message: "cannot start '\(arguments[0])': " + String(cString: strerror(error)))) }
        return .success(pid)
    }

    /// The descriptors this process has open, from /proc/self/fd (Linux); none elsewhere.
    static func openDescriptors() -> [Int32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).compactMap { Int32($0) }
    }

    /// Standard input for the command: the file opened without following a link (an empty pipe
    /// when it is missing), or the text in a pipe; nil when not even a pipe can be made.
    static func standardInput(_ input: NotificationContext.Input) -> Int32? {
        if case .file(let path) = input {
            let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
            var status = stat()
            if descriptor >= 0, fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG {
                _ = fcntl(descriptor, F_SETFL, 0)
                return descriptor
            }
            if descriptor >= 0 { close(descriptor) }
        }
        var ends: [Int32] = [-1, -1]
        guard makePipe(&ends) else { return nil }
        if case .text(let text) = input {
            let bytes = Array(text.utf8.prefix(NotificationContext.textLimit))
            _ = bytes.withUnsafeBytes { write(ends[1], $0.baseAddress, $0.count) }
        }
        close(ends[1])
        return ends[0]
    }

    /// A pipe whose two ends close on exec (Glibc's module has no `pipe2`): the command gets
    /// them only as the descriptors the spawn duplicates.
    static func makePipe(_ ends: inout [Int32]) -> Bool {
        guard pipe(&ends) == 0 else { return false }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        return true
    }

    struct CollectedOutput {
        var bytes: [UInt8] = []
        var omitted = 0

        mutating func add(_ piece: ArraySlice<UInt8>) {
            let room = max(0, Notifier.outputLimit - bytes.count)
            bytes += piece.prefix(room)
            omitted += max(0, piece.count - room)
        }
    }

    /// Reads the command's output until it exits or its time is up; then its process group is
    /// killed. Output left in the pipe after it exits is read without waiting: a background
    /// process it left may hold the pipe open.
    static func waitForExit(_ pid: pid_t, output: Int32, timeout: Int, into collected: inout CollectedOutput) -> NotificationResult.Status {
        let deadline = ContinuousClock.now + .seconds(timeout)
        _ = fcntl(output, F_SETFL, fcntl(output, F_GETFL) | O_NONBLOCK)
        var open = true, status: Int32 = 0
        while true {
            if open {
                var poller = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
                _ = poll(&poller, 1, 50)
                open = drain(output, into: &collected)
            } else {
                usleep(20_000)
            }
            if waitpid(pid, &status, WNOHANG) == pid { break }
            if ContinuousClock.now >= deadline {
                kill(-pid, SIGKILL)
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                _ = drain(output, into: &collected)
                return .timedOut(seconds: timeout)
            }
        }
        _ = drain(output, into: &collected)
        return status & 0x7f == 0 ? .exited((status >> 8) & 0xff) : .signalled(status & 0x7f)
    }

    /// Reads what is in the pipe now, at most a MiB (a process left behind may write without
    /// end); false at its end (every writer closed it).
    static func drain(_ descriptor: Int32, into collected: inout CollectedOutput) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 4096)
        for _ in 0..<256 {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                collected.add(buffer[..<count])
            } else if count == 0 {
                return false
            } else {
                return errno == EINTR || errno == EAGAIN
            }
        }
        return true
    }

    static var errnoText: String { String(cString: strerror(errno)) }
}
