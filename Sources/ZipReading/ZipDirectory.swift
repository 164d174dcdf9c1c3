/// One entry of the central directory, checked: a safe name, sizes within the archive.
public struct ZipEntry: Sendable, Hashable {
    public let name: String
    public let method: Int
    public let flags: Int
    public let crc32: UInt32
    public let compressedSize: Int
    public let uncompressedSize: Int
    public let localHeaderOffset: Int
    /// The name's length in the directory: the local header repeats it.
    let nameLength: Int

    public var isDirectory: Bool { name.hasSuffix("/") }
    /// General purpose flag bit 0 (traditional or strong encryption).
    public var isEncrypted: Bool { flags & 0x41 != 0 }
}

/// Where the central directory lies, from the end-of-central-directory record or its ZIP64 form.
struct DirectoryLocation {
    var start: Int
    var size: Int
    var count: Int
    /// Where the records after the directory start (ZIP64 end record, or the end record).
    var end: Int
}

/// The records at the end of a ZIP archive and its central directory (PKWARE's APPNOTE.TXT,
/// sections 4.3.12–4.3.16): parsed here because zlib inflates but reads no container.
enum ZipDirectory {
    static let endSignature = 0x0605_4B50
    static let zip64LocatorSignature = 0x0706_4B50
    static let zip64EndSignature = 0x0606_4B50
    static let centralSignature = 0x0201_4B50
    static let localSignature = 0x0403_4B50
    static let endRecordBytes = 22

    /// Finds the end-of-central-directory record in the archive's last 64 KB (it may carry a
    /// comment of up to 65,535 bytes), following it to the ZIP64 end record where it says so.
    static func locate(size: Int, limits: ZipLimits, read: (Int, Int) throws(ZipFailure) -> [UInt8])
        throws(ZipFailure) -> DirectoryLocation {
        let tailStart = max(0, size - (endRecordBytes + 0xFFFF))
        let tail = try read(tailStart, size - tailStart)
        guard let position = endRecord(in: tail) else {
            throw ZipFailure(.truncated, "the file ends before the ZIP archive does: its end-of-directory record is missing",
                             notes: ["the file was cut short (a download or copy that did not finish?); ask for it again"])
        }
        let fields = tail.withUnsafeBytes { bytes in
            let record = LittleEndian(bytes: UnsafeRawBufferPointer(rebasing: bytes[position...]))
            return (disk: record.u16(4), startDisk: record.u16(6), count: record.u16(10), size: record.u32(12),
                    start: record.u32(16))
        }
        guard fields.disk == 0 || fields.disk == 0xFFFF, fields.startDisk == 0 || fields.startDisk == 0xFFFF else {
            throw ZipFailure(.unsupported, "the ZIP archive is split over several files (a spanned archive)",
                             notes: ["save the workbook again as one .xlsx file"])
        }
        let endOffset = tailStart + position
        var location = DirectoryLocation(start: fields.start, size: fields.size, count: fields.count, end: endOffset)
        if fields.count == 0xFFFF || fields.size == 0xFFFF_FFFF || fields.start == 0xFFFF_FFFF {
            location = try zip64Location(endOffset: endOffset, read: read)
        }
        guard location.start >= 0, location.size >= 0, location.start <= location.end - location.size else {
            throw ZipFailure(.truncated, "the ZIP archive's directory lies outside the file (at \(location.start), "
                             + "\(location.size) bytes, in a file of \(size)): the file was cut short or is corrupt")
        }
        guard location.size <= limits.maxDirectoryBytes else {
            throw ZipFailure(.limit, "the ZIP archive's directory is \(location.size) bytes, more than \(limits.maxDirectoryBytes)")
        }
        guard location.count <= limits.maxEntries, location.count * 46 <= location.size else {
            throw ZipFailure(.limit, "the ZIP archive claims \(location.count) entries, more than \(limits.maxEntries) or than its "
                             + "directory of \(location.size) bytes can hold")
        }
        return location
    }

    /// The last end record whose comment reaches exactly to the end of the file.
    private static func endRecord(in tail: [UInt8]) -> Int? {
        guard tail.count >= endRecordBytes else { return nil }
        return tail.withUnsafeBytes { bytes -> Int? in
            let fields = LittleEndian(bytes: bytes)
            var position = tail.count - endRecordBytes
            while position >= 0 {
                if fields.u32(position) == endSignature, position + endRecordBytes + fields.u16(position + 20) == tail.count {
                    return position
                }
                position -= 1
            }
            return nil
        }
    }

    private static func zip64Location(endOffset: Int, read: (Int, Int) throws(ZipFailure) -> [UInt8])
        throws(ZipFailure) -> DirectoryLocation {
        guard endOffset >= 20 else { throw ZipFailure(.corrupt, "the ZIP64 end-of-directory locator is missing") }
        let locator = try read(endOffset - 20, 20)
        let recordOffset = locator.withUnsafeBytes { bytes -> Int? in
            let fields = LittleEndian(bytes: bytes)
            return fields.u32(0) == zip64LocatorSignature ? fields.size64(8) : nil
        }
        guard let recordOffset, recordOffset <= endOffset - 20 - 56 else {
            throw ZipFailure(.corrupt, "the ZIP64 end-of-directory locator is missing or points outside the file")
        }
        let record = try read(recordOffset, 56)
        let location = record.withUnsafeBytes { bytes -> DirectoryLocation? in
            let fields = LittleEndian(bytes: bytes)
            guard fields.u32(0) == zip64EndSignature, let count = fields.size64(32), let size = fields.size64(40),
                  let start = fields.size64(48) else { return nil }
            return DirectoryLocation(start: start, size: size, count: count, end: recordOffset)
        }
        guard let location else { throw ZipFailure(.corrupt, "the ZIP64 end-of-directory record is damaged") }
        return location
    }

