import Domain
import YAMLGuard

/// The definition's and the reference files' YAML limits (`YAMLExpansionGuard`, a module of its
/// own) as a definition error at the alias, with what was expected and the fix.
extension YAMLExpansionGuard {
    static func check(_ text: String, file: String) throws(DefinitionError) {
        guard let refusal = firstRefusal(in: text) else { return }
        throw refusal.error(file: file)
    }
}

extension YAMLExpansionGuard.Refusal {
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
                                   + "\(YAMLExpansionGuard.maximumExpandedNodes) nodes once its aliases are repeated; "
                                   + "expected a definition or reference file of far fewer",
                                   notes: ["write the repeated parts out, or use fewer aliases: "
                                           + "aliases of aliases multiply (an alias bomb?)"])
        }
    }
}
