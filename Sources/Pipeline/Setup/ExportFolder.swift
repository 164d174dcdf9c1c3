import Foundation
import Domain

/// One file of the exports folder that `init` reads.
struct ExportFile: Sendable, Hashable {
    enum Format: String, Sendable {
        case csv, xml, xlsx
    }

    /// The file's name in the folder.
    var name: String
    /// The path it is opened at (the folder's real path and the name).
    var path: String
    var format: Format

    /// The name without its extension.
    var stem: String { name.split(separator: ".", omittingEmptySubsequences: false).dropLast().joined(separator: ".") }
}

/// The exports folder, listed without following anything: every entry is looked at with
/// `lstat`, so a symbolic link, a FIFO or a device is named and refused before a byte is read
/// (ingest's `RegularFile` checks the opened descriptor again, for a file swapped meanwhile).
enum ExportFolder {
    struct Listing {
        var files: [ExportFile] = []
        /// Entries left out on purpose (another kind of file, a subfolder): one line each.
        var passedOver: [String] = []
        /// Entries that are refused: compiler-style errors.
        var errors: [Diagnostic] = []
    }

    /// At most this many entries are looked at: an exports folder holds a few files.
    static let maxEntries = 1_000
    static let extensions: [String: ExportFile.Format] = ["csv": .csv, "tsv": .csv, "txt": .csv, "xml": .xml, "xlsx": .xlsx]

    static func list(_ folder: String, shownAs shown: String) throws(SetupFailure) -> Listing {
        let real = DefinitionLoader.realPath(folder) ?? folder
        var status = stat()
        guard stat(real, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else {
            throw SetupFailure(.unreadableInput, "\(shown): error: the exports folder does not exist or is not a folder")
        }
        guard let directory = opendir(real) else {
            throw SetupFailure(.unreadableInput, "\(shown): error: cannot list the exports folder: \(String(cString: strerror(errno)))")
        }
        defer { closedir(directory) }
        var names: [[UInt8]] = []
        while let entry = readdir(directory) {
            let bytes = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
            if bytes == Array(".".utf8) || bytes == Array("..".utf8) { continue }
            names.append(bytes)
            if names.count > maxEntries { break }
        }
        var listing = Listing()
        if names.count > maxEntries {
            listing.errors.append(Diagnostic(.error, at: SourceLocation(path: shown, line: 1),
                                             "the exports folder holds more than \(maxEntries) entries; only the first \(maxEntries) are read",
                                             notes: ["put the exports of one pipeline in a folder of their own"]))
            names.removeLast()
        }
        for bytes in names.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            look(at: bytes, in: real, shownAs: shown, into: &listing)
        }
        return listing
    }

    private static func look(at bytes: [UInt8], in folder: String, shownAs shown: String, into listing: inout Listing) {
        // Line breaks and tabs too are markers here: a name is one line of a message.
        var display = ""
        for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
            display += VisibleText.isHidden(scalar) || scalar.value < 0x20 ? VisibleText.marker(scalar) : String(scalar)
        }
        let at = SourceLocation(path: shown + "/" + display, line: 1)
        guard let name = String(validating: bytes, as: UTF8.self) else {
            listing.errors.append(Diagnostic(.error, at: at, "the file name is not UTF-8 text", notes: ["rename the file"]))
            return
        }
        if name.hasPrefix(".") {
            listing.passedOver.append("\(name): a hidden file")
            return
        }
        var status = stat()
        guard lstat(folder + "/" + name, &status) == 0 else {
            listing.errors.append(Diagnostic(.error, at: at, "cannot look at the file: \(String(cString: strerror(errno)))"))
            return
        }
        switch status.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR:
            listing.passedOver.append("\(name)/: a subfolder (not read)")
            return
        case S_IFLNK:
            listing.errors.append(Diagnostic(.error, at: at, "is a symbolic link; init reads only the regular files of the exports folder",
                                             notes: ["copy the export itself into the folder"]))
            return
        default:
            listing.errors.append(Diagnostic(.error, at: at, "is \(RegularFileKind.describe(status.st_mode)), not a regular file; only regular files are read"))
            return
        }
        let suffix = name.split(separator: ".").last.map { $0.lowercased() } ?? ""
        guard name.contains("."), let format = extensions[suffix] else {
            let why = ["xls", "xlsb", "ods"].contains(suffix) ? "a workbook init cannot read: save it as .xlsx" : "not an export (.csv, .tsv, .txt, .xml or .xlsx)"
            if ["xls", "xlsb", "ods"].contains(suffix) {
                listing.errors.append(Diagnostic(.error, at: at, why))
            } else {
                listing.passedOver.append("\(name): \(why)")
            }
            return
        }
        if let problem = nameProblem(name) {
            listing.errors.append(Diagnostic(.error, at: at, problem, notes: ["rename the file"]))
            return
        }
        listing.files.append(ExportFile(name: name, path: folder + "/" + name, format: format))
    }

    /// What in a name the definition cannot carry: control or hidden characters, and the
    /// characters `path:` reads as a pattern.
    static func nameProblem(_ name: String) -> String? {
        if let hidden = name.unicodeScalars.first(where: { VisibleText.isHidden($0) || $0 == "\n" || $0 == "\t" }) {
            return "the file name holds a hidden or control character \(VisibleText.marker(hidden)), which a definition should not carry"
        }
        if let pattern = name.first(where: { "*?[]\\".contains($0) }) {
            return "the file name holds '\(pattern)', which a definition's path: reads as a pattern"
        }
        return nil
    }

    /// `target` relative to the folder `base` (both real paths), for a definition's `path:`.
    static func relative(_ target: String, from base: String) -> String {
        let to = target.split(separator: "/"), from = base.split(separator: "/")
        var common = 0
        while common < min(to.count, from.count), to[common] == from[common] { common += 1 }
        let up = Array(repeating: "..", count: from.count - common)
        let relative = (up + to[common...].map(String.init)).joined(separator: "/")
        return relative.isEmpty ? "." : relative
    }
}

/// What a file that is not regular is, for messages (as `RegularFile` words it).
enum RegularFileKind {
    static func describe(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        default: return "not a regular file"
        }
    }
}

/// Why `init` stopped, with the exit status that says so.
public struct SetupFailure: Error, Sendable, CustomStringConvertible {
    public var status: ExitStatus
    public var message: String

    init(_ status: ExitStatus, _ message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { message }
}
