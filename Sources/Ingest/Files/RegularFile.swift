import Domain

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the file system says about one file: which file it is (device, inode) and its state
/// (size, modification and status-change times, in nanoseconds). Two equal identities are the
/// same file, not written since; the history keeps the identity of the file each input was
/// read from, so that the next night's unchanged check can see a replaced file without reading it.
public struct FileIdentity: Sendable, Hashable, CustomStringConvertible {
    public var device: UInt64
    public var inode: UInt64
    public var size: Int
    public var modified: Int64
    public var statusChanged: Int64

    init(_ status: stat) {
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
        size = Int(status.st_size)
        #if canImport(Darwin)
        modified = Int64(status.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(status.st_mtimespec.tv_nsec)
        statusChanged = Int64(status.st_ctimespec.tv_sec) * 1_000_000_000 + Int64(status.st_ctimespec.tv_nsec)
        #else
        modified = Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec)
        statusChanged = Int64(status.st_ctim.tv_sec) * 1_000_000_000 + Int64(status.st_ctim.tv_nsec)
        #endif
    }

    /// The form kept in the history: `device:inode:size:mtime:ctime`.
    public var description: String { "\(device):\(inode):\(size):\(modified):\(statusChanged)" }

    /// The identity of what `path` names now (following symbolic links), without opening it.
    public static func current(_ path: String) -> FileIdentity? {
        var status = stat()
        return stat(path, &status) == 0 ? FileIdentity(status) : nil
    }
}

/// How every file the tool reads is opened: only a regular file, and with `confine_paths` only
/// one that really lies in the confinement folder.
///
/// A FIFO, a terminal or `/dev/zero` would never end (or never start): the open is
/// non-blocking, so that a FIFO without a writer does not wait, and `fstat` on the descriptor
/// says what was opened before a byte is read. The confinement is checked on the descriptor
/// too (its real path from the kernel), not on the name: a symbolic link renamed into place
/// after the definition was checked is caught.
public enum RegularFile {
    /// Opens `path` for reading; the descriptor is blocking again when returned.
    public static func open(_ path: String, confinedTo folder: String? = nil) throws(FileReadError) -> (descriptor: Int32, identity: FileIdentity) {
        #if canImport(Darwin)
        let descriptor = Darwin.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        #else
        let descriptor = Glibc.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        #endif
        guard descriptor >= 0 else { throw FileReadError(path: path, message: "cannot open: " + errnoText()) }
        do throws(FileReadError) {
            var status = stat()
            guard fstat(descriptor, &status) == 0 else { throw FileReadError(path: path, message: "cannot stat: " + errnoText()) }
            guard (status.st_mode & S_IFMT) == S_IFREG else {
                throw FileReadError(path: path, message: "is \(kind(status.st_mode)), not a regular file; only regular files are read")
            }
            if let folder { try confine(descriptor, path: path, to: folder) }
            let flags = fcntl(descriptor, F_GETFL)
            guard flags >= 0, fcntl(descriptor, F_SETFL, flags & ~O_NONBLOCK) == 0 else {
                throw FileReadError(path: path, message: "cannot set the file to blocking reads: " + errnoText())
            }
            return (descriptor, FileIdentity(status))
        } catch {
            close(descriptor)
            throw error
        }
    }

    /// The whole of a small file (the definition, reference data, a key), opened as `open` does.
    public static func contents(_ path: String, confinedTo folder: String? = nil) throws(FileReadError) -> [UInt8] {
        var bytes: [UInt8] = []
        try forEachChunk(path, confinedTo: folder) { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// Reads a file front to back in chunks, opened as `open` does; returns its identity when opened.
    @discardableResult
    public static func forEachChunk(_ path: String, confinedTo folder: String? = nil,
                                    _ body: (UnsafeRawBufferPointer) -> Void) throws(FileReadError) -> FileIdentity {
        let file = try ChunkedFile(path: path, confinedTo: folder)
        do {
            try file.forEachChunk { body(UnsafeRawBufferPointer($0)) }
            try file.checkUnchanged()
        } catch let error as FileReadError {
            throw error
        } catch {
            throw FileReadError(path: path, message: "\(error)")
        }
        return file.identity
    }

    /// What a file that is not regular is, for the message.
    static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFDIR: return "a folder"
        case S_IFSOCK: return "a socket"
        default: return "not a regular file (mode \(String(mode & S_IFMT, radix: 8)))"
        }
    }

    /// The file the descriptor really is, by the kernel's account; nil where it cannot say.
    static func realPath(of descriptor: Int32) -> String? {
        #if canImport(Darwin)
        var buffer = [CChar](repeating: 0, count: Int(MAXPATHLEN))
        guard fcntl(descriptor, F_GETPATH, &buffer) == 0 else { return nil }
        return String(cString: buffer)
        #else
        var buffer = [CChar](repeating: 0, count: 4097)
        let count = readlink("/proc/self/fd/\(descriptor)", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        #endif
    }

    private static func confine(_ descriptor: Int32, path: String, to folder: String) throws(FileReadError) {
        guard let real = realPath(of: descriptor) else {
            throw FileReadError(path: path, message: "cannot tell where the opened file lies, and confine_paths: true needs to")
        }
        let inside = folder.hasSuffix("/") ? folder : folder + "/"
        guard real.hasPrefix(inside) else {
            throw FileReadError(path: path, message: "the file opened is \(real), outside the definition's folder \(folder); "
                                + "confine_paths: true forbids that (was a symbolic link put in its place?)")
        }
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
