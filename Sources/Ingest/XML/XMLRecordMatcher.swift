import CLibXML2

/// Follows the reader through one record at a time and collects the wanted fields' bytes.
///
/// Names are compared as pointers: libxml2 interns every element and attribute name in the
/// reader's dictionary, and `xmlTextReaderConstString` interns ours in the same one, so a
/// match is one pointer comparison, with no `String` made per node. The definition's paths
/// are compiled into a trie; a stack holds the trie node of each open element in a record
/// (-1 where no wanted field lies below).
struct XMLRecordMatcher {
    private typealias Name = UnsafePointer<xmlChar>

    private struct Step {
        var local: Name?
        /// nil matches any namespace.
        var uri: Name?
        var anyNamespace: Bool
        var predicate: (local: Name?, uri: Name?, value: [UInt8])?
        var node: Int
    }

    private struct Node {
        var children: [Step] = []
        var textFields: [LogicalField] = []
        var attributeFields: [(local: Name?, uri: Name?, anyNamespace: Bool, field: LogicalField)] = []
    }

    /// The trie flattened after it is built, so that walking it retains no nested arrays.
    private var flatSteps: [Step] = []
    private var childRange: [Range<Int>] = []
    private var flatTextFields: [LogicalField] = []
    private var textRange: [Range<Int>] = []
    /// The current record's fields, appended as libxml2 hands over the text; reused.
    private var fields = FieldValues()
    /// The last namespace href compared, and whether it equalled each interned URI.
    private var namespaceCache: (href: UnsafePointer<xmlChar>?, uri: Name?, equal: Bool) = (nil, nil, false)

    private let recordLocal: Name?
    private let recordURI: Name?
    private let recordAnyNamespace: Bool
    private var nodes: [Node] = [Node()]
    private var stack: [Int] = []
    private let maxFieldBytes: Int

    private var occurrences: [Int] = Array(repeating: 0, count: LogicalField.allCases.count)
    private var fieldOrder: [LogicalField]
    private(set) var line = 0
    private(set) var oversized: LogicalField?
    private let recordName: String

    init(settings: XMLSettings, reader: xmlTextReaderPtr, limits: Limits) {
        func intern(_ text: String?) -> Name? {
            guard let text else { return nil }
            return xmlTextReaderConstString(reader, text).map { UnsafePointer($0) }
        }
        recordLocal = intern(settings.record.localName)
        recordURI = intern(settings.record.namespaceURI)
        recordAnyNamespace = settings.record.namespaceURI == nil
        recordName = settings.record.localName
        maxFieldBytes = limits.maxFieldBytes
        fieldOrder = settings.fields.keys.sorted()
        for field in fieldOrder {
            guard let path = settings.fields[field] else { continue }
            var node = 0
            for step in path.elements {
                let predicate = step.predicate.map { (local: intern($0.attribute.localName), uri: intern($0.attribute.namespaceURI),
                                                      value: Array($0.value.utf8)) }
                if let existing = nodes[node].children.first(where: {
                    $0.local == intern(step.name.localName) && $0.uri == intern(step.name.namespaceURI)
                        && $0.predicate?.local == predicate?.local && $0.predicate?.value == predicate?.value
                }) {
                    node = existing.node
                } else {
                    nodes.append(Node())
                    nodes[node].children.append(Step(local: intern(step.name.localName), uri: intern(step.name.namespaceURI),
                                                     anyNamespace: step.name.namespaceURI == nil, predicate: predicate,
                                                     node: nodes.count - 1))
                    node = nodes.count - 1
                }
            }
            if let attribute = path.attribute {
                nodes[node].attributeFields.append((intern(attribute.localName), intern(attribute.namespaceURI),
                                                    attribute.namespaceURI == nil, field))
            } else {
                nodes[node].textFields.append(field)
            }
        }
        for node in nodes {
            childRange.append(flatSteps.count..<flatSteps.count + node.children.count)
            flatSteps += node.children
            textRange.append(flatTextFields.count..<flatTextFields.count + node.textFields.count)
            flatTextFields += node.textFields
        }
    }

    var isInRecord: Bool { !stack.isEmpty }

    /// An element starts. Returns true when it is a record's own element (so that an empty
    /// one, `<record/>`, can be finished at once).
    mutating func enter(_ reader: xmlTextReaderPtr) -> Bool {
        guard let node = xmlTextReaderCurrentNode(reader) else { return false }
        guard let parent = stack.last else {
            guard Self.same(node.pointee.name, recordLocal),
                  recordAnyNamespace || namespace(of: node.pointee.ns, is: recordURI) else { return false }
            begin(reader, node)
            return true
        }
        guard parent >= 0, !childRange[parent].isEmpty else {
            if xmlTextReaderIsEmptyElement(reader) != 1 { stack.append(-1) }
            return false
        }
        let local = node.pointee.name
        var matched = -1
        for index in childRange[parent] where Self.same(local, flatSteps[index].local) {
            let step = flatSteps[index]
            if !step.anyNamespace && !namespace(of: node.pointee.ns, is: step.uri) { continue }
            if let predicate = step.predicate {
                guard let value = attributeValue(reader, node, predicate.local, predicate.uri, anyNamespace: predicate.uri == nil),
                      value.elementsEqual(predicate.value) else { continue }
            }
            matched = step.node
            break
        }
        if matched >= 0 { entered(matched, reader, node) }
        if xmlTextReaderIsEmptyElement(reader) != 1 { stack.append(matched) }
        return false
    }

