import Foundation
import Ingest
import StagebalansCore
import Yams

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
        case csv, excel, json, markdown, html
    }

    /// RFC 4180 CSV is always written; the Excel-for-Belgium dialect only on request.
    public var formats: Set<Format> = [.csv, .json, .markdown, .html]
    /// Reports for auditors: student ids in progress and findings become keyed pseudonyms.
    public var forAuditors = false
    /// The pseudonym key file (outside the repository); else `STAGEBALANS_PSEUDONYM_KEY`.
    public var pseudonymKeyFile: String?
    /// Means over fewer evaluations are left empty (SPEC §5: 5).
    public var minimumEvaluations = 5

    public init() {}
}

/// Loads `PIPELINE.yml`. Paths inside are relative to the definition's own folder; in
/// messages they are shown relative to the working folder where that is shorter.
public enum DefinitionLoader {
    static let topLevelKeys = ["name", "output", "limits", "sources", "reference", "as_of", "thresholds", "report", "fail_on",
                                "keep_runs", "changes", "confine_paths", "partitions"]
    static let sourceKeys = ["name", "kind", "format", "path", "encoding", "delimiter", "quote", "decimal", "dates",
                             "fields", "record", "namespaces", "values", "limits"]
    static let limitKeys = ["max_field_bytes", "max_record_bytes", "max_fields"]

