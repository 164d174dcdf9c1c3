import Foundation

/// The output folder, opened once as a directory descriptor: the tool's own entries in it
/// (`.lock`, `history.sqlite`, `runs/`, `latest`, `.staging-ID`, `.spill-ID`) are looked at with
/// `fstatat(AT_SYMLINK_NOFOLLOW)`, opened with `O_NOFOLLOW` and made, renamed and removed with
/// the `…at` calls relative to it. Whoever can write into the output folder could otherwise
/// plant a symbolic link there and have the run truncate, create or delete files elsewhere with
/// the rights of the account it runs as. The folder itself may be a link (`output:` is the
/// definition's to choose, and `confine_paths` checks it); nothing inside it is followed.
final class OutputFolder {
    let path: String
    let descriptor: Int32

    static let runs = "runs"
    static let latest = "latest"
    static let lock = ".lock"
    static let stagingPrefix = ".staging-"
    static let spillPrefix = ".spill-"
    /// The history database and the files SQLite makes beside it.
    static let historyFiles = [HistoryStore.fileName] + ["-journal", "-wal", "-shm"].map { HistoryStore.fileName + $0 }

    enum Kind: Equatable {
        case missing, directory, regularFile, symbolicLink, other
    }

    /// Opens the folder, making it (and its parents) when it does not exist.
    init(path: String) throws(OutputError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw OutputError(path: path, message: "cannot create the output folder: \(error.localizedDescription)")
        }
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw OutputError(path: path, message: "cannot open the output folder: " + String(cString: strerror(errno)))
        }
        self.path = path
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// What `name` is in the folder `directory` (the output folder by default), without following a link.
    static func kind(of name: String, in directory: Int32) -> Kind {
        var status = stat()
        guard fstatat(directory, name, &status, AT_SYMLINK_NOFOLLOW) == 0 else { return errno == ENOENT ? .missing : .other }
        switch status.st_mode & S_IFMT {
        case S_IFDIR: return .directory
        case S_IFREG: return .regularFile
        case S_IFLNK: return .symbolicLink
        default: return .other
        }
    }

    func kind(of name: String) -> Kind { Self.kind(of: name, in: descriptor) }

    /// The refusal of a link where the tool expects its own file or folder (exit 4).
    func linkRefused(_ name: String) -> OutputError {
        Self.linkRefused(name, in: path, target: Self.linkTarget(name, in: descriptor))
    }

    static func linkRefused(_ name: String, in directory: String, target: String?) -> OutputError {
        OutputError(path: directory + "/" + name, message: "'\(name)' is a symbolic link\(target.map { " (to '\($0)')" } ?? ""); "
                    + "stagebalans never follows one inside its output folder: remove it")
    }

    /// What a symbolic link says, without following it; nil when `name` is not a link.
    static func linkTarget(_ name: String, in directory: Int32) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlinkat(directory, name, &buffer, buffer.count - 1)
        guard length >= 0 else { return nil }
        return String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Before the run touches anything: none of the tool's own entries is a symbolic link,
    /// `runs` is a folder, and `latest` is the tool's link to a run (`latestRunID`).
    func refuseForeignEntries() throws(OutputError) {
        for name in Self.historyFiles + [Self.runs] where kind(of: name) == .symbolicLink { throw linkRefused(name) }
        for name in entries(of: descriptor) where name.hasPrefix(Self.stagingPrefix) || name.hasPrefix(Self.spillPrefix) {
            if kind(of: name) == .symbolicLink { throw linkRefused(name) }
        }
        switch kind(of: Self.runs) {
        case .missing, .directory: break
        default: throw OutputError(path: path + "/" + Self.runs, message: "'runs' is not a folder; stagebalans keeps its runs "
                                   + "there: move it away")
        }
        _ = try latestRunID()
    }

    /// The run `latest` names: nil when there is no `latest`. A `latest` that is not a link, or
    /// a link to anything but `runs/` and a run id, was not made by stagebalans: it is neither
    /// followed nor replaced (exit 4).
    func latestRunID() throws(OutputError) -> String? {
        switch kind(of: Self.latest) {
        case .missing: return nil
        case .symbolicLink: break
        default:
            throw OutputError(path: path + "/" + Self.latest, message: "'latest' is not a symbolic link; stagebalans makes it a "
                              + "link to the newest run (runs/ID) and replaces it on every run: move it away")
        }
        let target = Self.linkTarget(Self.latest, in: descriptor) ?? ""
        let prefix = Self.runs + "/"
        guard target.hasPrefix(prefix), Publisher.isRunID(String(target.dropFirst(prefix.count))) else {
            throw OutputError(path: path + "/" + Self.latest, message: "'latest' points at '\(target)', not at a run in runs/; "
                              + "stagebalans never follows it there: remove it (the next run points it at its own run)")
        }
        return String(target.dropFirst(prefix.count))
    }

    /// `runs/`, opened without following a link (made when missing).
    func openRuns() throws(OutputError) -> Int32 {
        if mkdirat(descriptor, Self.runs, 0o755) != 0, errno != EEXIST {
            throw OutputError(path: path + "/" + Self.runs, message: "cannot create the runs folder: " + String(cString: strerror(errno)))
        }
        let runs = openat(descriptor, Self.runs, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard runs >= 0 else {
            if kind(of: Self.runs) == .symbolicLink { throw linkRefused(Self.runs) }
            throw OutputError(path: path + "/" + Self.runs, message: "cannot open the runs folder: " + String(cString: strerror(errno)))
        }
        return runs
    }

    /// A new folder of the run's own (staging, spill): made here, so that nothing planted under
    /// its name is written through. A leftover of a crashed run of the same id is removed first.
    func makeOwnDirectory(_ name: String, for purpose: String) throws(OutputError) {
        if kind(of: name) == .symbolicLink { throw linkRefused(name) }
        Self.remove(name, in: descriptor)
        guard mkdirat(descriptor, name, 0o755) == 0 else {
            throw OutputError(path: path + "/" + name, message: "cannot create the folder for \(purpose): " + String(cString: strerror(errno)))
        }
    }

    /// Removes `name` from the folder `directory`: a folder with everything in it, anything else
    /// (a link included) as itself. Never follows a link, so nothing outside is touched.
    @discardableResult
    static func remove(_ name: String, in directory: Int32) -> Bool {
        if unlinkat(directory, name, 0) == 0 || errno == ENOENT { return true }
        guard errno == EISDIR || errno == EPERM else { return false }
        let child = openat(directory, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard child >= 0 else { return false }
        for entry in entries(of: child) { remove(entry, in: child) }
        close(child)
        return unlinkat(directory, name, AT_REMOVEDIR) == 0
    }

    /// Creates an empty file at `path` unless something (a link included) is there already.
    static func createIfMissing(_ path: String) {
        let created = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        if created >= 0 { close(created) }
    }

    /// The names in the folder `directory` (not `.` and `..`); empty when it cannot be read.
    static func entries(of directory: Int32) -> [String] {
        let copy = dup(directory)
        guard copy >= 0, let stream = fdopendir(copy) else {
            if copy >= 0 { close(copy) }
            return []
        }
        defer { closedir(stream) }
        rewinddir(stream)
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    func entries(of directory: Int32) -> [String] { Self.entries(of: directory) }
}
