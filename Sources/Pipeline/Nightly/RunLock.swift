import Foundation

/// The output folder's lock: an OS file lock (`flock`) on `OUTPUT/.lock`, so that the kernel
/// releases it when the holder dies, however it dies; a lock left by a killed run never
/// blocks the next night. The file names the holder (pid and start time) for the message a
/// second run prints. It is opened with `O_NOFOLLOW` and must be a plain file of one link:
/// the run truncates it, and a `.lock` planted as a link would truncate another file.
final class RunLock {
    let path: String
    private let descriptor: Int32

    struct Held: Error, Sendable {
        var path: String
        var holder: String
    }

    /// Takes the lock without waiting; `Held` when another process has it.
    static func acquire(_ folder: OutputFolder, startedAt: Date) throws(OutputError) -> Result<RunLock, Held> {
        let path = folder.path + "/" + OutputFolder.lock
        let descriptor = openat(folder.descriptor, OutputFolder.lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            if errno == ELOOP || folder.kind(of: OutputFolder.lock) == .symbolicLink { throw folder.linkRefused(OutputFolder.lock) }
            throw OutputError(path: path, message: "cannot open the lock file: " + String(cString: strerror(errno)))
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG, status.st_nlink == 1 else {
            close(descriptor)
            throw OutputError(path: path, message: "'.lock' is not a plain file of its own (a device, a pipe or a hard link to "
                              + "another file); stagebalans truncates it on every run: remove it")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            let holder = contents(descriptor).trimmingCharacters(in: .whitespacesAndNewlines)
            close(descriptor)
            guard busy else { throw OutputError(path: path, message: "cannot lock: " + String(cString: strerror(errno))) }
            return .failure(Held(path: path, holder: holder.isEmpty ? "another process" : holder))
        }
        let text = "pid \(getpid()), started \(ISO8601DateFormatter().string(from: startedAt))\n"
        _ = ftruncate(descriptor, 0)
        _ = text.withCString { pwrite(descriptor, $0, strlen($0), 0) }
        return .success(RunLock(path: path, descriptor: descriptor))
    }

    /// The holder's line, read from the open file (at most a few hundred bytes).
    private static func contents(_ descriptor: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 512)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        return String(decoding: buffer.prefix(max(count, 0)), as: UTF8.self)
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
