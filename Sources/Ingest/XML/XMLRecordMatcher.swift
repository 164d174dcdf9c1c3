internal import CLibXML2

/// Collects the wanted fields' bytes from one record's subtree at a time.
///
/// Names are compared as pointers: libxml2 interns every element and attribute name in the
/// reader's dictionary, and `xmlTextReaderConstString` interns ours in the same one, so a
/// match is one pointer comparison, with no `String` made per node. The definition's paths
/// are compiled into a trie that the walk follows down the record's elements.
struct XMLRecordMatcher {
    private typealias Name = UnsafePointer<xmlChar>

    private struct Step {
        var local: Name?
        /// nil matches any namespace.
        var uri: Name?
        var anyNamespace: Bool
        /// The attribute a step is narrowed by, and the index of its value in `predicateValues`.
        var predicate: (local: Name?, uri: Name?, value: Int)?
        var node: Int
    }

    private struct Node {
        var children: [Step] = []
        var textFields: [LogicalField] = []
        var attributeFields: [(local: Name?, uri: Name?, anyNamespace: Bool, field: LogicalField)] = []
    }

    /// The trie flattened after it is built, so that walking it retains no nested arrays.
    private var flatSteps: [Step] = []
    /// Predicate values, one after another; a step names its value by range, so that neither
    /// copying a step nor reading its value retains anything.
    private var predicateBytes: [UInt8] = []
    private var predicateRanges: [Range<Int>] = []
    private var childRange: [Range<Int>] = []
    private var flatTextFields: [LogicalField] = []
    private var textRange: [Range<Int>] = []
    private var flatAttributes: [(local: Name?, uri: Name?, anyNamespace: Bool, field: LogicalField)] = []
    private var attributeRange: [Range<Int>] = []
    /// The last namespace href compared, and whether it equalled each interned URI.
    private var namespaceCache: (href: UnsafePointer<xmlChar>?, uri: Name?, equal: Bool) = (nil, nil, false)

    private let recordLocal: Name?
    private let recordURI: Name?
    private let recordAnyNamespace: Bool
    private var nodes: [Node] = [Node()]


