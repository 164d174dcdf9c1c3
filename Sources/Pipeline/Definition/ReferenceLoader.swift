import Foundation
import Ingest
import Normalize
import Domain
import Yams
import YAMLGuard

/// Loads a faculty's reference data: the site register, the discipline taxonomy and the
/// curriculum, each a YAML file kept by hand. Errors carry the file, line and column.
public enum ReferenceLoader {
    public struct Files: Sendable, Hashable {
        public var sites: String
        public var disciplines: String
        public var curriculum: String
        /// With `confine_paths`: the folder each file must really lie in when opened.
        public var confinedTo: String? = nil
    }

    public static func load(_ files: Files) throws(DefinitionError) -> ReferenceData {
        let (sites, aliases) = try loadSites(files.sites, confinedTo: files.confinedTo)
        let disciplines = try loadDisciplines(files.disciplines, confinedTo: files.confinedTo)
        let (curriculum, curriculumPositions) = try loadCurriculum(files.curriculum, confinedTo: files.confinedTo)
        do {
            return try ReferenceData(sites: sites, extraAliases: aliases, disciplines: disciplines, curriculum: curriculum,
                                     curriculumPositions: curriculumPositions)
        } catch {
            let first = error.diagnostics.first ?? Diagnostic(.error, at: nil, "the reference data is inconsistent")
            throw DefinitionError(first, more: Array(error.diagnostics.dropFirst()))
        }
    }

    static func root(_ file: String, confinedTo folder: String?) throws(DefinitionError) -> YAMLNode {
        let text: String
        do {
            let bytes = try RegularFile.contents(file, confinedTo: folder)
            guard let decoded = String(validating: bytes, as: UTF8.self) else {
                throw DefinitionError(firstInvalidUTF8(bytes, in: file), "cannot read reference data: the file is not UTF-8 text; "
                                      + "save it as UTF-8 (in a spreadsheet: CSV UTF-8)")
            }
            text = decoded
        } catch let error as DefinitionError {
            throw error
        } catch let error as FileReadError {
            throw DefinitionError(SourceLocation(path: file, line: 1), "cannot read reference data: \(error.message)")
        } catch {
            throw DefinitionError(SourceLocation(path: file, line: 1), "cannot read reference data: \(error)")
        }
        do {
            try YAMLExpansionGuard.check(text, file: file)
            guard let node = try Yams.compose(yaml: text) else {
                throw DefinitionError(SourceLocation(path: file, line: 1), "the file is empty")
            }
            return YAMLNode(node: node, file: file)
        } catch let error as YamlError {
            throw DefinitionLoader.yamlError(error, file: file)
        } catch let error as DefinitionError {
            throw error
        } catch {
            throw DefinitionError(SourceLocation(path: file, line: 1), "YAML: \(error)")
        }
    }

    /// Where the first byte that is not UTF-8 stands (line and byte column, 1-based).
    static func firstInvalidUTF8(_ bytes: [UInt8], in file: String) -> SourceLocation {
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var offset = 0, line = 1, lineStart = 0
        while case .scalarValue(let scalar) = decoder.decode(&iterator) {
            offset += UTF8.width(scalar)
            if scalar == "\n" { line += 1; lineStart = offset }
        }
        return SourceLocation(path: file, line: line, column: offset - lineStart + 1)
    }

    /// A reference file kept as a table (by its extension: CSV, or a workbook whose sheet named
    /// `role` is read, else its first sheet); nil for YAML.
    static func table(_ file: String, role: String, confinedTo folder: String?) throws(DefinitionError) -> ReferenceTable? {
        switch ReferenceTable.Format(path: file) {
        case .yaml: return nil
        case .csv: return try ReferenceCSV.read(file, confinedTo: folder)
        case .xlsx: return try ReferenceWorkbook.read(file, sheet: role, confinedTo: folder)
        }
    }

