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
                    record.begin(line: Self.nodeLine(reader) ?? Int(xmlTextReaderGetParserLineNumber(reader)))
                } else {
                    record.push(name)
                }
                readAttributes(reader, into: &record)
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

    private func readAttributes(_ reader: xmlTextReaderPtr, into record: inout RecordState) {
        guard record.wantsAttributes, xmlTextReaderHasAttributes(reader) == 1 else { return }
        while xmlTextReaderMoveToNextAttribute(reader) == 1 {
            let name = Self.name(reader)
            if name.uri == "http://www.w3.org/2000/xmlns/" { continue }
            if let value = xmlTextReaderConstValue(reader) {
                record.attribute(name, value: String(cString: value))
            }
        }
        xmlTextReaderMoveToElement(reader)
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

/// The fields of the record being read.
private struct RecordState {
    let settings: XMLSettings
    let limits: Limits
    private(set) var active = false
    var line = 0
    private var path: [(uri: String?, local: String)] = []
    /// Fields whose path is exactly the current element path (text goes to them).
    private var textFields: [LogicalField] = []
    private(set) var values: [LogicalField: String] = [:]
    private(set) var oversized: LogicalField?
    let wantsAttributes: Bool

    init(settings: XMLSettings, limits: Limits) {
        self.settings = settings
        self.limits = limits
        wantsAttributes = settings.fields.values.contains { $0.attribute != nil }
    }

    var isAtRecordElement: Bool { path.isEmpty }
    var wantsText: Bool { !textFields.isEmpty }

    mutating func begin(line: Int) {
        active = true
        self.line = line
        path.removeAll()
        values.removeAll()
        oversized = nil
        updateTextFields()
    }

    mutating func end() -> FinishedRecord {
        active = false
        return FinishedRecord(line: line, values: values, oversized: oversized)
    }

    mutating func push(_ name: (uri: String?, local: String)) {
        path.append(name)
        updateTextFields()
    }

    mutating func pop() {
        path.removeLast()
        updateTextFields()
    }

    private func pathMatches(_ wanted: [XMLName]) -> Bool {
        guard wanted.count == path.count else { return false }
        for (element, name) in zip(wanted, path) where !element.matches(namespaceURI: name.uri, localName: name.local) {
            return false
        }
        return true
    }

    private mutating func updateTextFields() {
        textFields = settings.fields.filter { $0.value.attribute == nil && pathMatches($0.value.elements) }.map(\.key)
    }

    mutating func appendText(_ value: UnsafePointer<xmlChar>) {
        let text = String(cString: value)
        for field in textFields {
            let combined = (values[field] ?? "") + text
            if combined.utf8.count > limits.maxFieldBytes {
                oversized = oversized ?? field
                continue
            }
            values[field] = combined
        }
    }

    mutating func attribute(_ name: (uri: String?, local: String), value: String) {
        for (field, wanted) in settings.fields {
            guard let attribute = wanted.attribute, attribute.matches(namespaceURI: name.uri, localName: name.local),
                  pathMatches(wanted.elements) else { continue }
            if value.utf8.count > limits.maxFieldBytes {
                oversized = oversized ?? field
            } else {
                values[field] = value
            }
        }
    }
}


private struct FinishedRecord {
    var line: Int
    var values: [LogicalField: String]
    var oversized: LogicalField?

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
