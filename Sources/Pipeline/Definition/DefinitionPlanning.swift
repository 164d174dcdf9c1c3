import Domain
import Rules

/// The `planning:` section as read, with where each demand's entries were written, so that a
/// group the reference data does not know is an error at its line.
public struct PlanningDefinition: Sendable, Hashable {
    public var settings: PlanningSettings
    /// Per demand name: where the demand and each of its keys are in the definition.
    public var locations: [String: SourceLocation]
    public var keyLocations: [String: [String: SourceLocation]]

    public init(settings: PlanningSettings = PlanningSettings(), locations: [String: SourceLocation] = [:],
                keyLocations: [String: [String: SourceLocation]] = [:]) {
        self.settings = settings
        self.locations = locations
        self.keyLocations = keyLocations
    }
}

extension DefinitionLoader {
    static let planningKeys = ["blocks", "demand"]
    static let planningBlockKeys = ["weeks", "starts", "count", "halves"]
    /// The key of a demand's free-choice and scientific weeks (they only take up blocks).
    static let freeWeeksKey = "free"

    /// ```
    /// planning:
    ///   blocks: {weeks: 4, starts: "07-01", count: 13, halves: [13]}
    ///   demand:
    ///     master-1: {HK: 8, IG: 8, PED: 4, free: 32}
    /// ```
    static func readPlanning(_ node: YAMLNode) throws(DefinitionError) -> PlanningDefinition {
        let map = try node.mapping("planning", allowed: planningKeys)
        var planning = PlanningDefinition()
        if let blocks = map["blocks"] { planning.settings.calendar = try readCalendar(blocks) }
        let demandNode = try map.required("demand")
        let demands = try demandNode.mapping("planning.demand", allowed: nil)
        guard !demands.entries.isEmpty else {
            throw demandNode.fail("planning.demand must name at least one cohort, e.g. master-1: {HK: 8, IG: 8, free: 32}")
        }
        for entry in demands.entries {
            let (demand, keys) = try readDemand(entry.key, entry.value)
            planning.settings.demands.append(demand)
            planning.locations[entry.key] = entry.keyNode.location
            planning.keyLocations[entry.key] = keys
        }
        return planning
    }

    static func readCalendar(_ node: YAMLNode) throws(DefinitionError) -> CalendarSettings {
        let map = try node.mapping("planning.blocks", allowed: planningBlockKeys)
        var calendar = CalendarSettings()
        if let value = map["weeks"] { calendar.blockWeeks = try value.integer("planning.blocks.weeks", range: 1...52) }
        if let value = map["starts"] {
            let text = try value.string("planning.blocks.starts")
            let parts = text.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
            guard parts.count == 2, let month = parts[0], let day = parts[1], (1...12).contains(month),
                  (1...Day.daysInMonth(year: 2000, month: month)).contains(day) else {
                throw value.fail("planning.blocks.starts is the month and day the first block starts, as mm-dd "
                                 + "(\"07-01\" for 1 July), not '\(text)'")
            }
            calendar.firstMonth = month
            calendar.firstDay = day
        }
        if let value = map["count"] { calendar.blockCount = try value.integer("planning.blocks.count", range: 1...104) }
        if let value = map["halves"] {
            var halves: [Int] = []
            for item in try value.sequence("planning.blocks.halves") {
                halves.append(try item.integer("each block of planning.blocks.halves", range: 1...104))
            }
            guard calendar.blockWeeks % 2 == 0 || halves.isEmpty else {
                throw value.fail("planning.blocks.halves splits blocks in two, which needs an even planning.blocks.weeks, "
                                 + "not \(calendar.blockWeeks)")
            }
            calendar.halfBlocks = halves
        }
        return calendar
    }

    static func readDemand(_ name: String, _ node: YAMLNode) throws(DefinitionError)
        -> (YearDemand, [String: SourceLocation]) {
        let map = try node.mapping("planning.demand.\(name)", allowed: nil)
        var demand = YearDemand(name: name, weeks: [:])
        var locations: [String: SourceLocation] = [:]
        for entry in map.entries {
            let weeks = try entry.value.integer("planning.demand.\(name).\(entry.key) (weeks)", range: 0...104)
            if entry.key == freeWeeksKey {
                demand.freeWeeks = weeks
            } else {
                demand.weeks[entry.key] = weeks
                locations[entry.key] = entry.keyNode.location
            }
        }
        return (demand, locations)
    }
}
