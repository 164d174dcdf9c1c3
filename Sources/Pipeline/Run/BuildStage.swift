import Engine
import Normalize
import Reconcile
import Domain

/// Building placements (normalize): the normalizer is finished at once into what is not per
/// student (agreements, roster, the findings about unknown names), and into placements one
/// partition at a time: all of them in one partition, or partitions of about the definition's
/// `partitions.rows` rows when the evaluation rows were spilled to disk.
struct BuildStage {
    let agreements: [Agreement]
    let roster: [RosterEntry]
    /// The roster entries of each partition's students.
    let rosterParts: [[RosterEntry]]
    /// Findings that are not about one student (unknown sites and disciplines).
    let findings: [Finding]
    private let partitions: PlacementPartitions

    var partitionCount: Int { partitions.count }

    init(_ normalizer: consuming Normalizer) throws(SpillError) {
        let normalized = try normalizer.finishInPartitions()
        agreements = normalized.agreements
        roster = normalized.roster
        findings = normalized.findings
        partitions = normalized.partitions
        var rosterParts = [[RosterEntry]](repeating: [], count: partitions.count)
        for entry in normalized.roster { rosterParts[partitions.partition(of: entry.student)].append(entry) }
        self.rosterParts = rosterParts
    }

    /// Partition `index`'s placements in report order, and the findings about single
    /// placements. Each partition is built once; its rows on disk are removed.
    func build(_ index: Int) throws(SpillError) -> (placements: [Placement], findings: [Finding]) {
        try partitions.take(index)
    }
}
