import CLibXML2
import StagebalansCore

/// Reads one XML export with libxml2's streaming `xmlTextReader`: memory stays flat whatever
/// the file's size, since only the current record's wanted fields are kept.
///
/// Safety: the parser runs with `XML_PARSE_NONET` and without `NOENT`, `DTDLOAD`, `DTDVALID`,
/// `XINCLUDE` and `HUGE`; the file is handed over as a descriptor, so libxml2 opens nothing by
/// name, and the process-wide external entity loader refuses every request. An entity
/// reference in a record is never expanded: the file is rejected.
struct XMLSourceReader {
    let spec: SourceSpec
    let settings: XMLSettings
    let path: String

    static let parseOptions: Int32 = Int32(XML_PARSE_NONET.rawValue) | Int32(XML_PARSE_BIG_LINES.rawValue)
        | Int32(XML_PARSE_NOCDATA.rawValue)

    func read(into report: inout FileReport, _ emit: (IngestEvent, inout FileReport) throws -> Void) throws {
        LibXML2.setUp()
        let file = try ChunkedFile.opening(path)
        report.bytes = file.size
        let errors = XMLErrorCollector()
        guard let reader = xmlReaderForFd(file.fileDescriptor, nil, nil, Self.parseOptions) else {
            throw FileFailure(SourceLocation(path: path, line: 1), "libxml2 could not start a reader for this file")
        }
        defer { xmlFreeTextReader(reader) }
        let context = Unmanaged.passUnretained(errors).toOpaque()
        xmlTextReaderSetStructuredErrorHandler(reader, xmlStructuredErrorHandler, context)
        defer { withExtendedLifetime(errors) {} }

        var record = RecordState(settings: settings, limits: spec.limits)
        let labels = Dictionary(uniqueKeysWithValues: settings.fields.map { ($0.key, "path '\($0.value.text)'") })
        let typer = RecordTyper(kind: spec.kind, dates: spec.dates, decimal: spec.decimal, valueMaps: spec.valueMaps,
                                labels: labels)

        while true {
            let status = xmlTextReaderRead(reader)
            if status == 0 { break }
            if status < 0 || errors.fatal != nil {
                throw failure(errors, reader: reader)
            }
            let type = xmlTextReaderNodeType(reader)
            switch type {
            case Int32(XML_READER_TYPE_ELEMENT.rawValue):
                let name = Self.name(reader)
                let isEmpty = xmlTextReaderIsEmptyElement(reader) == 1
                if !record.active {
                    guard settings.record.matches(namespaceURI: name.uri, localName: name.local) else { continue }
                    record.begin(line: Self.nodeLine(reader) ?? Int(xmlTextReaderGetParserLineNumber(reader)),
                                 attributes: readAttributes(reader, wanted: record.wantsAttributes))
                } else {
                    record.push(name, attributes: readAttributes(reader, wanted: record.wantsAttributes))
                }
                if isEmpty {
                    if record.isAtRecordElement {
                        try finish(&record, typer: typer, report: &report, emit)
                    } else {
                        record.pop()
                    }
                }
            case Int32(XML_READER_TYPE_END_ELEMENT.rawValue):
                guard record.active else { continue }
                if record.isAtRecordElement {
                    try finish(&record, typer: typer, report: &report, emit)
                } else {
                    record.pop()
                }
            case Int32(XML_READER_TYPE_TEXT.rawValue), Int32(XML_READER_TYPE_CDATA.rawValue),
                 Int32(XML_READER_TYPE_SIGNIFICANT_WHITESPACE.rawValue), Int32(XML_READER_TYPE_WHITESPACE.rawValue):
                guard record.active, record.wantsText else { continue }
                if let value = xmlTextReaderConstValue(reader) {
                    record.appendText(value)
                }
            case Int32(XML_READER_TYPE_ENTITY_REFERENCE.rawValue):
                let name = xmlTextReaderConstName(reader).map { String(cString: $0) } ?? "?"
                throw FileFailure(SourceLocation(path: path, line: Self.nodeLine(reader) ?? record.line),
                                  "entity reference '&\(name);' is not expanded: entities declared in a DOCTYPE are never substituted",
                                  notes: ["ask for the export without a DOCTYPE, or with the values written out"])
            default:
                continue
            }
        }
        if let fatal = errors.fatal {
            throw FileFailure(SourceLocation(path: path, line: fatal.line, column: fatal.column), "XML: " + fatal.message)
        }
        report.notes.append("encoding " + (xmlTextReaderConstEncoding(reader).map { String(cString: $0) } ?? "UTF-8"))
    }

