// Progress (SPEC §5): per student, passed weeks per curriculum group, with totals for clinical
// and scientific weeks.

import Domain

public enum Progress {
    /// The totals every student has a row for, after the curriculum groups.
    public enum Total: String, Sendable, CaseIterable {
        case clinical = "CLINICAL", scientific = "SCIENTIFIC"

        /// The total's required weeks in the curriculum.
        public func requiredWeeks(_ curriculum: Curriculum) -> Int {
            self == .clinical ? curriculum.clinicalWeeks : curriculum.scientificWeeks
        }
    }

    /// The groups with a progress row of their own, in code order: the curriculum's groups. The
    /// scientific group has none: its weeks are the SCIENTIFIC row (SPEC §5, "Progress rows").
    public static func groups(_ curriculum: Curriculum) -> [String] {
        curriculum.requiredWeeks.keys.filter { $0 != curriculum.scientificGroup }.sorted()
    }

    /// A placement's weeks are passed when its chosen final score reaches the pass mark (10 on 20
    /// unless the curriculum says otherwise).
    @inlinable
    public static func passes(finalScore: Double?, passMark: Double) -> Bool {
        guard let finalScore else { return false }
        return finalScore >= passMark
    }

    /// Scientific placements count towards SCIENTIFIC, every other kind (or none stated) towards
    /// CLINICAL.
    @inlinable
    public static func total(of kind: PlacementKind?) -> Total { kind == .scientific ? .scientific : .clinical }

    /// A row is met when its passed weeks reach its required weeks.
    @inlinable
    public static func isMet(passedWeeks: Int, requiredWeeks: Int) -> Bool { passedWeeks >= requiredWeeks }
}
