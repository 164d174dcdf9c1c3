// Normalize: resolves the names in ingested records to the faculty's reference data (site
// register, discipline taxonomy) and collapses evaluation rows into placements. It knows
// nothing of agreements' validity or capacity; that is reconcile's.

import Ingest
import Domain

public struct ReferenceData: Sendable {
    public let sites: [Site]
    public let disciplines: [Discipline]
    public let curriculum: Curriculum
    public let siteIndex: [String: Int]
    public let disciplineIndex: [String: Int]
    /// Per discipline (by index), the code of its top-level group: reports ask for it once per
    /// placement, and walking the lineage each time was a third of the figures' time.
    private let groupCodes: [String]
    /// Warnings that do not stop a run (near-identical site names: likely duplicates).
    public let warnings: [Diagnostic]

    /// Checks the data; every inconsistency is an error with the position of the entry.
    public init(sites: [Site], extraAliases: [SiteAlias] = [], disciplines: [Discipline], curriculum: Curriculum,
                curriculumPositions: CurriculumPositions = CurriculumPositions()) throws(ReferenceDataError) {
        var errors: [Diagnostic] = []
        let siteIndex = Self.index(sites, "site", code: \.code, source: \.source, errors: &errors)
        var sites = sites
        Self.addAliases(extraAliases, to: &sites, siteIndex: siteIndex, errors: &errors)
        Self.checkSiteNames(sites, errors: &errors)
        let disciplineIndex = Self.index(disciplines, "discipline", code: \.code, source: \.source, errors: &errors)
        Self.checkParents(disciplines, disciplineIndex: disciplineIndex, errors: &errors)
        Self.checkDisciplineNames(disciplines, errors: &errors)
        for group in curriculum.requiredWeeks.keys.sorted() where disciplineIndex[group] == nil {
            errors.append(Diagnostic(.error, at: curriculumPositions.groups[group] ?? curriculumPositions.file,
                                     "the curriculum requires weeks of '\(group)', which is not a discipline"
                                     + Self.groupHint(group, disciplines)))
        }
        Self.checkScientificGroup(curriculum, disciplines, disciplineIndex: disciplineIndex,
                                  at: curriculumPositions.scientificGroup ?? curriculumPositions.file, errors: &errors)
        guard errors.isEmpty else { throw ReferenceDataError(diagnostics: errors) }

        self.sites = sites
        self.disciplines = disciplines
        self.curriculum = curriculum
        self.siteIndex = siteIndex
        self.disciplineIndex = disciplineIndex
        groupCodes = disciplines.map { discipline in
            Self.lineage(of: discipline.code, disciplines: disciplines, disciplineIndex: disciplineIndex).last ?? discipline.code
        }
        self.warnings = Self.likelyDuplicates(sites)
    }

    /// Each entry's position by code; a code used twice is an error at its second use.
    private static func index<Entry>(_ entries: [Entry], _ what: String, code: KeyPath<Entry, String>,
                                     source: KeyPath<Entry, SourceLocation>, errors: inout [Diagnostic]) -> [String: Int] {
        var index: [String: Int] = [:]
        for (position, entry) in entries.enumerated() {
            if let other = index[entry[keyPath: code]] {
                errors.append(Diagnostic(.error, at: entry[keyPath: source], "\(what) code '\(entry[keyPath: code])' is used twice",
                                         notes: ["first at \(entries[other][keyPath: source])"]))
            } else {
                index[entry[keyPath: code]] = position
            }
        }
        return index
    }

    /// Adds the aliases given apart from the register to their sites.
    private static func addAliases(_ aliases: [SiteAlias], to sites: inout [Site], siteIndex: [String: Int],
                                   errors: inout [Diagnostic]) {
        for alias in aliases {
            guard let index = siteIndex[alias.site] else {
                errors.append(Diagnostic(.error, at: alias.source, "alias '\(alias.alias)' names site '\(alias.site)', which is not in the register"))
                continue
            }
            sites[index].aliases.append(alias.alias)
        }
    }

    /// A canonical name or alias may point at one site only.
    private static func checkSiteNames(_ sites: [Site], errors: inout [Diagnostic]) {
        var claimed: [String: (code: String, source: SourceLocation)] = [:]
        for site in sites {
            for name in [site.name] + site.aliases {
                let key = SiteNames.canonical(name)
                guard !key.isEmpty else { continue }
                if let owner = claimed[key], owner.code != site.code {
                    errors.append(Diagnostic(.error, at: site.source,
                                             "'\(name)' of site \(site.code) reads the same as a name of site \(owner.code)",
                                             notes: ["a name or alias may belong to one site only; first at \(owner.source)"]))
                } else {
                    claimed[key] = (site.code, site.source)
                }
            }
        }
    }

