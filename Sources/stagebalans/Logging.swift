import ArgumentParser
import Foundation
import Ingest
import Logging
import Domain

/// `--quiet` and `--log-format`, shared by the commands that run the pipeline.
struct LoggingOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Flag(help: "Only warnings, errors and the one summary line (for cron).")
    var quiet = false

    @Option(help: "text, or json: one JSON object per line on stderr, for log collectors.")
    var logFormat: Format = .text

    /// A progress display only on a terminal, never under cron or into a log file.
    var showsProgress: Bool { !quiet && logFormat == .text && isatty(STDERR_FILENO) == 1 }

    func bootstrap(label: String) -> Logger {
        let format = logFormat
        let level: Logger.Level = quiet ? .notice : .info
        LoggingSystem.bootstrap { label in
            var handler = StandardErrorLogHandler(label: label, format: format)
            handler.logLevel = level
            return handler
        }
        return Logger(label: label)
    }
}

/// Writes log records to stderr: the message alone as text (the summary line reads as a
/// sentence), or one JSON object per record.
struct StandardErrorLogHandler: LogHandler {
    let label: String
    let format: LoggingOptions.Format
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let line: String
        switch format {
        case .text:
            // For the terminal: hidden characters of the input as markers. The JSON form is
            // for log collectors and keeps the raw value (escaped as JSON).
            line = VisibleText.marked(event.message.description)
        case .json:
            var fields: [(String, String)] = [("time", ISO8601DateFormatter().string(from: Date())), ("level", event.level.rawValue),
                                              ("logger", label), ("message", event.message.description)]
            let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
            for key in merged.keys.sorted() { fields.append((key, merged[key].map { "\($0)" } ?? "")) }
            line = "{" + fields.map { Self.json($0.0) + ":" + Self.json($0.1) }.joined(separator: ",") + "}"
        }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    static func json(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// One line on the terminal, rewritten in place: the source being read, its rows and rows per
/// second; when a file is done, a line with its bytes and rows per second.
final class ProgressDisplay: @unchecked Sendable {
    // Guarded by `lock`; updated from the ingesting thread only, read at `finish()`.
    private let lock = NSLock()
    private var source = ""
    private var sourceStart = Date()
    private var rows = 0
    private var lastDraw = Date.distantPast

    func update(source: String, rows: Int) {
        lock.lock()
        defer { lock.unlock() }
        let source = VisibleText.marked(source)
        if source != self.source {
            finishSource()
            self.source = source
            sourceStart = Date()
        }
        self.rows = rows
        let now = Date()
        guard now.timeIntervalSince(lastDraw) > 0.2 else { return }
        lastDraw = now
        draw("\r\u{1B}[K\(source): \(rows) rows, \(rate(now)) rows/s")
    }

    func fileDone(_ report: FileReport, seconds: Double) {
        lock.lock()
        defer { lock.unlock() }
        let time = max(seconds, 0.001)
        draw(String(format: "\r\u{1B}[K%@: %@: %d rows, %.1f MB/s, %.0f rows/s\n", VisibleText.marked(report.source),
                    VisibleText.marked(report.path), report.read,
                    Double(report.bytes) / 1e6 / time, Double(report.read) / time))
        source = ""
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        finishSource()
        source = ""
    }

    private func finishSource() {
        guard !source.isEmpty else { return }
        draw("\r\u{1B}[K\(source): read, \(rate(Date())) rows/s\n")
    }

    private func rate(_ now: Date) -> Int { Int(Double(rows) / max(now.timeIntervalSince(sourceStart), 0.001)) }

    private func draw(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}
