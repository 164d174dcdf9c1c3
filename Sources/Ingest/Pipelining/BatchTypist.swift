import Domain

/// The typing side of ingest for one file: turns batches into accepted or quarantined records,
/// in the file's order.
struct BatchTypist: Sendable {
    let spec: SourceSpec
    let path: String
    private var typer: RecordTyper?
    private var values = FieldValues()

    init(spec: SourceSpec, path: String) {
        self.spec = spec
        self.path = path
    }

    mutating func type(_ batch: RecordBatch, _ context: BatchContext, report: inout FileReport,
                       _ emit: (IngestEvent, inout FileReport) throws -> Void) throws {
        if typer == nil {
            typer = RecordTyper(kind: spec.kind, dates: spec.dates, decimal: spec.decimal, valueMaps: spec.valueMaps,
                                labels: context.labels)
        }
        let path = context.locationPath ?? self.path
        for record in 0..<batch.count {
            let line = batch.lines[record]
            if let rejection = batch.rejection(record) {
                let raw = rejection.raw ?? context.rawEncoding.decodeForDisplay(batch.raw(record))
                try emit(.quarantined(QuarantinedRecord(source: SourceLocation(path: path, line: line, column: rejection.column),
                                                        raw: raw, field: rejection.field?.rawValue, reason: rejection.reason)),
                         &report)
                continue
            }
            if batch.isTape(record) {
                if let problem = batch.loadTape(record, into: &values, maxFieldBytes: spec.limits.maxFieldBytes) {
                    try emit(.quarantined(tapeQuarantine(problem, at: SourceLocation(path: path, line: line), context)), &report)
                    continue
                }
            } else {
                batch.load(record, into: &values)
            }
            // Optional chaining mutates the stored typer in place, so its caches are never copied.
            guard let event = typer?.type(values, line: line, path: path) else { continue }
            switch event {
            case .quarantined(var quarantined):
                quarantined.raw = raw(record, of: batch, context)
                if let note = batch.note(record) { quarantined.reason += note }
                try emit(.quarantined(quarantined), &report)
            case .accepted(.agreement(var agreement)):
                // Kept for a quarantine by id (`UniqueAgreementIDs`); agreements are few.
                agreement.raw = raw(record, of: batch, context)
                agreement.idColumn = values.column(of: .agreementID)
                try emit(.accepted(.agreement(agreement)), &report)
            case .accepted:
                try emit(event, &report)
            }
        }
    }
}

extension BatchTypist {
    /// The record as it stood in the file: CSV's physical text, XML's fields read.
    private func raw(_ record: Int, of batch: RecordBatch, _ context: BatchContext) -> String {
        if let name = context.recordName { return XMLRawText.render(recordName: name, values) }
        return context.rawEncoding.decodeForDisplay(batch.raw(record))
    }

    private func label(_ field: LogicalField, _ context: BatchContext) -> String {
        context.labels[field].map { "field '\(field.rawValue)' (\($0))" } ?? "field '\(field.rawValue)'"
    }

    fileprivate func tapeQuarantine(_ problem: RecordBatch.TapeProblem, at location: SourceLocation,
                                    _ context: BatchContext) -> QuarantinedRecord {
        let raw = XMLRawText.render(recordName: context.recordName ?? "record", values)
        switch problem {
        case .repeated(let field, let count):
            return QuarantinedRecord(source: location, raw: raw, field: field.rawValue,
                                     reason: "\(label(field, context)): the path matches \(count) elements in this record; "
                                         + "narrow it, e.g. name[@attribute='value']")
        case .oversized(let field):
            return QuarantinedRecord(source: location, raw: raw, field: field.rawValue,
                                     reason: "\(label(field, context)): longer than \(spec.limits.maxFieldBytes) bytes (limits.max_field_bytes)")
        }
    }
}

enum XMLRawText {
    /// XML records have no single physical line to quote; the raw text lists the fields read.
    static func render(recordName: String, _ values: FieldValues) -> String {
        let shown = values.presentFields(in: LogicalField.allCases).map { field, value in
            let text = value.unicodeScalars.count > 200 ? String(value.unicodeScalars.prefix(200)) + "…" : value
            return "\(field.rawValue)=\"\(text)\""
        }
        return "<\(recordName) " + shown.joined(separator: " ") + "/>"
    }
}