    /// The curriculum's scientific group is a discipline group: a discipline without a parent,
    /// since coverage counts placements at their group.
    private static func checkScientificGroup(_ curriculum: Curriculum, _ disciplines: [Discipline], disciplineIndex: [String: Int],
                                             at source: SourceLocation?, errors: inout [Diagnostic]) {
        guard let group = curriculum.scientificGroup else { return }
        guard let index = disciplineIndex[group] else {
            errors.append(Diagnostic(.error, at: source, "the curriculum's scientific_group '\(group)' is not a discipline"
                                     + groupHint(group, disciplines)))
            return
        }
        if let parent = disciplines[index].parent {
            errors.append(Diagnostic(.error, at: source, "the curriculum's scientific_group '\(group)' is not a discipline group: "
                                         + "it has parent '\(parent)'; name the group (e.g. '\(parent)')"))
        }
    }

    /// The fix for a curriculum naming a code the taxonomy lacks: the nearest group codes.
    private static func groupHint(_ code: String, _ disciplines: [Discipline]) -> String {
        let groups = disciplines.filter { $0.parent == nil }.map(\.code)
        let closest = EditDistance.closest(to: code, among: groups, limit: 3, maxDistance: max(2, code.count / 2))
        return "; name a discipline group of the taxonomy" + (closest.isEmpty ? "" : " (closest: \(closest.joined(separator: ", ")))")
            + " or add '\(code)' to it"
    }

    /// Every parent exists, and no discipline is its own ancestor.
    private static func checkParents(_ disciplines: [Discipline], disciplineIndex: [String: Int], errors: inout [Diagnostic]) {
        for discipline in disciplines {
            guard let parent = discipline.parent else { continue }
            if disciplineIndex[parent] == nil {
                errors.append(Diagnostic(.error, at: discipline.source,
                                         "discipline \(discipline.code) names parent '\(parent)', which does not exist"))
            }
        }
        for discipline in disciplines {
            var seen: Set<String> = [discipline.code]
            var current = discipline.parent
            while let code = current, let index = disciplineIndex[code] {
                if !seen.insert(code).inserted {
                    errors.append(Diagnostic(.error, at: discipline.source,
                                             "discipline \(discipline.code) is its own ancestor (a cycle through \(code))"))
                    break
                }
                current = disciplines[index].parent
            }
        }
    }

    /// A code, name or alias may point at one discipline only.
    private static func checkDisciplineNames(_ disciplines: [Discipline], errors: inout [Diagnostic]) {
        var claimed: [String: (code: String, source: SourceLocation)] = [:]
        for discipline in disciplines {
            for name in [discipline.code, discipline.dutch, discipline.english] + discipline.aliases {
                let key = Canonical.text(name)
                guard !key.isEmpty else { continue }
                if let owner = claimed[key], owner.code != discipline.code {
                    errors.append(Diagnostic(.error, at: discipline.source,
                                             "'\(name)' of discipline \(discipline.code) reads the same as a name of \(owner.code)"))
                } else {
                    claimed[key] = (discipline.code, discipline.source)
                }
            }
        }
    }

    /// Two register sites whose names differ by at most two characters once canonical.
    static func likelyDuplicates(_ sites: [Site]) -> [Diagnostic] {
        var warnings: [Diagnostic] = []
        let names = sites.map { Array(SiteNames.canonical($0.name).unicodeScalars) }
        for i in sites.indices {
            for j in sites.indices where j > i {
                let limit = min(2, max(names[i].count, names[j].count) / 8)
                guard abs(names[i].count - names[j].count) <= limit,
                      EditDistance.isWithin(names[i], names[j], limit: limit) else { continue }
                warnings.append(Diagnostic(.warning, at: sites[j].source,
                                           "sites \(sites[i].code) '\(sites[i].name)' and \(sites[j].code) '\(sites[j].name)' have nearly the same name: the same site twice?",
                                           kind: "sites with nearly the same name"))
            }
        }
        return warnings
    }

    public func site(_ code: String) -> Site? { siteIndex[code].map { sites[$0] } }

    /// The discipline and its ancestors, nearest first (cardiology, internal medicine).
    public func lineage(of code: String) -> [String] {
        Self.lineage(of: code, disciplines: disciplines, disciplineIndex: disciplineIndex)
    }

    private static func lineage(of code: String, disciplines: [Discipline], disciplineIndex: [String: Int]) -> [String] {
        var result: [String] = []
        var current: String? = code
        while let code = current, let index = disciplineIndex[code], !result.contains(code) {
            result.append(code)
            current = disciplines[index].parent
        }
        return result
    }

    /// The top-level group a discipline counts towards.
    public func group(of code: String) -> String { disciplineIndex[code].map { groupCodes[$0] } ?? code }
}

/// Where the curriculum's entries stand, for its errors: the file, each group of
/// `required_weeks` and the `scientific_group`.
public struct CurriculumPositions: Sendable {
    public var file: SourceLocation?
    public var groups: [String: SourceLocation]
    public var scientificGroup: SourceLocation?

    public init(file: SourceLocation? = nil, groups: [String: SourceLocation] = [:], scientificGroup: SourceLocation? = nil) {
        self.file = file
        self.groups = groups
        self.scientificGroup = scientificGroup
    }
}

public struct ReferenceDataError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
