import Foundation
import Ingest
import Domain
import Report
import Rules
import Yams
import YAMLGuard

/// A pipeline definition: what to read and how, and where results go.
public struct PipelineDefinition: Sendable {
    /// The definition file as it was named.
    public var file: String
    public var name: String
    /// Where results are written, resolved against the definition's folder.
    public var outputDirectory: String
    public var sources: [SourceSpec]
    /// The reference data files, resolved; nil when the definition names none (ingest only).
    public var reference: ReferenceLoader.Files?
    /// Pinned as-of date (a frozen snapshot such as samples/); `--as-of` overrides it.
    public var asOf: Day?
    public var evaluationOverdueDays: Int = 30
    public var expiryHorizonDays: Int = 90
    /// What `run` writes besides the CSV reports and how (the `report:` section).
    public var report = ReportSettings()
    /// `run` exits 1 when a finding of this severity or a more severe one is found.
    public var failOn: Severity?
    /// Published run folders kept under `OUTPUT/runs` (the newest; `latest` is never removed).
    public var keepRuns = 14
    public var changes = ChangeSettings()
    /// When and how finely evaluation rows are normalized in partitions on disk (the
    /// `partitions:` section); the reports are the same bytes either way.
    public var partitions = PartitionSettings()
    /// With `confine_paths: true`: the real path of the definition's folder, where every file
    /// the run opens must lie (checked on the opened file too, not only on its name).
    public var confinedTo: String?
    /// The publish guard and the notifications (`guard:`, `on_publish:`, `on_hold_or_failure:`).
    public var nightly = NightlySettings()
    /// The block calendar and the year's demand of `plan --schedule` (the `planning:` section).
    public var planning: PlanningDefinition?
}

/// The `partitions:` section: evaluation inputs larger than `aboveBytes` (all files together) go
/// to disk while read and are built into placements `rows` rows at a time, so that a run's
/// memory follows the partition, not the input.
public struct PartitionSettings: Sendable, Hashable {
    public var aboveBytes = 1 << 30
    public var rows = 500_000

    public init() {}
}

/// The `report:` section of a definition.
public struct ReportSettings: Sendable, Hashable {
    public enum Format: String, Sendable, CaseIterable {
        case csv, excel, json, markdown, html, xlsx
    }

    /// RFC 4180 CSV is always written; the Excel-for-Belgium dialect only on request.
    public var formats: Set<Format> = [.csv, .json, .markdown, .html]
    /// Reports for auditors: student ids in progress and findings become keyed pseudonyms.
    public var forAuditors = false
    /// The pseudonym key file (outside the repository); else `STAGEBALANS_PSEUDONYM_KEY`.
    public var pseudonymKeyFile: String?
    /// Means over fewer evaluations are left empty (SPEC §5: 5).
    public var minimumEvaluations = 5
    /// The language of what people read (summary.md, the page, `report` and `plan` as Markdown
    /// or HTML); `--language` overrides it. CSV, JSON and xlsx never change with it.
    public var language = ReportLanguage.standard

    public init() {}
}

/// Loads `PIPELINE.yml`. Paths inside are relative to the definition's own folder; in
/// messages they are shown relative to the working folder where that is shorter.
public enum DefinitionLoader {
    static let topLevelKeys = ["name", "output", "limits", "sources", "reference", "as_of", "thresholds", "report", "fail_on",
                                "keep_runs", "changes", "confine_paths", "partitions", "guard", "on_publish", "on_hold_or_failure", "planning"]
    static let sourceKeys = ["name", "kind", "format", "path", "encoding", "delimiter", "quote", "decimal", "dates",
                             "fields", "record", "namespaces", "sheet", "header_row", "values", "limits"]
    static let limitKeys = ["max_field_bytes", "max_record_bytes", "max_fields", "max_inflated_part_bytes", "max_inflated_bytes",
                            "max_compression_ratio", "max_shared_strings_bytes"]

    public static func load(file: String, workingDirectory: String = FileManager.default.currentDirectoryPath)
        throws(DefinitionError) -> PipelineDefinition {
        let text: String
        do {
            guard let decoded = String(validating: try RegularFile.contents(file), as: UTF8.self) else {
                throw DefinitionError(SourceLocation(path: file, line: 1), "the definition is not UTF-8 text")
            }
            text = decoded
        } catch let error as DefinitionError {
            throw error
        } catch let error as FileReadError {
            throw DefinitionError(SourceLocation(path: file, line: 1), "cannot read the definition: \(error.message)")
        } catch {
            throw DefinitionError(SourceLocation(path: file, line: 1), "cannot read the definition: \(error.localizedDescription)")
        }
        return try parse(text, file: file, workingDirectory: workingDirectory)
    }