    private func failure(_ errors: XMLErrorCollector, reader: xmlTextReaderPtr) -> FileFailure {
        if let fatal = errors.fatal {
            return FileFailure(SourceLocation(path: path, line: fatal.line, column: fatal.column), "XML: " + fatal.message)
        }
        let line = Int(xmlTextReaderGetParserLineNumber(reader))
        let column = Int(xmlTextReaderGetParserColumnNumber(reader))
        return FileFailure(SourceLocation(path: path, line: max(line, 1), column: column > 0 ? column : nil),
                           "XML: the file cannot be parsed")
    }

    private func finish(_ record: inout RecordState, typer: RecordTyper, report: inout FileReport,
                        _ emit: (IngestEvent, inout FileReport) throws -> Void) throws {
        let state = record.end()
        let raw = state.rawText(recordName: settings.record.localName)
        if let repeated = state.repeated {
            let reason = "\(typer.label(repeated.field)): the path matches \(repeated.count) elements in this record; "
                + "narrow it, e.g. name[@attribute='value']"
            try emit(.quarantined(QuarantinedRecord(source: SourceLocation(path: path, line: state.line), raw: raw,
                                                    field: repeated.field.rawValue, reason: reason)), &report)
            return
        }
        if let oversized = state.oversized {
            let reason = "\(typer.label(oversized)): longer than \(spec.limits.maxFieldBytes) bytes (limits.max_field_bytes)"
            try emit(.quarantined(QuarantinedRecord(source: SourceLocation(path: path, line: state.line), raw: raw,
                                                    field: oversized.rawValue, reason: reason)), &report)
            return
        }
        var values = FieldValues()
        for (field, text) in state.values {
            values.set(field, text, column: nil)
        }
        try emit(typer.type(values, line: state.line, path: path, raw: { raw }), &report)
    }

    private func readAttributes(_ reader: xmlTextReaderPtr, wanted: Bool) -> [XMLAttribute] {
        guard wanted, xmlTextReaderHasAttributes(reader) == 1 else { return [] }
        var attributes: [XMLAttribute] = []
        while xmlTextReaderMoveToNextAttribute(reader) == 1 {
            let name = Self.name(reader)
            if name.uri == "http://www.w3.org/2000/xmlns/" { continue }
            attributes.append(XMLAttribute(uri: name.uri, local: name.local,
                                           value: xmlTextReaderConstValue(reader).map { String(cString: $0) } ?? ""))
        }
        xmlTextReaderMoveToElement(reader)
        return attributes
    }

    static func name(_ reader: xmlTextReaderPtr) -> (uri: String?, local: String) {
        let local = xmlTextReaderConstLocalName(reader).map { String(cString: $0) } ?? ""
        let uri = xmlTextReaderConstNamespaceUri(reader).map { String(cString: $0) }
        return (uri, local)
    }

    /// The line the current node starts on (the parser's own line may already be further on).
    static func nodeLine(_ reader: xmlTextReaderPtr) -> Int? {
        guard let node = xmlTextReaderCurrentNode(reader) else { return nil }
        let line = xmlGetLineNo(node)
        return line > 0 ? Int(line) : nil
    }
}

struct XMLAttribute {
    var uri: String?
    var local: String
    var value: String
}

/// The fields of the record being read.
private struct RecordState {
    private struct Level {
        var uri: String?
        var local: String
        var attributes: [XMLAttribute]
    }

