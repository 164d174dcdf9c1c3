// Whole runs in memory for the tests of normalize, reconcile and report: the engine itself
// works partition by partition (Sources/Pipeline/Run/PartitionLoop.swift); these helpers are
// one partition with everything held, built from the same public calls.

import Engine
import Normalize
import Reconcile
import Report
import Domain

/// What normalize gives when every placement is held at once.
public struct NormalizedData: Sendable {
    public var placements: [Placement]
    public var agreements: [Agreement]
    public var roster: [RosterEntry]
    public var findings: [Finding]
}

extension Normalizer {
    /// Every placement at once: the partitions of `finishInPartitions()` concatenated (with a
    /// spill, every row is read back into memory).
    public consuming func finish() throws(SpillError) -> NormalizedData {
        let partitioned = try finishInPartitions()
        var placements: [Placement] = [], findings = partitioned.findings
        for index in 0..<partitioned.partitions.count {
            let part = try partitioned.partitions.take(index)
            placements += part.placements
            findings += part.findings
        }
        return NormalizedData(placements: placements, agreements: partitioned.agreements, roster: partitioned.roster,
                              findings: findings)
    }
}

extension Reconciler {
    /// One partition holding every placement, then the findings about agreements.
    public func reconcile(_ data: consuming NormalizedData) -> Reconciliation {
        var tally = AgreementTally()
        let part = reconcile(partition: data.placements, agreements: data.agreements, tally: &tally)
        let findings = data.findings + part.findings + finishFindings(tally, agreements: data.agreements)
        return Reconciliation(placements: part.matched, agreements: data.agreements, roster: data.roster,
                              findings: Finding.inListingOrder(findings), years: tally.years.sorted())
    }
}

extension Figures {
    /// The capacity rows of a run held in memory: one tally of every placement.
    public static func capacity(_ reconciliation: Reconciliation, reference: ReferenceData) -> [CapacityRow] {
        var tally = CapacityTally()
        tally.add(reconciliation.placements, agreements: reconciliation.agreements, reference: reference)
        return tally.rows(years: reconciliation.years, agreements: reconciliation.agreements)
    }

    public static func coverage(_ reconciliation: Reconciliation, reference: ReferenceData) -> [CoverageRow] {
        var tally = CoverageTally()
        tally.add(reconciliation.placements, agreements: reconciliation.agreements, reference: reference)
        return tally.rows(years: reconciliation.years, agreements: reconciliation.agreements, reference: reference)
    }

    public static func audit(_ reconciliation: Reconciliation, reference: ReferenceData, asOf: Day) -> [AuditRow] {
        var tally = AuditTally(asOf: asOf)
        tally.add(reconciliation.placements)
        return tally.rows(years: reconciliation.years, agreements: reconciliation.agreements, reference: reference)
    }
}
