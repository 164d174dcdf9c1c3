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
///
/// A module of its own, without Foundation: a module that imports a C library's headers
/// (libyaml's, here) beside Foundation can define ICU's `UErrorCode` twice, seen only in a clean
/// build (as with libxml2 in Ingest). Pipeline turns a refusal into its error.
public enum YAMLExpansionGuard {
    /// Nodes a file may expand to. A definition has a few hundred, a register of 10,000 sites
    /// about 100,000.
    public static let maximumExpandedNodes = 1_000_000

    /// The first alias key, or the point where the expansion passes the limit; nil for a file
    /// libyaml cannot parse, so that Yams reports its syntax error as before.
    public static func firstRefusal(in text: String) -> Refusal? {
        guard !text.utf8.isEmpty else { return nil }
        var counter = ExpansionCounter()
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buffer in counter.scan(buffer) }
    }

    public struct Refusal: Sendable {
        public enum Reason: Sendable { case aliasKey(anchor: String), tooManyNodes(alias: String?) }
        public var reason: Reason
        /// 1-based, as libyaml's marks plus one.
        public var line: Int
        public var column: Int
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
