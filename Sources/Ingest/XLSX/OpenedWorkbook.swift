import Domain
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An .xlsx file opened for reading: checked to be a workbook (not an encrypted one, not an
/// .xls), its bytes hashed in one pass front to back, its structure read.
///
/// The file is the descriptor `ChunkedFile` opened (a regular file, `confine_paths` checked on
/// it); the ZIP layer reads it through `pread` on that descriptor. The digest is of the file's
/// bytes as read (not the inflated parts'): a first pass reads them in order for the observer,
/// and every part read afterwards must come from those same bytes (`WorkbookPackage.absorb`).
struct OpenedWorkbook {
    let path: String
    let package: any WorkbookPackage
    let structure: WorkbookStructure
    let limits: Limits

    static let compoundFileSignature: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]

    init(_ file: borrowing ChunkedFile, path: String, opener: WorkbookPackageOpener, limits: Limits,
         observer: (any ByteObserver)?) throws(FileFailure) {
        self.path = path
        self.limits = limits
        let location = SourceLocation(path: path, line: 1)
        let head = try file.sniff(512)
        if head.starts(with: Self.compoundFileSignature) { throw try Self.compoundFileFailure(file, path: path) }
        guard head.starts(with: [0x50, 0x4B]) else { throw Self.notZipFailure(head, path: path) }
        let descriptor = file.fileDescriptor
        do {
            package = try opener.open(file.size, limits) { (offset, buffer) throws(PackageFailure) in
                while true {
                    let count = pread(descriptor, buffer.baseAddress, buffer.count, off_t(offset))
                    if count >= 0 { return count }
                    guard errno == EINTR else { throw PackageFailure("read failed: " + ChunkedFile.errnoText()) }
                }
            }
        } catch {
            throw FileFailure(location, error.message, notes: error.notes)
        }
        if let observer { try Self.hash(file, into: observer, package: package, path: path) }
        do {
            structure = try WorkbookStructure.read(package, maxFields: limits.maxFields)
        } catch {
            throw FileFailure(location, error.message, notes: error.notes)
        }
    }

    /// The hashing pass: the file's bytes in order, to the observer and to the package.
    private static func hash(_ file: borrowing ChunkedFile, into observer: any ByteObserver, package: any WorkbookPackage,
                             path: String) throws(FileFailure) {
        do {
            try file.forEachChunk { chunk in
                observer.observe(UnsafeRawBufferPointer(chunk))
                package.absorb(UnsafeRawBufferPointer(chunk))
            }
            try package.finishAbsorbing()
        } catch let error as FileReadError {
            throw FileFailure(SourceLocation(path: path, line: 1), error.message)
        } catch let error as PackageFailure {
            throw FileFailure(SourceLocation(path: path, line: 1), error.message, notes: error.notes)
        } catch {
            throw FileFailure(SourceLocation(path: path, line: 1), "\(error)")
        }
    }

    /// The sheet a source names, with its worksheet part.
    func sheet(_ choice: SheetChoice) throws(FileFailure) -> (name: String, part: String) {
        let sheets = structure.sheets
        let names = sheets.map { "'\($0.name)'" }.joined(separator: ", ")
        let fail = { (message: String) in FileFailure(SourceLocation(path: path, line: 1), message, notes: ["the workbook's sheets: \(names)"]) }
        guard !sheets.isEmpty else { throw FileFailure(SourceLocation(path: path, line: 1), "the workbook has no sheets") }
        let chosen: WorkbookStructure.Sheet
        switch choice {
        case .first:
            chosen = sheets[0]
        case .index(let index):
            guard sheets.indices.contains(index - 1) else {
                throw fail("sheet: \(index), but the workbook has \(sheets.count) sheet\(sheets.count == 1 ? "" : "s")")
            }
            chosen = sheets[index - 1]
        case .named(let name):
            guard let found = sheets.first(where: { $0.name == name })
                ?? sheets.first(where: { Canonical.text($0.name) == Canonical.text(name) }) else {
                throw fail("the workbook has no sheet named '\(name)'")
            }
            chosen = found
        case .namedElseFirst(let name):
            chosen = sheets.first(where: { $0.name == name })
                ?? sheets.first(where: { Canonical.text($0.name) == Canonical.text(name) }) ?? sheets[0]
        }
        guard let part = chosen.part else {
            throw fail("sheet '\(chosen.name)' is a \(chosen.kind), not a worksheet of cells")
        }
        return (chosen.name, part)
    }

    func open(_ part: String) throws(WorkbookFailure) -> PartXML {
        try PartXML(part: part, stream: try WorkbookStructure.open(part, package), maxFields: limits.maxFields)
    }

    func sharedStrings() throws(WorkbookFailure) -> SharedStrings {
        guard let part = structure.sharedStringsPart else { return SharedStrings() }
        return try SharedStrings.read(try open(part), budget: limits.maxSharedStringsBytes)
    }

    func styles() throws(WorkbookFailure) -> CellStyles {
        guard let part = structure.stylesPart else { return CellStyles() }
        return try CellStyles.read(try open(part))
    }

    // MARK: Files that are not .xlsx workbooks

    /// An OLE2 compound file: an Office file encrypted with a password (its `EncryptedPackage`
    /// stream), or an Excel 97–2003 .xls workbook.
    private static func compoundFileFailure(_ file: borrowing ChunkedFile, path: String) throws(FileFailure) -> FileFailure {
        let location = SourceLocation(path: path, line: 1)
        if try hasEncryptedPackage(file) {
            return FileFailure(location, "the workbook is encrypted: it is protected with a password to open it, and cannot be read",
                               notes: ["open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt with "
                                       + "Password) and save it as .xlsx, or save it without a password as CSV UTF-8"])
        }
        return FileFailure(location, "the file is an Excel 97–2003 workbook (.xls, a compound file), which is not read",
                           notes: ["open it in Excel or LibreOffice and save it as .xlsx (Excel Workbook), or as CSV UTF-8 and "
                                   + "read it with format: csv"])
    }

    /// Whether a directory entry of the compound file is named `EncryptedPackage`. Directory
    /// entries are 128 bytes, and sectors start at multiples of 512 after the 512-byte header,
    /// so every entry's name (UTF-16LE, NUL-ended) starts at a multiple of 128 of the file.
    private static func hasEncryptedPackage(_ file: borrowing ChunkedFile) throws(FileFailure) -> Bool {
        var name: [UInt8] = []
        for unit in "EncryptedPackage".utf16 { name += [UInt8(truncatingIfNeeded: unit), UInt8(unit >> 8)] }
        name += [0, 0]
        let block = 1 << 20
        var offset = 0
        while offset < file.size {
            let bytes: [UInt8]
            do {
                bytes = try file.bytes(from: offset, count: block)
            } catch {
                throw FileFailure(SourceLocation(path: file.path, line: 1), error.message)
            }
            var entry = 0
            while entry + name.count <= bytes.count {
                if bytes[entry..<entry + name.count].elementsEqual(name) { return true }
                entry += 128
            }
            guard bytes.count == block else { break }
            offset += block
        }
        return false
    }

    private static func notZipFailure(_ head: [UInt8], path: String) -> FileFailure {
        let looksLikeText = !head.isEmpty && head.prefix(256).allSatisfy { $0 >= 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        let notes = looksLikeText
            ? ["it looks like text: if it is a CSV or XML export, read it with format: csv or format: xml"]
            : ["an .xlsx workbook is a ZIP archive (it starts with 'PK'); save the file as .xlsx (Excel Workbook)"]
        return FileFailure(SourceLocation(path: path, line: 1),
                           head.isEmpty ? "the file is empty, not an .xlsx workbook" : "the file is not an .xlsx workbook (a ZIP archive)",
                           notes: notes)
    }
}
