// The byte layout of spill files: integers as 8 little-endian bytes, texts as their length and
// UTF-8 bytes. Spill files live for one run on one machine, so the layout is not versioned.

/// Appends values to a spill record.
public struct SpillWriter {
    public var bytes: [UInt8]

    public init(into bytes: [UInt8] = []) { self.bytes = bytes }

    public mutating func integer(_ value: Int) {
        var value = UInt64(bitPattern: Int64(value))
        for _ in 0..<8 {
            bytes.append(UInt8(truncatingIfNeeded: value))
            value >>= 8
        }
    }

    public mutating func text(_ value: String) {
        integer(value.utf8.count)
        bytes.append(contentsOf: value.utf8)
    }

    public mutating func byte(_ value: UInt8) { bytes.append(value) }

    /// Reserves an integer to be filled in later (`patchLength`); returns its position.
    public mutating func placeholder() -> Int {
        integer(0)
        return bytes.count - 8
    }

    /// Writes at `position` the number of bytes written after it.
    public mutating func patchLength(at position: Int) {
        var length = UInt64(bytes.count - position - 8)
        for index in 0..<8 {
            bytes[position + index] = UInt8(truncatingIfNeeded: length)
            length >>= 8
        }
    }
}

/// Reads values back in the order a `SpillWriter` wrote them; nil when the bytes end early.
public struct SpillReader {
    public let bytes: UnsafeRawBufferPointer
    public var offset: Int

    public init(_ bytes: UnsafeRawBufferPointer, at offset: Int) {
        self.bytes = bytes
        self.offset = offset
    }

    public var atEnd: Bool { offset >= bytes.count }

    public mutating func byte() -> UInt8? {
        guard offset < bytes.count else { return nil }
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func integer() -> Int? {
        guard offset + 8 <= bytes.count else { return nil }
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
        offset += 8
        return Int(Int64(bitPattern: value))
    }

    public mutating func text(length: Int) -> String? {
        guard length >= 0, offset + length <= bytes.count else { return nil }
        defer { offset += length }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)]), as: UTF8.self)
    }

    public mutating func text() -> String? {
        guard let length = integer() else { return nil }
        return text(length: length)
    }

    /// Moves past `count` bytes; false when fewer remain.
    public mutating func skip(_ count: Int) -> Bool {
        guard count >= 0, offset + count <= bytes.count else { return false }
        offset += count
        return true
    }
}
