import Domain

/// The fields of SPEC §3, by the names a pipeline definition uses for them.
public enum LogicalField: String, Sendable, Hashable, CaseIterable, Comparable {
    case agreementID = "agreement_id"
    case site
    case discipline
    case capacity
    case validFrom = "valid_from"
    case validTo = "valid_to"
    case agreementKind = "kind"
    case student
    case supervisor
    case startDate = "start_date"
    case endDate = "end_date"
    case weeks
    case placementKind = "placement_kind"
    case evaluatorRole = "evaluator_role"
    case status
    case scoreKnowledge = "score_knowledge"
    case scorePatient = "score_patient"
    case scoreTeam = "score_team"
    case finalScore = "final_score"
    case submitted
    case masterYear = "master_year"
    case cohort

    public static func < (lhs: LogicalField, rhs: LogicalField) -> Bool {
        lhs.ordinal < rhs.ordinal
    }

    /// `allCases` built once: the synthesized `allCases` makes a new array at every call.
    static let byOrdinal: [LogicalField] = allCases

    /// Position in `allCases`, in constant time (it indexes per-row arrays on the hot path).
    ///
    /// Derived, not kept by hand: a case of an enum without payloads is stored as its index in
    /// declaration order (the Swift ABI's layout of such enums), and the synthesized `allCases`
    /// lists the cases in that order. So a case added anywhere gets the next free position and
    /// moves the ones after it. `DerivedTablesTests` checks both facts, and that the type still
    /// fits the one byte read here (the record tape stores an ordinal in one byte too).
    var ordinal: Int { Int(unsafeBitCast(self, to: UInt8.self)) }

    /// Fields that hold a date: a workbook's number there is a date serial, whatever its format.
    public var isDate: Bool {
        switch self {
        case .validFrom, .validTo, .startDate, .endDate, .submitted: return true
        default: return false
        }
    }

    /// The fields a kind of export has, in the order reports list them.
    public static func fields(of kind: SourceKind) -> [LogicalField] {
        switch kind {
        case .agreements:
            return [.agreementID, .site, .discipline, .capacity, .validFrom, .validTo, .agreementKind, .student, .supervisor]
        case .evaluations:
            return [.student, .site, .discipline, .startDate, .endDate, .weeks, .placementKind, .evaluatorRole, .status,
                    .scoreKnowledge, .scorePatient, .scoreTeam, .finalScore, .submitted]
        case .roster:
            return [.student, .masterYear, .cohort]
        }
    }

    /// Fields without which a file of that kind cannot be read at all (its header must name them).
    public static func requiredColumns(of kind: SourceKind) -> [LogicalField] {
        switch kind {
        case .agreements: return [.agreementID, .site, .discipline, .capacity, .validFrom, .validTo, .agreementKind]
        case .evaluations: return [.student, .site, .discipline, .startDate, .evaluatorRole, .status]
        case .roster: return [.student]
        }
    }

    /// Header names recognised without configuration, compared in canonical form.
    public var defaultHeaders: [String] {
        switch self {
        case .agreementID:
            return ["agreement id", "agreement", "agreement nr", "agreement number", "id", "overeenkomst", "overeenkomst id",
                    "overeenkomstnummer", "overeenkomst nr", "nr overeenkomst", "contract", "contract id"]
        case .site:
            return ["site", "site name", "site code", "stageplaats", "stageplek", "stage plaats", "ziekenhuis", "hospital",
                    "locatie", "location", "instelling", "institution", "praktijk"]
        case .discipline:
            return ["discipline", "discipline code", "specialty", "speciality", "specialisme", "specialiteit", "vakgebied",
                    "dienst", "department", "discipline naam"]
        case .capacity:
            return ["capacity", "capaciteit", "slots", "plaatsen", "aantal plaatsen", "aantal studenten", "capacity slots",
                    "max studenten"]
        case .validFrom:
            return ["valid from", "geldig van", "geldig vanaf", "begindatum", "startdatum", "start", "from", "van", "ingang",
                    "ingangsdatum"]
        case .validTo:
            return ["valid to", "valid until", "geldig tot", "geldig t m", "einddatum", "end", "until", "to", "tot", "vervaldatum"]
        case .agreementKind:
            return ["kind", "type", "soort", "agreement kind", "agreement type", "soort overeenkomst", "type overeenkomst",
                    "erkend", "recognised", "recognized"]
        case .student:
            return ["student", "student id", "studentid", "studentnummer", "student nr", "studnr", "rolnummer", "r nummer",
                    "student number", "naam student"]
        case .supervisor:
            return ["supervisor", "supervising clinician", "stagemeester", "stagebegeleider", "verantwoordelijke"]
        case .startDate:
            return ["start date", "start", "startdatum", "begindatum", "begin", "van", "from", "datum start"]
        case .endDate:
            return ["end date", "end", "einddatum", "einde", "tot", "to", "datum einde"]
        case .weeks:
            return ["weeks", "number of weeks", "aantal weken", "weken", "duur", "duur weken", "duration weeks", "duration"]
        case .placementKind:
            return ["placement kind", "placement type", "kind", "type", "soort stage", "stagetype", "type stage", "soort"]
        case .evaluatorRole:
            return ["evaluator role", "role", "rol", "rol beoordelaar", "beoordelaar", "evaluator", "functie beoordelaar"]
        case .status:
            return ["status", "evaluation status", "status evaluatie", "status beoordeling", "toestand"]
        case .scoreKnowledge:
            return ["knowledge and skills", "knowledge skills", "knowledge", "kennis en vaardigheden", "kennis vaardigheden",
                    "kennis", "score kennis", "score knowledge"]
        case .scorePatient:
            return ["contact with the patient", "patient contact", "contact with patient", "contact met de patient",
                    "contact met patient", "patientcontact", "score patient"]
        case .scoreTeam:
            return ["working with the medical team", "teamwork", "medical team", "samenwerking met het medisch team",
                    "samenwerking met het team", "samenwerking", "team", "score team"]
        case .finalScore:
            return ["final score", "final", "score", "eindscore", "eindcijfer", "eindbeoordeling", "eindresultaat", "totaal"]
        case .submitted:
            return ["submitted", "date submitted", "submitted on", "ingediend", "ingediend op", "datum ingediend",
                    "datum indiening"]
        case .masterYear:
            return ["master year", "year", "masterjaar", "jaar", "opleidingsjaar", "fase"]
        case .cohort:
            return ["cohort", "intake", "instroom", "instroomjaar"]
        }
    }
}

