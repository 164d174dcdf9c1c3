// OVERLAPPING_PLACEMENTS: one student in two placements on the same day, one finding per pair.

import Domain

public enum OverlapFindings {
    /// The findings about one student's placements, sorted by start (normalize's order).
    public static func findings(ofOneStudent placements: ArraySlice<Placement>) -> [Finding] {
        var findings: [Finding] = []
        for i in placements.indices {
            for j in (i + 1)..<max(i + 1, placements.endIndex) {
                // Sorted by start: no later placement starts before this one ends.
                guard placements[j].start <= placements[i].end else { break }
                findings.append(overlap(placements[i], placements[j]))
            }
        }
        return findings
    }

    /// The pair in a fixed order (start, end, site, discipline), so that its key is the same
    /// every night.
    static func overlap(_ a: Placement, _ b: Placement) -> Finding {
        let (first, second) = (b.start, b.end, b.site, b.discipline) < (a.start, a.end, a.site, a.discipline) ? (b, a) : (a, b)
        return Finding(code: .overlappingPlacements, key: first.key + " & " + second.key,
                       message: "\(first.student) is placed at \(first.site) (\(first.discipline), \(first.start)–\(first.end)) and at \(second.site) (\(second.discipline), \(second.start)–\(second.end)) on the same days",
                       sources: first.sources + second.sources)
    }
}
