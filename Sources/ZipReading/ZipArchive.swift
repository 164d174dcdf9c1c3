import SystemZlib

/// A ZIP archive read in place, through a caller's `read(at:into:)` (a `pread` on a descriptor
/// the caller opened and checked): entries are found in the central directory and inflated
/// in bounded pieces on demand, never unpacked to disk nor held whole.
///
/// Why zlib and this reader rather than ZIPFoundation: ZIPFoundation 0.9.20 opens the archive
/// itself by path (`fopen`), so the file it reads is not the descriptor `RegularFile.open`
/// checked (regular file, `confine_paths` on the descriptor), and its reads cannot be seen to
/// hash them; and its `extract` pushes `Data` chunks to a consumer, while libxml2's
/// `xmlTextReader` pulls its input (`xmlReaderForIO`): joining the two needs a thread and a
/// channel per part. zlib's `inflate` with a bounded output buffer is a pull stream as it is.
/// zlib reads no container, so the end record, the central directory and the local headers
/// are read here (`ZipDirectory`), checked for what a hostile archive does (names that climb
/// out, duplicate names, overlapping entries, sizes and ratios of a bomb).
///
/// Bytes parsed are bytes hashed: the caller reads the file once front to back for its digest
/// and hands those bytes to `absorb`, which keeps a CRC-32 of each stretch between two local
/// headers and of the directory at the end. Every stretch read again to parse it must give
/// the same CRC-32, or the read fails: the file changed between the two reads.
public final class ZipArchive {
    public typealias ReadAt = (_ offset: Int, _ buffer: UnsafeMutableRawBufferPointer) throws(ZipFailure) -> Int

    public let size: Int
    public let limits: ZipLimits
    public let entries: [ZipEntry]
    let readAt: ReadAt
    private let byName: [String: Int]
    /// Where each checked stretch starts (sorted local header offsets, then the directory),
    /// and the CRC-32 of each as the directory was read (only the last one is known before
    /// the hashing pass) and as the hashing pass saw it.
    private let stretchStarts: [Int]
    private let directoryCRC: UInt32
    private var absorbed: [UInt32] = []
    private var absorbedOffset = 0
    private var absorbing = false
    /// Bytes inflated from every entry so far, against `limits.maxTotalBytes`.
    var inflatedTotal = 0

    public init(size: Int, limits: ZipLimits = ZipLimits(), readAt: @escaping ReadAt) throws(ZipFailure) {
        self.size = size
        self.limits = limits
        self.readAt = readAt
        let head = try Self.read(readAt, at: 0, count: min(size, 4))
        guard head == [0x50, 0x4B, 0x03, 0x04] || head == [0x50, 0x4B, 0x05, 0x06] else {
            throw ZipFailure(.notZip, "the file is not a ZIP archive (an .xlsx workbook is one)")
        }
        let location = try ZipDirectory.locate(size: size, limits: limits) { (offset, count) throws(ZipFailure) in
            try Self.read(readAt, at: offset, count: count)
        }
        let directoryAndEnd = try Self.read(readAt, at: location.start, count: size - location.start)
        directoryCRC = Self.crc(directoryAndEnd)
        entries = try ZipDirectory.entries(Array(directoryAndEnd.prefix(location.size)), count: location.count,
                                           archiveStart: location.start)
        byName = try Self.index(entries)
        stretchStarts = try Self.stretches(entries, directoryStart: location.start)
    }

    /// The entry with this name, compared without case as OPC compares part names.
    public func entry(named name: String) -> ZipEntry? {
        byName[Self.key(name)].map { entries[$0] }
    }

    // MARK: The hashing pass

    /// Takes the file's next bytes, in order from its start, as the caller's hashing pass reads them.
    public func absorb(_ bytes: UnsafeRawBufferPointer) {
        if !absorbing {
            absorbing = true
            absorbed = [UInt32](repeating: 0, count: stretchStarts.count)
        }
        var position = 0
        while position < bytes.count {
            let offset = absorbedOffset + position
            let stretch = Self.stretch(containing: offset, in: stretchStarts)
            let stretchEnd = stretch + 1 < stretchStarts.count ? stretchStarts[stretch + 1] : size
            let count = stretchEnd > offset ? min(bytes.count - position, stretchEnd - offset) : bytes.count - position
            if stretch >= 0 {
                absorbed[stretch] = Self.crc(UnsafeRawBufferPointer(rebasing: bytes[position..<position + count]), absorbed[stretch])
            }
            position += count
        }
        absorbedOffset += bytes.count
    }

