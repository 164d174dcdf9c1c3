/// `stagebalans history`: the runs in the output folder's history database, oldest first.
public enum RunHistory {
    public static func render(outputDirectory: String) throws(OutputError) -> String {
        let store = try HistoryStore.open(directory: outputDirectory)
        let runs = try store.runs()
        guard !runs.isEmpty else { return "no runs recorded in \(store.path)" }
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
