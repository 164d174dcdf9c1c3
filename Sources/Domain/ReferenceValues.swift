// The plain values of the faculty's reference data (site register, discipline taxonomy,
// curriculum); `ReferenceData` in Normalize checks and indexes them.

public enum SiteKind: String, Sendable, Hashable, CaseIterable {
    case hospital, gpPractice = "gp-practice", other
}

public enum Region: String, Sendable, Hashable, CaseIterable {
    case central, peripheral, abroad
}

public struct Site: Sendable, Hashable {
    public var code: String
    public var name: String
    public var aliases: [String]
    public var kind: SiteKind
    public var region: Region
    public var city: String
    public var country: String
    public var source: SourceLocation

    public init(code: String, name: String, aliases: [String] = [], kind: SiteKind, region: Region, city: String,
                country: String, source: SourceLocation) {
        self.code = code
        self.name = name
        self.aliases = aliases
        self.kind = kind
        self.region = region
        self.city = city
        self.country = country
        self.source = source
    }
}

public struct Discipline: Sendable, Hashable {
    public var code: String
    public var dutch: String
    public var english: String
    public var aliases: [String]
    /// The code of the discipline it belongs to (cardiology → internal medicine); nil for a group.
    public var parent: String?
    public var source: SourceLocation

    public init(code: String, dutch: String, english: String, aliases: [String] = [], parent: String?,
                source: SourceLocation) {
        self.code = code
        self.dutch = dutch
        self.english = english
        self.aliases = aliases
        self.parent = parent
        self.source = source
    }
}

public struct Curriculum: Sendable, Hashable {
    public struct Block: Sendable, Hashable {
        public var name: String
        public var weeks: Int

        public init(name: String, weeks: Int) {
            self.name = name
            self.weeks = weeks
        }
    }

    /// Required weeks per discipline group code (the scientific group apart).
    public var requiredWeeks: [String: Int]
    public var blocks: [Block]
    public var clinicalWeeks: Int
    public var scientificWeeks: Int
    /// The discipline group of the scientific placement (WET in the model trajectory), when the
    /// curriculum names it: its required weeks are `scientificWeeks`.
    public var scientificGroup: String?
    /// On the 0–20 scale; a final score at or above it passes.
    public var passMark: Double

    public init(requiredWeeks: [String: Int], blocks: [Block], clinicalWeeks: Int, scientificWeeks: Int,
                scientificGroup: String? = nil, passMark: Double) {
        self.requiredWeeks = requiredWeeks
        self.blocks = blocks
        self.clinicalWeeks = clinicalWeeks
        self.scientificWeeks = scientificWeeks
        self.scientificGroup = scientificGroup
        self.passMark = passMark
    }
}

/// An alias given apart from its site, e.g. pasted from `stagebalans suggest-aliases`.
public struct SiteAlias: Sendable, Hashable {
    public var alias: String
    public var site: String
    public var source: SourceLocation

    public init(alias: String, site: String, source: SourceLocation) {
        self.alias = alias
        self.site = site
        self.source = source
    }
}

/// One faculty's reference data, checked for consistency before any export is read.
