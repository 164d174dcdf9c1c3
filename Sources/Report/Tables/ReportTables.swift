import Domain

/// Every table a run (or `plan`) writes, each declared once. SPEC §5's four report tables and
/// the plan are here; the findings, placements, quarantine and changes in RunTables.swift.
public enum Tables {
    public static let capacity = TableDeclaration<CapacityRow>(
        name: "capacity", title: "Capacity per site, discipline and year",
        columns: [
            .text("site") { $0.site },
            .text("discipline") { $0.discipline },
            .year("year") { $0.year },
            .integer("slots") { $0.slots },
            .decimal("capacity_weeks", places: 1) { $0.capacityWeeks },
            .integer("used_weeks") { $0.usedWeeks },
            .integer("placements") { $0.placements },
            .integer("students") { $0.students },
            .decimal("utilisation", places: 3, spreadsheet: .utilisation) { $0.utilisation },
            .integer("peak_concurrent") { $0.peakConcurrent },
            .integer("over_capacity_days") { $0.overCapacityDays },
        ])

    public static let coverage = TableDeclaration<CoverageRow>(
        name: "coverage", title: "Coverage per discipline group and year",
        columns: [
            .text("discipline_group") { $0.group },
            .year("year") { $0.year },
            .integer("students") { $0.students },
            .integer("required_weeks") { $0.requiredWeeks },
            .integer("student_weeks") { $0.studentWeeks },
            .integer("recognised_weeks") { $0.recognisedWeeks },
            .integer("non_recognised_weeks") { $0.nonRecognisedWeeks },
            .decimal("share_non_recognised", places: 3, spreadsheet: .percentage) { $0.shareNonRecognised },
            .decimal("recognised_capacity_weeks", places: 1) { $0.recognisedCapacityWeeks },
            .decimal("capacity_coverage", places: 3, spreadsheet: .percentage) { $0.capacityCoverage },
        ])

    /// The run writes it row by row as the partitions come (a row per student and part).
    public static let progress = TableDeclaration<ProgressRow>(
        name: "progress", title: "Progress per student",
        columns: [
            .text("student") { $0.student },
            .text("part") { $0.part },
            .integer("passed_weeks") { $0.passedWeeks },
            .integer("required_weeks") { $0.requiredWeeks },
            .yesNo("met") { $0.met },
        ])

    /// Means over fewer than the context's `minimumEvaluations` evaluations are left empty.
    public static let audit = TableDeclaration<AuditRow>(
        name: "audit", title: "Audit per site and year",
        columns: [
            .text("site") { $0.site },
            .year("year") { $0.year },
            .yesNo("recognised") { $0.recognised },
            .text("region") { $0.region?.rawValue },
            .integer("placements") { $0.placements },
            .integer("student_weeks") { $0.studentWeeks },
            .integer("placements_without_agreement") { $0.withoutAgreement },
            .integer("individual_agreements") { $0.individualAgreements },
            .decimal("evaluation_completeness", places: 3, spreadsheet: .percentage) { $0.completeness },
            .decimal("mean_final_score", places: 2) { row, context in row.meanFinal(minimum: context.minimumEvaluations) },
            .decimal("mean_knowledge_and_skills", places: 2) { row, context in row.meanKnowledge(minimum: context.minimumEvaluations) },
            .decimal("mean_patient_contact", places: 2) { row, context in row.meanPatient(minimum: context.minimumEvaluations) },
            .decimal("mean_teamwork", places: 2) { row, context in row.meanTeam(minimum: context.minimumEvaluations) },
        ])

    public static let plan = TableDeclaration<PlanRow>(
        name: "plan", title: "Plan: demand against recognised capacity",
        columns: [
            .text("discipline_group") { $0.group },
            .year("year") { $0.year },
            .integer("students") { $0.students },
            .integer("required_weeks") { $0.requiredWeeks },
            .integer("demand_weeks") { $0.demandWeeks },
            .decimal("capacity_weeks", places: 1) { $0.capacityWeeks },
            .decimal("balance_weeks", places: 1) { $0.balanceWeeks },
            .decimal("balance_slots", places: 1) { $0.balanceSlots },
            .text("expiring_agreements") { row in
                row.expiring.map { "\($0.site) \($0.discipline) (\($0.id), until \($0.validTo))" }.joined(separator: "; ")
            },
        ])
}
