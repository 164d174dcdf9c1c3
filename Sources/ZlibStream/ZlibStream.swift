// The system's zlib behind a Swift interface of plain bytes: raw deflate for the workbook's ZIP
// container, and raw inflate to read one back (the tests). A module of its own, importing
// nothing but zlib's C module: imported beside Foundation and Ingest's libxml2 headers (as in
// Workbook), the C module made a clean build fail on ICU's `UErrorCode` defined twice.

internal import SystemZlib

/// zlib said no: its status code (`Z_MEM_ERROR`, `Z_DATA_ERROR`, …).
public struct ZlibError: Error, Sendable, CustomStringConvertible {
    public var status: Int32
    public var operation: String

    public var description: String { "zlib could not \(operation) (status \(status))" }
}

/// Raw deflate (negative window bits: no zlib header, as ZIP's method 8 stores it), fed a
/// piece at a time, with the CRC-32 and size of what went in. The deflated bytes gather in
/// `output` until the caller takes them.
public final class Deflater {
    private let stream: UnsafeMutablePointer<z_stream>
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)
    public private(set) var crc: UInt32 = 0
    public private(set) var inputSize = 0
    /// Deflated bytes not yet taken.
    public var output: [UInt8] = []
    private var finished = false

    /// `level` 1 is zlib's fastest (`Z_BEST_SPEED`).
    public init(level: Int32 = 1) throws(ZlibError) {
        // zlib keeps the stream's address: it must not move, so it is allocated, not a property.
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = deflateInit2_(stream, level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                                   Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            stream.deallocate()
            throw ZlibError(status: status, operation: "start deflating")
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
    }

    public func append(_ bytes: UnsafeBufferPointer<UInt8>) throws(ZlibError) {
        guard let base = bytes.baseAddress, !bytes.isEmpty, !finished else { return }
        crc = UInt32(truncatingIfNeeded: crc32(uLong(crc), base, uInt(bytes.count)))
        inputSize += bytes.count
        stream.pointee.next_in = UnsafeMutablePointer(mutating: base)
        stream.pointee.avail_in = uInt(bytes.count)
        try run(Z_NO_FLUSH)
    }

    /// The end of the stream: everything zlib still holds goes to `output`.
    public func finish() throws(ZlibError) {
        guard !finished else { return }
        finished = true
        stream.pointee.next_in = nil
        stream.pointee.avail_in = 0
        try run(Z_FINISH)
    }

    private func run(_ flush: Int32) throws(ZlibError) {
        try buffer.withUnsafeMutableBufferPointer { buffer throws(ZlibError) in
            repeat {
                stream.pointee.next_out = buffer.baseAddress
                stream.pointee.avail_out = uInt(buffer.count)
                let status = deflate(stream, flush)
                guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                    throw ZlibError(status: status, operation: "deflate")
                }
                output.append(contentsOf: buffer[..<(buffer.count - Int(stream.pointee.avail_out))])
                if flush == Z_FINISH && status == Z_STREAM_END { return }
            } while stream.pointee.avail_out == 0 || flush == Z_FINISH
        }
    }
}

public enum Inflater {
    /// A whole raw deflate stream inflated to `size` bytes; an error unless it ends there.
    public static func inflate(_ data: [UInt8], size: Int) throws(ZlibError) -> [UInt8] {
        // Allocated, as the deflater's: zlib checks the stream has not moved.
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { stream.deallocate() }
        let start = inflateInit2_(stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard start == Z_OK else { throw ZlibError(status: start, operation: "start inflating") }
        defer { inflateEnd(stream) }
        var input = data, output = [UInt8](repeating: 0, count: max(size, 1))
        let status = input.withUnsafeMutableBufferPointer { input in
            output.withUnsafeMutableBufferPointer { output in
                stream.pointee.next_in = input.baseAddress
                stream.pointee.avail_in = uInt(input.count)
                stream.pointee.next_out = output.baseAddress
                stream.pointee.avail_out = uInt(output.count)
                return SystemZlib.inflate(stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END, Int(stream.pointee.total_out) == size else { throw ZlibError(status: status, operation: "inflate") }
        return Array(output.prefix(size))
    }
}
