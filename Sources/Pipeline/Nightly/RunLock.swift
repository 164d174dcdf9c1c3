import Foundation

/// The output folder's lock: an OS file lock (`flock`) on `OUTPUT/.lock`, so that the kernel
/// releases it when the holder dies, however it dies; a lock left by a killed run never
/// blocks the next night. The file names the holder (pid and start time) for the message a
/// second run prints.
final class RunLock {
    let path: String
    private let descriptor: Int32

    struct Held: Error, Sendable {
        var path: String
        var holder: String
    }

    /// Takes the lock without waiting; `Held` when another process has it.
    static func acquire(outputDirectory: String, startedAt: Date) throws(OutputError) -> Result<RunLock, Held> {
        do {
            try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
        } catch {
            throw OutputError(path: outputDirectory, message: "cannot create the output folder: \(error.localizedDescription)")
        }
        let path = outputDirectory + "/.lock"
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw OutputError(path: path, message: "cannot open the lock file: " + String(cString: strerror(errno)))
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            close(descriptor)
            guard busy else { throw OutputError(path: path, message: "cannot lock: " + String(cString: strerror(errno))) }
            return .failure(Held(path: path, holder: holder.flatMap { $0.isEmpty ? nil : $0 } ?? "another process"))
        }
        let text = "pid \(getpid()), started \(ISO8601DateFormatter().string(from: startedAt))\n"
        _ = ftruncate(descriptor, 0)
        _ = text.withCString { pwrite(descriptor, $0, strlen($0), 0) }
        return .success(RunLock(path: path, descriptor: descriptor))
    }

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit {
        _ = ftruncate(descriptor, 0)
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
