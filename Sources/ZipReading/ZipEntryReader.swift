import SystemZlib

/// One entry's bytes as a pull stream: each `read(into:)` inflates just enough compressed
/// bytes (read 64 KB at a time) to fill the caller's buffer, so memory is the buffer, zlib's
/// 32 KB window and this input buffer, whatever the entry's size.
///
/// Checked as it goes: the declared size is a ceiling (an entry that inflates past it is
/// corrupt, and no entry may declare more than `maxEntryBytes`), all entries together stay
/// under `maxTotalBytes`, and past `ratioGraceBytes` an entry may not inflate to more than
/// `maxRatio` times the compressed bytes it has consumed; at its end the size and CRC-32 must
/// be the directory's, and the bytes read from the file must be those the hashing pass saw.
public final class ZipEntryReader {
    public let entry: ZipEntry
    private let archive: ZipArchive
    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutableRawBufferPointer
    private var inputStart = 0, inputEnd = 0
    /// The next compressed byte to read from the file, and how many are left.
    private var fileOffset: Int
    private var compressedLeft: Int
    private var produced = 0
    private var crc: UInt32 = 0
    /// CRC-32 of every byte read from the file for this entry, from its local header on.
    private var stretchCRC: UInt32 = 0
    /// The compressed data has ended (deflate's end marker, or a stored entry's last byte).
    private var ended = false
    private var finished = false
    private var failure: ZipFailure?
    private static let inputBytes = 64 << 10

