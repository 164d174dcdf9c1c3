// A part of the workbook (a sheet, the styles) deflated as it is written, by the system's zlib.
// The ZIP container is put together only when every part is done (`WorkbookArchive`), so a
// part's deflated bytes wait in memory or, for a run, in a file of the staging folder.

internal import SystemZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A workbook could not be written: the file and what went wrong.
public struct WorkbookError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): error: \(message)" }
}

/// Where a part's deflated bytes wait: memory (a small workbook: `plan`, the reference data), or
/// a file in `folder` that is unlinked as soon as it is open. Nothing of it is ever left in the
/// staging folder, whatever happens to the run, and it is opened with `O_EXCL | O_NOFOLLOW`, so a
/// name planted there is never written through.
final class PartStore {
    private let descriptor: Int32
    private let path: String
    private var memory: [UInt8] = []
    private(set) var size = 0

    init(folder: String?, name: String) throws(WorkbookError) {
        guard let folder else {
            descriptor = -1
            path = name
            return
        }
        path = folder + "/.xlsx-part-" + String(getpid()) + "-" + name
        unlink(path)
        descriptor = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw WorkbookError(path: path, message: "cannot create the workbook's part file: " + String(cString: strerror(errno)))
        }
        unlink(path)
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    func append(_ bytes: UnsafeBufferPointer<UInt8>) throws(WorkbookError) {
        guard descriptor >= 0 else {
            memory.append(contentsOf: bytes)
            size += bytes.count
            return
        }
        var done = 0
        while done < bytes.count {
            let written = write(descriptor, bytes.baseAddress.map { $0 + done }, bytes.count - done)
            guard written > 0 else {
                if written < 0 && errno == EINTR { continue }
                throw WorkbookError(path: path, message: "cannot write the workbook's part file: " + String(cString: strerror(errno)))
            }
            done += written
        }
        size += bytes.count
    }

    /// The bytes in order, a megabyte at a time.
    func forEachPiece(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        guard descriptor >= 0 else {
            try memory.withUnsafeBufferPointer { try body($0) }
            return
        }
        var piece = [UInt8](repeating: 0, count: 1 << 20)
        var offset = 0
        while offset < size {
            let count = try piece.withUnsafeMutableBytes { raw throws(WorkbookError) -> Int in
                let read = pread(descriptor, raw.baseAddress, min(raw.count, size - offset), off_t(offset))
                guard read > 0 else {
                    throw WorkbookError(path: path, message: "cannot read the workbook's part file back: " + String(cString: strerror(errno)))
                }
                return read
            }
            try piece.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[..<count])) }
            offset += count
        }
    }
}

/// A part deflated as its bytes come (raw deflate, as ZIP stores it), with the CRC-32 and
/// size of what went in. zlib's fastest level: a sheet of a million rows is mostly markup that
/// level 1 already shrinks tenfold, and the run may take only half as long again with the
/// workbook on (issue 19).
final class DeflatedPart {
    let name: String
    let store: PartStore
    private let stream: UnsafeMutablePointer<z_stream>
    private var output = [UInt8](repeating: 0, count: 1 << 16)
    private(set) var crc: UInt32 = 0
    private(set) var uncompressedSize = 0
    private var finished = false

    init(name: String, folder: String?) throws(WorkbookError) {
        self.name = name
        store = try PartStore(folder: folder, name: name.split(separator: "/").joined(separator: "-"))
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // Raw deflate (negative window bits): ZIP's method 8 carries no zlib header.
        let status = deflateInit2_(stream, Z_BEST_SPEED, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                                   Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            stream.deallocate()
            throw WorkbookError(path: name, message: "zlib could not start deflating (status \(status))")
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
    }

    func append(_ bytes: [UInt8]) throws(WorkbookError) {
        try bytes.withUnsafeBufferPointer { bytes throws(WorkbookError) in try append(bytes) }
    }

    func append(_ bytes: UnsafeBufferPointer<UInt8>) throws(WorkbookError) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        crc = UInt32(truncatingIfNeeded: crc32(uLong(crc), base, uInt(bytes.count)))
        uncompressedSize += bytes.count
        stream.pointee.next_in = UnsafeMutablePointer(mutating: base)
        stream.pointee.avail_in = uInt(bytes.count)
        try run(Z_NO_FLUSH)
    }

    /// The end of the part: everything zlib still holds is written.
    func finish() throws(WorkbookError) {
        guard !finished else { return }
        finished = true
        stream.pointee.next_in = nil
        stream.pointee.avail_in = 0
        try run(Z_FINISH)
    }

    private func run(_ flush: Int32) throws(WorkbookError) {
        try output.withUnsafeMutableBufferPointer { output throws(WorkbookError) in
            repeat {
                stream.pointee.next_out = output.baseAddress
                stream.pointee.avail_out = uInt(output.count)
                let status = deflate(stream, flush)
                guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                    throw WorkbookError(path: name, message: "zlib could not deflate (status \(status))")
                }
                let produced = output.count - Int(stream.pointee.avail_out)
                if produced > 0 { try store.append(UnsafeBufferPointer(rebasing: output[..<produced])) }
                if flush == Z_FINISH && status == Z_STREAM_END { return }
            } while stream.pointee.avail_out == 0 || (flush == Z_FINISH)
        }
    }
}
