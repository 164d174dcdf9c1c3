import Domain
import Normalize
import Reconcile
import Report

/// Reconciling: each partition's placements matched to the agreements and checked, and what
/// the findings about agreements need tallied; those findings are made once every partition
/// is in (`finish`), and then every finding is put in its order.
struct Reconciling {
    private let reconciler: Reconciler
    private let agreements: [Agreement]
    private let index: Reconciler.AgreementIndex
    private var tally = AgreementTally()
    /// One partition: every finding is held here. Several: only those not about one student;
    /// each partition's others go to disk, sorted (`spilled`).
    private var held: [Finding]
    private var spilled: FindingStoreBuilder?
    /// A run for auditors: every finding's fingerprint keyed (`Pseudonyms.fingerprint`), as it
    /// comes in, before it is held or spilled.
    private let keyed: Pseudonyms?

    init(_ plan: RunPlan, building: BuildStage, spill: SpillSettings?) {
        reconciler = Reconciler(reference: plan.reference, settings: plan.reconcileSettings)
        agreements = building.agreements
        index = Reconciler.AgreementIndex(agreements)
        keyed = plan.pseudonyms
        held = Self.fingerprinted(building.findings, by: plan.pseudonyms)
        spilled = building.partitionCount > 1 ? spill.map { FindingStoreBuilder(directory: $0.directory) } : nil
    }

    /// One partition, with the findings its building made: its placements, matched. They
    /// are consumed: the reconciler moves each placement into its matched one.
    mutating func reconcile(_ placements: consuming [Placement], building findings: [Finding]) throws(OutputError) -> [MatchedPlacement] {
        let part = reconciler.reconcile(partition: consume placements, agreements: agreements, index: index, tally: &tally)
        if spilled != nil {
            try spilled?.add(Self.fingerprinted(findings + part.findings, by: keyed))
        } else {
            held += Self.fingerprinted(findings, by: keyed)
            held += Self.fingerprinted(part.findings, by: keyed)
        }
        return part.matched
    }

    /// After the last partition: the findings about agreements (they need every partition's
    /// tally), then every finding in order, and the placement years seen.
    consuming func finish() throws(OutputError) -> (findings: FindingStore, years: [PlacementYear]) {
        let agreementFindings = Self.fingerprinted(reconciler.finishFindings(tally, agreements: agreements), by: keyed)
        let store: FindingStore
        if var builder = spilled {
            try builder.add(agreementFindings)
            store = builder.finish(held: Finding.inListingOrder(held))
        } else {
            held += agreementFindings
            store = FindingStore(sorted: Finding.inListingOrder(held))
        }
        return (store, tally.years.sorted())
    }

    private static func fingerprinted(_ findings: [Finding], by keyed: Pseudonyms?) -> [Finding] {
        guard let keyed else { return findings }
        return findings.map { $0.fingerprinted { code, key in keyed.fingerprint(code: code.rawValue, key: key) } }
    }
}