    /// Ends the hashing pass: the directory it saw must be the one parsed.
    public func finishAbsorbing() throws(ZipFailure) {
        guard absorbing else { return }
        guard absorbedOffset == size, absorbed.last == directoryCRC else { throw Self.changed() }
    }

    /// The CRC-32 the hashing pass saw for the stretch starting at `offset`; nil without a pass.
    func absorbedCRC(ofStretchAt offset: Int) -> (crc: UInt32, end: Int)? {
        guard absorbing, let index = stretchStarts.firstIndex(of: offset), index + 1 < stretchStarts.count else { return nil }
        return (absorbed[index], stretchStarts[index + 1])
    }

    static func changed() -> ZipFailure {
        ZipFailure(.changed, "the file changed while it was read: its bytes differ between two reads; is another program writing it?")
    }

    // MARK: Reading entries

    /// A pull stream of the entry's inflated bytes.
    public func open(_ entry: ZipEntry) throws(ZipFailure) -> ZipEntryReader {
        try ZipEntryReader(archive: self, entry: entry)
    }

    /// Up to `count` bytes from `offset`; fewer only at the file's end.
    static func read(_ readAt: ReadAt, at offset: Int, count: Int) throws(ZipFailure) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: max(count, 0))
        var filled = 0
        while filled < bytes.count {
            let got = try bytes.withUnsafeMutableBytes { buffer in
                Result { () throws(ZipFailure) -> Int in
                    try readAt(offset + filled, UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
                }
            }.get()
            if got <= 0 { break }
            filled += got
        }
        bytes.removeSubrange(filled...)
        return bytes
    }

    static func crc(_ bytes: [UInt8], _ start: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { crc($0, start) }
    }

    static func crc(_ bytes: UnsafeRawBufferPointer, _ start: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return start }
        return UInt32(truncatingIfNeeded: crc32_z(uLong(start), base.assumingMemoryBound(to: Bytef.self), bytes.count))
    }

    // MARK: Checks on the directory

    private static func key(_ name: String) -> String { name.lowercased() }

    /// Entries by name; two with one name (without case) are refused: readers disagree about
    /// which one counts, and a part read by one program could be another's.
    private static func index(_ entries: [ZipEntry]) throws(ZipFailure) -> [String: Int] {
        var byName: [String: Int] = [:]
        byName.reserveCapacity(entries.count)
        for (index, entry) in entries.enumerated() {
            if let earlier = byName.updateValue(index, forKey: key(entry.name)) {
                throw ZipFailure(.duplicateName, "the ZIP archive holds two entries named '\(VisibleName.of(entries[earlier].name))'"
                                 + (entries[earlier].name == entry.name ? "" : " and '\(VisibleName.of(entry.name))'")
                                 + "; which one a program reads differs, so the file is refused",
                                 notes: ["open the file in Excel or LibreOffice and save it again as .xlsx"])
            }
        }
        return byName
    }

    /// The stretches between local headers, after checking that no entry's data can reach into
    /// the next entry: overlapping entries are how a zip bomb reuses its compressed bytes.
    private static func stretches(_ entries: [ZipEntry], directoryStart: Int) throws(ZipFailure) -> [Int] {
        let sorted = entries.sorted { $0.localHeaderOffset < $1.localHeaderOffset }
        for (index, entry) in sorted.enumerated() {
            let next = index + 1 < sorted.count ? sorted[index + 1].localHeaderOffset : directoryStart
            let (end, overflow) = (entry.localHeaderOffset + 30 + entry.nameLength).addingReportingOverflow(entry.compressedSize)
            guard !overflow, end <= next else {
                let other = index + 1 < sorted.count ? "entry '\(VisibleName.of(sorted[index + 1].name))'" : "the directory"
                throw ZipFailure(.overlapping, "entry '\(VisibleName.of(entry.name))' overlaps \(other) in the ZIP archive: entries "
                                 + "that share their bytes are how a zip bomb inflates far beyond its size; the file is refused")
            }
        }
        return sorted.map(\.localHeaderOffset) + [directoryStart]
    }

    /// The stretch holding `offset` (-1 before the first local header).
    private static func stretch(containing offset: Int, in starts: [Int]) -> Int {
        var low = 0, high = starts.count
        while low < high {
            let middle = (low + high) / 2
            if starts[middle] <= offset { low = middle + 1 } else { high = middle }
        }
        return low - 1
    }
}