    public static func load(file: String, workingDirectory: String = FileManager.default.currentDirectoryPath)
        throws(DefinitionError) -> PipelineDefinition {
        let text: String
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: file))
            guard let decoded = String(data: data, encoding: .utf8) else {
                throw DefinitionError(SourceLocation(path: file, line: 1), "the definition is not UTF-8 text")
            }
            text = decoded
        } catch let error as DefinitionError {
            throw error
        } catch {
            throw DefinitionError(SourceLocation(path: file, line: 1), "cannot read the definition: \(error.localizedDescription)")
        }
        return try parse(text, file: file, workingDirectory: workingDirectory)
    }

    public static func parse(_ text: String, file: String, workingDirectory: String) throws(DefinitionError) -> PipelineDefinition {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw yamlError(error, file: file)
        } catch {
            throw DefinitionError(SourceLocation(path: file, line: 1), "cannot parse the definition: \(error)")
        }
        guard let root else { throw DefinitionError(SourceLocation(path: file, line: 1), "the definition is empty") }
        let base = baseDirectory(of: file, workingDirectory: workingDirectory)
        let top = try YAMLNode(node: root, file: file).mapping("the definition", allowed: topLevelKeys)
        let name = try top["name"]?.string("name") ?? URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        let output = try top.required("output").string("output")
        // With confine_paths, every path must stay inside the definition's folder once `..` and
        // symbolic links are followed: a definition from elsewhere cannot read or write beside it.
        var confineTo: String?
        if let node = top["confine_paths"] {
            switch try node.string("confine_paths") {
            case "true", "yes": confineTo = realPath(base) ?? base
            case "false", "no": confineTo = nil
            case let other: throw node.fail("confine_paths must be true or false, not '\(other)'")
            }
        }
        func confined(_ absolute: String, _ node: YAMLNode, _ what: String) throws(DefinitionError) {
            guard let folder = confineTo else { return }
            let real = realPath(absolute) ?? absolute
            guard real == folder || real.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/") else {
                throw node.fail("\(what) '\(display(absolute, workingDirectory: workingDirectory))' is outside the definition's folder "
                                + "(it resolves to \(real)); confine_paths: true forbids that")
            }
        }
        try confined(resolve(output, base: base), try top.required("output"), "output")
        var limits = Limits()
        if let node = top["limits"] { limits = try readLimits(node, defaults: limits) }
        let sourcesNode = try top.required("sources")
        let sourceNodes = try sourcesNode.sequence("sources")
        guard !sourceNodes.isEmpty else { throw sourcesNode.fail("sources must name at least one source") }
        var sources: [SourceSpec] = []
        for node in sourceNodes {
            let source = try readSource(node, base: base, workingDirectory: workingDirectory, limits: limits)
            let pathNode = (try? node.mapping("a source", allowed: nil))?["path"] ?? node
            for file in source.files { try confined(resolve(file, base: workingDirectory), pathNode, "source file") }
            if sources.contains(where: { $0.name == source.name }) {
                throw node.fail("two sources are named '\(source.name)'")
            }
            sources.append(source)
        }
        var definition = PipelineDefinition(file: file, name: name, outputDirectory: resolve(output, base: base), sources: sources)
        if let node = top["reference"] {
            let map = try node.mapping("reference", allowed: ["sites", "disciplines", "curriculum"])
            for key in ["sites", "disciplines", "curriculum"] {
                if let value = map[key] { try confined(resolve(try value.string(key), base: base), value, "reference file") }
            }
            definition.reference = ReferenceLoader.Files(
                sites: display(resolve(try map.required("sites").string("sites"), base: base), workingDirectory: workingDirectory),
                disciplines: display(resolve(try map.required("disciplines").string("disciplines"), base: base), workingDirectory: workingDirectory),
                curriculum: display(resolve(try map.required("curriculum").string("curriculum"), base: base), workingDirectory: workingDirectory))
        }
        if let node = top["as_of"] {
            let text = try node.string("as_of")
            guard case .success(let day) = DateParser(formats: [DateParser.iso]).parse(text) else {
                throw node.fail("as_of must be a date as yyyy-mm-dd, not '\(text)'")
            }
            definition.asOf = day
        }
        if let node = top["thresholds"] {
            let map = try node.mapping("thresholds", allowed: ["evaluation_overdue_days", "expiry_horizon_days"])
            if let value = map["evaluation_overdue_days"] {
                definition.evaluationOverdueDays = try value.integer("evaluation_overdue_days", range: 0...3650)
            }
            if let value = map["expiry_horizon_days"] {
                definition.expiryHorizonDays = try value.integer("expiry_horizon_days", range: 0...3650)
            }
        }
        if let node = top["fail_on"] {
            let text = try node.string("fail_on")
            guard let severity = Severity(rawValue: text) else {
                throw node.fail("fail_on must be error, warning or info, not '\(text)'")
            }
            definition.failOn = severity
        }
        if let node = top["keep_runs"] { definition.keepRuns = try node.integer("keep_runs", range: 1...10_000) }
        if let node = top["changes"] {
            let map = try node.mapping("changes", allowed: ["capacity_weeks", "utilisation_points"])
            if let value = map["capacity_weeks"] { definition.changes.capacityWeeks = try value.integer("capacity_weeks", range: 0...100_000) }
            if let value = map["utilisation_points"] {
                definition.changes.utilisationPoints = try value.integer("utilisation_points", range: 0...10_000)
            }
        }
        if let node = top["report"] {
            definition.report = try readReport(node, base: base, workingDirectory: workingDirectory)
        }
        if let node = top["partitions"] {
            let map = try node.mapping("partitions", allowed: ["above_mb", "rows"])
            if let value = map["above_mb"] { definition.partitions.aboveBytes = try value.integer("above_mb", range: 0...1_000_000) << 20 }
            if let value = map["rows"] { definition.partitions.rows = try value.integer("rows", range: 1...1_000_000_000) }
        }
        return definition
    }

    static func readReport(_ node: YAMLNode, base: String, workingDirectory: String) throws(DefinitionError) -> ReportSettings {
        let map = try node.mapping("report", allowed: ["formats", "for_auditors", "pseudonym_key_file", "minimum_evaluations"])
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
        return settings
    }

    // MARK: Sources

    static func readSource(_ node: YAMLNode, base: String, workingDirectory: String, limits: Limits)
        throws(DefinitionError) -> SourceSpec {
        let map = try node.mapping("a source", allowed: sourceKeys)
        let name = try map.required("name").string("name")
        let kindNode = try map.required("kind")
        let kindText = try kindNode.string("kind")
        guard let kind = SourceKind(rawValue: kindText) else {
            throw kindNode.fail(choice("kind", kindText, SourceKind.allCases.map(\.rawValue)))
        }
        let formatNode = try map.required("format")
        let formatText = try formatNode.string("format")
        guard ["csv", "xml"].contains(formatText) else { throw formatNode.fail(choice("format", formatText, ["csv", "xml"])) }
        let isCSV = formatText == "csv"

        for key in isCSV ? ["record", "namespaces"] : ["encoding", "delimiter", "quote"] {
            if let entry = map.entries.first(where: { $0.key == key }) {
                throw entry.keyNode.fail("'\(key)' applies to \(isCSV ? "xml" : "csv") sources only; this source is \(formatText)")
            }
        }

        let pathNode = try map.required("path")
        let files = try resolveFiles(pathNode, base: base, workingDirectory: workingDirectory)

        var dates = DateParser.standard
        if let datesNode = map["dates"] {
            var formats: [DateFormat] = []
            for item in try datesNode.sequence("dates") {
                let pattern = try item.string("a date format")
                do {
                    formats.append(try DateFormat(pattern))
                } catch {
                    throw item.fail(error.message)
                }
            }
            guard !formats.isEmpty else { throw datesNode.fail("dates must list at least one format") }
            dates = DateParser(formats: formats)
        }

        var decimal = DecimalSeparator.auto
        if let decimalNode = map["decimal"] {
            let text = try decimalNode.string("decimal")
            guard let value = DecimalSeparator(rawValue: text) else {
                throw decimalNode.fail(choice("decimal", text, DecimalSeparator.allCases.map(\.rawValue)))
            }
            decimal = value
        }

        var valueMaps = ValueMaps.defaults
        if let valuesNode = map["values"] {
            let valuesMap = try valuesNode.mapping("values", allowed: ValueMaps.codedFields.map(\.rawValue))
            for entry in valuesMap.entries {
                guard let field = LogicalField(rawValue: entry.key) else { continue }
                let targets = ValueMaps.targets(of: field)
                let targetMap = try entry.value.mapping("values.\(entry.key)", allowed: targets)
                for target in targetMap.entries {
                    valueMaps.maps[field]?.merge(target: target.key, words: try target.value.strings("values.\(entry.key).\(target.key)"))
                }
            }
        }

        var sourceLimits = limits
        if let node = map["limits"] { sourceLimits = try readLimits(node, defaults: limits) }
        let allowedFields = LogicalField.fields(of: kind).map(\.rawValue)
        let fieldsMap = try map["fields"]?.mapping("fields of this \(kind.rawValue) source", allowed: allowedFields)

        let format: SourceSpec.InputFormat
        var columns: [LogicalField: [String]] = [:]
        if isCSV {
            for entry in fieldsMap?.entries ?? [] {
                guard let field = LogicalField(rawValue: entry.key) else { continue }
                columns[field] = try entry.value.strings("the column of \(entry.key)")
            }
            format = .csv(try readCSVSettings(map))
        } else {
            format = .xml(try readXMLSettings(map, fields: fieldsMap, kind: kind))
        }
        return SourceSpec(name: name, kind: kind, files: files, format: format, columns: columns, dates: dates,
                          decimal: decimal, valueMaps: valueMaps, limits: sourceLimits)
    }

    static func readCSVSettings(_ map: YAMLMapping) throws(DefinitionError) -> CSVSettings {
        var settings = CSVSettings()
        if let node = map["encoding"] {
            let text = try node.string("encoding").lowercased()
            let aliases: [String: TextEncoding] = ["utf8": .utf8, "cp1252": .windows1252, "latin1": .iso88591, "latin-1": .iso88591]
            if text == "auto" {
                settings.encoding = .auto
            } else if let encoding = TextEncoding(rawValue: text) ?? aliases[text] {
                settings.encoding = .fixed(encoding)
            } else {
                throw node.fail(choice("encoding", text, ["auto"] + TextEncoding.allCases.map(\.rawValue)))
            }
        }
        if let node = map["delimiter"] {
            let text = try node.string("delimiter")
            switch text {
            case "auto": settings.delimiter = .auto
            case "tab", "\t", "\\t": settings.delimiter = .fixed(UInt8(ascii: "\t"))
            default:
                guard text.utf8.count == 1, let byte = text.utf8.first, byte > 0x20, byte < 0x7F, byte != UInt8(ascii: "\"") else {
                    throw node.fail("delimiter must be auto, tab or one printable ASCII character such as ';' or ',', not '\(text)'")
                }
                settings.delimiter = .fixed(byte)
            }
        }
        if let node = map["quote"] {
            let text = try node.string("quote")
            guard text.utf8.count == 1, let byte = text.utf8.first, byte > 0x20, byte < 0x7F else {
                throw node.fail("quote must be one printable ASCII character, not '\(text)'")
            }
            settings.quote = byte
        }
        return settings
    }

    static func readXMLSettings(_ map: YAMLMapping, fields: YAMLMapping?, kind: SourceKind) throws(DefinitionError) -> XMLSettings {
        var namespaces: [String: String] = [:]
        if let node = map["namespaces"] {
            for entry in try node.mapping("namespaces", allowed: nil).entries {
                namespaces[entry.key] = try entry.value.string("the namespace of prefix '\(entry.key)'")
            }
        }
        let recordNode = try map.required("record")
        let record = try qualifiedName(try recordNode.string("record"), namespaces: namespaces, node: recordNode)
        var paths: [LogicalField: XMLPath] = [:]
        for field in LogicalField.fields(of: kind) {
            paths[field] = XMLPath(elements: [XMLStep(name: XMLName(namespaceURI: nil, localName: field.rawValue))],
                                   attribute: nil, text: field.rawValue)
        }
        for entry in fields?.entries ?? [] {
            guard let field = LogicalField(rawValue: entry.key) else { continue }
            paths[field] = try xmlPath(try entry.value.string("the path of \(entry.key)"), namespaces: namespaces, node: entry.value)
        }
        return XMLSettings(record: record, fields: paths)
    }

    static func qualifiedName(_ text: String, namespaces: [String: String], node: YAMLNode) throws(DefinitionError) -> XMLName {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.allSatisfy({ !$0.isEmpty && !$0.contains("/") && !$0.contains("@") }) else {
            throw node.fail("'\(text)' is not an XML name (name or prefix:name)")
        }
        if parts.count == 2 {
            let prefix = String(parts[0])
            guard let uri = namespaces[prefix] else {
                throw node.fail("prefix '\(prefix)' is not declared under namespaces:",
                                notes: namespaces.isEmpty ? [] : ["declared: " + namespaces.keys.sorted().joined(separator: ", ")])
            }
            return XMLName(namespaceURI: uri, localName: String(parts[1]))
        }
        return XMLName(namespaceURI: nil, localName: text)
    }

    static func xmlPath(_ text: String, namespaces: [String: String], node: YAMLNode) throws(DefinitionError) -> XMLPath {
        var steps = splitPath(text)
        var attribute: XMLName?
        if let last = steps.last, last.hasPrefix("@") {
            attribute = try qualifiedName(String(last.dropFirst()), namespaces: namespaces, node: node)
            steps.removeLast()
        }
        if steps == ["."] { steps = [] }
        var elements: [XMLStep] = []
        for step in steps {
            elements.append(try xmlStep(step, namespaces: namespaces, node: node))
        }
        guard attribute != nil || !elements.isEmpty || text == "." else { throw node.fail("'\(text)' is not a path") }
        return XMLPath(elements: elements, attribute: attribute, text: text)
    }

    /// Splits on `/` outside brackets.
    static func splitPath(_ text: String) -> [String] {
        var steps: [String] = []
        var current = ""
        var depth = 0
        for character in text {
            if character == "[" { depth += 1 }
            if character == "]" { depth -= 1 }
            if character == "/" && depth == 0 {
                steps.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        steps.append(current)
        return steps
    }

    /// `name` or `name[@attribute='value']` (single or double quotes).
    static func xmlStep(_ text: String, namespaces: [String: String], node: YAMLNode) throws(DefinitionError) -> XMLStep {
        guard let open = text.firstIndex(of: "[") else {
            return XMLStep(name: try qualifiedName(text, namespaces: namespaces, node: node))
        }
        let name = try qualifiedName(String(text[..<open]), namespaces: namespaces, node: node)
        let inner = text[text.index(after: open)...]
        guard inner.hasPrefix("@"), inner.hasSuffix("]"), let equals = inner.firstIndex(of: "=") else {
            throw node.fail("'\(text)': a step may be narrowed only as name[@attribute='value']")
        }
        let attribute = try qualifiedName(String(inner[inner.index(after: inner.startIndex)..<equals]), namespaces: namespaces, node: node)
        var value = inner[inner.index(after: equals)..<inner.index(before: inner.endIndex)]
        guard value.count >= 2, let quote = value.first, quote == "'" || quote == "\"", value.last == quote else {
            throw node.fail("'\(text)': the value in [@attribute='value'] must be quoted")
        }
        value = value.dropFirst().dropLast()
        return XMLStep(name: name, predicate: (attribute, String(value)))
    }

    static func readLimits(_ node: YAMLNode, defaults: Limits) throws(DefinitionError) -> Limits {
        let map = try node.mapping("limits", allowed: limitKeys)
        var limits = defaults
        if let value = map["max_field_bytes"] { limits.maxFieldBytes = try value.integer("max_field_bytes", range: 16...(1 << 30)) }
        if let value = map["max_record_bytes"] { limits.maxRecordBytes = try value.integer("max_record_bytes", range: 64...(1 << 31)) }
        if let value = map["max_fields"] { limits.maxFields = try value.integer("max_fields", range: 1...1_000_000) }
        return limits
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
        let guess = EditDistance.closest(to: given, among: allowed, limit: 1, maxDistance: max(2, given.count / 3)).first
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
