import Domain

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

/// A field whose values are codes, read through a `ValueMap`. The raw value is the case's
/// position, which indexes per-field tables (`RecordTyper`'s caches): a new case gets its own,
/// and the switches below do not compile until it names its field and its codes.
enum CodedField: Int, CaseIterable, Sendable {
    case agreementKind, placementKind, evaluatorRole, status

    var field: LogicalField {
        switch self {
        case .agreementKind: .agreementKind
        case .placementKind: .placementKind
        case .evaluatorRole: .evaluatorRole
        case .status: .status
        }
    }

    /// The codes, as a pipeline definition's `values:` section names them.
    var targets: [String] {
        switch self {
        case .agreementKind: AgreementKind.allCases.map(\.rawValue)
        case .placementKind: PlacementKind.allCases.map(\.rawValue)
        case .evaluatorRole: EvaluatorRole.allCases.map(\.rawValue)
        case .status: EvaluationStatus.allCases.map(\.rawValue)
        }
    }

    init?(_ field: LogicalField) {
        guard let coded = Self.allCases.first(where: { $0.field == field }) else { return nil }
        self = coded
    }
}

/// The value maps of one source: one per coded field.
public struct ValueMaps: Sendable, Hashable {
    public var maps: [LogicalField: ValueMap]

    /// The fields a `values:` section may map, in `CodedField` order.
    public static let codedFields: [LogicalField] = CodedField.allCases.map(\.field)

    /// The targets a coded field maps to; none for a field that is not coded.
    public static func targets(of field: LogicalField) -> [String] {
        CodedField(field)?.targets ?? []
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
