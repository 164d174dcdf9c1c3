import StagebalansCore

/// One cell of a report. Decimals keep the text of their rounded figure ("0.750"), so that
/// every format prints the same digits and only the decimal mark changes.
public enum Cell: Sendable, Hashable {
    case text(String)
    case integer(Int)
    case decimal(String)
    case empty

    /// `decimal`, or `empty` when the figure is undefined.
    public static func decimal(_ value: String?) -> Cell { value.map(Cell.decimal) ?? .empty }

    public var plainText: String {
        switch self {
        case .text(let text), .decimal(let text): return text
        case .integer(let value): return String(value)
        case .empty: return ""
        }
    }

    var isNumeric: Bool {
        switch self {
        case .integer, .decimal: return true
        case .text, .empty: return false
        }
    }
}

/// A report as rows of cells under named columns: what every format renders.
public struct ReportTable: Sendable, Hashable {
    /// The file name without extension (`capacity`).
    public var name: String
    public var title: String
    public var columns: [String]
    public var rows: [[Cell]]

    public init(name: String, title: String, columns: [String], rows: [[Cell]]) {
        self.name = name
        self.title = title
        self.columns = columns
        self.rows = rows
    }

    public func column(_ name: String) -> Int? { columns.firstIndex(of: name) }

    /// The rows whose cell in `column` satisfies `keep`.
    public func filtered(_ column: String, _ keep: (String) -> Bool) -> ReportTable {
        guard let index = self.column(column) else { return self }
        var copy = self
        copy.rows = rows.filter { keep($0[index].plainText) }
        return copy
    }
}

/// The SPEC §5 tables, with exactly its columns.
public enum Tables {
    public static func capacity(_ rows: [CapacityRow]) -> ReportTable {
        ReportTable(name: "capacity", title: "Capacity per site, discipline and year",
                    columns: ["site", "discipline", "year", "slots", "capacity_weeks", "used_weeks", "placements", "students",
                              "utilisation", "peak_concurrent", "over_capacity_days"],
                    rows: rows.map { row in
                        [.text(row.site), .text(row.discipline), .text(row.year.description), .integer(row.slots),
                         .decimal(row.capacityWeeks), .integer(row.usedWeeks), .integer(row.placements), .integer(row.students),
                         .decimal(row.utilisation), .integer(row.peakConcurrent), .integer(row.overCapacityDays)]
                    })
    }

    public static func coverage(_ rows: [CoverageRow]) -> ReportTable {
        ReportTable(name: "coverage", title: "Coverage per discipline group and year",
                    columns: ["discipline_group", "year", "students", "required_weeks", "student_weeks", "recognised_weeks",
                              "non_recognised_weeks", "share_non_recognised", "recognised_capacity_weeks", "capacity_coverage"],
                    rows: rows.map { row in
                        [.text(row.group), .text(row.year.description), .integer(row.students), .integer(row.requiredWeeks),
                         .integer(row.studentWeeks), .integer(row.recognisedWeeks), .integer(row.nonRecognisedWeeks),
                         .decimal(row.shareNonRecognised), .decimal(row.recognisedCapacityWeeks), .decimal(row.capacityCoverage)]
                    })
    }

    /// `student` maps an id to what the report shows (the id, or its pseudonym for auditors).
    public static func progress(_ rows: [ProgressRow], student: (String) -> String) -> ReportTable {
        ReportTable(name: "progress", title: "Progress per student", columns: progressColumns,
                    rows: rows.map { progressCells($0, student: student) })
    }

    public static let progressColumns = ["student", "part", "passed_weeks", "required_weeks", "met"]

    /// One progress row's cells; the run's files are written from these row by row (a table
    /// of every row held whole was a few hundred MB at 10 M evaluation rows).
    public static func progressCells(_ row: ProgressRow, student: (String) -> String) -> [Cell] {
        [.text(student(row.student)), .text(row.part), .integer(row.passedWeeks), .integer(row.requiredWeeks),
         .text(row.met ? "yes" : "no")]
    }

    /// Means over fewer than `minimumEvaluations` evaluations are left empty.
    public static func audit(_ rows: [AuditRow], minimumEvaluations minimum: Int) -> ReportTable {
        ReportTable(name: "audit", title: "Audit per site and year",
                    columns: ["site", "year", "recognised", "region", "placements", "student_weeks",
                              "placements_without_agreement", "individual_agreements", "evaluation_completeness",
                              "mean_final_score", "mean_knowledge_and_skills", "mean_patient_contact", "mean_teamwork"],
                    rows: rows.map { row in
                        [.text(row.site), .text(row.year.description), .text(row.recognised ? "yes" : "no"),
                         row.region.map { .text($0.rawValue) } ?? .empty, .integer(row.placements), .integer(row.studentWeeks),
                         .integer(row.withoutAgreement), .integer(row.individualAgreements), .decimal(row.completeness),
                         .decimal(row.meanFinal(minimum: minimum)), .decimal(row.meanKnowledge(minimum: minimum)),
                         .decimal(row.meanPatient(minimum: minimum)), .decimal(row.meanTeam(minimum: minimum))]
                    })
    }

    /// `text` rewrites keys and messages (pseudonyms for auditors).
    public static func findings(_ findings: [Finding], text: (String) -> String) -> ReportTable {
        ReportTable(name: "findings", title: "Findings",
                    columns: ["code", "severity", "fingerprint", "key", "message", "sources"],
                    rows: findings.map { finding in
                        [.text(finding.code.rawValue), .text(finding.severity.rawValue), .text(finding.fingerprint),
                         .text(text(finding.key)), .text(text(finding.message)),
                         .text(finding.sources.map(\.description).joined(separator: " "))]
                    })
    }
}
