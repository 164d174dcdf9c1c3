import Domain

/// Agreement ids are unique over every agreement source of a run. A second occurrence, in the
/// same file, another file or another source, is quarantined with the place of the first: two
/// agreements with one id would share their findings' keys and fingerprints, so the changes
/// report could not tell one of them resolved.
///
/// One instance sees the sources in the definition's order and each file's records in order,
/// so "first" is the same every run.
public struct UniqueAgreementIDs: Sendable {
    private var first: [String: SourceLocation] = [:]

    public init() {}

    /// nil when the record's id is new (it is then remembered); otherwise the record, quarantined.
    public mutating func admit(_ record: AgreementRecord) -> QuarantinedRecord? {
        guard let earlier = first[record.agreementID] else {
            first[record.agreementID] = record.source
            return nil
        }
        let fix = "agreement ids must be unique across all agreement sources; give one of them another id, "
            + "or remove the repeated row"
        var at = record.source
        at.column = record.idColumn
        return QuarantinedRecord(
            source: at, raw: record.raw, field: LogicalField.agreementID.rawValue,
            reason: "field 'agreement_id': '\(record.agreementID)' repeats the agreement at \(earlier); \(fix)",
            withheldReason: "field 'agreement_id': the value repeats the agreement at \(earlier); \(fix)")
    }
}