    /// Every entry of the directory, in its order, each checked as `entry(at:)` says.
    static func entries(_ directory: [UInt8], count: Int, archiveStart: Int) throws(ZipFailure) -> [ZipEntry] {
        var entries: [ZipEntry] = []
        entries.reserveCapacity(count)
        var position = 0
        for _ in 0..<count {
            let (entry, next) = try directory.withUnsafeBytes { bytes in
                Result { () throws(ZipFailure) in try self.entry(at: position, in: bytes) }
            }.get()
            guard entry.localHeaderOffset <= archiveStart - 30 else {
                throw ZipFailure(.corrupt, "entry '\(entry.name)' starts at \(entry.localHeaderOffset), past the archive's data")
            }
            entries.append(entry)
            position = next
        }
        return entries
    }

    /// One central directory record at `position`, and where the next one starts.
    private static func entry(at position: Int, in bytes: UnsafeRawBufferPointer) throws(ZipFailure) -> (ZipEntry, Int) {
        let fields = LittleEndian(bytes: bytes)
        guard position + 46 <= bytes.count, fields.u32(position) == centralSignature else {
            throw ZipFailure(.corrupt, "the ZIP archive's directory is damaged at byte \(position) of it")
        }
        let nameLength = fields.u16(position + 28), extraLength = fields.u16(position + 30)
        let next = position + 46 + nameLength + extraLength + fields.u16(position + 32)
        guard next <= bytes.count else { throw ZipFailure(.corrupt, "the ZIP archive's directory ends inside an entry") }
        let nameBytes = UnsafeRawBufferPointer(rebasing: bytes[position + 46..<position + 46 + nameLength])
        let name = String(decoding: nameBytes, as: UTF8.self)
        try checkName(name, bytes: nameBytes)
        var compressed = fields.u32(position + 20), uncompressed = fields.u32(position + 24)
        var offset = fields.u32(position + 42)
        if compressed == 0xFFFF_FFFF || uncompressed == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
            let extra = UnsafeRawBufferPointer(rebasing: bytes[position + 46 + nameLength..<position + 46 + nameLength + extraLength])
            guard let sizes = zip64Sizes(extra, uncompressed: uncompressed, compressed: compressed, offset: offset) else {
                throw ZipFailure(.corrupt, "entry '\(name)' lacks the ZIP64 sizes its directory record calls for")
            }
            (uncompressed, compressed, offset) = sizes
        }
        let entry = ZipEntry(name: name, method: fields.u16(position + 10), flags: fields.u16(position + 8),
                             crc32: UInt32(truncatingIfNeeded: fields.u32(position + 16)), compressedSize: compressed,
                             uncompressedSize: uncompressed, localHeaderOffset: offset, nameLength: nameLength)
        return (entry, next)
    }

    /// The ZIP64 extended information field (id 1): each of the three values that is 0xFFFFFFFF
    /// in the record comes from it, in this order.
    private static func zip64Sizes(_ extra: UnsafeRawBufferPointer, uncompressed: Int, compressed: Int, offset: Int)
        -> (Int, Int, Int)? {
        let fields = LittleEndian(bytes: extra)
        var position = 0
        while position + 4 <= extra.count {
            let id = fields.u16(position), length = fields.u16(position + 2)
            guard position + 4 + length <= extra.count else { return nil }
            if id == 1 {
                var cursor = position + 4
                let end = cursor + length
                func take(_ value: Int) -> Int? {
                    guard value == 0xFFFF_FFFF else { return value }
                    guard cursor + 8 <= end, let wide = fields.size64(cursor) else { return nil }
                    cursor += 8
                    return wide
                }
                guard let u = take(uncompressed), let c = take(compressed), let o = take(offset) else { return nil }
                return (u, c, o)
            }
            position += 4 + length
        }
        return nil
    }

    /// The stated rule for names: a workbook's parts have relative names of `/`-separated
    /// segments. An absolute name, a drive letter, a `..` segment, a backslash or a NUL means
    /// an archive made to climb out of wherever it is unpacked; stagebalans never unpacks to
    /// disk, but refuses such an archive whole rather than guess which part is meant.
    static func checkName(_ name: String, bytes: UnsafeRawBufferPointer) throws(ZipFailure) {
        let shown = VisibleName.of(name)
        let why: String?
        if bytes.isEmpty {
            why = "is empty"
        } else if bytes.contains(0) {
            why = "holds a NUL byte"
        } else if bytes.contains(UInt8(ascii: "\\")) {
            why = "holds a backslash (a Windows path)"
        } else if bytes.first == UInt8(ascii: "/") || (bytes.count >= 2 && bytes[1] == UInt8(ascii: ":")) {
            why = "is an absolute path"
        } else if name.split(separator: "/", omittingEmptySubsequences: false).contains("..") {
            why = "climbs out of the archive with '..'"
        } else {
            why = nil
        }
        guard let why else { return }
        throw ZipFailure(.unsafeName, "the ZIP archive has an entry named '\(shown)', which \(why); no workbook written by a "
                         + "spreadsheet program has such a name, and the file is refused without unpacking anything",
                         notes: ["open the file in Excel or LibreOffice and save it again as .xlsx"])
    }
}

/// A name as messages show it: control characters as `\u{…}`, at most 200 characters.
enum VisibleName {
    static func of(_ name: String) -> String {
        var shown = ""
        for scalar in name.unicodeScalars.prefix(200) {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                shown += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                shown.unicodeScalars.append(scalar)
            }
        }
        return name.unicodeScalars.count > 200 ? shown + "…" : shown
    }
}
