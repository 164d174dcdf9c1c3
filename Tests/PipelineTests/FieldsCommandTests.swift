import Domain
import Foundation
import Ingest
import Pipeline
import Testing

/// `stagebalans fields` against the tables ingest reads by, and the README's copy of its
/// Markdown against the command.
@Suite("fields: the recognised headers and value words, and the copies in the README and definition.md")
struct FieldsCommandTests {
    let cli = CommandLineTests()

    /// The text form read back: per section title, per entry (a field, or a coded value), its
    /// comma-separated words; continuation lines are indented deeper than entries.
    static func sections(_ text: String) -> [String: [(name: String, words: [String])]] {
        var sections: [String: [(name: String, words: [String])]] = [:]
        var title = ""
        var entries: [(name: String, text: String)] = []
        func close() { if !title.isEmpty { sections[title] = entries.map { ($0.name, $0.text.components(separatedBy: ", ")) } } }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("    "), !entries.isEmpty {
                entries[entries.count - 1].text += " " + line.trimmingCharacters(in: .whitespaces)
            } else if line.hasPrefix("  ") {
                let parts = line.dropFirst(2).components(separatedBy: "  ").filter { !$0.isEmpty }
                entries.append((parts[0].trimmingCharacters(in: .whitespaces), parts.dropFirst().joined().trimmingCharacters(in: .whitespaces)))
            } else if line.range(of: #"^[a-z_]+( \([a-z, ]+\))?$"#, options: .regularExpression) != nil {
                close()
                title = line
                entries = []
            }
        }
        close()
        return sections
    }

    @Test("fields lists, per kind of source, each field's headers exactly as ingest knows them, required ones starred")
    func headersPerKind() throws {
        let result = try cli.stagebalans(["fields"])
        #expect(result.status == 0)
        let sections = Self.sections(result.out)
        for kind in SourceKind.allCases {
            let entries = try #require(sections[kind.rawValue], "\(kind)")
            let required = Set(LogicalField.requiredColumns(of: kind))
            #expect(entries.map(\.name) == LogicalField.fields(of: kind).map { $0.rawValue + (required.contains($0) ? " *" : "") })
            for (entry, field) in zip(entries, LogicalField.fields(of: kind)) {
                #expect(entry.words == field.defaultHeaders, "\(kind) \(field)")
            }
        }
    }

    @Test("fields lists every coded field's values with exactly the words their value maps hold")
    func valueWords() throws {
        let sections = Self.sections(try cli.stagebalans(["fields"]).out)
        for field in ValueMaps.codedFields {
            let title = try #require(sections.keys.first { $0.hasPrefix(field.rawValue + " (") }, "\(field)")
            let entries = try #require(sections[title])
            #expect(entries.map(\.name) == ValueMaps.targets(of: field))
            for entry in entries {
                let words = try #require(ValueMaps.defaults.maps[field]).words(for: entry.name)
                #expect(!words.isEmpty && entry.words == words, "\(field) \(entry.name)")
            }
        }
    }

    @Test("fields --format md: one row per field with its headers, one per coded field with every value's words")
    func markdown() throws {
        let result = try cli.stagebalans(["fields", "--format", "md"])
        #expect(result.status == 0)
        for field in LogicalField.allCases {
            #expect(result.out.contains("\n| \(field.rawValue) | " + field.defaultHeaders.joined(separator: ", ") + " |\n"))
        }
        for field in ValueMaps.codedFields {
            let words = ValueMaps.targets(of: field).map { code in
                "**\(code)**: " + (ValueMaps.defaults.maps[field]?.words(for: code) ?? []).joined(separator: ", ")
            }
            #expect(result.out.contains("\n| \(field.rawValue) | " + words.joined(separator: "; ") + " |"))
        }
        #expect(try cli.stagebalans(["fields", "--format", "html"]).status == 64)
    }

    /// The text between `<!-- fields:begin -->` and `<!-- fields:end -->`, each on a line of its own.
    static func block(in text: String) -> Range<String.Index>? {
        guard let begin = text.range(of: "<!-- fields:begin -->\n"), let end = text.range(of: "<!-- fields:end -->", range: begin.upperBound..<text.endIndex)
        else { return nil }
        return begin.upperBound..<end.lowerBound
    }

    @Test("golden: README.md and docs/definition.md carry `fields --format md` between their markers; README within 25,000 bytes")
    func goldenFieldsTables() throws {
        let tables = try cli.stagebalans(["fields", "--format", "md"]).out
        let update = ProcessInfo.processInfo.environment["STAGEBALANS_UPDATE_GOLDEN"] == "1"
        for file in ["README.md", "docs/definition.md"] {
            let path = packageRoot + "/" + file
            var text = try String(contentsOfFile: path, encoding: .utf8)
            let block = try #require(Self.block(in: text), "\(file) has no <!-- fields:begin --> … <!-- fields:end --> block")
            if update, String(text[block]) != tables {
                text.replaceSubrange(block, with: tables)
                try text.write(toFile: path, atomically: true, encoding: .utf8)
            }
            let written = try String(contentsOfFile: path, encoding: .utf8)
            #expect(Self.block(in: written).map { String(written[$0]) } == tables,
                    "\(file): regenerate with STAGEBALANS_UPDATE_GOLDEN=1 swift test --filter golden, then review the diff")
        }
        let readme = try #require(FileManager.default.contents(atPath: packageRoot + "/README.md"))
        #expect(readme.count <= 25_000, "README.md is \(readme.count) bytes; the cap is 25,000: move detail to docs/")
    }
}
