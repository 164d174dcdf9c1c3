internal import CLibXML2
import Domain

/// What `stagebalans init` learns of an XML export: which element repeats as the records, and
/// every value a record holds (its attributes, its children's text and attributes, siblings told
/// apart by an attribute), for the first `maxRecords` records.
public struct XMLSample: Sendable {
    /// An element or attribute name with its namespace and the prefix the file writes it with.
    public struct Name: Sendable, Hashable {
        public var namespaceURI: String?
        public var localName: String
        /// nil: no prefix (the default namespace, or none).
        public var prefix: String?
    }

    /// One element step below the record; `predicate` tells repeated siblings apart
    /// (`criterium[@naam='kennis']`).
    public struct Step: Sendable, Hashable {
        public var name: Name
        public var predicateAttribute: Name?
        public var predicateValue: String?
    }

    /// A place in a record that holds a value: an element's text (`attribute` nil) or an attribute.
    public struct Leaf: Sendable {
        public var steps: [Step]
        public var attribute: Name?
        /// Per sampled record, its value there (nil: the record has none).
        public var values: [String?]
        /// Records where the place held more than one value (only the first is in `values`).
        public var repeats: Int
    }

    /// The root element, then each element down to the record element.
    public var recordPath: [Name]
    /// Records seen while finding the structure (in the first part of the file read for it).
    public var recordCount: Int
    /// Namespace declarations in the order met: prefix (nil for a default namespace) and URI.
    public var namespaces: [(prefix: String?, uri: String)]
    public var leaves: [Leaf]
    /// The file's declared encoding, as libxml2 read it.
    public var encoding: String
    /// Whether every record of the file is in `leaves`.
    public var complete: Bool
}

/// Reads an XML export as `run` does (libxml2's streaming reader over `XMLInputGuard`: no network,
/// no entity expansion, no DTD loading, an entity reference rejects the file), in two bounded
/// passes: the structure from the first `structureNodes` nodes, then the first `maxRecords` records.
public struct XMLSampler: Sendable {
    public var path: String
    public var limits: Limits
    public var policy: InputPolicy
    public var maxRecords: Int
    public var structureNodes: Int
    /// At most this many places in a record are kept, this many bytes of each value, and this
    /// many bytes of values in all (then the records read so far are the sample).
    static let maxLeaves = 300, maxValueBytes = 256, maxDepth = 6, maxSampleBytes = 64 << 20

    public init(path: String, limits: Limits = Limits(), policy: InputPolicy = InputPolicy(), maxRecords: Int = 5_000,
                structureNodes: Int = 400_000) {
        self.path = path
        self.limits = limits
        self.policy = policy
        self.maxRecords = maxRecords
        self.structureNodes = structureNodes
    }

    /// The reader's failures (libxml2's message at its line, an entity, a flood), worded as `run` words them.
    private var failures: XMLSourceReader {
        let settings = XMLSettings(record: XMLName(namespaceURI: nil, localName: "record"), fields: [:])
        return XMLSourceReader(spec: SourceSpec(name: "init", kind: .roster, files: [path], format: .xml(settings)),
                               settings: settings, path: path)
    }

    public func sample() throws(FileFailure) -> XMLSample {
        let file = try ChunkedFile.opening(path, policy)
        let structure = try readStructure(file)
        guard let record = structure.record() else {
            let children = structure.counts.filter { $0.key.split(separator: "/").count == 2 }.keys.sorted().prefix(5)
            throw FileFailure(SourceLocation(path: path, line: 1),
                              "no element repeats under one parent: init cannot tell which element is a record",
                              notes: ["the root's children: " + (children.isEmpty ? "none" : children.joined(separator: ", ")),
                                      "an export lists its records as repeated elements (<evaluatie>…</evaluatie> many times)"])
        }
        try file.failingRewind()
        var sample = try readRecords(file, recordKey: record)
        sample.recordPath = structure.names[record] ?? []
        sample.recordCount = structure.counts[record] ?? 0
        sample.namespaces = structure.namespaces
        return sample
    }

    // MARK: The structure

    struct Structure {
        /// Per element path (`/{uri}local/{uri}local`), how often it occurs and its names.
        var counts: [String: Int] = [:]
        var names: [String: [XMLSample.Name]] = [:]
        var namespaces: [(prefix: String?, uri: String)] = []

