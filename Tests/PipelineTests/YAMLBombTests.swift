import Foundation
@testable import Pipeline
import Domain
import Testing

/// Aliases as mapping keys and alias bombs, in definitions and reference data: refused with
/// their position before Yams composes them (the time each takes is `scripts/yaml_bombs.sh`).
@Suite("YAML alias bombs")
struct YAMLBombTests {
    /// The definition's error as printed, from `pipelines/x.yml` (as the definition tests parse).
    func error(_ yaml: String) -> String { DefinitionTests().error(yaml) }

    static let definition = DefinitionTests.minimal

    static let aliasKey = "YAML: the alias *a is used as a mapping key; expected keys written out, with aliases only as values"

    @Test("an alias as a mapping key is refused at the alias, in every form", arguments: [
        ("x: &a name\ny:\n  ? *a\n  : 1\n", "3:5"),
        ("x: &a name\ny:\n  *a : 1\n", "3:3"),
        ("x: &a name\ny: {*a: 1}\n", "2:5"),
        ("x: &a name\ny: {? [b, *a] : 1}\n", "2:11"),
        ("x: &a [name]\ny:\n  ? {k: *a}\n  : 1\n", "3:9"),
    ])
    func aliasKeys(yaml: String, position: String) {
        let text = error(yaml)
        #expect(text.hasPrefix("pipelines/x.yml:\(position): error: " + Self.aliasKey), "\(text)")
        #expect(text.contains("write the key itself instead of *a"))
    }

    /// The shape of issue 17's bomb: every level an alias of the one before as a key, so that
    /// hashing the last key visits 2^30 nodes. It stops at the first alias key.
    static func aliasKeyBomb(levels: Int) -> String {
        var text = "a0: &a0 [lol, lol]\n"
        for level in 1...levels {
            text += "a\(level): &a\(level) {? *a\(level - 1) : 1, ? [*a\(level - 1)] : 2}\n"
        }
        return text
    }

    @Test("an alias-key bomb is refused at its first alias key")
    func aliasKeyBomb() {
        let text = error(Self.definition + Self.aliasKeyBomb(levels: 30))
        #expect(text.hasPrefix("pipelines/x.yml:8:12: error: YAML: the alias *a0 is used as a mapping key"), "\(text)")
    }

    /// Billion laughs with aliases as values: ten levels of ten aliases each, 10^10 nodes.
    static func billionLaughs(levels: Int = 10) -> String {
        var text = "l0: &l0 lol\n"
        for level in 1...levels {
            text += "l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        return text
    }

    @Test("billion laughs as values stops at the node limit, at the alias that passes it")
    func billionLaughs() {
        let text = error(Self.definition + Self.billionLaughs())
        // l6 is 1,111,111 nodes; the limit is passed inside l6's list, by its eighth *l5
        // (each *l5 adds 111,111 nodes to the 123,456 of l0 to l5).
        #expect(text.hasPrefix("pipelines/x.yml:13:"), "\(text)")
        #expect(text.contains("error: YAML: the file expands with the alias *l5 to more than 1000000 nodes "
                              + "once its aliases are repeated; expected a definition or reference file of far fewer"), "\(text)")
    }

    @Test("aliases as values stay allowed below the limit")
    func aliasValues() throws {
        let definition = try DefinitionLoader.parse("""
            output: ../out
            sources:
              - name: a
                kind: agreements
                format: csv
                path: ../samples/a.csv
                dates: &dates ["d/m/yyyy", "yyyy-m-d"]
              - name: b
                kind: roster
                format: csv
                path: ../samples/b.csv
                dates: *dates

            """, file: "pipelines/x.yml", workingDirectory: "/data")
        #expect(definition.sources.count == 2)
    }

    @Test("reference data refuses alias keys and alias bombs with its own path")
    func referenceData() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("yaml-bombs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let sites = folder.appendingPathComponent("sites.yml").path
        try "x: &a sites\n*a : []\n".write(toFile: sites, atomically: true, encoding: .utf8)
        #expect(throws: DefinitionError.self) { try ReferenceLoader.loadSites(sites) }
        do {
            _ = try ReferenceLoader.loadSites(sites)
        } catch {
            #expect(error.description.hasPrefix("\(sites):2:1: error: " + Self.aliasKey), "\(error)")
        }
        let curriculum = folder.appendingPathComponent("curriculum.yml").path
        try Self.billionLaughs().write(toFile: curriculum, atomically: true, encoding: .utf8)
        do {
            _ = try ReferenceLoader.loadCurriculum(curriculum)
            Issue.record("an alias bomb was read")
        } catch {
            #expect(error.description.contains("error: YAML: the file expands with the alias *l5 to more than"), "\(error)")
        }
    }
}
