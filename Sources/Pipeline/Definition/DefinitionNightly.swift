import Domain
import Report

/// A command the definition has run after a run (`on_publish:`, `on_hold_or_failure:`): an
/// argument list, never a shell string, so that nothing in a run id, a path or a name is
/// parsed by a shell; a person who wants a shell writes `[/bin/sh, -c, "…"]`.
public struct NotificationCommand: Sendable, Hashable {
    /// The program and its arguments. A program named with a `/` is resolved against the
    /// definition's folder; a bare name is looked up on `PATH`.
    public var arguments: [String]
    /// Killed (its whole process group) after this many seconds.
    public var timeoutSeconds = 60

    public init(arguments: [String], timeoutSeconds: Int = 60) {
        self.arguments = arguments
        self.timeoutSeconds = timeoutSeconds
    }
}

/// The definition's nightly settings besides `keep_runs`: the publish guard and the
/// notifications.
public struct NightlySettings: Sendable, Hashable {
    public var publishGuard = GuardSettings()
    public var onPublish: NotificationCommand?
    public var onHoldOrFailure: NotificationCommand?

    public init() {}
}

extension DefinitionLoader {
    static let guardKeys = ["enabled", "quarantine_share_rise_points", "agreements_fall_percent", "placements_fall_percent",
                            "no_agreement_rise_percent", "no_agreement_rise_min"]

    /// `guard:`, `on_publish:` and `on_hold_or_failure:`.
    static func readNightly(_ top: YAMLMapping, paths: DefinitionPaths) throws(DefinitionError) -> NightlySettings {
        var nightly = NightlySettings()
        if let node = top["guard"] { nightly.publishGuard = try readGuard(node) }
        for key in ["on_publish", "on_hold_or_failure"] {
            guard let node = top[key] else { continue }
            // A definition handed in by others must not run a program of its choosing on this machine.
            if paths.confinedTo != nil {
                throw node.fail("\(key) runs a command; confine_paths: true is for definitions handed in by others, which "
                                + "may not run commands: remove \(key), or confine_paths if the definition is your own")
            }
            let command = try readCommand(node, key: key, base: paths.base)
            if key == "on_publish" { nightly.onPublish = command } else { nightly.onHoldOrFailure = command }
        }
        return nightly
    }

    /// `guard: off`, `guard: on`, or a mapping of thresholds (and `enabled`).
    static func readGuard(_ node: YAMLNode) throws(DefinitionError) -> GuardSettings {
        var settings = GuardSettings()
        if case .scalar = node.node {
            settings.enabled = try switchValue(node, "guard")
            return settings
        }
        let map = try node.mapping("guard", allowed: guardKeys)
        if let value = map["enabled"] { settings.enabled = try switchValue(value, "guard.enabled") }
        if let value = map["quarantine_share_rise_points"] {
            settings.quarantineShareRisePoints = try threshold(value, "quarantine_share_rise_points", upTo: 100)
        }
        if let value = map["agreements_fall_percent"] {
            settings.agreementsFallPercent = try threshold(value, "agreements_fall_percent", upTo: 100)
        }
        if let value = map["placements_fall_percent"] {
            settings.placementsFallPercent = try threshold(value, "placements_fall_percent", upTo: 100)
        }
        if let value = map["no_agreement_rise_percent"] {
            settings.noAgreementRisePercent = try threshold(value, "no_agreement_rise_percent", upTo: 1_000_000)
        }
        if let value = map["no_agreement_rise_min"] {
            settings.noAgreementRiseMinimum = try value.integer("no_agreement_rise_min", range: 0...1_000_000_000)
        }
        return settings
    }

    /// true/on/yes or false/off/no (YAML 1.1's words, which Yams leaves as text).
    static func switchValue(_ node: YAMLNode, _ what: String) throws(DefinitionError) -> Bool {
        switch try node.string(what) {
        case "true", "on", "yes": return true
        case "false", "off", "no": return false
        case let other: throw node.fail("\(what) must be on or off (true or false), not '\(other)'")
        }
    }

    /// A decimal from 0 to `upTo` with at most two places, exactly.
    static func threshold(_ node: YAMLNode, _ what: String, upTo limit: Int) throws(DefinitionError) -> Ratio {
        let text = try node.string(what)
        guard let (value, places) = Ratio.parse(text), places <= 2, value.numerator >= 0,
              value.numerator <= limit * value.denominator else {
            throw node.fail("\(what) must be a number from 0 to \(limit) with at most two decimals (e.g. 5 or 2.5), not '\(text)'")
        }
        return value
    }

    /// `[program, argument, …]`, or `{command: [program, …], timeout_seconds: N}`.
    static func readCommand(_ node: YAMLNode, key: String, base: String) throws(DefinitionError) -> NotificationCommand {
        var command = NotificationCommand(arguments: [])
        var listNode = node
        if case .mapping = node.node {
            let map = try node.mapping(key, allowed: ["command", "timeout_seconds"])
            listNode = try map.required("command")
            if let value = map["timeout_seconds"] { command.timeoutSeconds = try value.integer("timeout_seconds", range: 1...3600) }
        }
        guard case .sequence = listNode.node else {
            throw listNode.fail("\(key) must be a list: the program and its arguments, e.g. [/usr/local/bin/mail-summary, office@example.org]; "
                                + "a command line is not split or given to a shell (write [/bin/sh, -c, \"…\"] for one)")
        }
        let arguments = try listNode.strings(key)
        guard let program = arguments.first, !program.isEmpty else { throw listNode.fail("\(key) must name a program first") }
        if let bad = arguments.first(where: { $0.utf8.contains(0) }) {
            throw listNode.fail("\(key): an argument holds a NUL byte, which no program can be given: '\(bad)'")
        }
        command.arguments = arguments
        if program.contains("/") { command.arguments[0] = resolve(program, base: base) }
        return command
    }
}
