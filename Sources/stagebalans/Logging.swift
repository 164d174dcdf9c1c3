import ArgumentParser
import Foundation
import Ingest
import Logging
import Domain
import Pipeline

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

extension LoggingOptions {
    /// A command line found wrong after parsing (`--as-of x`): ArgumentParser's message and
    /// usage as text; as JSON one error record like every other (exit 64 either way).
    func usageError(_ message: String, logger: Logger) -> any Error {
        guard logFormat == .json else { return ValidationError(message) }
        logger.error("\(message)", metadata: ["outcome": "usage", "exit_code": .stringConvertible(ExitStatus.usage.rawValue)])
        return ExitCode(ExitStatus.usage.rawValue)
    }
}

extension RunResult {
    /// The summary line's figures for a log collector, counts and seconds as numbers.
    func summaryMetadata(counts: [Severity: Int], seconds: Double) -> Logger.Metadata {
        ["outcome": hold == nil ? "published" : "held", "run": .string(runID), "inputs": .stringConvertible(reports.count),
         "records": .stringConvertible(reports.reduce(0) { $0 + $1.read }),
         "quarantined": .stringConvertible(reports.reduce(0) { $0 + $1.quarantined }),
         "errors": .stringConvertible(counts[.error] ?? 0), "warnings": .stringConvertible(counts[.warning] ?? 0),
         "info": .stringConvertible(counts[.info] ?? 0), "outputs": .stringConvertible(outputs.count),
         "seconds": .stringConvertible(seconds), "exit_code": .stringConvertible(exitStatus.rawValue)]
    }

    /// The warnings of a run for its log: the reference data's, then the inputs that held no record.
    var warnings: [Diagnostic] { referenceWarnings + reports.compactMap(\.emptyInputWarning) }
}

/// Warnings, the first `limit` of each kind in full, then one line per kind with how many more
/// there were: 355 register sites with nearly the same name read as ten lines and a count.
struct WarningDigest {
    var limit = 10
    /// Where the left-out ones are listed in full, given how many there are.
    var hint: (_ total: Int) -> String
    var write: (_ text: String, _ metadata: Logger.Metadata) -> Void

    init(limit: Int = 10, hint: @escaping (_ total: Int) -> String, write: @escaping (_ text: String, _ metadata: Logger.Metadata) -> Void) {
        self.limit = limit
        self.hint = hint
        self.write = write
    }

    /// Warnings for a run's log, with `validate` as the place that lists them all.
    init(logger: Logger, pipeline: String) {
        self.init(hint: { "`stagebalans validate \(pipeline) --max-warnings \($0)` lists them all" }) { text, metadata in
            logger.warning("\(text)", metadata: metadata)
        }
    }

    func log(_ warnings: [Diagnostic]) {
        var counts: [String: Int] = [:]
        var kinds: [String] = []
        for warning in warnings {
            let kind = warning.kind ?? warning.message
            let count = counts[kind, default: 0] + 1
            counts[kind] = count
            if count == 1 { kinds.append(kind) }
            guard count <= limit else { continue }
            var metadata: Logger.Metadata = ["kind": .string(kind)]
            if let location = warning.location {
                metadata["path"] = .string(location.path)
                metadata["line"] = .stringConvertible(location.line)
                if let column = location.column { metadata["column"] = .stringConvertible(column) }
            }
            write(warning.description, metadata)
        }
        for kind in kinds {
            let total = counts[kind, default: 0]
            guard total > limit else { continue }
            write("warning: \(total - limit) more warnings of this kind not shown (\(total) in all: \(kind)); \(hint(total))",
                  ["kind": .string(kind), "not_shown": .stringConvertible(total - limit), "total": .stringConvertible(total)])
        }
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
            line = Self.jsonLine(level: event.level, label: label, message: event.message.description,
                                 metadata: metadata.merging(event.metadata ?? [:]) { _, new in new })
        }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// One log record as a JSON object: time, level, logger and message, then the metadata by
    /// key, numbers as JSON numbers.
    static func jsonLine(level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) -> String {
        var fields = [("time", json(ISO8601DateFormatter().string(from: Date()))), ("level", json(level.rawValue)),
                      ("logger", json(label)), ("message", json(message))]
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) { fields.append((key, json(value))) }
        return "{" + fields.map { json($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }

    /// A metadata value as JSON: a count or a time passed as `.stringConvertible` is a number
    /// (`"exit_code":0`), a flag `true` or `false`, anything else a string.
    static func json(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let text): return json(text)
        case .stringConvertible(let convertible): return number(convertible) ?? json(convertible.description)
        case .array(let values): return "[" + values.map { json($0) }.joined(separator: ",") + "]"
        case .dictionary(let entries):
            return "{" + entries.sorted(by: { $0.key < $1.key }).map { json($0.key) + ":" + json($0.value) }.joined(separator: ",") + "}"
        }
    }

    /// Integers, finite reals and flags as JSON writes them; nil for anything else (an infinite
    /// or NaN real has no JSON number and stays a string).
    static func number(_ value: any CustomStringConvertible & Sendable) -> String? {
        switch value {
        case let flag as Bool: return flag ? "true" : "false"
        case let integer as any BinaryInteger: return integer.description
        case let real as Double where real.isFinite: return real.description
        case let real as Float where real.isFinite: return real.description
        default: return nil
        }
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
