/// Why a ZIP archive, or one of its entries, is not read. The message names the entry where
/// there is one, says what was found and what to do; the caller adds the file's path.
public struct ZipFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The file is no ZIP archive at all.
        case notZip
        /// The file ends before the archive does.
        case truncated
        /// The archive's own records contradict each other (sizes, checksums, signatures).
        case corrupt
        /// A ZIP feature a workbook never uses (spanning, encryption, other compression methods).
        case unsupported
        /// An entry name that is absolute, climbs with `..`, or holds a backslash or NUL.
        case unsafeName
        /// Two entries with one name (OPC compares part names without case).
        case duplicateName
        /// Entries whose data overlap: the trick of a zip bomb that reuses its bytes.
        case overlapping
        /// A limit on the inflated size or the compression ratio was passed: a zip bomb.
        case limit
        /// The bytes read differ between two reads of the file: it changed while it was read.
        case changed
        /// The file could not be read (an I/O error).
        case unreadable
    }

    public var kind: Kind
    public var message: String
    /// Extra lines (the fix, the limit to raise), shown under the message.
    public var notes: [String]

    public init(_ kind: Kind, _ message: String, notes: [String] = []) {
        self.kind = kind
        self.message = message
        self.notes = notes
    }

    public var description: String { ([message] + notes).joined(separator: "\n    ") }
}

/// Bounds that end a hostile archive early. An entry is inflated in bounded pieces and never
/// held whole, so these bound time and disk-free work, not memory.
public struct ZipLimits: Sendable, Hashable {
    /// The most bytes one entry may inflate to (and may declare).
    public var maxEntryBytes: Int
    /// The most bytes all entries read from one archive may inflate to together.
    public var maxTotalBytes: Int
    /// The most bytes an entry may inflate to per compressed byte, checked once it has
    /// inflated `ratioGraceBytes` (small parts compress far better than a sheet of data).
    public var maxRatio: Int
    /// Entries in the directory; a workbook has tens.
    public var maxEntries: Int
    /// The central directory is read whole: its size is bounded.
    public var maxDirectoryBytes: Int

    public static let ratioGraceBytes = 1 << 20

    public init(maxEntryBytes: Int = 2 << 30, maxTotalBytes: Int = 4 << 30, maxRatio: Int = 200, maxEntries: Int = 65_536,
                maxDirectoryBytes: Int = 64 << 20) {
        self.maxEntryBytes = maxEntryBytes
        self.maxTotalBytes = maxTotalBytes
        self.maxRatio = maxRatio
        self.maxEntries = maxEntries
        self.maxDirectoryBytes = maxDirectoryBytes
    }
}

/// Little-endian fields of ZIP records, read from a byte buffer at an offset known to be in range.
struct LittleEndian {
    let bytes: UnsafeRawBufferPointer

    func u16(_ offset: Int) -> Int { Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 }

    func u32(_ offset: Int) -> Int { u16(offset) | u16(offset + 2) << 16 }

    func u64(_ offset: Int) -> UInt64 { UInt64(u32(offset)) | UInt64(u32(offset + 4)) << 32 }

    /// A 64-bit size or offset as an `Int`; nil when it does not fit (no real file is that large).
    func size64(_ offset: Int) -> Int? {
        let value = u64(offset)
        return value <= UInt64(Int.max) ? Int(value) : nil
    }
}