    public static func parse(_ text: String, file: String, workingDirectory: String) throws(DefinitionError) -> PipelineDefinition {
        let top = try topLevel(text, file: file)
        let base = baseDirectory(of: file, workingDirectory: workingDirectory)
        let name = try top["name"]?.string("name") ?? URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        let outputNode = try top.required("output")
        let output = try outputNode.string("output")
        var confinedTo: String?
        if let node = top["confine_paths"] { confinedTo = try confinement(node, base: base) }
        let paths = DefinitionPaths(base: base, workingDirectory: workingDirectory, confinedTo: confinedTo)
        try paths.confine(resolve(output, base: base), outputNode, "output")
        var limits = Limits()
        if let node = top["limits"] { limits = try readLimits(node, defaults: limits) }
        let sources = try readSources(try top.required("sources"), paths: paths, limits: limits)
        var definition = PipelineDefinition(file: file, name: name, outputDirectory: resolve(output, base: base), sources: sources)
        definition.confinedTo = confinedTo
        try readSettings(top, paths: paths, into: &definition)
        return definition
    }

    /// The definition's top-level mapping, from its YAML text.
    static func topLevel(_ text: String, file: String) throws(DefinitionError) -> YAMLMapping {
        try YAMLExpansionGuard.check(text, file: file)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw yamlError(error, file: file)
        } catch {
            throw DefinitionError(SourceLocation(path: file, line: 1), "cannot parse the definition: \(error)")
        }
        guard let root else { throw DefinitionError(SourceLocation(path: file, line: 1), "the definition is empty") }
        return try YAMLNode(node: root, file: file).mapping("the definition", allowed: topLevelKeys)
    }

    /// `confine_paths`: the real path of the definition's folder when paths must stay inside it.
    static func confinement(_ node: YAMLNode, base: String) throws(DefinitionError) -> String? {
        switch try node.string("confine_paths") {
        case "true", "yes": return realPath(base) ?? base
        case "false", "no": return nil
        case let other: throw node.fail("confine_paths must be true or false, not '\(other)'")
        }
    }

    /// The `sources:` list: at least one source, each name once, every file confined.
    static func readSources(_ sourcesNode: YAMLNode, paths: DefinitionPaths, limits: Limits) throws(DefinitionError) -> [SourceSpec] {
        let sourceNodes = try sourcesNode.sequence("sources")
        guard !sourceNodes.isEmpty else { throw sourcesNode.fail("sources must name at least one source") }
        var sources: [SourceSpec] = []
        var names: Set<String> = []  // not a search of the sources so far: a 1 MB definition holds 10,000
        for node in sourceNodes {
            let source = try readSource(node, base: paths.base, workingDirectory: paths.workingDirectory, limits: limits)
            let pathNode = (try? node.mapping("a source", allowed: nil))?["path"] ?? node
            for file in source.files { try paths.confine(resolve(file, base: paths.workingDirectory), pathNode, "source file") }
            guard names.insert(source.name).inserted else {
                throw node.fail("two sources are named '\(source.name)'")
            }
            sources.append(source)
        }
        return sources
    }

    /// The optional sections after the sources, in the order they are checked.
    static func readSettings(_ top: YAMLMapping, paths: DefinitionPaths,
                             into definition: inout PipelineDefinition) throws(DefinitionError) {
        if let node = top["reference"] { definition.reference = try readReference(node, paths: paths) }
        if let node = top["as_of"] { definition.asOf = try readAsOf(node) }
        if let node = top["thresholds"] { try readThresholds(node, into: &definition) }
        if let node = top["fail_on"] { definition.failOn = try readFailOn(node) }
        if let node = top["keep_runs"] { definition.keepRuns = try node.integer("keep_runs", range: 1...10_000) }
        if let node = top["changes"] { definition.changes = try readChanges(node) }
        if let node = top["report"] {
            definition.report = try readReport(node, base: paths.base, workingDirectory: paths.workingDirectory)
        }
        if let node = top["partitions"] { definition.partitions = try readPartitions(node) }
        definition.nightly = try readNightly(top, paths: paths)
        if let node = top["planning"] { definition.planning = try readPlanning(node) }
    }

    static func readReference(_ node: YAMLNode, paths: DefinitionPaths) throws(DefinitionError) -> ReferenceLoader.Files {
        let map = try node.mapping("reference", allowed: ["sites", "disciplines", "curriculum"])
        for key in ["sites", "disciplines", "curriculum"] {
            if let value = map[key] { try paths.confine(resolve(try value.string(key), base: paths.base), value, "reference file") }
        }
        func file(_ key: String) throws(DefinitionError) -> String {
            paths.display(resolve(try map.required(key).string(key), base: paths.base))
        }
        return ReferenceLoader.Files(sites: try file("sites"), disciplines: try file("disciplines"), curriculum: try file("curriculum"),
                                     confinedTo: paths.confinedTo)
    }

    static func readAsOf(_ node: YAMLNode) throws(DefinitionError) -> Day {
        let text = try node.string("as_of")
        guard case .success(let day) = DateParser(formats: [DateParser.iso]).parse(text) else {
            throw node.fail("as_of must be a date as yyyy-mm-dd, not '\(text)'")
        }
        return day
    }

    static func readThresholds(_ node: YAMLNode, into definition: inout PipelineDefinition) throws(DefinitionError) {
        let map = try node.mapping("thresholds", allowed: ["evaluation_overdue_days", "expiry_horizon_days"])
        if let value = map["evaluation_overdue_days"] {
            definition.evaluationOverdueDays = try value.integer("evaluation_overdue_days", range: 0...3650)
        }
        if let value = map["expiry_horizon_days"] {
            definition.expiryHorizonDays = try value.integer("expiry_horizon_days", range: 0...3650)
        }
    }

    static func readFailOn(_ node: YAMLNode) throws(DefinitionError) -> Severity {
        let text = try node.string("fail_on")
        guard let severity = Severity(rawValue: text) else {
            throw node.fail("fail_on must be error, warning or info, not '\(text)'")
        }
        return severity
    }

    static func readChanges(_ node: YAMLNode) throws(DefinitionError) -> ChangeSettings {
        let map = try node.mapping("changes", allowed: ["capacity_weeks", "utilisation_points"])
        var changes = ChangeSettings()
        if let value = map["capacity_weeks"] { changes.capacityWeeks = try value.integer("capacity_weeks", range: 0...100_000) }
        if let value = map["utilisation_points"] {
            changes.utilisationPoints = try value.integer("utilisation_points", range: 0...10_000)
        }
        return changes
    }

    static func readPartitions(_ node: YAMLNode) throws(DefinitionError) -> PartitionSettings {
        let map = try node.mapping("partitions", allowed: ["above_mb", "rows"])
        var partitions = PartitionSettings()
        if let value = map["above_mb"] { partitions.aboveBytes = try value.integer("above_mb", range: 0...1_000_000) << 20 }
        if let value = map["rows"] { partitions.rows = try value.integer("rows", range: 1...1_000_000_000) }
        return partitions
    }

    static func readReport(_ node: YAMLNode, base: String, workingDirectory: String) throws(DefinitionError) -> ReportSettings {
        let map = try node.mapping("report", allowed: ["formats", "for_auditors", "pseudonym_key_file", "minimum_evaluations", "language"])
        var settings = ReportSettings()
        if let value = map["formats"] {
            var formats: Set<ReportSettings.Format> = [.csv]
            for name in try value.strings("formats") {
                guard let format = ReportSettings.Format(rawValue: name) else {
                    throw value.fail("unknown report format '\(name)'; expected one of "
                                     + ReportSettings.Format.allCases.map(\.rawValue).joined(separator: ", "))
                }
                formats.insert(format)
            }
            settings.formats = formats
        }
        if let value = map["for_auditors"] {
            switch try value.string("for_auditors") {
            case "true", "yes": settings.forAuditors = true
            case "false", "no": settings.forAuditors = false
            case let other: throw value.fail("for_auditors must be true or false, not '\(other)'")
            }
        }
        if let value = map["pseudonym_key_file"] {
            settings.pseudonymKeyFile = display(resolve(try value.string("pseudonym_key_file"), base: base),
                                                workingDirectory: workingDirectory)
        }
        if let value = map["minimum_evaluations"] {
            settings.minimumEvaluations = try value.integer("minimum_evaluations", range: 1...1000)
        }
        if let value = map["language"] { settings.language = try readLanguage(value) }
        return settings
    }

    /// `report.language`: nl (the default) or en.
    static func readLanguage(_ node: YAMLNode) throws(DefinitionError) -> ReportLanguage {
        let text = try node.string("language")
        guard let language = ReportLanguage(rawValue: text) else {
            let names = ReportLanguage.allCases.map(\.rawValue)
            throw node.fail(choice("report language", text, names) + "; write `language: nl` (Dutch, the default) or `language: en`")
        }
        return language
    }

    // MARK: Paths

    /// The path with `..` and every symbolic link resolved; for a path that does not exist
    /// (yet), its nearest existing folder resolved and the rest appended.
    public static func realPath(_ path: String) -> String? {
        if let resolved = realpath(path, nil) {
            defer { free(resolved) }
            return String(cString: resolved)
        }
        let url = URL(fileURLWithPath: path)
        let parent = url.deletingLastPathComponent().path
        guard parent != path, let real = realPath(parent) else { return nil }
        return (real == "/" ? "" : real) + "/" + url.lastPathComponent
    }

    static func baseDirectory(of file: String, workingDirectory: String) -> String {
        let absolute = file.hasPrefix("/") ? file : workingDirectory + "/" + file
        return URL(fileURLWithPath: absolute).deletingLastPathComponent().standardizedFileURL.path
    }

    static func resolve(_ path: String, base: String) -> String {
        let absolute = path.hasPrefix("/") ? path : base + "/" + path
        return URL(fileURLWithPath: absolute).standardizedFileURL.path
    }

    /// Shorter path for messages: relative to the working folder when the file is inside it.
    public static func display(_ absolute: String, workingDirectory: String) -> String {
        let prefix = workingDirectory.hasSuffix("/") ? workingDirectory : workingDirectory + "/"
        return absolute.hasPrefix(prefix) ? String(absolute.dropFirst(prefix.count)) : absolute
    }

    static func resolveFiles(_ node: YAMLNode, base: String, workingDirectory: String) throws(DefinitionError) -> [String] {
        var files: [String] = []
        for pattern in try node.strings("path") {
            let absolute = resolve(pattern, base: base)
            if pattern.contains(where: { "*?[".contains($0) }) {
                let matches = Glob.expand(absolute)
                guard !matches.isEmpty else { throw node.fail("no file matches '\(pattern)' (looked in \(display(absolute, workingDirectory: workingDirectory)))") }
                files += matches
            } else {
                files.append(absolute)
            }
        }
        return files.map { display($0, workingDirectory: workingDirectory) }
    }

    static func choice(_ what: String, _ given: String, _ allowed: [String]) -> String {
        // `gp` for `gp-practice`: too far by edit distance, but the start of one value only.
        let extending = given.count >= 2 ? allowed.filter { $0.hasPrefix(given.lowercased()) } : []
        let guess = EditDistance.closest(to: given, among: allowed, limit: 1, maxDistance: max(2, given.count / 3)).first
            ?? (extending.count == 1 ? extending.first : nil)
        return "unknown \(what) '\(given)'" + (guess.map { "; did you mean '\($0)'?" } ?? "")
            + " (one of: " + allowed.joined(separator: ", ") + ")"
    }

    static func yamlError(_ error: YamlError, file: String) -> DefinitionError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let prefix = context.map { "\($0.text) " } ?? ""
            return DefinitionError(SourceLocation(path: file, line: mark.line, column: mark.column), "YAML: " + prefix + problem)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return DefinitionError(SourceLocation(path: file, line: context.mark.line, column: context.mark.column),
                                   "YAML: duplicate keys " + duplicates.joined(separator: ", "))
        default:
            return DefinitionError(SourceLocation(path: file, line: 1), "YAML: \(error)")
        }
    }
}

