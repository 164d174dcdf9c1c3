import Domain

/// Which agreements give slots in a block of the plan.
public enum BlockSlots {
    /// A framework agreement gives its slots in a block when it is valid over the whole block:
    /// the rule of matching, where a placement must fit inside one agreement. Individual
    /// agreements are for one named student and never plan capacity.
    @inlinable
    public static func counts(_ agreement: Agreement, in block: PlanningBlock) -> Bool {
        agreement.kind == .framework && agreement.slots > 0 && agreement.validFrom <= block.first && block.last <= agreement.validTo
    }

    /// A framework agreement that is valid on some day of the year and ends before its last day:
    /// the blocks after its end lose its slots unless it is renewed.
    @inlinable
    public static func expires(_ agreement: Agreement, inside year: PlacementYear) -> Bool {
        agreement.kind == .framework && year.firstDay <= agreement.validTo && agreement.validTo < year.lastDay
            && agreement.validFrom <= year.lastDay
    }
}