        /// The most frequent element path that repeats under a parent that does not.
        func record() -> String? {
            let candidates = counts.filter { key, count in
                let parent = String(key[..<(key.lastIndex(of: "/") ?? key.startIndex)])
                return count >= 2 && (parent.isEmpty || counts[parent] == 1)
            }
            return candidates.max { ($0.value, $1.key.count, $1.key) < ($1.value, $0.key.count, $0.key) }?.key
        }
    }

    private func readStructure(_ file: borrowing ChunkedFile) throws(FileFailure) -> Structure {
        var structure = Structure()
        try withReader(file) { reader, errors, input throws(FileFailure) in
            var stack: [String] = [], nodes = 0
            var status = xmlTextReaderRead(reader)
            while status == 1, nodes < structureNodes {
                nodes += 1
                if errors.fatal != nil { break }
                let type = xmlTextReaderNodeType(reader)
                if type == Int32(XML_READER_TYPE_ENTITY_REFERENCE.rawValue) {
                    let name = xmlTextReaderConstName(reader).map { String(cString: $0) } ?? "?"
                    throw failures.entityFailure(name, line: XMLSourceReader.nodeLine(reader) ?? 1, file: file)
                }
                if type == Int32(XML_READER_TYPE_ELEMENT.rawValue), let node = xmlTextReaderCurrentNode(reader) {
                    stack.removeSubrange(min(Int(xmlTextReaderDepth(reader)), stack.count)...)
                    let name = Self.name(node.pointee.name, node.pointee.ns)
                    let key = (stack.last ?? "") + "/{" + (name.namespaceURI ?? "") + "}" + name.localName
                    stack.append(key)
                    if structure.counts[key] != nil || structure.counts.count < 2_000 {
                        structure.counts[key, default: 0] += 1
                        if structure.names[key] == nil { structure.names[key] = (structure.names[stack.dropLast().last ?? ""] ?? []) + [name] }
                    }
                    Self.declarations(node.pointee.nsDef, into: &structure.namespaces)
                }
                status = xmlTextReaderRead(reader)
            }
            if status < 0 || errors.fatal != nil || input.violation != nil {
                throw failures.failure(errors, reader: reader, input: input, file: file)
            }
        }
        return structure
    }

    /// A reader over the file, freed after `body`; libxml2's errors and the guard's violations
    /// are the body's to check.
    private func withReader(_ file: borrowing ChunkedFile,
                            _ body: (xmlTextReaderPtr, XMLErrorCollector, XMLInputGuard) throws(FileFailure) -> Void) throws(FileFailure) {
        let errors = XMLErrorCollector()
        let input = XMLInputGuard(descriptor: file.fileDescriptor, maxFields: limits.maxFields, expectedSize: file.size)
        // libxml2 holds both unretained: they outlive the reader (this defer runs after the reader's).
        defer { withExtendedLifetime((errors, input)) {} }
        guard let reader = LibXML2.textReader(input, errors: errors) else {
            throw FileFailure(SourceLocation(path: path, line: 1), "libxml2 could not start a reader for this file")
        }
        defer { xmlFreeTextReader(reader) }
        try body(reader, errors, input)
    }

    static func name(_ local: UnsafePointer<xmlChar>?, _ ns: xmlNsPtr?) -> XMLSample.Name {
        XMLSample.Name(namespaceURI: ns?.pointee.href.map { String(cString: $0) }, localName: local.map { String(cString: $0) } ?? "?",
                       prefix: ns?.pointee.prefix.map { String(cString: $0) })
    }

    private static func declarations(_ first: xmlNsPtr?, into namespaces: inout [(prefix: String?, uri: String)]) {
        var declaration = first
        while let ns = declaration, namespaces.count < 100 {
            declaration = ns.pointee.next
            let prefix = ns.pointee.prefix.map { String(cString: $0) }, uri = ns.pointee.href.map { String(cString: $0) } ?? ""
            if !namespaces.contains(where: { $0.prefix == prefix && $0.uri == uri }) { namespaces.append((prefix, uri)) }
        }
    }

    // MARK: The records

