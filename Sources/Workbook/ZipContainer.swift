import Report
import Domain

/// The ZIP container around deflated parts: a local header before each part's bytes, the
/// central directory, its end record. zlib deflates (`DeflatedPart`); it has no container
/// writer, and the one library that has, ZIPFoundation 0.9.20, opens the archive by path with
/// `fopen` (a link planted in the staging folder would be followed, and the bytes could not go
/// through the run's `ByteSink`, which hashes them for the manifest), deflates on Linux at
/// zlib's default level 6 with no way to ask for 1, and needs each entry's size before its
/// bytes. The container is a few fixed records (PKWARE's APPNOTE 4.3.7, 4.3.12, 4.3.16), so it
/// is written here; the deflate stream is zlib's.
///
/// Deterministic: every entry carries the same date (the run's as-of date at midnight, the DOS
/// date's earliest day, 1980-01-01, for an earlier one), no extra fields, no attributes. No
/// ZIP64: a part of 4 GiB or more, or an archive whose directory would start past 4 GiB, is an
/// error (a sheet continues on a new sheet well before: `SheetLimits.bytes`).
struct ZipContainer {
    struct Entry {
        var name: String
        var crc: UInt32
        var compressedSize: Int
        var uncompressedSize: Int
        var offset: Int
    }

    let dosDate: UInt16
    private(set) var entries: [Entry] = []
    private(set) var offset = 0

    init(date: Day) {
        let (year, month, day) = date.components
        dosDate = year < 1980 ? (0 << 9 | 1 << 5 | 1) : UInt16(min(year - 1980, 127) << 9 | month << 5 | day)
    }

    static let limit = Int(UInt32.max)

    /// The part's local header and bytes.
    mutating func append<Sink: ByteSink>(_ part: DeflatedPart, as name: String, into sink: inout Sink) throws {
        guard part.uncompressedSize < Self.limit, part.store.size < Self.limit, offset < Self.limit else {
            throw WorkbookError(path: name, message: "the workbook would pass 4 GiB, the largest a ZIP without ZIP64 holds")
        }
        let entry = Entry(name: name, crc: part.crc, compressedSize: part.store.size, uncompressedSize: part.uncompressedSize,
                          offset: offset)
        var header = TextBuffer()
        header.append(le32: 0x0403_4B50)
        appendCommon(entry, to: &header)
        header.append(entry.name)
        offset += header.bytes.count + entry.compressedSize
        try sink.drain(&header)
        try part.store.forEachPiece { piece in
            var buffer = TextBuffer()
            buffer.bytes.append(contentsOf: piece)
            try sink.drain(&buffer)
        }
        entries.append(entry)
    }

    /// Version needed, flags, method, date and time, CRC and sizes, name length and no extra field:
    /// the fields the local header and the central directory share.
    private func appendCommon(_ entry: Entry, to out: inout TextBuffer) {
        out.append(le16: 20)  // version needed: 2.0, deflate
        out.append(le16: 0)  // flags: the sizes are in the header, names are ASCII
        out.append(le16: 8)  // deflate
        out.append(le16: 0)  // 00:00:00
        out.append(le16: dosDate)
        out.append(le32: entry.crc)
        out.append(le32: UInt32(entry.compressedSize))
        out.append(le32: UInt32(entry.uncompressedSize))
        out.append(le16: UInt16(entry.name.utf8.count))
        out.append(le16: 0)
    }

    /// The central directory and its end record.
    func finish<Sink: ByteSink>(into sink: inout Sink) throws {
        var out = TextBuffer()
        for entry in entries {
            out.append(le32: 0x0201_4B50)
            out.append(le16: 20)  // made by: MS-DOS (0), 2.0: no Unix permissions, same bytes everywhere
            appendCommon(entry, to: &out)
            out.append(le16: 0)  // comment
            out.append(le16: 0)  // disk
            out.append(le16: 0)  // internal attributes
            out.append(le32: 0)  // external attributes
            out.append(le32: UInt32(entry.offset))
            out.append(entry.name)
        }
        let size = out.bytes.count
        guard offset < Self.limit, offset + size < Self.limit, entries.count < Int(UInt16.max) else {
            throw WorkbookError(path: "report.xlsx", message: "the workbook would pass 4 GiB, the largest a ZIP without ZIP64 holds")
        }
        out.append(le32: 0x0605_4B50)
        out.append(le16: 0)
        out.append(le16: 0)
        out.append(le16: UInt16(entries.count))
        out.append(le16: UInt16(entries.count))
        out.append(le32: UInt32(size))
        out.append(le32: UInt32(offset))
        out.append(le16: 0)  // comment
        try sink.drain(&out)
    }
}

extension TextBuffer {
    mutating func append(le16 value: UInt16) {
        append(byte: UInt8(truncatingIfNeeded: value))
        append(byte: UInt8(truncatingIfNeeded: value >> 8))
    }

    mutating func append(le32 value: UInt32) {
        append(le16: UInt16(truncatingIfNeeded: value))
        append(le16: UInt16(truncatingIfNeeded: value >> 16))
    }
}