    init(archive: ZipArchive, entry: ZipEntry) throws(ZipFailure) {
        self.archive = archive
        self.entry = entry
        try Self.checkReadable(entry, limits: archive.limits)
        let header = try ZipArchive.read(archive.readAt, at: entry.localHeaderOffset, count: 30)
        let lengths = header.withUnsafeBytes { bytes -> (name: Int, extra: Int)? in
            let fields = LittleEndian(bytes: bytes)
            guard bytes.count == 30, fields.u32(0) == ZipDirectory.localSignature else { return nil }
            return (fields.u16(26), fields.u16(28))
        }
        guard let lengths else {
            throw ZipFailure(.corrupt, "entry '\(VisibleName.of(entry.name))' has no local header where the directory says")
        }
        let nameAndExtra = try ZipArchive.read(archive.readAt, at: entry.localHeaderOffset + 30, count: lengths.name + lengths.extra)
        guard nameAndExtra.count == lengths.name + lengths.extra, Array(nameAndExtra.prefix(lengths.name)) == Array(entry.name.utf8) else {
            throw ZipFailure(.corrupt, "entry '\(VisibleName.of(entry.name))' is named otherwise in its local header than in the "
                             + "directory; which name counts differs between programs, so the file is refused")
        }
        fileOffset = entry.localHeaderOffset + 30 + lengths.name + lengths.extra
        compressedLeft = entry.compressedSize
        if let stretch = archive.absorbedCRC(ofStretchAt: entry.localHeaderOffset), fileOffset + compressedLeft > stretch.end {
            throw ZipFailure(.overlapping, "entry '\(VisibleName.of(entry.name))' reaches into the next entry of the ZIP archive")
        }
        stretchCRC = ZipArchive.crc(nameAndExtra, ZipArchive.crc(header))
        input = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.inputBytes, alignment: 16)
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // Raw deflate (negative window bits): a ZIP entry has no zlib header.
        if entry.method == 8, inflateInit2_(stream, -MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) != Z_OK {
            stream.deallocate()
            input.deallocate()
            throw ZipFailure(.unreadable, "zlib could not start inflating entry '\(VisibleName.of(entry.name))'")
        }
    }

    deinit {
        if entry.method == 8 { inflateEnd(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
        input.deallocate()
    }

    private static func checkReadable(_ entry: ZipEntry, limits: ZipLimits) throws(ZipFailure) {
        let name = VisibleName.of(entry.name)
        guard !entry.isEncrypted else {
            throw ZipFailure(.unsupported, "entry '\(name)' is encrypted with a ZIP password",
                             notes: ["save the workbook without a password"])
        }
        guard entry.method == 0 || entry.method == 8 else {
            throw ZipFailure(.unsupported, "entry '\(name)' is compressed with ZIP method \(entry.method); spreadsheet programs "
                             + "write only stored (0) and deflated (8) entries", notes: ["save the workbook again as .xlsx"])
        }
        guard entry.uncompressedSize <= limits.maxEntryBytes else {
            throw ZipFailure(.limit, "entry '\(name)' declares \(entry.uncompressedSize) bytes inflated, more than the "
                             + "\(limits.maxEntryBytes) allowed (limits.max_inflated_part_bytes)")
        }
        guard entry.method == 8 || entry.compressedSize == entry.uncompressedSize else {
            throw ZipFailure(.corrupt, "entry '\(name)' is stored uncompressed, yet its sizes differ")
        }
    }

    /// Fills `buffer` with the entry's next bytes; 0 at its end, once every check has passed.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(ZipFailure) -> Int {
        if let failure { throw failure }
        guard buffer.count > 0 else { return 0 }
        do {
            while !finished {
                let count = entry.method == 8 ? try inflate(into: buffer) : try copyStored(into: buffer)
                if count > 0 { try account(UnsafeRawBufferPointer(rebasing: buffer[0..<count])) }
                if ended { try finish() }
                if count > 0 { return count }
            }
            return 0
        } catch {
            failure = error
            throw error
        }
    }

    private func inflate(into buffer: UnsafeMutableRawBufferPointer) throws(ZipFailure) -> Int {
        if inputStart == inputEnd { try refill() }
        guard let out = buffer.baseAddress, let source = input.baseAddress else { return 0 }
        stream.pointee.next_in = (source + inputStart).assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_in = uInt(inputEnd - inputStart)
        stream.pointee.next_out = out.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(min(buffer.count, Int(UInt32.max)))
        let status = SystemZlib.inflate(stream, Z_NO_FLUSH)
        inputStart = inputEnd - Int(stream.pointee.avail_in)
        let count = buffer.count - Int(stream.pointee.avail_out)
        switch status {
        case Z_STREAM_END:
            ended = true
            return count
        case Z_OK:
            return count
        case Z_BUF_ERROR where inputStart == inputEnd && compressedLeft == 0:
            throw ZipFailure(.truncated, "entry '\(VisibleName.of(entry.name))' ends before its compressed data does: the file is "
                             + "damaged or was cut short")
        case Z_BUF_ERROR:
            return count
        default:
            let message = stream.pointee.msg.map { String(cString: $0) } ?? "code \(status)"
            throw ZipFailure(.corrupt, "entry '\(VisibleName.of(entry.name))' does not inflate: \(message); the file is damaged")
        }
    }

    private func copyStored(into buffer: UnsafeMutableRawBufferPointer) throws(ZipFailure) -> Int {
        if inputStart == inputEnd {
            guard compressedLeft > 0 else {
                ended = true
                return 0
            }
            try refill()
        }
        let count = min(buffer.count, inputEnd - inputStart)
        buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: input[inputStart..<inputStart + count]))
        inputStart += count
        ended = inputStart == inputEnd && compressedLeft == 0
        return count
    }

    /// Reads the next compressed bytes, at most what is left of the entry.
    private func refill() throws(ZipFailure) {
        let wanted = min(input.count, compressedLeft)
        guard wanted > 0 else { inputStart = 0; inputEnd = 0; return }
        let got = try archive.readAt(fileOffset, UnsafeMutableRawBufferPointer(rebasing: input[0..<wanted]))
        guard got > 0 else {
            throw ZipFailure(.truncated, "entry '\(VisibleName.of(entry.name))' is cut short: the file ends inside its data")
        }
        stretchCRC = ZipArchive.crc(UnsafeRawBufferPointer(rebasing: input[0..<got]), stretchCRC)
        fileOffset += got
        compressedLeft -= got
        inputStart = 0
        inputEnd = got
    }

    /// Counts inflated bytes against the limits and into the CRC-32.
    private func account(_ bytes: UnsafeRawBufferPointer) throws(ZipFailure) {
        guard !bytes.isEmpty else { return }
        produced += bytes.count
        archive.inflatedTotal += bytes.count
        crc = ZipArchive.crc(bytes, crc)
        let name = VisibleName.of(entry.name), limits = archive.limits
        guard produced <= entry.uncompressedSize else {
            throw ZipFailure(.corrupt, "entry '\(name)' inflates to more than the \(entry.uncompressedSize) bytes its directory "
                             + "declares: a damaged file or a zip bomb")
        }
        guard archive.inflatedTotal <= limits.maxTotalBytes else {
            throw ZipFailure(.limit, "the workbook's parts inflate to more than \(limits.maxTotalBytes) bytes together "
                             + "(limits.max_inflated_bytes): a zip bomb, or raise the limit")
        }
        let consumed = entry.compressedSize - compressedLeft - (inputEnd - inputStart)
        if produced > ZipLimits.ratioGraceBytes, produced / max(consumed, 1) > limits.maxRatio {
            throw ZipFailure(.limit, "entry '\(name)' inflates to more than \(limits.maxRatio) times its compressed size "
                             + "(\(produced) bytes from \(consumed)) (limits.max_compression_ratio): a zip bomb",
                             notes: ["a real sheet compresses about 5 to 20 times; raise the limit only for a file you trust"])
        }
    }

    /// At the entry's end: its size and CRC-32 must be the directory's, and the bytes read must
    /// be those the hashing pass saw (the rest of the stretch up to the next entry is read too).
    private func finish() throws(ZipFailure) {
        guard !finished else { return }
        finished = true
        let name = VisibleName.of(entry.name)
        guard produced == entry.uncompressedSize else {
            throw ZipFailure(.corrupt, "entry '\(name)' inflates to \(produced) bytes, its directory says \(entry.uncompressedSize)")
        }
        guard crc == entry.crc32 else {
            throw ZipFailure(.corrupt, "entry '\(name)' fails its CRC-32 check: the file is damaged")
        }
        guard let stretch = archive.absorbedCRC(ofStretchAt: entry.localHeaderOffset) else { return }
        // Compressed bytes not consumed (after the deflate stream's end) are read and counted too.
        var offset = fileOffset
        compressedLeft = 0
        while offset < stretch.end {
            let got = try archive.readAt(offset, UnsafeMutableRawBufferPointer(rebasing: input[0..<min(input.count, stretch.end - offset)]))
            guard got > 0 else { throw ZipArchive.changed() }
            stretchCRC = ZipArchive.crc(UnsafeRawBufferPointer(rebasing: input[0..<got]), stretchCRC)
            offset += got
        }
        guard stretchCRC == stretch.crc else { throw ZipArchive.changed() }
    }
}
