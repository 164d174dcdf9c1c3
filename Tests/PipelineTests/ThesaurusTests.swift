import Foundation
@testable import Pipeline
@testable import Normalize
import Domain
import Testing

/// The discipline thesaurus (issue 21, item 4): its data compiled in and kept the same as
/// data/discipline-thesaurus.tsv, and suggestions that name the discipline a name means.
@Suite("Discipline thesaurus")
struct ThesaurusTests {
    static let dataFile = packageRoot + "/data/discipline-thesaurus.tsv"
    static let literalFile = packageRoot + "/Sources/Normalize/DisciplineThesaurusData.swift"

    /// The Swift file the data is compiled in as, written from the data file.
    static func literalSource(_ data: String) -> String {
        """
        // Generated from data/discipline-thesaurus.tsv: edit that file, then run
        // `STAGEBALANS_UPDATE_THESAURUS=1 swift test --filter ThesaurusTests` to write this one again.
        // Compiled in so that the installed binary needs no resource bundle.

        enum DisciplineThesaurusData {
            static let text = #\"\"\"
        \(data.hasSuffix("\n") ? String(data.dropLast()) : data)
        \"\"\"#
        }

        """
    }

    @Test("the compiled-in text is data/discipline-thesaurus.tsv, and it parses into 40 or more disciplines")
    func inSync() throws {
        let data = try String(contentsOfFile: Self.dataFile, encoding: .utf8)
        if ProcessInfo.processInfo.environment["STAGEBALANS_UPDATE_THESAURUS"] == "1" {
            try Self.literalSource(data).write(toFile: Self.literalFile, atomically: true, encoding: .utf8)
        }
        #expect(try String(contentsOfFile: Self.literalFile, encoding: .utf8) == Self.literalSource(data),
                "regenerate with STAGEBALANS_UPDATE_THESAURUS=1 swift test --filter ThesaurusTests")
        #expect(DisciplineThesaurusData.text + "\n" == data)
        let thesaurus = try DisciplineThesaurus.parse(data)
        #expect(thesaurus.entries.count >= 40)
        #expect(DisciplineThesaurus.standard.entries == thesaurus.entries)
        #expect(thesaurus.entries.allSatisfy { !$0.dutch.isEmpty && !$0.english.isEmpty && !$0.french.isEmpty })
        #expect(data.contains("2005/36/EC") && data.contains("25 november 1991"), "the sources are cited in the file")
    }

    @Test("a name of one discipline reads as no other's name (no two entries share a term)")
    func termsAreUnambiguous() throws {
        let thesaurus = DisciplineThesaurus.standard
        for (index, entry) in thesaurus.entries.enumerated() {
            for name in entry.names {
                let exact = thesaurus.matches(name).filter { $0.kind == .name }.map(\.entry)
                #expect(exact == [index], "'\(name)' of \(entry.code) names \(exact.map { thesaurus.entries[$0].code })")
            }
        }
    }

    @Test("broken thesaurus text is an error with its line")
    func parseErrors() {
        #expect(throws: DisciplineThesaurus.ParseError.self) { try DisciplineThesaurus.parse("A\t-\ta\tb\n") }
        #expect(throws: DisciplineThesaurus.ParseError.self) { try DisciplineThesaurus.parse("A\t-\ta\tb\tc\nA\t-\td\te\tf\n") }
        #expect(throws: DisciplineThesaurus.ParseError.self) { try DisciplineThesaurus.parse("A\tZ\ta\tb\tc\n") }
        #expect(throws: DisciplineThesaurus.ParseError.self) { try DisciplineThesaurus.parse("A\t-\ta||x\tb\tc\n") }
        do {
            _ = try DisciplineThesaurus.parse("# c\nA\t-\ta\tb\n")
        } catch {
            #expect(error.line == 2)
        }
    }

    /// The sample taxonomy without the alias that would resolve `Kindergeneeskunde`.
    static func sampleTaxonomy() throws -> [Discipline] {
        let disciplines = try ReferenceLoader.loadDisciplines(packageRoot + "/pipelines/sample/disciplines.yml")
        return disciplines.map { discipline in
            var copy = discipline
            copy.aliases.removeAll { $0 == "kindergeneeskunde" }
            return copy
        }
    }

    @Test("the issue's three names get the right code first against the sample taxonomy (edit distance alone gave HK-KHK, KS-DER, HK)")
    func issueNames() throws {
        let resolver = NameResolver(disciplines: try Self.sampleTaxonomy())
        for (typed, expected) in [("Kindergeneeskunde", "PED"), ("Hartziekten", "IG-CAR"), ("Oogheelkunde", "KS-OFT")] {
            #expect(resolver.resolve(typed) == nil)
            let suggestions = resolver.suggestions(for: typed)
            #expect(suggestions.first?.code == expected, "\(typed): \(suggestions.map(\.code))")
            #expect(suggestions.count == 3 && Set(suggestions.map(\.code)).count == 3)
        }
    }

    @Test("suggest-aliases lists the thesaurus's discipline first for the issue's three names in an export")
    func suggestAliases() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        for file in ["sites.yml", "curriculum.yml"] {
            try FileManager.default.copyItem(atPath: packageRoot + "/pipelines/sample/" + file, toPath: root + "/" + file)
        }
        let taxonomy = try String(contentsOfFile: packageRoot + "/pipelines/sample/disciplines.yml", encoding: .utf8)
        try taxonomy.replacingOccurrences(of: "    aliases: [\"kindergeneeskunde\"]\n", with: "")
            .write(toFile: root + "/disciplines.yml", atomically: true, encoding: .utf8)
        try ("Student;Site;Discipline;Start date;Weeks;Role;Status;Final score\n"
             + "r1;UZ Gent;Kindergeneeskunde;01/07/2025;4;supervisor;final;14\n"
             + "r2;UZ Gent;Hartziekten;01/07/2025;4;supervisor;final;14\n"
             + "r3;UZ Gent;Oogheelkunde;01/07/2025;4;supervisor;final;14\n").write(toFile: root + "/evaluations.csv", atomically: true, encoding: .utf8)
        try """
            output: out
            sources:
              - {name: evaluations, kind: evaluations, format: csv, path: evaluations.csv, delimiter: ";"}
            reference: {sites: sites.yml, disciplines: disciplines.yml, curriculum: curriculum.yml}

            """.write(toFile: root + "/pipeline.yml", atomically: true, encoding: .utf8)
        let text = try AliasSuggestions.render(try DefinitionLoader.load(file: root + "/pipeline.yml"))
        for (typed, first) in [("Kindergeneeskunde", "PED (pediatrie)"), ("Hartziekten", "IG-CAR (cardiologie)"),
                               ("Oogheelkunde", "KS-OFT (oftalmologie)")] {
            #expect(text.contains("#   \"\(typed)\": 1 rows; closest: \(first), "), "\(text)")
        }
    }

    @Test("a typo still gets its discipline first, and the spelt-alike names after it (the sample's 'cardiolgie')")
    func typo() throws {
        let resolver = NameResolver(disciplines: try Self.sampleTaxonomy())
        #expect(resolver.suggestions(for: "cardiolgie").map(\.code) == ["IG-CAR", "BV", "KS-URO"])
    }

    @Test("a sub-discipline the taxonomy lacks is suggested as its group")
    func groupOfMissingDiscipline() throws {
        let resolver = NameResolver(disciplines: try Self.sampleTaxonomy())
        #expect(resolver.suggestions(for: "Thoraxchirurgie").first?.code == "HK")
        #expect(resolver.suggestions(for: "Neonatologie").first?.code == "PED")
    }

    @Test("sites are suggested by spelling only, as before")
    func sitesUnchanged() {
        let site = { (code: String, name: String) in
            Site(code: code, name: name, kind: .hospital, region: .peripheral, city: "", country: "BE",
                 source: SourceLocation(path: "sites.yml", line: 1))
        }
        let resolver = NameResolver(sites: [site("PED", "Pediatrie Kliniek"), site("AZGR", "AZ Groeninge")])
        #expect(resolver.suggestions(for: "AZ Groenige").first?.code == "AZGR")
    }

    /// The hold-out list, written and committed before the thesaurus and its matcher
    /// (Fixtures/thesaurus/holdout-synonyms.tsv); the matcher was not tuned to it.
    @Test("the 40 hold-out synonyms: the right code first for at least 36")
    func holdout() throws {
        let text = try String(contentsOfFile: try fixture("thesaurus/holdout-synonyms.tsv"), encoding: .utf8)
        let pairs = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: "\t").map(String.init) }
        #expect(pairs.count == 40)
        let resolver = NameResolver(disciplines: try Self.sampleTaxonomy())
        var misses: [String] = []
        for pair in pairs {
            #expect(resolver.resolve(pair[0]) == nil, "\(pair[0]) resolves without the thesaurus")
            let first = resolver.suggestions(for: pair[0]).first?.code
            if first != pair[1] { misses.append("\(pair[0]) → \(first ?? "none"), expected \(pair[1])") }
        }
        print("thesaurus hold-out: \(pairs.count - misses.count) of \(pairs.count) right first" +
              (misses.isEmpty ? "" : "; misses: " + misses.joined(separator: "; ")))
        #expect(misses.count <= 4, "\(misses)")
    }
}
