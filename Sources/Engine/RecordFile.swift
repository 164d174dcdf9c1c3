#if canImport(Glibc)
import Glibc
#endif

/// A spill file could not be written or read back: the path and what the system said.
public struct SpillError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): error: \(message)" }
}

/// Fixed-size records of plain values appended to a file and read back in order: the working
/// set of a run too large to hold at once. The file is the writer's: it is removed when the
/// value goes. Used from one thread at a time.
public final class RecordFile<Record: BitwiseCopyable>: @unchecked Sendable {
    public let path: String
    private var descriptor: Int32
    private let buffer: UnsafeMutableRawPointer
    private let capacity: Int
    private var used = 0
    /// Records appended so far.
    public private(set) var count = 0
    /// The first write that failed; later appends are dropped and `flush()` reports it.
    private var failure: SpillError?

    private static var stride: Int { MemoryLayout<Record>.stride }

    /// Creates (or empties) the file at `path`.
    public init(path: String, bufferRecords: Int = 16_384) throws(SpillError) {
        self.path = path
        descriptor = open(path, O_RDWR | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw SpillError(path: path, message: "cannot create the spill file: " + Self.lastError()) }
        capacity = max(1, bufferRecords) * Self.stride
        buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: max(16, MemoryLayout<Record>.alignment))
    }

    deinit {
        if descriptor >= 0 {
            close(descriptor)
            unlink(path)
        }
        buffer.deallocate()
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }

    public func append(_ record: Record) {
        if used == capacity { writeBuffer() }
        buffer.storeBytes(of: record, toByteOffset: used, as: Record.self)
        used += Self.stride
        count += 1
    }

    private func writeBuffer() {
        var written = 0
        while written < used && failure == nil {
            let result = write(descriptor, buffer + written, used - written)
            if result < 0 {
                if errno == EINTR { continue }
                failure = SpillError(path: path, message: "cannot write the spill file: " + Self.lastError())
            } else {
                written += result
            }
        }
        used = 0
    }

    /// Writes what is buffered; throws the first failure of any write so far.
    public func flush() throws(SpillError) {
        if used > 0 { writeBuffer() }
        if let failure { throw failure }
    }

    /// Every record in the order appended, read in pieces of the buffer's size.
    public func forEach(_ body: (Record) throws(SpillError) -> Void) throws(SpillError) {
        try flush()
        var offset = 0
        let total = count * Self.stride
        while offset < total {
            let wanted = min(capacity, total - offset)
            var got = 0
            while got < wanted {
                let result = pread(descriptor, buffer + got, wanted - got, off_t(offset + got))
                if result < 0 && errno == EINTR { continue }
                guard result > 0 else {
                    throw SpillError(path: path, message: result < 0 ? "cannot read the spill file back: " + Self.lastError()
                                                                    : "the spill file is shorter than written")
                }
                got += result
            }
            for position in Swift.stride(from: 0, to: wanted, by: Self.stride) {
                try body(buffer.load(fromByteOffset: position, as: Record.self))
            }
            offset += wanted
        }
    }
}
