import Domain

/// The thresholds a pipeline definition may change (SPEC §4's defaults).
public struct ReconcileSettings: Sendable, Hashable {
    public var asOf: Day
    /// EVALUATION_MISSING when as-of − end is more than this many days.
    public var evaluationOverdueDays: Int
    /// AGREEMENT_EXPIRING when as-of ≤ valid_to ≤ as-of + this many days.
    public var expiryHorizonDays: Int

    public init(asOf: Day, evaluationOverdueDays: Int = 30, expiryHorizonDays: Int = 90) {
        self.asOf = asOf
        self.evaluationOverdueDays = evaluationOverdueDays
        self.expiryHorizonDays = expiryHorizonDays
    }
}
