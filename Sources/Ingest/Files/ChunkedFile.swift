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

    init(path: String) throws(FileReadError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileReadError(path: path, message: "cannot open: " + ChunkedFile.errnoText()) }
        var status = stat()
        guard fstat(fd, &status) == 0 else {
            let message = ChunkedFile.errnoText()
            close(fd)
            throw FileReadError(path: path, message: "cannot stat: " + message)
        }
        if (status.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw FileReadError(path: path, message: "is a directory, not a file")
        }
        descriptor = fd
        size = Int(status.st_size)
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
    /// Opens `path`, or fails the file as a whole.
    static func opening(_ path: String) throws(FileFailure) -> ChunkedFile {
        do {
            return try ChunkedFile(path: path)
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
