/// `stagebalans history`: the runs in the output folder's history database, oldest first.
public enum RunHistory {
    /// `failedOnly`: the runs that ended with exit 2 or more (nothing published); `last`: only
    /// the newest that many of those shown, still oldest first.
    public static func render(outputDirectory: String, last: Int? = nil, failedOnly: Bool = false) throws(OutputError) -> String {
        let store = try HistoryStore.open(directory: outputDirectory)
        var runs = try store.runs()
        if failedOnly { runs = runs.filter { $0.run.exitCode >= Int(ExitStatus.badDefinition.rawValue) } }
        if let last { runs = Array(runs.suffix(max(0, last))) }
        guard !runs.isEmpty else { return "no \(failedOnly ? "failed " : "")runs recorded in \(store.path)" }
        var lines = ["run                              as of       exit  published  inputs  findings  started"]
        for entry in runs {
            let run = entry.run
            lines.append(run.id.padding(toLength: 33, withPad: " ", startingAt: 0) + run.asOf + "  "
                         + String(run.exitCode).spacePadded(to: 4) + "  " + (run.published ? "yes" : "no ").padding(toLength: 9, withPad: " ", startingAt: 0)
                         + "  " + String(entry.inputs).spacePadded(to: 6) + "  " + String(entry.findings).spacePadded(to: 8) + "  "
                         + run.startedAt)
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    /// Right-aligned in `width` columns.
    func spacePadded(to width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
