import Ingest
import Domain

/// What `init` writes, before it is text: the sources, the reference data and what it left out.
struct SetupPlan: Sendable {
    /// The folder the files are written to (real path) and the exports folder as given.
    var folder: String
    var exportsShown: String
    var drafts: [SourceDraft]
    /// Files of the exports folder not made a source, and why (one line each).
    var leftOut: [String]
    var sites: [SiteDraft]
    var disciplines: [DisciplineDraft]
    var date: Day
    var name: String

    func path(of draft: SourceDraft) -> String { ExportFolder.relative(draft.read.file.path, from: folder) }
}

/// `pipeline.yml` as init writes it: every decision with its reason in a comment, every guess
/// marked CHECK, export text always quoted (`YAMLText`).
enum DefinitionDraftText {
    static func text(_ plan: SetupPlan) -> String {
        var lines = [
            "# Pipeline definition written by `stagebalans init` on \(plan.date) from the exports in \(YAMLText.quoted(plan.exportsShown)).",
            "# Each source says what init found and how sure it is. A comment marked CHECK is a guess:",
            "# confirm or correct it. `stagebalans validate pipeline.yml` reads the exports with this file;",
            "# docs/definition.md describes every key, docs/init.md how init decides.",
            "name: \(YAMLText.quoted(plan.name))",
            "output: out",
            "",
            "sources:",
        ]
        for draft in plan.drafts { lines += source(draft, path: plan.path(of: draft)) + [""] }
        if !plan.leftOut.isEmpty {
            lines.append("# Files of the exports folder that are not a source:")
            lines += plan.leftOut.map { "#   " + YAMLText.comment($0) }
            lines.append("")
        }
        lines += [
            "reference:",
            "  sites: sites.yml              # CHECK every site: codes are suggestions, kinds and regions guesses",
            "  disciplines: disciplines.yml  # codes and groups from the discipline thesaurus where it knows the name",
            "  curriculum: curriculum.yml    # SPEC §1's model trajectory: CHECK it against your programme",
            "",
            "# Reports are computed as of today; to compute them as of a fixed date (a frozen snapshot), set:",
            "# as_of: \(plan.date)",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    static func source(_ draft: SourceDraft, path: String) -> [String] {
        var lines = header(draft)
        lines += [
            "  - name: \(YAMLText.plain(draft.name))",
            "    kind: \(draft.kind.rawValue)",
            "    format: \(draft.read.file.format.rawValue)",
            "    path: \(YAMLText.quoted(path))",
        ]
        switch draft.read.layout {
        case .csv(let layout): lines += csvSettings(layout)
        case .xlsx(let layout): lines += sheetSettings(layout)
        case .xml(let layout): lines += xmlSettings(layout, draft)
        }
        lines += dates(draft.dates)
        if case .xml = draft.read.layout {} else { lines += columns(draft) }
        lines += unread(draft)
        lines += draft.words.flatMap(values)
        return lines
    }

    private static func header(_ draft: SourceDraft) -> [String] {
        let others = draft.scores.filter { $0.kind != draft.kind }.map { "\($0.kind.rawValue): \($0.found)" }.joined(separator: ", ")
        let found = draft.scores.first { $0.kind == draft.kind }?.found ?? 0
        let records = draft.read.complete ? "\(draft.read.records.grouped) record\(draft.read.records == 1 ? "" : "s"), all of the file"
            : "the first \(draft.read.records.grouped) records (init reads no more)"
        var lines = ["  # \(YAMLText.quoted(draft.read.file.name)): \(draft.kind.rawValue), since the names of \(found) of its columns are "
                     + "names of \(draft.kind.rawValue) fields", "  # (\(others)); read: \(records)."]
        if !draft.missing.isEmpty {
            lines.append("  # CHECK: no column found for the required field\(draft.missing.count == 1 ? "" : "s") "
                         + draft.missing.map { $0 == .endDate && draft.kind == .evaluations ? "end_date (or weeks)" : $0.rawValue }
                             .joined(separator: ", ") + ": `run` rejects the file until fields: names "
                         + (draft.missing.count == 1 ? "it" : "them"))
        }
        return lines
    }

    private static func csvSettings(_ layout: ExportRead.CSVLayout) -> [String] {
        var lines: [String] = []
        let scope = layout.checkedWholeFile ? "" : " in the part read"
        switch layout.encoding {
        case .utf8BOM(nil): lines.append("    # encoding: UTF-8 (the file starts with a byte order mark); auto reads it so")
        case .utf8BOM(let line?):
            lines.append("    # encoding: UTF-8 (the file starts with a byte order mark); auto reads it so. A byte on line \(line)")
            lines.append("    # is not UTF-8: `run` quarantines that record")
        case .utf8(nil): lines.append("    # encoding: only ASCII characters\(scope); auto reads the file as UTF-8")
        case .utf8(let line?): lines.append("    # encoding: UTF-8 throughout\(scope) (first non-ASCII character on line \(line)); auto reads it so")
        case .windows1252(let line):
            lines.append("    # Not UTF-8: every byte above 0x7F\(scope) reads as a letter or a sign in Windows-1252 (first on line \(line)),")
            lines.append("    # as Excel on Windows writes CSV; ISO-8859-1 would read them the same but for € and typographic quotes.")
            lines.append("    encoding: windows-1252")
        case .undecided(let line, let column, let byte, let why):
            lines.append("    # CHECK: byte 0x\(String(byte, radix: 16, uppercase: true)) on line \(line), column \(column): \(YAMLText.comment(why)).")
            lines.append("    # Init cannot tell the encoding: name it (windows-1252, iso-8859-1) or save the export as CSV UTF-8.")
            lines.append("    # encoding: windows-1252")
        }
        let others = layout.splits.filter { $0.delimiter != layout.delimiter }
            .map { "\(delimiterName($0.delimiter)): \($0.known)" }.joined(separator: ", ")
        let known = layout.splits.first { $0.delimiter == layout.delimiter }?.known ?? 0
        lines.append("    delimiter: \(layout.delimiter == 9 ? "tab" : YAMLText.quoted(String(UnicodeScalar(layout.delimiter))))"
                     + "   # the header splits into \(known) recognised names on it (\(others))")
        if let first = layout.linesAbove.first, let last = layout.linesAbove.last {
            lines.append("    # CHECK: the header is on line \(layout.headerLine), under \(layout.linesAbove.count) line(s) of text; `run` takes the first")
            lines.append("    # non-blank line as the header: delete lines \(first)–\(last) from the export, or save it as .xlsx and set header_row: \(layout.headerLine)")
        }
        return lines
    }

    static func delimiterName(_ delimiter: UInt8) -> String {
        delimiter == 9 ? "tab" : "'" + String(UnicodeScalar(delimiter)) + "'"
    }

    private static func sheetSettings(_ layout: ExportRead.SheetLayout) -> [String] {
        var lines: [String] = []
        if layout.position != 1 || layout.sheets.count > 1 {
            let others = layout.sheets.filter { $0 != layout.sheet }.map { YAMLText.quoted($0) }.joined(separator: ", ")
            lines.append("    sheet: \(YAMLText.quoted(layout.sheet))   # the sheet whose header is recognised best (also: \(others))")
        }
        if layout.headerRow != layout.firstRow {
            lines.append("    header_row: \(layout.headerRow)   # rows \(layout.firstRow)–\(layout.headerRow - 1) above it are a title")
        }
        return lines
    }
}
