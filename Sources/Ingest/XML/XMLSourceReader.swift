internal import CLibXML2
import Domain

/// Reads one XML export with libxml2's streaming `xmlTextReader`: memory stays flat whatever
/// the file's size, since only the current record's wanted fields are kept.
///
/// Safety: the parser runs with `XML_PARSE_NONET` and without `NOENT`, `DTDLOAD`, `DTDVALID`,
/// `XINCLUDE` and `HUGE`; the file is handed over through read callbacks (which also guard
/// against attribute floods, see `XMLInputGuard`), so libxml2 opens nothing by name, and the
/// process-wide external entity loader refuses every request. An entity
/// reference in a record is never expanded: the file is rejected.
struct XMLSourceReader: RecordReader {
    let spec: SourceSpec
    let settings: XMLSettings
    let path: String
    /// Parse the file in pieces of about this many bytes on several threads (`XMLPieces`);
    /// nil reads it whole on one.
    var pieceBytes: Int? = nil
    var policy = InputPolicy()
    /// Sees the file's bytes once, in order, whichever way it is read.
    var observer: (any ByteObserver)?

    /// NOBLANKS and COMPACT only spare libxml2 work on whitespace between elements and on
    /// small text nodes; neither changes what a record holds.
    static let parseOptions: Int32 = Int32(XML_PARSE_NONET.rawValue) | Int32(XML_PARSE_BIG_LINES.rawValue)
        | Int32(XML_PARSE_NOCDATA.rawValue) | Int32(XML_PARSE_NOBLANKS.rawValue) | Int32(XML_PARSE_COMPACT.rawValue)

    /// Opens the file once: pieces, and a read again after a piece in doubt, use this descriptor,
    /// so that a file renamed over the path meanwhile is not read in part.
    func read(into sink: inout BatchSink, outcome: inout ReaderOutcome) throws {
        let file = try ChunkedFile.opening(path, policy)
        outcome.identity = file.identity
        if let pieceBytes {
            try XMLPieces(reader: self, pieceBytes: pieceBytes).read(file, into: &sink, outcome: &outcome)
        } else {
            try readWhole(file, into: &sink, outcome: &outcome, skipping: 0)
        }
    }

    /// Reads the file front to back on this thread; the first `skipping` records were already
    /// delivered (by pieces parsed before one gave up) and are passed over. With `verifying`,
    /// the digest of the file's first `offset` bytes must be the one the pieces observed.
    func readWhole(_ file: borrowing ChunkedFile, into sink: inout BatchSink, outcome: inout ReaderOutcome, skipping: Int,
                   verifying checkpoint: XMLInputGuard.Checkpoint? = nil) throws {
        try file.failingRewind()
        outcome.bytes = file.size
        let errors = XMLErrorCollector()
        // libxml2 holds an unretained pointer to `errors`: keep it alive until the reader is freed
        // (defers run last-registered first, so this one runs after the reader's).
        defer { withExtendedLifetime(errors) {} }
        let input = XMLInputGuard(descriptor: file.fileDescriptor, maxFields: spec.limits.maxFields,
                                  expectedSize: file.size, observer: observer, checkpoint: checkpoint)
        defer { withExtendedLifetime(input) {} }
        guard let reader = LibXML2.textReader(input, errors: errors) else {
            throw FileFailure(SourceLocation(path: path, line: 1), "libxml2 could not start a reader for this file")
        }
        defer { xmlFreeTextReader(reader) }

        var matcher = XMLRecordMatcher(settings: settings, reader: reader)
        label(&sink)
        let element = Int32(XML_READER_TYPE_ELEMENT.rawValue)
        let entityReference = Int32(XML_READER_TYPE_ENTITY_REFERENCE.rawValue)

        // Outside records the reader walks node by node; at a record it expands the record's
        // subtree (which libxml2 builds anyway), reads it by pointer, and skips past it.
        var skipped = 0
        var status = xmlTextReaderRead(reader)
        while status == 1 {
            if errors.fatal != nil { throw failure(errors, reader: reader, input: input, file: file) }
            let type = xmlTextReaderNodeType(reader)
            if type == element, let node = xmlTextReaderCurrentNode(reader), matcher.isRecord(node) {
                if skipped < skipping {
                    skipped += 1
                    status = xmlTextReaderNext(reader)
                    continue
                }
                guard let subtree = xmlTextReaderExpand(reader), errors.fatal == nil else {
                    throw failure(errors, reader: reader, input: input, file: file)
                }
                let line = XMLRecordMatcher.line(of: subtree, reader: reader)
                var entity: String?
                try sink.tapeRecord(line: line) { batch in
                    entity = matcher.collect(subtree, into: &batch)
                    return entity == nil
                }
                if let entity { throw entityFailure(entity, line: line, file: file) }
                status = xmlTextReaderNext(reader)
            } else {
                if type == entityReference {
                    let name = xmlTextReaderConstName(reader).map { String(cString: $0) } ?? "?"
                    throw entityFailure(name, line: Self.nodeLine(reader) ?? Int(xmlTextReaderGetParserLineNumber(reader)), file: file)
                }
                status = xmlTextReaderRead(reader)
            }
        }
        if status < 0 || errors.fatal != nil || input.violation != nil { throw failure(errors, reader: reader, input: input, file: file) }
        try file.failIfChanged()
        outcome.notes.append("encoding " + (xmlTextReaderConstEncoding(reader).map { String(cString: $0) } ?? "UTF-8"))
    }

