/// `stagebalans history`: the runs in the output folder's history database, oldest first.
public enum RunHistory {
    /// `failedOnly`: the runs that failed (exit 2 to 6: nothing published or held); `last`: only
    /// the newest that many of those shown, still oldest first.
    public static func render(outputDirectory: String, last: Int? = nil, failedOnly: Bool = false) throws(OutputError) -> String {
        let store = try HistoryStore.open(directory: outputDirectory)
        var runs = try store.runs()
        // Failed: nothing published and nothing held (a held run, exit 7, is waiting for `accept`).
        if failedOnly { runs = runs.filter { ($0.run.outcome ?? ($0.run.published ? .published : .failed)) == .failed } }
        if let last { runs = Array(runs.suffix(max(0, last))) }
        guard !runs.isEmpty else { return "no \(failedOnly ? "failed " : "")runs recorded in \(store.path)" }
        let holds = try store.holds()
        var lines = ["run                              as of       exit  outcome    inputs  findings  started"]
        for entry in runs {
            let run = entry.run
            let outcome = run.outcome ?? (run.published ? .published : .failed)
            var line = run.id.padding(toLength: 33, withPad: " ", startingAt: 0) + run.asOf + "  "
                + String(run.exitCode).spacePadded(to: 4) + "  " + outcome.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)
                + "  " + String(entry.inputs).spacePadded(to: 6) + "  " + String(entry.findings).spacePadded(to: 8) + "  "
                + run.startedAt
            if let sameAs = run.sameAs { line += "  same as \(sameAs)" }
            lines.append(line)
            if let hold = holds[run.id] { lines += holdLines(hold) }
        }
        return lines.joined(separator: "\n")
    }

    /// A hold under its run: what it was compared with, each reason, and its acceptance.
    static func holdLines(_ hold: HistoryStore.Hold) -> [String] {
        var lines = ["    held against run \(hold.comparedWith):"] + hold.reasons.map { "      - " + $0 }
        if let at = hold.acceptedAt { lines.append("    accepted \(at)" + (hold.acceptedBy.map { " by \($0)" } ?? "")) }
        return lines
    }
}

extension String {
    /// Right-aligned in `width` columns.
    func spacePadded(to width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
