import Foundation
import Normalize
import Domain

/// The reference data read from tables (CSV or a workbook's sheet) instead of YAML: the same
/// keys as columns, one entry per row, and errors at the cell (`path:line:col`).
extension ReferenceLoader {
    static let siteColumns = ["code", "name", "aliases", "kind", "region", "city", "country"]
    static let disciplineColumns = ["code", "nl", "en", "aliases", "parent"]
    static let curriculumColumns = ["kind", "code", "weeks", "name"]

    /// One site per row; aliases separated by `|`.
    static func sites(_ table: ReferenceTable) throws(DefinitionError) -> [Site] {
        let columns = try table.columns("the site register", allowed: siteColumns, required: ["code", "name", "kind", "region"])
        guard !table.rows.isEmpty else { throw DefinitionError(table.header.location, "the site register has no sites under its header") }
        var sites: [Site] = []
        for row in table.rows.map({ ReferenceRow(row: $0, columns: columns) }) {
            let kindText = try row.required("kind", "a site")
            guard let kind = SiteKind(rawValue: kindText) else {
                throw row.fail("kind", DefinitionLoader.choice("kind", kindText, SiteKind.allCases.map(\.rawValue)))
            }
            let regionText = try row.required("region", "a site")
            guard let region = Region(rawValue: regionText) else {
                throw row.fail("region", DefinitionLoader.choice("region", regionText, Region.allCases.map(\.rawValue)))
            }
            sites.append(Site(code: try row.required("code", "a site"), name: try row.required("name", "a site"),
                              aliases: row.list("aliases"), kind: kind, region: region, city: row.text("city") ?? "",
                              country: row.text("country") ?? "", source: row.location))
        }
        return sites
    }

    /// One discipline per row; aliases separated by `|`; `parent` empty for a group.
    static func disciplines(_ table: ReferenceTable) throws(DefinitionError) -> [Discipline] {
        let columns = try table.columns("the discipline taxonomy", allowed: disciplineColumns, required: ["code", "nl", "en"])
        guard !table.rows.isEmpty else {
            throw DefinitionError(table.header.location, "the discipline taxonomy has no disciplines under its header")
        }
        return try table.rows.map { row throws(DefinitionError) in
            let row = ReferenceRow(row: row, columns: columns)
            return Discipline(code: try row.required("code", "a discipline"), dutch: try row.required("nl", "a discipline"),
                              english: try row.required("en", "a discipline"), aliases: row.list("aliases"),
                              parent: row.text("parent"), source: row.location)
        }
    }

    /// The curriculum's kinds of row, in the order an export writes them.
    enum CurriculumRow: String, CaseIterable {
        case group, block, scientific, clinicalTotal = "clinical_total", scientificTotal = "scientific_total", passMark = "pass_mark"

        /// The columns this kind of row leaves empty.
        var unused: [String] {
            switch self {
            case .group: return ["name"]
            case .block: return ["code"]
            case .scientific: return ["weeks", "name"]
            case .clinicalTotal, .scientificTotal, .passMark: return ["code", "name"]
            }
        }

        /// A value in a column the row leaves empty is refused: an unquoted `9,5` in a
        /// comma-separated file puts `5` under `name`, and the pass mark would read as 9.
        func checkUnused(_ row: ReferenceRow) throws(DefinitionError) {
            for name in unused {
                guard let text = row.text(name) else { continue }
                throw row.fail(name, "a \(rawValue) row has no \(name), but '\(text)' stands there; a delimiter inside an "
                                   + "unquoted value? Quote the value (\"9,5\"), or write a decimal with a point")
            }
        }
    }

    /// One row per fact: `group` (code, weeks), `block` (name, weeks), `scientific` (code: the
    /// scientific placement's group), `clinical_total`, `scientific_total` and `pass_mark` (the
    /// value in `weeks`), the last three once each.
    static func curriculum(_ table: ReferenceTable) throws(DefinitionError) -> (Curriculum, CurriculumPositions) {
        let columns = try table.columns("the curriculum", allowed: curriculumColumns, required: ["kind", "weeks"])
        var required: [String: Int] = [:], blocks: [Curriculum.Block] = []
        var single: [CurriculumRow: (value: String, row: ReferenceRow)] = [:]
        var positions = CurriculumPositions(file: table.header.location)
        for row in table.rows.map({ ReferenceRow(row: $0, columns: columns) }) {
            let kindText = try row.required("kind", "a curriculum row")
            guard let kind = CurriculumRow(rawValue: kindText) else {
                throw row.fail("kind", DefinitionLoader.choice("kind", kindText, CurriculumRow.allCases.map(\.rawValue)))
            }
            try kind.checkUnused(row)
            switch kind {
            case .group:
                let code = try row.required("code", "a group row")
                guard required.updateValue(try row.integer("weeks", "group \(code)", range: 0...200), forKey: code) == nil else {
                    throw row.fail("code", "the group '\(code)' has two rows")
                }
                positions.groups[code] = row.cell("code")?.location ?? row.location
            case .block:
                blocks.append(Curriculum.Block(name: try row.required("name", "a block row"),
                                               weeks: try row.integer("weeks", "a block row", range: 0...200)))
            case .scientific, .clinicalTotal, .scientificTotal, .passMark:
                let value = kind == .scientific ? try row.required("code", "the scientific row") : try row.required("weeks", "the \(kindText) row")
                guard single.updateValue((value, row), forKey: kind) == nil else { throw row.fail("kind", "the curriculum has two \(kindText) rows") }
            }
        }
        positions.scientificGroup = single[.scientific].map { $0.row.cell("code")?.location ?? $0.row.location }
        return (try curriculum(required: required, blocks: blocks, single: single, table: table), positions)
    }

    private static func curriculum(required: [String: Int], blocks: [Curriculum.Block],
                                   single: [CurriculumRow: (value: String, row: ReferenceRow)],
                                   table: ReferenceTable) throws(DefinitionError) -> Curriculum {
        func total(_ kind: CurriculumRow) throws(DefinitionError) -> Int {
            guard let entry = single[kind] else { throw DefinitionError(table.header.location, "the curriculum has no \(kind.rawValue) row") }
            return try entry.row.integer("weeks", "the \(kind.rawValue) row", range: 0...500)
        }
        let scientificGroup = single[.scientific]
        if let scientificGroup, required[scientificGroup.value] != nil {
            throw scientificGroup.row.fail("code", "'\(scientificGroup.value)' is the scientific group: its required weeks are "
                                           + "scientific_total; remove its group row")
        }
        guard let pass = single[.passMark] else { throw DefinitionError(table.header.location, "the curriculum has no pass_mark row") }
        guard let passMark = Double(pass.value.replacingOccurrences(of: ",", with: ".")), (0...20).contains(passMark) else {
            throw pass.row.fail("weeks", "pass_mark must be a score from 0 to 20, not '\(pass.value)'")
        }
        return Curriculum(requiredWeeks: required, blocks: blocks, clinicalWeeks: try total(.clinicalTotal),
                          scientificWeeks: try total(.scientificTotal), scientificGroup: scientificGroup?.value, passMark: passMark)
    }
}