/// Canonical form for comparing header names and coded values: lower case, accents removed,
/// every run of non-alphanumeric characters (incl. non-breaking spaces) one space, trimmed.
public enum Canonical {
    public static func text(_ input: String) -> String {
        if let ascii = asciiText(input) { return ascii }
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in input.unicodeScalars {
            guard let folded = fold(scalar) else {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace {
                out.append(" ")
                pendingSpace = false
            }
            out.append(contentsOf: folded.unicodeScalars)
        }
        return String(out)
    }

    /// The common case, all ASCII, without Unicode property look-ups; nil when not ASCII.
    private static func asciiText(_ input: String) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(input.utf8.count)
        var pendingSpace = false
        for byte in input.utf8 {
            switch byte {
            case 0x80...: return nil
            case 0x30...0x39, 0x61...0x7A:
                if pendingSpace { bytes.append(0x20); pendingSpace = false }
                bytes.append(byte)
            case 0x41...0x5A:
                if pendingSpace { bytes.append(0x20); pendingSpace = false }
                bytes.append(byte + 32)
            default:
                pendingSpace = !bytes.isEmpty
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Lower-cased, accent-free letters and digits; nil for separators.
    private static func fold(_ scalar: Unicode.Scalar) -> String? {
        if scalar.isASCII {
            let value = scalar.value
            switch value {
            case 0x30...0x39, 0x61...0x7A: return String(scalar)
            case 0x41...0x5A: return String(Unicode.Scalar(value + 32) ?? scalar)
            default: return nil
            }
        }
        let properties = scalar.properties
        if properties.isAlphabetic || properties.numericType != nil {
            // Decompose and keep the base letters: é → e, ë → e, ß stays ß.
            let lowered = String(scalar).lowercased()
            var base = String.UnicodeScalarView()
            for part in lowered.decomposedScalars where !part.properties.isDiacritic && part.properties.generalCategory != .nonspacingMark {
                base.append(part)
            }
            return base.isEmpty ? nil : String(base)
        }
        if properties.generalCategory == .nonspacingMark { return "" }
        return nil
    }
}

extension String {
    /// Canonical decomposition (NFD) without Foundation.
    var decomposedScalars: [Unicode.Scalar] {
        var result: [Unicode.Scalar] = []
        for scalar in unicodeScalars {
            result.append(contentsOf: Canonical.decompose(scalar))
        }
        return result
    }
}

extension Canonical {
    /// Latin letters with diacritics that occur in Belgian, Dutch, French and German names,
    /// mapped to their base letter. The standard library has no public NFD on Linux without
    /// Foundation, and these are the accents site and header names carry.
    static func decompose(_ scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        if let base = latinBase[scalar.value], let baseScalar = Unicode.Scalar(base) { return [baseScalar] }
        return [scalar]
    }

    private static let latinBase: [UInt32: UInt32] = {
        var table: [UInt32: UInt32] = [:]
        let groups: [(String, Character)] = [
            ("àáâãäåāăą", "a"), ("çćĉċč", "c"), ("ďđ", "d"), ("èéêëēĕėęě", "e"), ("ĝğġģ", "g"), ("ĥħ", "h"),
            ("ìíîïĩīĭįı", "i"), ("ĵ", "j"), ("ķ", "k"), ("ĺļľŀł", "l"), ("ñńņňŉ", "n"), ("òóôõöøōŏő", "o"),
            ("ŕŗř", "r"), ("śŝşš", "s"), ("ţťŧ", "t"), ("ùúûüũūŭůűų", "u"), ("ŵ", "w"), ("ýÿŷ", "y"), ("źżž", "z"),
        ]
        for (letters, base) in groups {
            for letter in letters.unicodeScalars {
                table[letter.value] = base.unicodeScalars.first?.value
            }
        }
        return table
    }()
}
