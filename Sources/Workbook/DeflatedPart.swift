// A part of the workbook (a sheet, the styles) deflated as it is written, by the system's zlib
// (`ZlibStream`).
// The ZIP container is put together only when every part is done (`WorkbookArchive`), so a
// part's deflated bytes wait in memory or, for a run, in a file of the staging folder.

import ZlibStream
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
    private let deflater: Deflater

    init(name: String, folder: String?) throws(WorkbookError) {
        self.name = name
        store = try PartStore(folder: folder, name: name.split(separator: "/").joined(separator: "-"))
        do {
            deflater = try Deflater(level: 1)
        } catch {
            throw WorkbookError(path: name, message: error.description)
        }
    }

    var crc: UInt32 { deflater.crc }
    var uncompressedSize: Int { deflater.inputSize }

    func append(_ bytes: [UInt8]) throws(WorkbookError) {
        try bytes.withUnsafeBufferPointer { bytes throws(WorkbookError) in try append(bytes) }
    }

    func append(_ bytes: UnsafeBufferPointer<UInt8>) throws(WorkbookError) {
        do {
            try deflater.append(bytes)
        } catch {
            throw WorkbookError(path: name, message: error.description)
        }
        try takeOutput()
    }

    /// The end of the part: everything zlib still holds is written.
    func finish() throws(WorkbookError) {
        do {
            try deflater.finish()
        } catch {
            throw WorkbookError(path: name, message: error.description)
        }
        try takeOutput()
    }

    private func takeOutput() throws(WorkbookError) {
        guard !deflater.output.isEmpty else { return }
        try deflater.output.withUnsafeBufferPointer { output throws(WorkbookError) in try store.append(output) }
        deflater.output.removeAll(keepingCapacity: true)
    }
}
