import Foundation

/// Publishing a run: its files are written into `OUTPUT/.staging-ID`, which one rename makes
/// `OUTPUT/runs/ID`; then the symbolic link `OUTPUT/latest` is replaced by one rename of a new
/// link, so that a reader opening `latest/report.html` gets the previous complete run or the
/// new complete run, never a mix. Older run folders are removed beyond `keepRuns`.
struct Publisher {
    let outputDirectory: String
    let keepRuns: Int

    var runsDirectory: String { outputDirectory + "/runs" }
    var latestLink: String { outputDirectory + "/latest" }

    /// Sortable by time and unique per process: `2026-11-23T20-49-31Z-12345`.
    static func runID(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return "\(parts.year ?? 0)-\(two(parts.month))-\(two(parts.day))T\(two(parts.hour))-\(two(parts.minute))-\(two(parts.second))Z-\(getpid())"
    }

    func moveIntoPlace(staging: String, runID: String) throws(OutputError) -> String {
        do {
            try FileManager.default.createDirectory(atPath: runsDirectory, withIntermediateDirectories: true)
        } catch {
            throw OutputError(path: runsDirectory, message: "cannot create the runs folder: \(error.localizedDescription)")
        }
        let target = runsDirectory + "/" + runID
        guard rename(staging, target) == 0 else {
            throw OutputError(path: target, message: "cannot publish the run: " + String(cString: strerror(errno)))
        }
        return target
    }

    /// Points `latest` at `runs/ID` atomically: a new link beside it, renamed over it.
    func switchLatest(to runID: String) throws(OutputError) {
        let temporary = latestLink + ".new-\(getpid())"
        unlink(temporary)
        guard symlink("runs/" + runID, temporary) == 0 else {
            throw OutputError(path: latestLink, message: "cannot create the latest link: " + String(cString: strerror(errno)))
        }
        guard rename(temporary, latestLink) == 0 else {
            let message = String(cString: strerror(errno))
            unlink(temporary)
            throw OutputError(path: latestLink, message: "cannot switch the latest link: " + message)
        }
    }

    /// The run `latest` names, if any.
    var latestRunID: String? {
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: latestLink) else { return nil }
        return target.split(separator: "/").last.map(String.init)
    }

    /// After a crash between recording a run and switching `latest`, the next run points
    /// `latest` at the last run the history knows as published (when its folder exists).
    func repair(lastPublished: String?) throws(OutputError) {
        guard let lastPublished, latestRunID != lastPublished,
              FileManager.default.fileExists(atPath: runsDirectory + "/" + lastPublished) else { return }
        try switchLatest(to: lastPublished)
    }

    /// Keeps the newest `keepRuns` run folders and the one `latest` names; removes leftovers of
    /// crashed runs' staging folders. Returns the runs left.
    @discardableResult
    func prune() -> [String] {
        let fileManager = FileManager.default
        let latest = latestRunID
        let runs = ((try? fileManager.contentsOfDirectory(atPath: runsDirectory)) ?? []).sorted()
        for run in runs.dropLast(keepRuns) where run != latest {
            try? fileManager.removeItem(atPath: runsDirectory + "/" + run)
        }
        for entry in (try? fileManager.contentsOfDirectory(atPath: outputDirectory)) ?? [] where entry.hasPrefix(".staging-") || entry.hasPrefix(".spill-") {
            try? fileManager.removeItem(atPath: outputDirectory + "/" + entry)
        }
        return (try? fileManager.contentsOfDirectory(atPath: runsDirectory)) ?? []
    }
}