    init(settings: XMLSettings, reader: xmlTextReaderPtr) {
        func intern(_ text: String?) -> Name? {
            guard let text else { return nil }
            return xmlTextReaderConstString(reader, text).map { UnsafePointer($0) }
        }
        recordLocal = intern(settings.record.localName)
        recordURI = intern(settings.record.namespaceURI)
        recordAnyNamespace = settings.record.namespaceURI == nil
        for field in settings.fields.keys.sorted() {
            guard let path = settings.fields[field] else { continue }
            var node = 0
            for step in path.elements {
                var predicate: (local: Name?, uri: Name?, value: Int)?
                if let wanted = step.predicate {
                    let value = Array(wanted.value.utf8)
                    let index = predicateRanges.firstIndex { predicateBytes[$0].elementsEqual(value) } ?? predicateRanges.count
                    if index == predicateRanges.count {
                        predicateRanges.append(predicateBytes.count..<predicateBytes.count + value.count)
                        predicateBytes += value
                    }
                    predicate = (intern(wanted.attribute.localName), intern(wanted.attribute.namespaceURI), index)
                }
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
            attributeRange.append(flatAttributes.count..<flatAttributes.count + node.attributeFields.count)
            flatAttributes += node.attributeFields
        }
    }

    /// Whether the reader's current element is a record.
    mutating func isRecord(_ node: xmlNodePtr) -> Bool {
        Self.same(node.pointee.name, recordLocal) && (recordAnyNamespace || namespace(of: node.pointee.ns, is: recordURI))
    }

    /// The line a record starts on.
    static func line(of record: xmlNodePtr, reader: xmlTextReaderPtr) -> Int {
        let nodeLine = xmlGetLineNo(record)
        return nodeLine > 0 ? Int(nodeLine) : Int(xmlTextReaderGetParserLineNumber(reader))
    }

    /// Writes one record's wanted pieces, from its expanded subtree, to `batch` as a tape;
    /// counting occurrences and checking sizes is left to the typing side. Returns the name
    /// of the first entity reference met anywhere in the record (never expanded: the caller
    /// rejects the file), or nil.
    mutating func collect(_ record: xmlNodePtr, into batch: inout RecordBatch) -> String? {
        entityReference = nil
        visit(record, trieNode: 0, into: &batch)
        return entityReference
    }

    private var entityReference: String?

    /// Walks an element's children; `trieNode` is -1 below elements no field lies in, where
    /// only entity references are looked for.
    private mutating func visit(_ element: xmlNodePtr, trieNode: Int, into batch: inout RecordBatch) {
        if trieNode >= 0 { enteredAttributes(trieNode, element, into: &batch) }
        let collectsText = trieNode >= 0 && !textRange[trieNode].isEmpty
        // The element's first text piece opens the field's occurrence; an element without text
        // opens it on its own at the end.
        var wroteText = false
        var child = element.pointee.children
        while let node = child {
            child = node.pointee.next
            switch node.pointee.type {
            case XML_ELEMENT_NODE:
                visit(node, trieNode: trieNode >= 0 ? match(node, parent: trieNode) : -1, into: &batch)
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                guard collectsText, let content = node.pointee.content else { continue }
                let bytes = UnsafeBufferPointer(start: content, count: Int(xmlStrlen(content)))
                for index in textRange[trieNode] {
                    batch.tape(wroteText ? .text : .openedWithText, flatTextFields[index], bytes)
                }
                wroteText = true
            case XML_ENTITY_REF_NODE:
                if entityReference == nil {
                    entityReference = node.pointee.name.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) } ?? "?"
                }
            default:
                continue
            }
        }
        if collectsText && !wroteText {
            for index in textRange[trieNode] {
                batch.tape(.opened, flatTextFields[index], UnsafeBufferPointer(start: nil, count: 0))
            }
        }
    }

    /// The trie node a child element leads to, or -1.
    private mutating func match(_ node: xmlNodePtr, parent: Int) -> Int {
        let local = node.pointee.name
        for index in childRange[parent] where Self.same(local, flatSteps[index].local) {
            let step = flatSteps[index]
            if !step.anyNamespace && !namespace(of: node.pointee.ns, is: step.uri) { continue }
            if let predicate = step.predicate {
                let expected = predicateRanges[predicate.value]
                let equal = predicateBytes.withUnsafeBufferPointer { stored in
                    Self.withAttributeValue(node, predicate.local, predicate.uri, anyNamespace: predicate.uri == nil) {
                        $0.elementsEqual(UnsafeBufferPointer(rebasing: stored[expected]))
                    }
                }
                guard equal?.value == true else { continue }
            }
            return step.node
        }
        return -1
    }

    private mutating func enteredAttributes(_ trieNode: Int, _ node: xmlNodePtr, into batch: inout RecordBatch) {
        for index in attributeRange[trieNode] {
            let attribute = flatAttributes[index]
            let entity = Self.withAttributeValue(node, attribute.local, attribute.uri, anyNamespace: attribute.anyNamespace) {
                batch.tape(.attribute, attribute.field, $0)
            }?.entity
            if let entity, entityReference == nil { entityReference = entity }
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

    /// Calls `body` with an attribute's value: its single text child (the usual case), or its
    /// pieces joined. Returns nil when the element has no such attribute; `entity` names an
    /// entity reference inside the value (never expanded: the caller rejects the file).
    private static func withAttributeValue<R>(_ node: xmlNodePtr, _ local: Name?, _ uri: Name?, anyNamespace: Bool,
                                              _ body: (UnsafeBufferPointer<UInt8>) -> R) -> (value: R, entity: String?)? {
        guard let local else { return nil }
        var property = node.pointee.properties
        while let attribute = property {
            property = attribute.pointee.next
            guard same(attribute.pointee.name, local) else { continue }
            if !anyNamespace {
                guard let href = attribute.pointee.ns?.pointee.href, let uri, xmlStrEqual(href, uri) == 1 else { continue }
            }
            guard let first = attribute.pointee.children else { return (body(UnsafeBufferPointer(start: nil, count: 0)), nil) }
            if first.pointee.next == nil, first.pointee.type == XML_TEXT_NODE, let content = first.pointee.content {
                return (body(UnsafeBufferPointer(start: content, count: Int(xmlStrlen(content)))), nil)
            }
            var joined: [UInt8] = []
            var entity: String?
            var piece: xmlNodePtr? = first
            while let current = piece {
                piece = current.pointee.next
                if current.pointee.type == XML_ENTITY_REF_NODE, entity == nil {
                    entity = current.pointee.name.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
                }
                if let content = current.pointee.content {
                    joined.append(contentsOf: UnsafeBufferPointer(start: content, count: Int(xmlStrlen(content))))
                }
            }
            return (joined.withUnsafeBufferPointer(body), entity)
        }
        return nil
    }

    private static func same(_ a: UnsafePointer<xmlChar>?, _ b: Name?) -> Bool {
        a != nil && a == b
    }

}
