import Normalize
import Reconcile
import Domain

/// A record the ingest rejected, with the source it came from: a row of the quarantine.
public struct QuarantineEntry: Sendable {
    public var source: String
    public var record: QuarantinedRecord

    public init(source: String, record: QuarantinedRecord) {
        self.source = source
        self.record = record
    }
}

/// A row of the changes report: what changed since the previous successful run.
public struct ChangeRow: Sendable, Hashable {
    public var change: String
    public var subject: String
    public var year: String?
    /// A figure, a count or a fingerprint, as `change` says; empty when there is none.
    public var before: Cell
    public var after: Cell
    public var detail: String

    public init(change: String, subject: String, year: String?, before: Cell, after: Cell, detail: String) {
        self.change = change
        self.subject = subject
        self.year = year
        self.before = before
        self.after = after
        self.detail = detail
    }
}

/// The tables of a run besides SPEC §5's figures.
extension Tables {
    /// Errors first, then by code and key. Keys and messages name students: in a run for
    /// auditors they were built from pseudonyms, and the fingerprint is keyed.
    public static let findings = TableDeclaration<Finding>(
        name: "findings", title: "Findings",
        columns: [
            .text("code") { $0.code.rawValue },
            .text("severity") { $0.severity.rawValue },
            .fingerprint("fingerprint") { $0.fingerprintHash },
            .text("key") { $0.key },
            .text("message") { $0.message },
            .sources("sources") { .finding($0) },
        ])

    /// A row per placement; the context's `agreements` are those `Match.agreement` indexes.
    public static let placements = TableDeclaration<MatchedPlacement>(
        name: "placements", title: "Placements",
        columns: [
            .text("student") { $0.placement.student },
            .text("site") { $0.placement.site },
            .text("discipline") { $0.placement.discipline },
            .date("start") { $0.placement.start },
            .date("end") { $0.placement.end },
            .integer("weeks") { $0.placement.weeks },
            .text("kind") { $0.placement.kind?.rawValue },
            .year("year") { $0.placement.year },
            .score("final_score") { $0.placement.finalScore },
            .text("agreement") { row, context in agreement(row, context).map { context.agreements[$0].id } },
            .text("agreement_kind") { row, context in
                switch row.match {
                case .agreement: return agreement(row, context).map { context.agreements[$0].kind.rawValue }
                case .outsideValidity: return "OUTSIDE_VALIDITY"
                case .noAgreement: return "NO_AGREEMENT"
                }
            },
            .sources("sources") { .locations($0.placement.sources) },
        ])

    /// The position of the agreement a placement matched in the context's agreements (not a
    /// copy of it: this runs for every placement).
    private static func agreement(_ row: MatchedPlacement, _ context: TableContext) -> Int? {
        guard case .agreement(let index) = row.match, context.agreements.indices.contains(index) else { return nil }
        return index
    }

    /// Every rejected record; its raw text is left out in reports for auditors (it holds ids).
    public static let quarantine = TableDeclaration<QuarantineEntry>(
        name: "quarantine", title: "Quarantined records",
        columns: [
            .text("source") { $0.source },
            .text("path") { $0.record.source.path },
            .integer("line") { $0.record.source.line },
            .integer("column") { $0.record.source.column },
            .text("field") { $0.record.field },
            .text("reason") { entry, context in context.forAuditors ? entry.record.reasonForAuditors : entry.record.reason },
            .text("raw") { entry, context in context.forAuditors ? "(left out: reports for auditors)" : entry.record.raw },
        ])

    public static let changes = TableDeclaration<ChangeRow>(
        name: "changes", title: "Changes since the previous successful run",
        columns: [
            .text("change") { $0.change },
            .text("subject") { $0.subject },
            .text("year") { $0.year },
            .figure("before") { $0.before },
            .figure("after") { $0.after },
            .text("detail") { $0.detail },
        ])
}