    static func loadSites(_ file: String, confinedTo folder: String? = nil) throws(DefinitionError) -> ([Site], [SiteAlias]) {
        if let table = try table(file, role: "sites", confinedTo: folder) { return (try sites(table), []) }
        let top = try root(file, confinedTo: folder).mapping("the site register", allowed: ["sites", "aliases"])
        var sites: [Site] = []
        for node in try top.required("sites").sequence("sites") {
            let map = try node.mapping("a site", allowed: ["code", "name", "aliases", "kind", "region", "city", "country"])
            let kindNode = try map.required("kind")
            let kindText = try kindNode.string("kind")
            guard let kind = SiteKind(rawValue: kindText) else {
                throw kindNode.fail(DefinitionLoader.choice("kind", kindText, SiteKind.allCases.map(\.rawValue)))
            }
            let regionNode = try map.required("region")
            let regionText = try regionNode.string("region")
            guard let region = Region(rawValue: regionText) else {
                throw regionNode.fail(DefinitionLoader.choice("region", regionText, Region.allCases.map(\.rawValue)))
            }
            sites.append(Site(code: try map.required("code").string("code"), name: try map.required("name").string("name"),
                              aliases: try map["aliases"]?.strings("aliases") ?? [], kind: kind, region: region,
                              city: try map["city"]?.string("city") ?? "", country: try map["country"]?.string("country") ?? "",
                              source: node.location ?? SourceLocation(path: file, line: 1)))
        }
        var aliases: [SiteAlias] = []
        // A bare `aliases:` (null) is an empty list, ready for pasted lines.
        let aliasNodes = try top["aliases"].map { node throws(DefinitionError) -> [YAMLNode] in
            if case .scalar(let scalar) = node.node, scalar.tag.description.hasSuffix(":null") || scalar.string.isEmpty { return [] }
            return try node.sequence("aliases")
        } ?? []
        for node in aliasNodes {
            let map = try node.mapping("an alias", allowed: ["alias", "site"])
            aliases.append(SiteAlias(alias: try map.required("alias").string("alias"), site: try map.required("site").string("site"),
                                     source: node.location ?? SourceLocation(path: file, line: 1)))
        }
        return (sites, aliases)
    }

    static func loadDisciplines(_ file: String, confinedTo folder: String? = nil) throws(DefinitionError) -> [Discipline] {
        if let table = try table(file, role: "disciplines", confinedTo: folder) { return try disciplines(table) }
        let top = try root(file, confinedTo: folder).mapping("the discipline taxonomy", allowed: ["disciplines"])
        var disciplines: [Discipline] = []
        for node in try top.required("disciplines").sequence("disciplines") {
            let map = try node.mapping("a discipline", allowed: ["code", "nl", "en", "aliases", "parent"])
            disciplines.append(Discipline(code: try map.required("code").string("code"), dutch: try map.required("nl").string("nl"),
                                          english: try map.required("en").string("en"),
                                          aliases: try map["aliases"]?.strings("aliases") ?? [],
                                          parent: try map["parent"]?.string("parent"),
                                          source: node.location ?? SourceLocation(path: file, line: 1)))
        }
        return disciplines
    }

    static func loadCurriculum(_ file: String, confinedTo folder: String? = nil) throws(DefinitionError) -> (Curriculum, CurriculumPositions) {
        if let table = try table(file, role: "curriculum", confinedTo: folder) { return try curriculum(table) }
        let rootNode = try root(file, confinedTo: folder)
        let top = try rootNode.mapping("the curriculum", allowed: ["required_weeks", "blocks", "clinical_weeks", "scientific_weeks", "scientific_group", "pass_mark"])
        let scientificGroup = try top["scientific_group"]?.string("scientific_group")
        let scientificWeeks = try top.required("scientific_weeks").integer("scientific_weeks", range: 0...500)
        var required: [String: Int] = [:]
        var positions = CurriculumPositions(file: rootNode.location, scientificGroup: top["scientific_group"]?.location)
        for entry in try top.required("required_weeks").mapping("required_weeks", allowed: nil).entries {
            required[entry.key] = try entry.value.integer("the weeks of \(entry.key)", range: 0...200)
            positions.groups[entry.key] = entry.keyNode.location
            if entry.key == scientificGroup {
                // Listed here too, the group would get a progress row that repeats SCIENTIFIC.
                throw entry.value.fail("'\(entry.key)' is the scientific_group: its required weeks are scientific_weeks "
                                       + "(\(scientificWeeks)); remove it from required_weeks")
            }
        }
        var blocks: [Curriculum.Block] = []
        for node in try top["blocks"]?.sequence("blocks") ?? [] {
            let map = try node.mapping("a block", allowed: ["name", "weeks"])
            blocks.append(Curriculum.Block(name: try map.required("name").string("name"),
                                           weeks: try map.required("weeks").integer("weeks", range: 0...200)))
        }
        let passNode = try top.required("pass_mark")
        let passText = try passNode.string("pass_mark")
        guard let passMark = Double(passText.replacingOccurrences(of: ",", with: ".")), (0...20).contains(passMark) else {
            throw passNode.fail("pass_mark must be a score from 0 to 20, not '\(passText)'")
        }
        let curriculum = Curriculum(requiredWeeks: required, blocks: blocks,
                                    clinicalWeeks: try top.required("clinical_weeks").integer("clinical_weeks", range: 0...500),
                                    scientificWeeks: scientificWeeks, scientificGroup: scientificGroup, passMark: passMark)
        return (curriculum, positions)
    }
}
