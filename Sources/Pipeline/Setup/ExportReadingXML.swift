import Ingest
import Domain

/// An XML export's records as columns: one per place a record holds a value, named as a
/// definition's `fields:` path names it, with a prefix bound to every namespace it uses.
extension ExportReading {
    static func readXML(_ file: ExportFile, limits: Limits, policy: InputPolicy, maxRecords: Int) throws(Diagnostic) -> ExportRead {
        let sampler = XMLSampler(path: file.path, limits: limits, policy: policy, maxRecords: maxRecords)
        let sample = try ingest { () throws(FileFailure) in try sampler.sample() }
        let prefixes = prefixes(for: sample)
        func qualified(_ name: XMLSample.Name) -> String {
            guard let uri = name.namespaceURI, let prefix = prefixes.first(where: { $0.uri == uri })?.prefix else { return name.localName }
            return prefix + ":" + name.localName
        }
        let columns = sample.leaves.map { leaf -> SampledColumn in
            var steps = leaf.steps.map { step -> String in
                var text = qualified(step.name)
                if let attribute = step.predicateAttribute, let value = step.predicateValue {
                    text += "[@" + qualified(attribute) + "='" + value + "']"
                }
                return text
            }
            // An attribute without a prefix is in no namespace: written bare, it matches any.
            if let attribute = leaf.attribute { steps.append("@" + (attribute.prefix == nil ? attribute.localName : qualified(attribute))) }
            let name = leaf.attribute?.localName ?? leaf.steps.last.map { $0.predicateValue ?? $0.name.localName } ?? ""
            return SampledColumn(label: steps.joined(separator: "/"), matchName: Canonical.text(name),
                                 values: leaf.values.map { $0?.trimmedOfWhitespace }, repeats: leaf.repeats)
        }
        let records = sample.leaves.first?.values.count ?? 0
        let layout = ExportRead.XMLLayout(recordPath: sample.recordPath, recordCount: sample.recordCount, prefixes: prefixes,
                                          encoding: sample.encoding)
        return ExportRead(file: file, columns: columns, lines: [Int](repeating: 0, count: records), complete: sample.complete,
                          layout: .xml(layout))
    }

    /// A prefix per namespace the records use: the file's own prefix where it declares one,
    /// else (a default namespace) the record element's initial, made unique.
    static func prefixes(for sample: XMLSample) -> [(prefix: String, uri: String, isDefault: Bool)] {
        var used: [String] = []
        for name in sample.recordPath.suffix(1) + sample.leaves.flatMap({ leaf in
            leaf.steps.flatMap { [$0.name] + ($0.predicateAttribute.map { [$0] } ?? []) } + (leaf.attribute.map { [$0] } ?? [])
        }) {
            if let uri = name.namespaceURI, !used.contains(uri) { used.append(uri) }
        }
        var bound: [(prefix: String, uri: String, isDefault: Bool)] = []
        for uri in used {
            let declared = sample.namespaces.first { $0.uri == uri && $0.prefix.map(isPlainPrefix) == true }?.prefix
            var prefix = declared ?? initial(sample.recordPath.last?.localName ?? "ns")
            var counter = 2
            let base = prefix
            while bound.contains(where: { $0.prefix == prefix }) || (declared == nil && sample.namespaces.contains { $0.prefix == prefix }) {
                prefix = base + String(counter)
                counter += 1
            }
            bound.append((prefix, uri, declared == nil))
        }
        return bound
    }

    private static func isPlainPrefix(_ prefix: String) -> Bool {
        !prefix.isEmpty && prefix.unicodeScalars.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") }
            && !(prefix.first?.isNumber ?? true)
    }

    /// The first ASCII letter of a name, lower case; `ns` when it has none.
    private static func initial(_ name: String) -> String {
        guard let letter = Canonical.text(name).unicodeScalars.first(where: { $0 >= "a" && $0 <= "z" }) else { return "ns" }
        return String(Character(letter))
    }
}
