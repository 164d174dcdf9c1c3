import Domain

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a whole file could not be read. Rendered by the caller with the file's path.
public struct FileReadError: Error, Sendable, Equatable {
    public var path: String
    public var message: String
}

/// Reads a file front to back in fixed chunks, so that memory stays flat whatever its size.
struct ChunkedFile: ~Copyable {
    let path: String
    private let descriptor: Int32
    let size: Int

    /// Which file was opened, and its state then: a file written while it is read is refused.
    let identity: FileIdentity

    /// Opens a regular file only (see `RegularFile.open`), inside `confinedTo` when given.
    init(path: String, confinedTo folder: String? = nil) throws(FileReadError) {
        self.path = path
        (descriptor, identity) = try RegularFile.open(path, confinedTo: folder)
        size = identity.size
    }

    deinit { close(descriptor) }

    var fileDescriptor: Int32 { descriptor }

    /// Calls `body` with each chunk in order. Returns the number of bytes read.
    @discardableResult
    func forEachChunk(size chunkSize: Int = 1 << 20, _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws -> Int {
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: chunkSize)
        defer { buffer.deallocate() }
        var total = 0
        while true {
            let count = read(descriptor, buffer.baseAddress, chunkSize)
            if count < 0 {
                if errno == EINTR { continue }
                throw FileReadError(path: path, message: "read failed after \(total) bytes: " + ChunkedFile.errnoText())
            }
            if count == 0 {
                // A regular file that ends before its size at opening was cut short while read
                // (another program still writing it, or truncating it): its records are not
                // to be trusted.
                if total < size {
                    throw FileReadError(path: path, message: Self.changedWhileRead(opened: size, now: total))
                }
                return total
            }
            total += count
            if total > size && size > 0 {
                throw FileReadError(path: path, message: Self.changedWhileRead(opened: size, now: total))
            }
            try body(UnsafeBufferPointer(rebasing: buffer[0..<count]))
        }
    }

    /// Fails when the file was written since it was opened (its size or modification time
    /// changed): the bytes read may mix two versions. A file renamed over the path meanwhile is
    /// not this file, and what was read stays whole.
    func checkUnchanged() throws(FileReadError) {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw FileReadError(path: path, message: "cannot stat: " + ChunkedFile.errnoText())
        }
        let now = FileIdentity(status)
        guard now.size == identity.size, now.modified == identity.modified else {
            throw FileReadError(path: path, message: now.size != identity.size
                ? Self.changedWhileRead(opened: identity.size, now: now.size)
                : "the file was written while it was read (its modification time changed); is another program writing it?")
        }
    }

    func rewind() throws(FileReadError) {
        guard lseek(descriptor, 0, SEEK_SET) == 0 else {
            throw FileReadError(path: path, message: "cannot seek: " + ChunkedFile.errnoText())
        }
    }

    /// Why a file that changed while it was read is not used: `now` bytes (read, or there now)
    /// against the size it had when opened.
    static func changedWhileRead(opened: Int, now: Int) -> String {
        now < opened
            ? "the file shrank while it was read: \(opened) bytes when opened, only \(now) there; is another program writing it?"
            : "the file grew while it was read: \(opened) bytes when opened; is another program still writing it?"
    }

    static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}

extension ChunkedFile {
    /// The file's first bytes, for sniffing a BOM and a header line; does not move the read position.
    func prefix(_ maxBytes: Int) throws(FileReadError) -> [UInt8] {
        try bytes(from: 0, count: maxBytes)
    }

    /// Up to `maxBytes` bytes from `offset` (fewer at the file's end); does not move the read position.
    func bytes(from offset: Int, count maxBytes: Int) throws(FileReadError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: maxBytes)
        var filled = 0
        while filled < maxBytes {
            let count = bytes.withUnsafeMutableBytes { buffer in
                pread(fileDescriptor, buffer.baseAddress?.advanced(by: filled), maxBytes - filled, off_t(offset + filled))
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileReadError(path: path, message: "read failed: " + ChunkedFile.errnoText())
            }
            if count == 0 { break }
            filled += count
        }
        bytes.removeSubrange(filled...)
        return bytes
    }
}

extension ChunkedFile {
    /// Opens `path` as `policy` says, or fails the file as a whole.
    static func opening(_ path: String, _ policy: InputPolicy) throws(FileFailure) -> ChunkedFile {
        do {
            let file = try ChunkedFile(path: path, confinedTo: policy.confinedTo)
            policy.onOpened?(path)
            return file
        } catch {
            throw FileFailure(SourceLocation(path: path, line: 1), error.message)
        }
    }

    /// `rewind` as a failure of the file as a whole.
    func failingRewind() throws(FileFailure) {
        do {
            try rewind()
        } catch {
            throw FileFailure(SourceLocation(path: path, line: 1), error.message)
        }
    }

    /// `checkUnchanged` as a failure of the file as a whole.
    func failIfChanged() throws(FileFailure) {
        do {
            try checkUnchanged()
        } catch {
            throw FileFailure(SourceLocation(path: path, line: 1), error.message)
        }
    }

    func sniff(_ maxBytes: Int) throws(FileFailure) -> [UInt8] {
        do {
            return try prefix(maxBytes)
        } catch {
            throw FileFailure(SourceLocation(path: path, line: 1), error.message)
        }
    }
}
