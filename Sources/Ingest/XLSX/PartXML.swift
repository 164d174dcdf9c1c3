internal import CLibXML2

/// Why a workbook cannot be read; the reader adds the location (`file.xlsx` or `file.xlsx[Sheet]:row`).
struct WorkbookFailure: Error {
    var message: String
    var notes: [String] = []

    init(_ message: String, notes: [String] = []) {
        self.message = message
        self.notes = notes
    }

    init(_ failure: PackageFailure) {
        message = failure.message
        notes = failure.notes
    }
}

/// One part of a workbook (an XML file inside the ZIP) read node by node with libxml2's
/// streaming `xmlTextReader`, its bytes pulled from the part's inflating stream as libxml2
/// asks for them. Memory is the reader's current node and its buffers, whatever the part's size.
///
/// The XML reader's safe settings apply (`XML_PARSE_NONET`, never NOENT, DTDLOAD, DTDVALID,
/// XINCLUDE or HUGE; the process refuses every external entity; the attribute-flood guard),
/// and more strictly: a DOCTYPE is refused at once, since no spreadsheet program writes one
/// into a workbook part, and so is any entity reference.
final class PartXML {
    let part: String
    let reader: xmlTextReaderPtr
    private let source: PartSource
    private let input: XMLInputGuard
    private let errors = XMLErrorCollector()

    /// No NOBLANKS: a text of spaces in a cell is a value. NOCDATA and COMPACT change nothing read.
    static let parseOptions: Int32 = Int32(XML_PARSE_NONET.rawValue) | Int32(XML_PARSE_BIG_LINES.rawValue)
        | Int32(XML_PARSE_NOCDATA.rawValue) | Int32(XML_PARSE_COMPACT.rawValue)

    /// Holds the part's stream and why it stopped, for the pull closure libxml2 reaches.
    private final class PartSource {
        let stream: any WorkbookPartStream
        var failure: PackageFailure?

        init(_ stream: any WorkbookPartStream) { self.stream = stream }

        func pull(_ buffer: UnsafeMutableRawBufferPointer) -> Int {
            do {
                return try stream.read(into: buffer)
            } catch {
                failure = error
                return -1
            }
        }
    }

    init(part: String, stream: any WorkbookPartStream, maxFields: Int) throws(WorkbookFailure) {
        self.part = part
        let source = PartSource(stream)
        self.source = source
        input = XMLInputGuard(maxFields: maxFields) { source.pull($0) }
        guard let reader = LibXML2.textReader(input, errors: errors, options: Self.parseOptions) else {
            throw WorkbookFailure("libxml2 could not start a reader for part '\(part)'")
        }
        self.reader = reader
    }

    deinit {
        xmlFreeTextReader(reader)
        withExtendedLifetime((input, errors)) {}
    }

    /// Moves to the next node; false at the part's end. Throws for malformed XML, a DOCTYPE, an
    /// entity reference, or a stream that failed (a limit, a damaged entry).
    func next() throws(WorkbookFailure) -> Bool {
        let status = xmlTextReaderRead(reader)
        if status == 1 && errors.fatal == nil && input.violation == nil {
            nodeType = xmlTextReaderNodeType(reader)
            switch nodeType {
            case Int32(XML_READER_TYPE_DOCUMENT_TYPE.rawValue):
                throw Self.doctypeFailure(part)
            case Int32(XML_READER_TYPE_ENTITY_REFERENCE.rawValue):
                let name = xmlTextReaderConstName(reader).map { String(cString: $0) } ?? "?"
                throw WorkbookFailure("part '\(part)' has the entity reference '&\(name);', which is never expanded; the file is refused")
            default:
                return true
            }
        }
        if status == 0 && errors.fatal == nil && input.violation == nil && source.failure == nil { return false }
        throw failure()
    }

    private static func doctypeFailure(_ part: String) -> WorkbookFailure {
        WorkbookFailure("part '\(part)' " + XMLInputGuard.doctypeRefused, notes: ["save the workbook again in Excel or LibreOffice"])
    }

