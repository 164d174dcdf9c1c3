import StagebalansCore

/// Maps the words exports use for coded values (kinds, roles, statuses) onto our codes.
/// Keys are compared in canonical form, so `Niet-erkend`, `niet erkend` and `NIET ERKEND` are one.
public struct ValueMap: Sendable, Hashable {
    public private(set) var entries: [String: String]

    public init(_ entries: [String: [String]]) {
        var table: [String: String] = [:]
        for (target, words) in entries.sorted(by: { $0.key < $1.key }) {
            for word in words { table[Canonical.text(word)] = target }
        }
        self.entries = table
    }

    /// Adds or overrides words; a word already mapped elsewhere now maps to `target`.
    public mutating func merge(target: String, words: [String]) {
        for word in words { entries[Canonical.text(word)] = target }
    }

    public func lookup(_ text: String) -> String? { entries[Canonical.text(text)] }

    /// The words that map to each target, for error messages.
    public func words(for target: String) -> [String] {
        entries.filter { $0.value == target }.map(\.key).sorted()
    }
}

/// The value maps of one source: one per coded field.
public struct ValueMaps: Sendable, Hashable {
    public var maps: [LogicalField: ValueMap]

    public static let codedFields: [LogicalField] = [.agreementKind, .placementKind, .evaluatorRole, .status]

    /// The targets a coded field maps to.
    public static func targets(of field: LogicalField) -> [String] {
        switch field {
        case .agreementKind: return AgreementKind.allCases.map(\.rawValue)
        case .placementKind: return PlacementKind.allCases.map(\.rawValue)
        case .evaluatorRole: return EvaluatorRole.allCases.map(\.rawValue)
        case .status: return EvaluationStatus.allCases.map(\.rawValue)
        default: return []
        }
    }

    private static let yes = ["ja", "j", "yes", "y", "x", "1", "true", "waar", "oui"]
    private static let no = ["nee", "n", "no", "0", "false", "onwaar", "non"]

    /// Dutch and English words (and the usual booleans: an `erkend` column of `ja`/`nee` or
    /// `x` is how many exports say "framework agreement").
    public static let defaults = ValueMaps(maps: [
        .agreementKind: ValueMap([
            "framework": ["framework", "framework agreement", "raamovereenkomst", "kaderovereenkomst", "raam", "kader",
                          "erkend", "erkende stageplaats", "recognised", "recognized", "collectief", "collective"] + yes,
            "individual": ["individual", "individual agreement", "individueel", "individuele overeenkomst", "individuele",
                           "niet erkend", "niet erkende stageplaats", "non recognised", "non recognized", "not recognised",
                           "not recognized", "individuele aanvraag", "buitenland"] + no,
        ]),
        .placementKind: ValueMap([
            "hospital": ["hospital", "hospital placement", "ziekenhuis", "ziekenhuisstage", "zh", "klinisch", "clinical"],
            "general-practice": ["general practice", "general-practice", "gp", "huisarts", "huisartsenstage",
                                 "huisartsgeneeskunde", "huisartspraktijk", "ha"],
            "scientific": ["scientific", "scientific placement", "research", "wetenschappelijk", "wetenschappelijke stage",
                           "ws", "masterproef"],
            "abroad": ["abroad", "placement abroad", "foreign", "buitenland", "buitenlandse stage", "bl", "international",
                       "internationaal"],
        ]),
        .evaluatorRole: ValueMap([
            "resident": ["resident", "aso", "arts specialist in opleiding", "assistent specialist in opleiding", "registrar"],
            "assistant": ["assistant", "assistent", "assistant physician", "hap", "ahs"],
            "supervisor": ["supervisor", "stagemeester", "supervising clinician", "stagebegeleider", "promotor", "staflid",
                           "staff"],
        ]),
        .status: ValueMap([
            "open": ["open", "in progress", "bezig", "concept", "draft", "nieuw", "new", "niet ingediend"],
            "submitted": ["submitted", "ingediend", "verzonden", "sent", "ter goedkeuring"],
            "final": ["final", "finaal", "definitief", "afgesloten", "closed", "goedgekeurd", "approved", "gevalideerd"],
        ]),
    ])
}
