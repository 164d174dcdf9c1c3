import Domain
// libyaml itself, which Yams vendors and builds as its module CYaml: Yams offers no event
// stream and no limit on what aliases expand to, so the check below reads libyaml's events
// directly, before Yams composes the same text.
internal import CYaml

/// Refuses, before Yams composes a YAML file, the two shapes that make composing (or walking
/// the result) take exponential time:
///
/// - an alias used as a mapping key, or inside one (`? *a : 1`, `*a : 1`, `{*a: 1}`,
///   `? [*a] : 1`): Yams hashes every key to find duplicates, and a key that is an alias of
///   an alias of … is hashed in full, node by node, however small the file;
/// - more than `maximumExpandedNodes` nodes once every alias is counted as the nodes it repeats
///   (billion laughs as values: Yams shares the repeated node, but whatever walks it does not).
///
/// Counting is by hand because neither Yams nor libyaml counts: each anchor's expanded size is
/// remembered when its node ends, and an alias adds that size.
enum YAMLExpansionGuard {
    /// Nodes a file may expand to. A definition has a few hundred, a register of 10,000 sites
    /// about 100,000.
    static let maximumExpandedNodes = 1_000_000

    /// Throws the first alias key or the point where the expansion passes the limit; a file
    /// libyaml cannot parse passes, so that Yams reports its syntax error as before.
    static func check(_ text: String, file: String) throws(DefinitionError) {
        guard !text.utf8.isEmpty else { return }
        var counter = ExpansionCounter()
        let bytes = Array(text.utf8)
        let refusal = bytes.withUnsafeBufferPointer { buffer in counter.scan(buffer) }
        guard let refusal else { return }
        throw refusal.error(file: file)
    }

    struct Refusal {
        enum Reason { case aliasKey(anchor: String), tooManyNodes(alias: String?) }
        var reason: Reason
        var line: Int
        var column: Int

        func error(file: String) -> DefinitionError {
            let location = SourceLocation(path: file, line: line, column: column)
            switch reason {
            case .aliasKey(let anchor):
                return DefinitionError(location, "YAML: the alias *\(anchor) is used as a mapping key; "
                                       + "expected keys written out, with aliases only as values",
                                       notes: ["write the key itself instead of *\(anchor): an alias as a key can make "
                                               + "reading the file take exponential time"])
            case .tooManyNodes(let alias):
                let cause = alias.map { "with the alias *\($0) " } ?? ""
                return DefinitionError(location, "YAML: the file expands \(cause)to more than "
                                       + "\(maximumExpandedNodes) nodes once its aliases are repeated; "
                                       + "expected a definition or reference file of far fewer",
                                       notes: ["write the repeated parts out, or use fewer aliases: "
                                               + "aliases of aliases multiply (an alias bomb?)"])
            }
        }
    }
}

/// The walk over libyaml's events: a stack of open sequences and mappings, the expanded size
/// of each, and the size of every anchor seen so far (a later anchor of the same name shadows
/// the earlier one, as in YAML).
private struct ExpansionCounter {
    struct Collection {
        var isMapping: Bool
        /// This collection is a mapping key or lies inside one.
        var insideKey: Bool
        var anchor: String?
        var size = 1
        var children = 0
    }

    var open: [Collection] = []
    var anchorSizes: [String: Int] = [:]
    var total = 0

    /// Whether the next node is a mapping key or inside one.
    var atKey: Bool {
        guard let parent = open.last else { return false }
        return parent.insideKey || (parent.isMapping && parent.children % 2 == 0)
    }

    mutating func scan(_ buffer: UnsafeBufferPointer<UInt8>) -> YAMLExpansionGuard.Refusal? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1, let start = buffer.baseAddress else { return nil }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_input_string(&parser, start, buffer.count)
        var event = yaml_event_t()
        while yaml_parser_parse(&parser, &event) == 1 {
            defer { yaml_event_delete(&event) }
            if event.type == YAML_STREAM_END_EVENT { return nil }
            if let refusal = take(event) { return refusal }
        }
        return nil
    }

    mutating func take(_ event: yaml_event_t) -> YAMLExpansionGuard.Refusal? {
        let line = Int(event.start_mark.line) + 1, column = Int(event.start_mark.column) + 1
        switch event.type {
        case YAML_ALIAS_EVENT:
            let anchor = Self.text(event.data.alias.anchor) ?? ""
            if atKey { return .init(reason: .aliasKey(anchor: anchor), line: line, column: column) }
            // An undefined alias counts as one node; Yams reports it.
            return add(anchorSizes[anchor] ?? 1, anchor: nil, alias: anchor, line: line, column: column)
        case YAML_SCALAR_EVENT:
            return add(1, anchor: Self.text(event.data.scalar.anchor), alias: nil, line: line, column: column)
        case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
            let isMapping = event.type == YAML_MAPPING_START_EVENT
            let anchor = Self.text(isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor)
            open.append(Collection(isMapping: isMapping, insideKey: atKey, anchor: anchor))
            total += 1
            return total > YAMLExpansionGuard.maximumExpandedNodes
                ? .init(reason: .tooManyNodes(alias: nil), line: line, column: column) : nil
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let closed = open.popLast() else { return nil }
            if let anchor = closed.anchor { anchorSizes[anchor] = closed.size }
            // Its nodes are in `total` already; the parent only learns its size.
            addToParent(closed.size)
            return nil
        default:
            return nil
        }
    }

    /// A scalar or an alias of `size` nodes.
    mutating func add(_ size: Int, anchor: String?, alias: String?, line: Int, column: Int) -> YAMLExpansionGuard.Refusal? {
        if let anchor { anchorSizes[anchor] = size }
        addToParent(size)
        total += size
        return total > YAMLExpansionGuard.maximumExpandedNodes
            ? .init(reason: .tooManyNodes(alias: alias), line: line, column: column) : nil
    }

    mutating func addToParent(_ size: Int) {
        guard !open.isEmpty else { return }
        open[open.count - 1].size += size
        open[open.count - 1].children += 1
    }

    static func text(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}
