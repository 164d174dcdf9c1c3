// Findings about framework agreements: AGREEMENT_EXPIRING and AGREEMENT_UNUSED (SPEC §4–§5).

import Domain

public enum AgreementFindings {
    /// AGREEMENT_EXPIRING when as-of ≤ valid_to ≤ as-of + the horizon (90 days unless the
    /// definition says otherwise); framework agreements only.
    public static func expiring(_ agreement: Agreement, settings: ReconcileSettings) -> Finding? {
        let horizon = settings.asOf.adding(days: settings.expiryHorizonDays)
        guard agreement.kind == .framework, settings.asOf <= agreement.validTo, agreement.validTo <= horizon else { return nil }
        return Finding(code: .agreementExpiring, key: "agreement=\(agreement.id)",
                       message: "agreement \(agreement.id) (\(agreement.site), \(agreement.discipline), \(agreement.slots) slots) ends \(agreement.validTo), within \(settings.expiryHorizonDays) days",
                       sources: [agreement.source])
    }

    /// The reported years an agreement's validity overlaps.
    public static func yearsValid(_ agreement: Agreement, among years: [PlacementYear]) -> [PlacementYear] {
        years.filter { agreement.validFrom <= $0.lastDay && $0.firstDay <= agreement.validTo }
    }

    /// AGREEMENT_UNUSED per (framework agreement, reported year overlapping its validity) with no
    /// placement of that year matched to it.
    public static func unused(_ agreement: Agreement, in year: PlacementYear) -> Finding {
        Finding(code: .agreementUnused, key: "agreement=\(agreement.id) year=\(year)",
                message: "agreement \(agreement.id) (\(agreement.site), \(agreement.discipline), \(agreement.slots) slots) is valid in \(year) but no placement of that year used it",
                sources: [agreement.source])
    }

    /// Both findings for every framework agreement, in the agreements' order. `used(index, year)`
    /// says whether a placement of `year` matched the agreement at `index`.
    public static func findings(_ agreements: [Agreement], years: [PlacementYear], settings: ReconcileSettings,
                                used: (_ index: Int, _ year: PlacementYear) -> Bool) -> [Finding] {
        var findings: [Finding] = []
        for (index, agreement) in agreements.enumerated() where agreement.kind == .framework {
            if let expiring = expiring(agreement, settings: settings) { findings.append(expiring) }
            for year in yearsValid(agreement, among: years) where !used(index, year) {
                findings.append(unused(agreement, in: year))
            }
        }
        return findings
    }
}
