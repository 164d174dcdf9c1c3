import Foundation
import Ingest
import Domain

/// The `sources:` entries of a definition: kind, format, files, dates, decimals, value maps,
/// limits, and the CSV settings, the XML record and field paths, or the XLSX sheet and header row.
extension DefinitionLoader {
    enum SourceFormat: String, CaseIterable {
        case csv, xml, xlsx

        /// The keys that apply to this format only.
        var ownKeys: [String] {
            switch self {
            case .csv: return ["encoding", "delimiter", "quote"]
            case .xml: return ["record", "namespaces"]
            case .xlsx: return ["sheet", "header_row"]
            }
        }
    }

    static func readSource(_ node: YAMLNode, base: String, workingDirectory: String, limits: Limits)
        throws(DefinitionError) -> SourceSpec {
        let map = try node.mapping("a source", allowed: sourceKeys)
        let name = try map.required("name").string("name")
        let kindNode = try map.required("kind")
        let kindText = try kindNode.string("kind")
        guard let kind = SourceKind(rawValue: kindText) else {
            throw kindNode.fail(choice("kind", kindText, SourceKind.allCases.map(\.rawValue)))
        }
        let sourceFormat = try readFormat(map)
        let files = try resolveFiles(try map.required("path"), base: base, workingDirectory: workingDirectory)
        var dates = DateParser.standard
        if let datesNode = map["dates"] { dates = try readDates(datesNode) }
        var decimal = DecimalSeparator.auto
        if let decimalNode = map["decimal"] {
            let text = try decimalNode.string("decimal")
            guard let value = DecimalSeparator(rawValue: text) else {
                throw decimalNode.fail(choice("decimal", text, DecimalSeparator.allCases.map(\.rawValue)))
            }
            decimal = value
        }
        var valueMaps = ValueMaps.defaults
        if let valuesNode = map["values"] { try readValues(valuesNode, into: &valueMaps) }
        var sourceLimits = limits
        if let node = map["limits"] { sourceLimits = try readLimits(node, defaults: limits) }
        let allowedFields = LogicalField.fields(of: kind).map(\.rawValue)
        let fieldsMap = try map["fields"]?.mapping("fields of this \(kind.rawValue) source", allowed: allowedFields)

        let format: SourceSpec.InputFormat
        var columns: [LogicalField: [String]] = [:]
        if sourceFormat == .xml {
            format = .xml(try readXMLSettings(map, fields: fieldsMap, kind: kind))
        } else {
            for entry in fieldsMap?.entries ?? [] {
                guard let field = LogicalField(rawValue: entry.key) else { continue }
                columns[field] = try entry.value.strings("the column of \(entry.key)")
            }
            format = sourceFormat == .csv ? .csv(try readCSVSettings(map)) : .xlsx(try readXLSXSettings(map))
        }
        return SourceSpec(name: name, kind: kind, files: files, format: format, columns: columns, dates: dates,
                          decimal: decimal, valueMaps: valueMaps, limits: sourceLimits)
    }

    /// `format:` csv, xml or xlsx; a key of another format is an error.
    static func readFormat(_ map: YAMLMapping) throws(DefinitionError) -> SourceFormat {
        let formatNode = try map.required("format")
        let formatText = try formatNode.string("format")
        guard let format = SourceFormat(rawValue: formatText) else {
            throw formatNode.fail(choice("format", formatText, SourceFormat.allCases.map(\.rawValue)))
        }
        for other in SourceFormat.allCases where other != format {
            for key in other.ownKeys {
                if let entry = map.entries.first(where: { $0.key == key }) {
                    throw entry.keyNode.fail("'\(key)' applies to \(other.rawValue) sources only; this source is \(formatText)")
                }
            }
        }
        return format
    }

    /// `sheet:` a name, or a number without quotes for its position (1 is the first);
    /// `header_row:` the row of the column names.
    static func readXLSXSettings(_ map: YAMLMapping) throws(DefinitionError) -> XLSXSettings {
        var settings = XLSXSettings(opener: WorkbookZip.opener)
        if let node = map["sheet"] {
            let text = try node.string("sheet")
            if node.isPlainScalar, !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
                settings.sheet = SheetChoice.index(try node.integer("sheet (a position; quote a sheet named with digits)", range: 1...100_000))
            } else {
                guard !text.isEmpty else { throw node.fail("sheet must name a sheet or give its position, 1 for the first") }
                settings.sheet = SheetChoice.named(text)
            }
        }
        if let node = map["header_row"] {
            settings.headerRow = try node.integer("header_row", range: 1...1_048_576)
        }
        return settings
    }

    static func readDates(_ datesNode: YAMLNode) throws(DefinitionError) -> DateParser {
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
        return DateParser(formats: formats)
    }

    /// `values:`: words added to the defaults of each coded field's targets.
    static func readValues(_ valuesNode: YAMLNode, into valueMaps: inout ValueMaps) throws(DefinitionError) {
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
        if let value = map["max_inflated_part_bytes"] {
            limits.maxInflatedPartBytes = try value.integer("max_inflated_part_bytes", range: 1024...(1 << 40))
        }
        if let value = map["max_inflated_bytes"] { limits.maxInflatedBytes = try value.integer("max_inflated_bytes", range: 1024...(1 << 40)) }
        if let value = map["max_compression_ratio"] {
            limits.maxCompressionRatio = try value.integer("max_compression_ratio", range: 2...1_100)
        }
        if let value = map["max_shared_strings_bytes"] {
            limits.maxSharedStringsBytes = try value.integer("max_shared_strings_bytes", range: 1024...(1 << 36))
        }
        return limits
    }
}