    /// An element ends. Returns true when it closes the record.
    mutating func leave() -> Bool {
        guard !stack.isEmpty else { return false }
        stack.removeLast()
        return stack.isEmpty
    }

    mutating func text(_ reader: xmlTextReaderPtr) {
        guard let node = stack.last, node >= 0, !textRange[node].isEmpty,
              let value = xmlTextReaderConstValue(reader) else { return }
        let bytes = UnsafeBufferPointer(start: value, count: Int(xmlStrlen(value)))
        for index in textRange[node] {
            let field = flatTextFields[index]
            if fields.extend(field, with: bytes) > maxFieldBytes { oversized = oversized ?? field }
        }
    }

    private mutating func begin(_ reader: xmlTextReaderPtr, _ node: xmlNodePtr) {
        fields.reset()
        for index in occurrences.indices { occurrences[index] = 0 }
        oversized = nil
        let nodeLine = xmlGetLineNo(node)
        line = nodeLine > 0 ? Int(nodeLine) : Int(xmlTextReaderGetParserLineNumber(reader))
        entered(0, reader, node)
        if xmlTextReaderIsEmptyElement(reader) != 1 { stack.append(0) }
    }

    private mutating func entered(_ trieNode: Int, _ reader: xmlTextReaderPtr, _ node: xmlNodePtr) {
        for index in textRange[trieNode] {
            let field = flatTextFields[index]
            occurrences[field.ordinal] += 1
            fields.open(field)
        }
        guard !nodes[trieNode].attributeFields.isEmpty else { return }
        for attribute in nodes[trieNode].attributeFields {
            guard let value = attributeValue(reader, node, attribute.local, attribute.uri, anyNamespace: attribute.anyNamespace) else {
                continue
            }
            occurrences[attribute.field.ordinal] += 1
            if value.count > maxFieldBytes {
                oversized = oversized ?? attribute.field
            } else {
                fields.replace(attribute.field, with: value)
            }
        }
    }

    /// Compares a namespace's href with an interned URI; consecutive elements mostly share one
    /// namespace declaration, so the last answer is kept.
    private mutating func namespace(of ns: xmlNsPtr?, is uri: Name?) -> Bool {
        guard let uri, let href = ns?.pointee.href else { return false }
        if namespaceCache.href == href && namespaceCache.uri == uri { return namespaceCache.equal }
        let equal = xmlStrEqual(href, uri) == 1
        namespaceCache = (href, uri, equal)
        return equal
    }

    /// An attribute's value, read from the element node itself when it is a single text
    /// (the usual case), else through the reader, which joins the pieces.
    private mutating func attributeValue(_ reader: xmlTextReaderPtr, _ node: xmlNodePtr, _ local: Name?, _ uri: Name?,
                                         anyNamespace: Bool) -> UnsafeBufferPointer<UInt8>? {
        guard let local else { return nil }
        var property = node.pointee.properties
        while let attribute = property {
            property = attribute.pointee.next
            guard Self.same(attribute.pointee.name, local), anyNamespace || namespace(of: attribute.pointee.ns, is: uri) else {
                continue
            }
            if let child = attribute.pointee.children, child.pointee.next == nil, child.pointee.type == XML_TEXT_NODE,
               let content = child.pointee.content {
                return UnsafeBufferPointer(start: content, count: Int(xmlStrlen(content)))
            }
            if attribute.pointee.children == nil { return UnsafeBufferPointer(start: nil, count: 0) }
            let found: Int32 = anyNamespace || uri == nil
                ? xmlTextReaderMoveToAttribute(reader, local)
                : xmlTextReaderMoveToAttributeNs(reader, local, uri)
            guard found == 1 else { return nil }
            defer { xmlTextReaderMoveToElement(reader) }
            guard let value = xmlTextReaderConstValue(reader) else { return nil }
            return UnsafeBufferPointer(start: value, count: Int(xmlStrlen(value)))
        }
        return nil
    }

    private static func same(_ a: UnsafePointer<xmlChar>?, _ b: Name?) -> Bool {
        a != nil && a == b
    }

    /// The first field whose path matched more than one element or attribute in the record.
    var repeated: (field: LogicalField, count: Int)? {
        for field in fieldOrder where occurrences[field.ordinal] > 1 {
            return (field, occurrences[field.ordinal])
        }
        return nil
    }

    /// The record's fields, in a buffer reused from record to record.
    var values: FieldValues { fields }

    /// XML records have no single physical line to quote; the raw text lists what was read.
    func rawText() -> String {
        let shown = fields.presentFields(in: fieldOrder).map { field, value in
            let text = value.unicodeScalars.count > 200 ? String(value.unicodeScalars.prefix(200)) + "…" : value
            return "\(field.rawValue)=\"\(text)\""
        }
        return "<\(recordName) " + shown.joined(separator: " ") + "/>"
    }
}