    private func failure() -> WorkbookFailure {
        if let failure = source.failure { return WorkbookFailure(failure) }
        if input.violation == XMLInputGuard.doctypeRefused { return Self.doctypeFailure(part) }
        if let violation = input.violation { return WorkbookFailure("part '\(part)': " + violation) }
        if let fatal = errors.fatal {
            let column = fatal.column.map { ", column \($0)" } ?? ""
            return WorkbookFailure("part '\(part)' is not well-formed XML (line \(fatal.line)\(column) of the part): \(fatal.message)",
                                   notes: ["the workbook is damaged; open it in Excel or LibreOffice and save it again"])
        }
        return WorkbookFailure("part '\(part)' cannot be parsed as XML")
    }

    // MARK: The current node

    /// The current node's type, asked of libxml2 once per node (the walks ask several times).
    private(set) var nodeType: Int32 = 0
    var isElement: Bool { nodeType == Int32(XML_READER_TYPE_ELEMENT.rawValue) }
    var isEndElement: Bool { nodeType == Int32(XML_READER_TYPE_END_ELEMENT.rawValue) }
    var isText: Bool {
        let type = nodeType
        return type == Int32(XML_READER_TYPE_TEXT.rawValue) || type == Int32(XML_READER_TYPE_SIGNIFICANT_WHITESPACE.rawValue)
            || type == Int32(XML_READER_TYPE_CDATA.rawValue) || type == Int32(XML_READER_TYPE_WHITESPACE.rawValue)
    }
    var isEmptyElement: Bool { xmlTextReaderIsEmptyElement(reader) == 1 }
    var depth: Int { Int(xmlTextReaderDepth(reader)) }

    /// The current node's local name, interned in the reader's dictionary (compare with `intern`).
    var localName: UnsafePointer<xmlChar>? { xmlTextReaderConstLocalName(reader) }

    /// `name` interned in the reader's dictionary: equal names are the same pointer.
    func intern(_ name: String) -> UnsafePointer<xmlChar>? { xmlTextReaderConstString(reader, name) }

    /// Whether the current node's local name is `name` (slower than comparing interned pointers).
    func isNamed(_ name: String) -> Bool {
        guard let local = localName else { return false }
        return String(cString: UnsafeRawPointer(local).assumingMemoryBound(to: CChar.self)) == name
    }

    /// The current text node's bytes, valid until the next move.
    var textBytes: UnsafeBufferPointer<UInt8> {
        guard let value = xmlTextReaderConstValue(reader) else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: value, count: Int(xmlStrlen(value)))
    }

    /// Calls `body` with each attribute of the current element: its interned local name, its
    /// namespace's URI and its value (valid during the call).
    func forEachAttribute(_ body: (UnsafePointer<xmlChar>, UnsafePointer<xmlChar>?, UnsafeBufferPointer<UInt8>) -> Void) {
        guard let node = xmlTextReaderCurrentNode(reader) else { return }
        var property = node.pointee.properties
        var joined: [UInt8] = []
        while let attribute = property {
            property = attribute.pointee.next
            guard let name = attribute.pointee.name else { continue }
            let uri = attribute.pointee.ns?.pointee.href
            let first = attribute.pointee.children
            if let first, first.pointee.next == nil, let content = first.pointee.content {
                body(name, uri, UnsafeBufferPointer(start: content, count: Int(xmlStrlen(content))))
                continue
            }
            joined.removeAll(keepingCapacity: true)
            var piece = first
            while let current = piece {
                piece = current.pointee.next
                if let content = current.pointee.content {
                    joined.append(contentsOf: UnsafeBufferPointer(start: content, count: Int(xmlStrlen(content))))
                }
            }
            joined.withUnsafeBufferPointer { body(name, uri, $0) }
        }
    }

    /// The current element's attributes by local name, as text (for the small parts).
    func attributes() -> [String: (value: String, namespace: String?)] {
        var found: [String: (value: String, namespace: String?)] = [:]
        forEachAttribute { name, uri, value in
            let key = String(cString: UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self))
            let namespace = uri.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
            found[key] = (String(decoding: value, as: UTF8.self), namespace)
        }
        return found
    }
}
