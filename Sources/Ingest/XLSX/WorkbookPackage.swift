/// The ZIP container of an .xlsx workbook, as ingest needs it.
///
/// Ingest imports libxml2's headers and must not depend on a module whose interface brings
/// Foundation (ICU's `UErrorCode` defined twice), so it does not unpack ZIP archives itself:
/// the Pipeline module hands it an opener over its ZIP reader (module ZipReading, over the
/// system's zlib). Ingest opens and checks the file (`RegularFile.open`), hashes its bytes,
/// and reads the parts through these protocols.
public protocol WorkbookPackage: AnyObject {
    /// Every entry's name, as the archive's directory lists them.
    var partNames: [String] { get }
    /// Whether a part of this name exists (compared without case, as OPC compares part names).
    func hasPart(_ name: String) -> Bool
    /// Takes the file's bytes in order from its start, as the hashing pass reads them; each
    /// part read afterwards must come from the same bytes.
    func absorb(_ bytes: UnsafeRawBufferPointer)
    /// Ends the hashing pass (the archive's directory must be what was parsed).
    func finishAbsorbing() throws(PackageFailure)
    /// The part's inflated bytes as a pull stream.
    func open(part name: String) throws(PackageFailure) -> any WorkbookPartStream
}

/// One part of a workbook, inflated in bounded pieces as it is read.
public protocol WorkbookPartStream: AnyObject {
    /// Fills `buffer` with the next bytes; 0 at the part's end, once its checks have passed.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(PackageFailure) -> Int
}

/// Why the package or one of its parts cannot be read; the message is shown after the path.
public struct PackageFailure: Error, Sendable, Equatable {
    public var message: String
    public var notes: [String]

    public init(_ message: String, notes: [String] = []) {
        self.message = message
        self.notes = notes
    }
}

/// Opens the package of a file ingest has opened: `size` bytes, read at an offset with
/// `readAt` (a `pread` on the file's descriptor, which returns 0 at the end). The package
/// lives no longer than the read of that file.
public struct WorkbookPackageOpener: Sendable {
    public typealias ReadAt = (_ offset: Int, _ buffer: UnsafeMutableRawBufferPointer) throws(PackageFailure) -> Int

    public let open: @Sendable (_ size: Int, _ limits: Limits, _ readAt: @escaping ReadAt) throws(PackageFailure) -> any WorkbookPackage

    public init(open: @escaping @Sendable (_ size: Int, _ limits: Limits, _ readAt: @escaping ReadAt)
        throws(PackageFailure) -> any WorkbookPackage) {
        self.open = open
    }
}

/// Which sheet of a workbook a source reads.
public enum SheetChoice: Sendable, Hashable, CustomStringConvertible {
    /// The first sheet in the workbook's order (the leftmost tab).
    case first
    case named(String)
    /// 1-based, in the workbook's order (hidden sheets count).
    case index(Int)
    /// The sheet of that name if there is one, else the first: a reference file's role
    /// (`sites`) in a workbook that holds all three, or a workbook of one table.
    case namedElseFirst(String)

    public var description: String {
        switch self {
        case .first: return "the first sheet"
        case .named(let name): return "sheet '\(name)'"
        case .index(let index): return "sheet \(index)"
        case .namedElseFirst(let name): return "sheet '\(name)', else the first sheet"
        }
    }
}

public struct XLSXSettings: Sendable {
    public var sheet: SheetChoice
    /// The header's row number; nil: the first row with a value.
    public var headerRow: Int?
    public var opener: WorkbookPackageOpener

    public init(sheet: SheetChoice = .first, headerRow: Int? = nil, opener: WorkbookPackageOpener) {
        self.sheet = sheet
        self.headerRow = headerRow
        self.opener = opener
    }
}
