import Foundation
import Normalize
import Report
import Workbook
import Domain

/// The reference data as the three tables the office can keep in a spreadsheet (`reference
/// export`): the same columns `ReferenceLoader` reads back, so that an exported file, read
/// again, gives the same reference data. The register's extra aliases (`aliases:` of
/// sites.yml) are folded into their sites' `aliases`.
public enum ReferenceExport {
    public enum Format: String, Sendable, CaseIterable {
        case csv, xlsx
    }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// sites, disciplines and curriculum, in that order.
    public static func tables(_ reference: ReferenceData) throws(Failure) -> [ReportTable] {
        let aliases = reference.sites.map { ("site", $0.code, $0.aliases) }
            + reference.disciplines.map { ("discipline", $0.code, $0.aliases) }
        for (what, code, list) in aliases {
            if let alias = list.first(where: { $0.contains("|") }) {
                throw Failure(message: "\(what) \(code): the alias '\(alias)' holds '|', which separates aliases in a table")
            }
        }
        let sites = reference.sites.map { site -> [Cell] in
            [.text(site.code), .text(site.name), .text(site.aliases.joined(separator: "|")), .text(site.kind.rawValue),
             .text(site.region.rawValue), .text(site.city), .text(site.country)]
        }
        let disciplines = reference.disciplines.map { discipline -> [Cell] in
            [.text(discipline.code), .text(discipline.dutch), .text(discipline.english),
             .text(discipline.aliases.joined(separator: "|")), .text(discipline.parent)]
        }
        return [ReportTable(name: "sites", title: "Site register", columns: ReferenceLoader.siteColumns, rows: sites),
                ReportTable(name: "disciplines", title: "Discipline taxonomy", columns: ReferenceLoader.disciplineColumns,
                            rows: disciplines),
                ReportTable(name: "curriculum", title: "Curriculum", columns: ReferenceLoader.curriculumColumns,
                            rows: curriculumRows(reference.curriculum))]
    }

    /// kind, code, weeks, name: the groups in code order, the blocks, then the single facts.
    static func curriculumRows(_ curriculum: Curriculum) -> [[Cell]] {
        typealias Kind = ReferenceLoader.CurriculumRow
        var rows = curriculum.requiredWeeks.keys.sorted().map { code -> [Cell] in
            [.text(Kind.group.rawValue), .text(code), .integer(curriculum.requiredWeeks[code] ?? 0), .empty]
        }
        rows += curriculum.blocks.map { [.text(Kind.block.rawValue), .empty, .integer($0.weeks), .text($0.name)] }
        if let group = curriculum.scientificGroup { rows.append([.text(Kind.scientific.rawValue), .text(group), .empty, .empty]) }
        rows.append([.text(Kind.clinicalTotal.rawValue), .empty, .integer(curriculum.clinicalWeeks), .empty])
        rows.append([.text(Kind.scientificTotal.rawValue), .empty, .integer(curriculum.scientificWeeks), .empty])
        // Written exactly, so that it reads back the same: a whole number, hundredths, or else
        // the shortest text that reads back as the same Double (9.999).
        let hundredths = (curriculum.passMark * 100).rounded()
        let passMark: Cell
        if curriculum.passMark == curriculum.passMark.rounded() {
            passMark = .integer(Int(curriculum.passMark))
        } else if hundredths / 100 == curriculum.passMark {
            passMark = .decimal(Ratio(Int(hundredths), 100), places: 2)
        } else {
            passMark = .text(String(curriculum.passMark))
        }
        rows.append([.text(Kind.passMark.rawValue), .empty, passMark, .empty])
        return rows
    }

    /// Writes `sites.csv`, `disciplines.csv` and `curriculum.csv` (RFC 4180, UTF-8) into
    /// `folder`, which is made if missing; an existing file is kept unless `overwrite`.
    /// Returns the paths written.
    public static func writeCSV(_ reference: ReferenceData, to folder: String, overwrite: Bool) throws(Failure) -> [String] {
        let tables = try tables(reference)
        let paths = tables.map { folder + "/" + $0.name + ".csv" }
        if !overwrite, let existing = paths.first(where: { FileManager.default.fileExists(atPath: $0) }) {
            throw Failure(message: "\(existing) exists; give another --output, or --force to overwrite")
        }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for (table, path) in zip(tables, paths) {
                try Data(TableFormats.csv(table, dialect: .rfc4180)).write(to: URL(fileURLWithPath: path), options: .atomic)
            }
        } catch {
            throw Failure(message: "cannot write the reference tables into \(folder): \(error.localizedDescription)")
        }
        return paths
    }
}

extension ReferenceExport {
    /// Writes the tables in `format`: CSV files into a folder (`writeCSV`), or one workbook.
    /// `date` dates the workbook's ZIP entries, so that the same data gives the same bytes.
    public static func write(_ reference: ReferenceData, format: Format, to output: String, overwrite: Bool,
                             date: Day) throws(Failure) -> [String] {
        switch format {
        case .csv: return try writeCSV(reference, to: output, overwrite: overwrite)
        case .xlsx: return [try writeWorkbook(reference, to: output, overwrite: overwrite, date: date)]
        }
    }

    /// One workbook with the sheets `sites`, `disciplines` and `curriculum`; `weeks` are numbers.
    public static func writeWorkbook(_ reference: ReferenceData, to path: String, overwrite: Bool,
                                     date: Day) throws(Failure) -> String {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
            if isFolder.boolValue { throw Failure(message: "\(path) is a folder; give the workbook's file name, e.g. reference.xlsx") }
            if !overwrite { throw Failure(message: "\(path) exists; give another --output, or --force to overwrite") }
        }
        let tables = try tables(reference).map { table in
            WorkbookTable(name: table.name, headings: table.columns.map {
                ColumnHeading(name: $0, type: $0 == "weeks" ? .integer : .text)
            }, rows: table.rows)
        }
        do {
            try Data(try Workbook.bytes(tables, date: date)).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw Failure(message: "cannot write \(path): \(error)")
        }
        return path
    }
}
