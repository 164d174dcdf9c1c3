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

    /// NOBLANKS and COMPACT only spare libxml2 work on whitespace between elements and on
    /// small text nodes; neither changes what a record holds.
    static let parseOptions: Int32 = Int32(XML_PARSE_NONET.rawValue) | Int32(XML_PARSE_BIG_LINES.rawValue)
        | Int32(XML_PARSE_NOCDATA.rawValue) | Int32(XML_PARSE_NOBLANKS.rawValue) | Int32(XML_PARSE_COMPACT.rawValue)

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

        var matcher = XMLRecordMatcher(settings: settings, reader: reader, limits: spec.limits)
        let labels = Dictionary(uniqueKeysWithValues: settings.fields.map { ($0.key, "path '\($0.value.text)'") })
        var typer = RecordTyper(kind: spec.kind, dates: spec.dates, decimal: spec.decimal, valueMaps: spec.valueMaps,
                                labels: labels)
        let element = Int32(XML_READER_TYPE_ELEMENT.rawValue)
        let endElement = Int32(XML_READER_TYPE_END_ELEMENT.rawValue)
        let text = Int32(XML_READER_TYPE_TEXT.rawValue), cdata = Int32(XML_READER_TYPE_CDATA.rawValue)
        let significantWhitespace = Int32(XML_READER_TYPE_SIGNIFICANT_WHITESPACE.rawValue)
        let entityReference = Int32(XML_READER_TYPE_ENTITY_REFERENCE.rawValue)

        while true {
            let status = xmlTextReaderRead(reader)
            if status == 0 { break }
            if status < 0 || errors.fatal != nil {
                throw failure(errors, reader: reader)
            }
            let type = xmlTextReaderNodeType(reader)
            if type == element {
                let isEmpty = xmlTextReaderIsEmptyElement(reader) == 1
                if matcher.enter(reader) && isEmpty {
                    try finish(&matcher, typer: &typer, report: &report, emit)
                }
            } else if type == endElement {
                if matcher.leave() {
                    try finish(&matcher, typer: &typer, report: &report, emit)
                }
            } else if type == text || type == cdata || type == significantWhitespace {
                matcher.text(reader)
            } else if type == entityReference {
                let name = xmlTextReaderConstName(reader).map { String(cString: $0) } ?? "?"
                throw FileFailure(SourceLocation(path: path, line: Self.nodeLine(reader) ?? matcher.line),
                                  "entity reference '&\(name);' is not expanded: entities declared in a DOCTYPE are never substituted",
                                  notes: ["ask for the export without a DOCTYPE, or with the values written out"])
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

    private func finish(_ matcher: inout XMLRecordMatcher, typer: inout RecordTyper, report: inout FileReport,
                        _ emit: (IngestEvent, inout FileReport) throws -> Void) throws {
        let location = SourceLocation(path: path, line: matcher.line)
        if let repeated = matcher.repeated {
            let reason = "\(typer.label(repeated.field)): the path matches \(repeated.count) elements in this record; "
                + "narrow it, e.g. name[@attribute='value']"
            try emit(.quarantined(QuarantinedRecord(source: location, raw: matcher.rawText(), field: repeated.field.rawValue,
                                                    reason: reason)), &report)
            return
        }
        if let oversized = matcher.oversized {
            let reason = "\(typer.label(oversized)): longer than \(spec.limits.maxFieldBytes) bytes (limits.max_field_bytes)"
            try emit(.quarantined(QuarantinedRecord(source: location, raw: matcher.rawText(), field: oversized.rawValue,
                                                    reason: reason)), &report)
            return
        }
        try emit(typer.type(matcher.values, line: matcher.line, path: path, raw: { matcher.rawText() }), &report)
    }

    /// The line the current node starts on (the parser's own line may already be further on).
    static func nodeLine(_ reader: xmlTextReaderPtr) -> Int? {
        guard let node = xmlTextReaderCurrentNode(reader) else { return nil }
        let line = xmlGetLineNo(node)
        return line > 0 ? Int(line) : nil
    }
}