    private func readRecords(_ file: borrowing ChunkedFile, recordKey: String) throws(FileFailure) -> XMLSample {
        var leaves = RecordLeaves()
        var complete = true, encoding = "UTF-8"
        try withReader(file) { reader, errors, input throws(FileFailure) in
            var stack: [String] = []
            var status = xmlTextReaderRead(reader)
            while status == 1 {
                if errors.fatal != nil { break }
                let type = xmlTextReaderNodeType(reader)
                guard type == Int32(XML_READER_TYPE_ELEMENT.rawValue), let node = xmlTextReaderCurrentNode(reader) else {
                    status = xmlTextReaderRead(reader)
                    continue
                }
                stack.removeSubrange(min(Int(xmlTextReaderDepth(reader)), stack.count)...)
                let name = Self.name(node.pointee.name, node.pointee.ns)
                stack.append((stack.last ?? "") + "/{" + (name.namespaceURI ?? "") + "}" + name.localName)
                guard stack.last == recordKey else {
                    status = xmlTextReaderRead(reader)
                    continue
                }
                if leaves.records >= maxRecords || leaves.bytes >= Self.maxSampleBytes {
                    complete = false
                    break
                }
                guard let subtree = xmlTextReaderExpand(reader), errors.fatal == nil else {
                    throw failures.failure(errors, reader: reader, input: input, file: file)
                }
                if let entity = leaves.add(record: subtree) {
                    throw failures.entityFailure(entity, line: XMLRecordMatcher.line(of: subtree, reader: reader), file: file)
                }
                stack.removeLast()
                status = xmlTextReaderNext(reader)
            }
            if (complete && status < 0) || errors.fatal != nil || input.violation != nil {
                throw failures.failure(errors, reader: reader, input: input, file: file)
            }
            encoding = xmlTextReaderConstEncoding(reader).map { String(cString: $0) } ?? "UTF-8"
        }
        return XMLSample(recordPath: [], recordCount: 0, namespaces: [], leaves: leaves.finished(), encoding: encoding,
                         complete: complete)
    }
}

/// The values of the records read so far, by the place they sit in.
private struct RecordLeaves {
    private var leaves: [XMLSample.Leaf] = []
    private var index: [String: Int] = [:]
    /// Per leaf, the last record counted in its `repeats`.
    private var repeatedIn: [Int: Int] = [:]
    private(set) var records = 0
    /// Bytes of the values kept.
    private(set) var bytes = 0
    private var entity: String?

    /// Adds one record's values; returns the name of an entity reference met in it (the file
    /// is then rejected, as `run` rejects it).
    mutating func add(record: xmlNodePtr) -> String? {
        entity = nil
        attributes(of: record, steps: [], except: nil)
        walk(record, steps: [], depth: 0)
        records += 1
        return entity
    }

    func finished() -> [XMLSample.Leaf] {
        leaves.map { leaf in
            var padded = leaf
            padded.values += [String?](repeating: nil, count: max(0, records - leaf.values.count))
            return padded
        }
    }

    private mutating func walk(_ element: xmlNodePtr, steps: [XMLSample.Step], depth: Int) {
        guard depth < XMLSampler.maxDepth else { return }
        let children = Self.children(of: element)
        var byName: [XMLSample.Name: [xmlNodePtr]] = [:]
        for child in children { byName[XMLSampler.name(child.pointee.name, child.pointee.ns), default: []].append(child) }
        for child in children {
            let name = XMLSampler.name(child.pointee.name, child.pointee.ns)
            let siblings = byName[name] ?? []
            let key = siblings.count > 1 ? Self.distinguishingAttribute(siblings) : nil
            let value = key.flatMap { Self.attribute($0, of: child) }
            let childSteps = steps + [XMLSample.Step(name: name, predicateAttribute: key, predicateValue: value)]
            attributes(of: child, steps: childSteps, except: key)
            // An element's text is a value unless the element only holds others or attributes.
            let (text, hasElements) = text(of: child)
            let hasAttributes = child.pointee.properties != nil
            if !text.isEmpty || (!hasElements && !hasAttributes) { set(text, steps: childSteps, attribute: nil) }
            walk(child, steps: childSteps, depth: depth + 1)
        }
    }

