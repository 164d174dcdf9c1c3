// Pipeline: reads pipeline definitions (YAML) and reference data, and wires the stages
// (ingest, then the later ones) into the commands the executable offers.

import Foundation
import Domain
import Yams

/// An error in a definition file, with the position Yams gives for the offending node.
public struct DefinitionError: Error, Sendable, CustomStringConvertible {
    public var diagnostic: Diagnostic
    /// Further errors found in the same check (reference data reports all it finds).
    public var more: [Diagnostic] = []

    public init(_ location: SourceLocation?, _ message: String, notes: [String] = []) {
        diagnostic = Diagnostic(.error, at: location, message, notes: notes)
    }

    /// Several errors found in one check; the first leads.
    init(_ first: Diagnostic, more: [Diagnostic]) {
        diagnostic = first
        self.more = more
    }

    public var description: String { ([diagnostic] + more).map(\.description).joined(separator: "\n") }
}

/// Walks Yams' node tree keeping the file and position of every node for messages.
struct YAMLNode {
    let node: Node
    let file: String

    var location: SourceLocation? {
        node.mark.map { SourceLocation(path: file, line: $0.line, column: $0.column) }
    }

    func fail(_ message: String, notes: [String] = []) -> DefinitionError {
        DefinitionError(location, message, notes: notes)
    }

    func string(_ what: String) throws(DefinitionError) -> String {
        guard case .scalar(let scalar) = node else { throw fail("\(what) must be a single value, not a list or a mapping") }
        return scalar.string
    }

    /// A scalar written without quotes (`sheet: 2` is an index, `sheet: "2"` a name).
    var isPlainScalar: Bool {
        guard case .scalar(let scalar) = node else { return false }
        return scalar.style == .plain
    }

    func strings(_ what: String) throws(DefinitionError) -> [String] {
        switch node {
        case .scalar(let scalar): return [scalar.string]
        case .sequence(let sequence):
            var values: [String] = []
            for item in sequence {
                values.append(try YAMLNode(node: item, file: file).string("each entry of \(what)"))
            }
            return values
        default: throw fail("\(what) must be a value or a list of values")
        }
    }

    func integer(_ what: String, range: ClosedRange<Int>) throws(DefinitionError) -> Int {
        let text = try string(what)
        guard let value = Int(text.replacingOccurrences(of: "_", with: "")), range.contains(value) else {
            throw fail("\(what) must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
        }
        return value
    }

    func sequence(_ what: String) throws(DefinitionError) -> [YAMLNode] {
        guard case .sequence(let sequence) = node else { throw fail("\(what) must be a list") }
        return sequence.map { YAMLNode(node: $0, file: file) }
    }

    /// The node as a mapping whose keys must be among `allowed`; an unknown key is an error
    /// that suggests the nearest allowed one.
    func mapping(_ what: String, allowed: [String]?) throws(DefinitionError) -> YAMLMapping {
        guard case .mapping(let mapping) = node else { throw fail("\(what) must be a mapping of names to values") }
        var entries: [(key: String, keyNode: YAMLNode, value: YAMLNode)] = []
        // A set, not a scan of the entries: a mapping of 100,000 keys is a file of 1 MB.
        var names: Set<String> = []
        for (key, value) in mapping {
            let keyNode = YAMLNode(node: key, file: file)
            let name = try keyNode.string("a key of \(what)")
            if let allowed, !allowed.contains(name) {
                let guess = EditDistance.closest(to: name, among: allowed, limit: 1, maxDistance: max(2, name.count / 3)).first
                let hint = guess.map { "; did you mean '\($0)'?" } ?? ""
                throw keyNode.fail("unknown field '\(name)' in \(what)\(hint)",
                                   notes: ["allowed: " + allowed.joined(separator: ", ")])
            }
            guard names.insert(name).inserted else {
                throw keyNode.fail("'\(name)' appears twice in \(what)")
            }
            entries.append((name, keyNode, YAMLNode(node: value, file: file)))
        }
        return YAMLMapping(entries: entries, node: self, what: what)
    }
}

struct YAMLMapping {
    let entries: [(key: String, keyNode: YAMLNode, value: YAMLNode)]
    let node: YAMLNode
    let what: String

    subscript(key: String) -> YAMLNode? { entries.first { $0.key == key }?.value }

    func required(_ key: String) throws(DefinitionError) -> YAMLNode {
        guard let value = self[key] else { throw node.fail("\(what) needs '\(key)'") }
        return value
    }
}