/// How a definition's paths are read: relative to its folder, shown relative to the working
/// folder, and with `confine_paths` kept inside the definition's folder once `..` and symbolic
/// links are followed, so that a definition from elsewhere cannot read or write beside it.
struct DefinitionPaths {
    /// The definition's folder.
    let base: String
    let workingDirectory: String
    /// The real path of the definition's folder with `confine_paths: true`.
    let confinedTo: String?

    func confine(_ absolute: String, _ node: YAMLNode, _ what: String) throws(DefinitionError) {
        guard let folder = confinedTo else { return }
        let real = DefinitionLoader.realPath(absolute) ?? absolute
        guard real == folder || real.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/") else {
            throw node.fail("\(what) '\(display(absolute))' is outside the definition's folder "
                            + "(it resolves to \(real)); confine_paths: true forbids that")
        }
    }

    func display(_ absolute: String) -> String {
        DefinitionLoader.display(absolute, workingDirectory: workingDirectory)
    }
}

/// Shell-style patterns (`*`, `?`, `[…]`) in a path's last component, expanded in sorted order
/// so that the same folder always gives the same order.
enum Glob {
    static func expand(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard glob(pattern, 0, nil, &result) == 0 else { return [] }
        var paths: [String] = []
        for index in 0..<Int(result.gl_pathc) {
            if let path = result.gl_pathv[index] { paths.append(String(cString: path)) }
        }
        return paths.sorted()
    }
}