    /// What messages call the fields, and the record's name for its raw text.
    func label(_ sink: inout BatchSink) {
        sink.labels = Dictionary(uniqueKeysWithValues: settings.fields.map { ($0.key, "path '\($0.value.text)'") })
        sink.recordName = settings.record.localName
    }

    /// At the reference itself: libxml2 gives it its record's first line and no column.
    func entityFailure(_ name: String, line: Int, file: borrowing ChunkedFile) -> FileFailure {
        let reference = XMLEntityLocator(descriptor: file.fileDescriptor).firstReference(named: name, fromLine: line)
        return FileFailure(SourceLocation(path: path, line: reference?.line ?? line, column: reference?.column),
                           "entity reference '&\(name);' is not expanded: entities declared in a DOCTYPE are never substituted",
                           notes: ["ask for the export without a DOCTYPE, or with the values written out"])
    }

    func failure(_ errors: XMLErrorCollector, reader: xmlTextReaderPtr, input: XMLInputGuard, file: borrowing ChunkedFile) -> FileFailure {
        if let violation = input.violation {
            // The guard does not count lines; libxml2's line is where it stopped.
            return FileFailure(SourceLocation(path: path, line: max(1, Int(xmlTextReaderGetParserLineNumber(reader)))), violation)
        }
        if let fatal = errors.fatal, fatal.code == Int32(XML_ERR_ENTITY_LOOP.rawValue) {
            return amplificationFailure(fatal, file: file)
        }
        if let fatal = errors.fatal {
            return FileFailure(SourceLocation(path: path, line: fatal.line, column: fatal.column), "XML: " + fatal.message)
        }
        let line = Int(xmlTextReaderGetParserLineNumber(reader))
        let column = Int(xmlTextReaderGetParserColumnNumber(reader))
        return FileFailure(SourceLocation(path: path, line: max(line, 1), column: column > 0 ? column : nil),
                           "XML: the file cannot be parsed")
    }

    /// libxml2 2.9 stops an entity that expands without bound (a billion-laughs bomb; entities
    /// that refer to each other) with "Detected an entity reference loop" at the DOCTYPE. Say
    /// what it is, at the reference in the document that set it off.
    private func amplificationFailure(_ fatal: XMLErrorCollector.Entry, file: borrowing ChunkedFile) -> FileFailure {
        let reference = XMLEntityLocator(descriptor: file.fileDescriptor).firstReference()
        let named = reference.map { "entity reference '&\($0.name);'" } ?? "an entity reference"
        return FileFailure(SourceLocation(path: path, line: reference?.line ?? fatal.line, column: reference?.column ?? fatal.column),
                           "\(named) expands without bound: an entity amplification bomb (entities that multiply, as in "
                               + "'billion laughs', or refer to each other); it is never expanded and the file is rejected",
                           notes: ["libxml2: " + fatal.message, "ask for the export without a DOCTYPE"])
    }

    /// The line the current node starts on (the parser's own line may already be further on).
    static func nodeLine(_ reader: xmlTextReaderPtr) -> Int? {
        guard let node = xmlTextReaderCurrentNode(reader) else { return nil }
        let line = xmlGetLineNo(node)
        return line > 0 ? Int(line) : nil
    }
}

