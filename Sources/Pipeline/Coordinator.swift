import Foundation
import Ingest
import Normalize
import Reconcile
import Report
import Workbook
import Domain

/// The coordinators' commands: `report` (a table of the last run, filtered) and `plan`.
public enum Coordinator {
    public enum Kind: String, CaseIterable, Sendable {
        case capacity, coverage, progress, audit

        /// The kind's declared columns: the types its published file is read back with.
        public var headings: [ColumnHeading] {
            switch self {
            case .capacity: return Tables.capacity.headings
            case .coverage: return Tables.coverage.headings
            case .progress: return Tables.progress.headings
            case .audit: return Tables.audit.headings
            }
        }

        /// The kind's name as a title in `language`.
        public func name(_ language: ReportLanguage) -> String {
            switch self {
            case .capacity: return language.text("capacity", "capaciteit")
            case .coverage: return language.text("coverage", "dekking")
            case .progress: return language.text("progress", "voortgang")
            case .audit: return language.text("audit", "audit")
            }
        }
    }

    /// The title of `plan`'s Markdown or HTML: "Plan 2026-2027: 300 students".
    public static func planTitle(year: PlacementYear, students: Int, language: ReportLanguage) -> String {
        "Plan \(year): \(language.integer(students)) " + language.text("students", "studenten")
    }

    /// The title of `report`'s Markdown or HTML: the kind and the filters as typed.
    public static func reportTitle(_ kind: Kind, year: String?, site: String?, discipline: String?,
                                   language: ReportLanguage) -> String {
        ([kind.name(language)] + [year, site, discipline].compactMap { $0 }).joined(separator: " · ")
    }

    public enum OutputFormat: String, CaseIterable, Sendable {
        case csv, excel, json, md, html, xlsx
    }

    public struct Filters: Sendable {
        public var year: PlacementYear?
        public var site: String?
        public var discipline: String?

        public init(year: PlacementYear?, site: String?, discipline: String?) {
            self.year = year
            self.site = site
            self.discipline = discipline
        }
    }

    /// Reads the KIND table of the last published run (`OUTPUT/latest`), typed by its declaration,
    /// and keeps the rows of the filters; site and discipline names are resolved like in the
    /// pipeline.
    public static func report(_ kind: Kind, definition: PipelineDefinition, filters: Filters) throws(DefinitionError) -> ReportTable {
        let reference: ReferenceData
        do {
            reference = try PipelineRun.reference(for: definition)
        } catch {
            guard case .definition(let failure) = error else {
                throw DefinitionError(SourceLocation(path: definition.file, line: 1), error.description)
            }
            throw failure
        }
        let path = definition.outputDirectory + "/latest/" + kind.rawValue + ".csv"
        var table = try readTable(path: path, name: kind.rawValue, headings: kind.headings)
        if let year = filters.year {
            table = table.filtered("year") { $0 == .year(year) }
        }
        if let typed = filters.site {
            guard table.column("site") != nil else { throw noColumn("--site", in: kind, columns: ["site"]) }
            let code = try resolve(typed, NameResolver(sites: reference.sites), what: "site", option: "--site",
                                   register: definition.reference?.sites)
            table = table.filtered("site") { $0 == .text(code) }
        }
        if let typed = filters.discipline {
            let names = ["discipline", "discipline_group", "part"]
            guard let column = names.first(where: { table.column($0) != nil }) else {
                throw noColumn("--discipline", in: kind, columns: names)
            }
            let code = try resolve(typed, NameResolver(disciplines: reference.disciplines), what: "discipline", option: "--discipline",
                                   register: definition.reference?.disciplines)
            // A group keeps its sub-disciplines' rows too.
            table = table.filtered(column) { cell in
                let text = cell.plainText
                return reference.lineage(of: text).contains(code) || text == code
            }
        }
        return table
    }

    /// The code of a name given on the command line with `option`; an unknown one is that
    /// option's error (not the definition's), with the closest names and the file that lists them.
    static func resolve(_ typed: String, _ resolver: NameResolver, what: String, option: String, register: String?)
        throws(DefinitionError) -> String {
        if let code = resolver.resolve(typed) { return code }
        let closest = resolver.suggestions(for: typed).map { "\($0.name) (\($0.code))" }.joined(separator: ", ")
        let file = register.map { " (\($0))" } ?? ""
        throw DefinitionError(nil, "\(option) '\(typed)': no \(what) of that name, alias or code in the reference data\(file)"
                              + (closest.isEmpty ? "" : "; closest: \(closest)")
                              + "; give one of those, or add the name as an alias")
    }

    /// A filter the report cannot apply: the option's error, naming the reports it filters.
    static func noColumn(_ option: String, in kind: Kind, columns: [String]) -> DefinitionError {
        let reports = Kind.allCases.filter { other in other.headings.contains { columns.contains($0.name) } }.map(\.rawValue)
        return DefinitionError(nil, "\(option): the \(kind.rawValue) report has no \(columns[0]) column; \(option) filters "
                               + reports.joined(separator: ", "))
    }