    let settings: XMLSettings
    let limits: Limits
    private let fields: [(field: LogicalField, path: XMLPath)]
    private(set) var active = false
    private(set) var line = 0
    private var path: [Level] = []
    /// Fields whose path is exactly the current element path (text goes to them).
    private var textFields: [LogicalField] = []
    private var values: [LogicalField: String] = [:]
    private var occurrences: [LogicalField: Int] = [:]
    private var oversized: LogicalField?
    let wantsAttributes: Bool

    init(settings: XMLSettings, limits: Limits) {
        self.settings = settings
        self.limits = limits
        fields = settings.fields.sorted { $0.key < $1.key }.map { (field: $0.key, path: $0.value) }
        wantsAttributes = settings.fields.values.contains { $0.attribute != nil || $0.hasPredicates }
    }

    var isAtRecordElement: Bool { path.isEmpty }
    var wantsText: Bool { !textFields.isEmpty }

    mutating func begin(line: Int, attributes: [XMLAttribute]) {
        active = true
        self.line = line
        path.removeAll()
        values.removeAll()
        occurrences.removeAll()
        oversized = nil
        entered(attributes: attributes)
    }

    mutating func end() -> FinishedRecord {
        active = false
        var repeated: (field: LogicalField, count: Int)?
        for entry in fields {
            if let count = occurrences[entry.field], count > 1 {
                repeated = (entry.field, count)
                break
            }
        }
        return FinishedRecord(line: line, values: values, oversized: oversized, repeated: repeated)
    }

    mutating func push(_ name: (uri: String?, local: String), attributes: [XMLAttribute]) {
        path.append(Level(uri: name.uri, local: name.local, attributes: attributes))
        entered(attributes: attributes)
    }

    mutating func pop() {
        path.removeLast()
        textFields = fields.filter { $0.path.attribute == nil && pathMatches($0.path.elements) }.map(\.field)
    }

    /// An element was entered: count the fields it holds and take the attributes they want.
    private mutating func entered(attributes: [XMLAttribute]) {
        textFields = []
        for (field, wanted) in fields where pathMatches(wanted.elements) {
            if let attribute = wanted.attribute {
                guard let match = attributes.first(where: { attribute.matches(namespaceURI: $0.uri, localName: $0.local) }) else {
                    continue
                }
                occurrences[field, default: 0] += 1
                store(field, match.value)
            } else {
                occurrences[field, default: 0] += 1
                textFields.append(field)
            }
        }
    }

    private func pathMatches(_ wanted: [XMLStep]) -> Bool {
        guard wanted.count == path.count else { return false }
        for (step, level) in zip(wanted, path) {
            guard step.name.matches(namespaceURI: level.uri, localName: level.local) else { return false }
            if let predicate = step.predicate {
                guard level.attributes.contains(where: {
                    predicate.attribute.matches(namespaceURI: $0.uri, localName: $0.local) && $0.value == predicate.value
                }) else { return false }
            }
        }
        return true
    }

    mutating func appendText(_ value: UnsafePointer<xmlChar>) {
        let text = String(cString: value)
        for field in textFields {
            store(field, (values[field] ?? "") + text)
        }
    }

    private mutating func store(_ field: LogicalField, _ value: String) {
        if value.utf8.count > limits.maxFieldBytes {
            oversized = oversized ?? field
        } else {
            values[field] = value
        }
    }
}

private struct FinishedRecord {
    var line: Int
    var values: [LogicalField: String]
    var oversized: LogicalField?
    var repeated: (field: LogicalField, count: Int)?

    /// XML records have no single physical line to quote; the raw text lists what was read.
    func rawText(recordName: String) -> String {
        let fields = values.keys.sorted().map { field in
            let value = values[field] ?? ""
            let shown = value.unicodeScalars.count > 200 ? String(value.unicodeScalars.prefix(200)) + "…" : value
            return "\(field.rawValue)=\"\(shown)\""
        }
        return "<\(recordName) " + fields.joined(separator: " ") + "/>"
    }
}