    private mutating func attributes(of element: xmlNodePtr, steps: [XMLSample.Step], except: XMLSample.Name?) {
        var property = element.pointee.properties
        while let attribute = property {
            property = attribute.pointee.next
            let name = XMLSampler.name(attribute.pointee.name, attribute.pointee.ns)
            guard name != except else { continue }
            set(Self.joined(attribute.pointee.children, entity: &entity), steps: steps, attribute: name)
        }
    }

    private mutating func set(_ value: String, steps: [XMLSample.Step], attribute: XMLSample.Name?) {
        let key = steps.map { "\($0.name)\($0.predicateAttribute.map { "\($0)" } ?? "")=\($0.predicateValue ?? "")" }
            .joined(separator: "/") + "@" + (attribute.map { "\($0)" } ?? "")
        guard let position = index[key] ?? (leaves.count < XMLSampler.maxLeaves ? leaves.count : nil) else { return }
        if position == leaves.count {
            index[key] = position
            leaves.append(XMLSample.Leaf(steps: steps, attribute: attribute, values: [], repeats: 0))
        }
        if leaves[position].values.count > records {
            if repeatedIn[position] != records {
                repeatedIn[position] = records
                leaves[position].repeats += 1
            }
            return
        }
        leaves[position].values += [String?](repeating: nil, count: records - leaves[position].values.count)
        let kept = String(decoding: value.utf8.prefix(XMLSampler.maxValueBytes), as: UTF8.self)
        bytes += kept.utf8.count + 16
        leaves[position].values.append(kept)
    }

    /// The element's own text (text and CDATA children), and whether it has child elements.
    private mutating func text(of element: xmlNodePtr) -> (String, Bool) {
        var text = "", hasElements = false
        var child = element.pointee.children
        while let node = child {
            child = node.pointee.next
            switch node.pointee.type {
            case XML_ELEMENT_NODE: hasElements = true
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = node.pointee.content, text.utf8.count < XMLSampler.maxValueBytes { text += String(cString: content) }
            case XML_ENTITY_REF_NODE:
                if entity == nil { entity = node.pointee.name.map { String(cString: $0) } ?? "?" }
            default: continue
            }
        }
        return (text.trimmedOfWhitespace, hasElements)
    }

    private static func children(of element: xmlNodePtr) -> [xmlNodePtr] {
        var found: [xmlNodePtr] = []
        var child = element.pointee.children
        while let node = child {
            child = node.pointee.next
            if node.pointee.type == XML_ELEMENT_NODE { found.append(node) }
        }
        return found
    }

    /// The first attribute every sibling has, each with another value: how the export tells them apart.
    private static func distinguishingAttribute(_ siblings: [xmlNodePtr]) -> XMLSample.Name? {
        var property = siblings[0].pointee.properties
        while let attribute = property {
            property = attribute.pointee.next
            let name = XMLSampler.name(attribute.pointee.name, attribute.pointee.ns)
            let values = siblings.compactMap { self.attribute(name, of: $0) }
            if values.count == siblings.count, Set(values).count == values.count, values.allSatisfy(isPlainWord) {
                return name
            }
        }
        return nil
    }

    /// A value a definition can write in `[@attribute='value']`: letters, digits, spaces, `_.-`.
    private static func isPlainWord(_ value: String) -> Bool {
        !value.isEmpty && value.count <= 64 && value.unicodeScalars.allSatisfy {
            $0.properties.isAlphabetic || $0.properties.numericType != nil || " _.-".unicodeScalars.contains($0)
        }
    }

    private static func attribute(_ name: XMLSample.Name, of element: xmlNodePtr) -> String? {
        var property = element.pointee.properties
        while let attribute = property {
            property = attribute.pointee.next
            guard XMLSampler.name(attribute.pointee.name, attribute.pointee.ns) == name else { continue }
            var ignored: String?
            return joined(attribute.pointee.children, entity: &ignored)
        }
        return nil
    }

    private static func joined(_ first: xmlNodePtr?, entity: inout String?) -> String {
        var text = ""
        var piece = first
        while let node = piece {
            piece = node.pointee.next
            if node.pointee.type == XML_ENTITY_REF_NODE, entity == nil { entity = node.pointee.name.map { String(cString: $0) } ?? "?" }
            if let content = node.pointee.content, text.utf8.count < XMLSampler.maxValueBytes { text += String(cString: content) }
        }
        return text
    }
}
