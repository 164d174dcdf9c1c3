import Foundation

/// Publishing a run: its files are written into `OUTPUT/.staging-ID`, which one rename makes
/// `OUTPUT/runs/ID`; then the symbolic link `OUTPUT/latest` is replaced by one rename of a new
/// link, so that a reader opening `latest/report.html` gets the previous complete run or the
/// new complete run, never a mix. Every call works relative to the output folder's descriptor
/// and follows no link (`OutputFolder`). Only run folders the history records are counted and
/// pruned: a person's own folder or file in `runs/` is never touched.
struct Publisher {
    let folder: OutputFolder
    let keepRuns: Int

    var outputDirectory: String { folder.path }
    var runsDirectory: String { folder.path + "/" + OutputFolder.runs }

    /// Sortable by time and unique per process: `2026-11-23T20-49-31Z-12345`.
    static func runID(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return "\(parts.year ?? 0)-\(two(parts.month))-\(two(parts.day))T\(two(parts.hour))-\(two(parts.minute))-\(two(parts.second))Z-\(getpid())"
    }

    /// Whether `name` has the form `runID` gives: `dddd-dd-ddTdd-dd-ddZ-` and a process id.
    static func isRunID(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        let pattern = Array("0000-00-00T00-00-00Z-".utf8)
        guard bytes.count > pattern.count, bytes.count <= pattern.count + 10 else { return false }
        for (byte, expected) in zip(bytes, pattern) {
            let matches = expected == UInt8(ascii: "0") ? (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) : byte == expected
            guard matches else { return false }
        }
        return bytes[pattern.count...].allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// Renames the staging folder into `runs/ID`, both relative to descriptors that followed no link.
    func moveIntoPlace(stagingName: String, runID: String) throws(OutputError) -> String {
        let runs = try folder.openRuns()
        defer { close(runs) }
        let target = runsDirectory + "/" + runID
        if folder.kind(of: stagingName) == .symbolicLink { throw folder.linkRefused(stagingName) }
        guard renameat(folder.descriptor, stagingName, runs, runID) == 0 else {
            throw OutputError(path: target, message: "cannot publish the run: " + String(cString: strerror(errno)))
        }
        return target
    }

    /// Removes a run folder that was renamed into place but could not be recorded: the
    /// history is the truth, and a run it does not know is not published.
    func withdraw(runID: String) {
        guard let runs = try? folder.openRuns() else { return }
        OutputFolder.remove(runID, in: runs)
        close(runs)
    }

    /// Points `latest` at `runs/ID` atomically: a new link beside it, renamed over it. A
    /// `latest` that is not the tool's link is refused, not replaced.
    func switchLatest(to runID: String) throws(OutputError) {
        let temporary = OutputFolder.latest + ".new-\(getpid())"
        unlinkat(folder.descriptor, temporary, 0)
        guard symlinkat(OutputFolder.runs + "/" + runID, folder.descriptor, temporary) == 0 else {
            throw OutputError(path: folder.path + "/latest", message: "cannot create the latest link: " + String(cString: strerror(errno)))
        }
        do {
            _ = try folder.latestRunID()
        } catch {
            unlinkat(folder.descriptor, temporary, 0)
            throw error
        }
        guard renameat(folder.descriptor, temporary, folder.descriptor, OutputFolder.latest) == 0 else {
            let message = String(cString: strerror(errno))
            unlinkat(folder.descriptor, temporary, 0)
            throw OutputError(path: folder.path + "/latest", message: "cannot switch the latest link: " + message)
        }
    }

    /// Whether `runs/ID` is a folder (not a link to one).
    func hasRunFolder(_ runID: String) -> Bool {
        guard let runs = try? folder.openRuns() else { return false }
        defer { close(runs) }
        return OutputFolder.kind(of: runID, in: runs) == .directory
    }

    /// After a crash between recording a run and switching `latest`, the next run points
    /// `latest` at the last run the history knows as published (when its folder exists).
    func repair(lastPublished: String?) throws(OutputError) {
        guard let lastPublished, try folder.latestRunID() != lastPublished, hasRunFolder(lastPublished) else { return }
        try switchLatest(to: lastPublished)
    }

    /// The run folders in `runs/`: names of the run-id form that are folders, not links; sorted (by time).
    private func runFolders(in runs: Int32) -> [String] {
        OutputFolder.entries(of: runs).filter { Self.isRunID($0) && OutputFolder.kind(of: $0, in: runs) == .directory }.sorted()
    }

    /// At the start of a run: removes every run folder the history does not record as published
    /// (left by a run killed, or failing on a full disk or a locked database, between its
    /// rename and its record), except the one `latest` names. Returns what it removed and,
    /// when `latest` names such a run, that run (kept).
    func removeOrphans(published: Set<String>) throws(OutputError) -> (removed: [String], keptForLatest: String?) {
        let latest = try folder.latestRunID()
        guard folder.kind(of: OutputFolder.runs) == .directory else { return ([], nil) }
        let runs = try folder.openRuns()
        defer { close(runs) }
        let orphans = runFolders(in: runs).filter { !published.contains($0) }
        var removed: [String] = []
        for orphan in orphans where orphan != latest && OutputFolder.remove(orphan, in: runs) { removed.append(orphan) }
        return (removed, orphans.contains { $0 == latest } ? latest : nil)
    }

    /// Keeps the newest `keepRuns` run folders the history records as published, and the one
    /// `latest` names; removes the older recorded ones and the staging and spill folders of
    /// crashed runs. Nothing else in `runs/` or the output folder is touched. Returns the
    /// recorded runs left.
    @discardableResult
    func prune(published: Set<String>) -> [String] {
        let latest = try? folder.latestRunID()
        guard let runs = try? folder.openRuns() else { return [] }
        defer { close(runs) }
        let recorded = runFolders(in: runs).filter { published.contains($0) }
        for run in recorded.dropLast(keepRuns) where run != latest { OutputFolder.remove(run, in: runs) }
        for entry in OutputFolder.entries(of: folder.descriptor) {
            let runID = entry.hasPrefix(OutputFolder.stagingPrefix) ? entry.dropFirst(OutputFolder.stagingPrefix.count)
                : entry.hasPrefix(OutputFolder.spillPrefix) ? entry.dropFirst(OutputFolder.spillPrefix.count) : nil
            if let runID, Self.isRunID(String(runID)), folder.kind(of: entry) == .directory {
                OutputFolder.remove(entry, in: folder.descriptor)
            }
        }
        return runFolders(in: runs).filter { published.contains($0) }
    }
}
