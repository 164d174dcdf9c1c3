import Domain
import Report

/// The `guard:` section: when a run is held back instead of published. Thresholds are exact
/// decimals as written (at most two places): a rise of exactly the threshold is not "more
/// than" it.
public struct GuardSettings: Sendable, Hashable {
    public var enabled = true
    /// The quarantined share (records quarantined / records read) rises by more than this many
    /// percentage points.
    public var quarantineShareRisePoints = Ratio(5, 1)
    /// Accepted agreements fall by more than this percentage of the previous count.
    public var agreementsFallPercent = Ratio(20, 1)
    /// Placements fall by more than this percentage of the previous count.
    public var placementsFallPercent = Ratio(20, 1)
    /// NO_AGREEMENT rises by more than this percentage of the previous count …
    public var noAgreementRisePercent = Ratio(50, 1)
    /// … and by at least this many findings.
    public var noAgreementRiseMinimum = 20

    public init() {}
}

/// What the guard compares of a run, kept in the history (migration v7) for the next night.
public struct GuardFigures: Sendable, Hashable {
    public var recordsRead: Int
    public var recordsQuarantined: Int
    /// Agreements the run accepted (every agreement source; as the summary's "agreements").
    public var agreements: Int
    public var placements: Int
    public var noAgreement: Int

    public init(recordsRead: Int, recordsQuarantined: Int, agreements: Int, placements: Int, noAgreement: Int) {
        self.recordsRead = recordsRead
        self.recordsQuarantined = recordsQuarantined
        self.agreements = agreements
        self.placements = placements
        self.noAgreement = noAgreement
    }
}

/// The publish guard: a publishing policy of nightly operation, not a business rule of SPEC
/// §4–§5 (those live in Rules), so it sits with publishing and the history it reads. A plain
/// function of counts, in whole numbers (128 bits: 10,000 × read × read does not fit in 64 at
/// a billion records).
public enum PublishGuard {
    /// The thresholds `current` crosses against `previous`, the last published run's figures;
    /// none when there is nothing to compare with (the first run, a run recorded before v7) or
    /// the guard is off.
    public static func reasons(current: GuardFigures, previous: GuardFigures?, settings: GuardSettings) -> [HoldReason] {
        guard settings.enabled, let previous else { return [] }
        var reasons: [HoldReason] = []
        if shareRose(from: (previous.recordsQuarantined, previous.recordsRead), to: (current.recordsQuarantined, current.recordsRead),
                     morePointsThan: settings.quarantineShareRisePoints) {
            reasons.append(HoldReason(measure: .quarantineShare, previous: previous.recordsQuarantined, current: current.recordsQuarantined,
                                      threshold: settings.quarantineShareRisePoints, previousRead: previous.recordsRead,
                                      currentRead: current.recordsRead))
        }
        if fell(from: previous.agreements, to: current.agreements, morePercentThan: settings.agreementsFallPercent) {
            reasons.append(HoldReason(measure: .agreements, previous: previous.agreements, current: current.agreements,
                                      threshold: settings.agreementsFallPercent))
        }
        if fell(from: previous.placements, to: current.placements, morePercentThan: settings.placementsFallPercent) {
            reasons.append(HoldReason(measure: .placements, previous: previous.placements, current: current.placements,
                                      threshold: settings.placementsFallPercent))
        }
        if current.noAgreement - previous.noAgreement >= settings.noAgreementRiseMinimum,
           rose(from: previous.noAgreement, to: current.noAgreement, morePercentThan: settings.noAgreementRisePercent) {
            reasons.append(HoldReason(measure: .noAgreement, previous: previous.noAgreement, current: current.noAgreement,
                                      threshold: settings.noAgreementRisePercent, minimumRise: settings.noAgreementRiseMinimum))
        }
        return reasons
    }

    /// 100 × (q1/r1 − q0/r0) > points, with a share of nothing read taken as 0:
    /// 100 × (q1·r0 − q0·r1) × den > num × r0 × r1 once both reads are made at least 1.
    static func shareRose(from before: (quarantined: Int, read: Int), to now: (quarantined: Int, read: Int),
                          morePointsThan points: Ratio) -> Bool {
        let r0 = Int128(max(before.read, 1)), r1 = Int128(max(now.read, 1))
        let q0 = Int128(before.read > 0 ? before.quarantined : 0), q1 = Int128(now.read > 0 ? now.quarantined : 0)
        return 100 * (q1 * r0 - q0 * r1) * Int128(points.denominator) > Int128(points.numerator) * r0 * r1
    }

    /// (before − now) / before > percent / 100; nothing falls from 0.
    static func fell(from before: Int, to now: Int, morePercentThan percent: Ratio) -> Bool {
        guard before > 0 else { return false }
        return 100 * Int128(before - now) * Int128(percent.denominator) > Int128(percent.numerator) * Int128(before)
    }

    /// (now − before) / before > percent / 100; any rise from 0 is more than every percentage.
    static func rose(from before: Int, to now: Int, morePercentThan percent: Ratio) -> Bool {
        guard now > before else { return false }
        guard before > 0 else { return true }
        return 100 * Int128(now - before) * Int128(percent.denominator) > Int128(percent.numerator) * Int128(before)
    }
}