    /// A report of a run back as a table, each column read as its declared type: from the JSON
    /// beside `path` (numbers are numbers there), else, when the run wrote no JSON
    /// (`report.formats` without json), from the RFC 4180 CSV at `path`.
    static func readTable(path: String, name: String, headings: [ColumnHeading]) throws(DefinitionError) -> ReportTable {
        let jsonPath = String(path.dropLast(".csv".count)) + ".json"
        func failed(_ file: String, _ failure: TableReader.Failure) -> DefinitionError {
            DefinitionError(SourceLocation(path: file, line: 1), "cannot read the \(name) report: \(failure)")
        }
        if let json = FileManager.default.contents(atPath: jsonPath) {
            do {
                return try TableReader.json(Array(json), name: name, title: name, headings: headings)
            } catch {
                throw failed(jsonPath, error)
            }
        }
        guard let csv = FileManager.default.contents(atPath: path) else {
            throw DefinitionError(SourceLocation(path: path, line: 1),
                                  "there is no \(name) report here; run `stagebalans run` on this definition first")
        }
        let fields = try csvFields(Array(csv), path: path, name: name)
        guard let header = fields.first else {
            throw DefinitionError(SourceLocation(path: path, line: 1), "the \(name) report is empty")
        }
        do {
            return try TableReader.csv(header: header, rows: fields.dropFirst().filter { $0 != [""] }, name: name, title: name,
                                       headings: headings)
        } catch {
            throw failed(path, error)
        }
    }

    /// The fields of each record of an RFC 4180 file.
    static func csvFields(_ bytes: [UInt8], path: String, name: String) throws(DefinitionError) -> [[String]] {
        var tokenizer = CSVTokenizer(delimiter: UInt8(ascii: ","), maxRecordBytes: 1 << 24, maxFields: 1000)
        var rows: [[String]] = []
        do {
            try bytes.withUnsafeBufferPointer { buffer in
                try tokenizer.consume(buffer) { row in
                    rows.append((0..<row.fieldCount).map { String(decoding: row.field($0), as: UTF8.self) })
                }
            }
            try tokenizer.finish { row in rows.append((0..<row.fieldCount).map { String(decoding: row.field($0), as: UTF8.self) }) }
        } catch {
            throw DefinitionError(SourceLocation(path: path, line: 1), "cannot read the \(name) report: \(error)")
        }
        return rows
    }

    /// SPEC §5 plan from the agreements the definition's agreement sources hold today.
    public static func plan(definition: PipelineDefinition, year: PlacementYear, students: Int, group typedGroup: String?)
        throws(RunFailure) -> (rows: [PlanRow], reference: ReferenceData) {
        let reference = try PipelineRun.reference(for: definition)
        var group: String?
        if let typedGroup {
            do {
                group = try resolve(typedGroup, NameResolver(disciplines: reference.disciplines), what: "discipline group",
                                    option: "--group", register: definition.reference?.disciplines)
            } catch {
                throw .definition(error)
            }
            if let resolved = group, reference.group(of: resolved) != resolved {
                throw .definition(DefinitionError(nil, "--group '\(typedGroup)' is \(resolved), a sub-discipline of "
                                                  + "\(reference.group(of: resolved)); plan works per discipline group: "
                                                  + "give --group \(reference.group(of: resolved))"))
            }
        }
        let agreements = try agreements(of: definition, reference: reference)
        return (Figures.plan(year: year, students: students, group: group, agreements: agreements, reference: reference), reference)
    }

    /// The agreements the definition's agreement sources hold today, resolved against the
    /// reference data; an unreadable source fails (exit 3), quarantined rows are left out.
    static func agreements(of definition: PipelineDefinition, reference: ReferenceData) throws(RunFailure) -> [Agreement] {
        var agreementsOnly = definition
        agreementsOnly.sources = definition.sources.filter { $0.kind == .agreements }
        var normalizer = Normalizer(reference: reference)
        let scratch = NSTemporaryDirectory() + "stagebalans-plan-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let reports: [FileReport]
        do {
            let quarantine = try QuarantineWriter(directory: scratch)
            reports = try Validation.ingestAll(agreementsOnly, quarantine: quarantine) { _, event in
                if case .accepted(let record) = event { normalizer.add(record) }
            }
        } catch {
            throw .output(error)
        }
        let rejected = reports.filter { $0.rejection != nil }
        guard rejected.isEmpty else { throw .unreadableInput(rejected) }
        return normalizer.resolvedAgreements
    }

    /// A table in a format, for standard output. The workbook's sheet types its columns by
    /// `headings` (text where a column is not named there) and dates its ZIP entries `date`.
    /// Markdown and HTML are in `language`; CSV, JSON and the workbook never change with it.
    public static func render(_ table: ReportTable, format: OutputFormat, plan: [PlanRow] = [], title: String,
                              headings: [ColumnHeading] = [], date: Day = Day(daysSinceEpoch: 0),
                              language: ReportLanguage = .standard) throws(WorkbookError) -> [UInt8] {
        switch format {
        case .xlsx:
            let typed = table.columns.map { name in headings.first { $0.name == name } ?? ColumnHeading(name: name, type: .text) }
            do {
                return try Workbook.bytes([WorkbookTable(name: table.name, headings: typed, rows: table.rows)], date: date)
            } catch let error as WorkbookError {
                throw error
            } catch {
                // A sink in memory never fails: only zlib can.
                throw WorkbookError(path: table.name + ".xlsx", message: "\(error)")
            }
        case .csv: return TableFormats.csv(table, dialect: .rfc4180)
        case .excel: return TableFormats.csv(table, dialect: .excelBelgium)
        case .json: return TableFormats.json(table)
        case .md: return MarkdownSummary.tableDocument(table, title: title, language: language)
        case .html: return HTMLPage.standalone(table, title: title, plan: plan, language: language)
        }
    }
}
