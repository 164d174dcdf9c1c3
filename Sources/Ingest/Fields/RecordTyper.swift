import StagebalansCore

/// The text of each logical field of one record, as a reader found it.
struct FieldValues {
    private(set) var texts: [String?] = Array(repeating: nil, count: LogicalField.allCases.count)
    private(set) var columns: [Int?] = Array(repeating: nil, count: LogicalField.allCases.count)

    subscript(field: LogicalField) -> String? { texts[field.ordinal] }

    func column(of field: LogicalField) -> Int? { columns[field.ordinal] }

    mutating func set(_ field: LogicalField, _ text: String, column: Int?) {
        texts[field.ordinal] = text
        columns[field.ordinal] = column
    }

    mutating func reset() {
        for index in texts.indices {
            texts[index] = nil
            columns[index] = nil
        }
    }
}

/// A record ingest accepted.
public enum IngestedRecord: Sendable, Hashable {
    case agreement(AgreementRecord)
    case evaluation(EvaluationRecord)
    case roster(RosterRecord)
}

/// Turns the field texts of one record into a typed record, or says every reason it cannot.
struct RecordTyper: Sendable {
    let kind: SourceKind
    let dates: DateParser
    let decimal: DecimalSeparator
    let valueMaps: ValueMaps
    /// How a field is named in messages, e.g. `valid_from (column 'Geldig van')`.
    let labels: [LogicalField: String]

    struct Problem {
        var field: LogicalField
        var message: String
    }

    func type(_ values: FieldValues, line: Int, path: String, raw: () -> String) -> IngestEvent {
        var reader = Reader(values: values, typer: self)
        let location = SourceLocation(path: path, line: line)
        let record: IngestedRecord?
        switch kind {
        case .agreements: record = reader.agreement(location)
        case .evaluations: record = reader.evaluation(location)
        case .roster: record = reader.roster(location)
        }
        if let record, reader.problems.isEmpty { return .accepted(record) }
        let first = reader.problems.first
        let reason = reader.problems.map { "\(label($0.field)): \($0.message)" }.joined(separator: "; ")
        var at = location
        if let field = first?.field { at.column = values.column(of: field) }
        return .quarantined(QuarantinedRecord(source: at, raw: raw(), field: first?.field.rawValue, reason: reason))
    }

    func label(_ field: LogicalField) -> String {
        labels[field].map { "field '\(field.rawValue)' (\($0))" } ?? "field '\(field.rawValue)'"
    }

    /// Reads fields one by one, collecting every problem rather than stopping at the first.
    private struct Reader {
        let values: FieldValues
        let typer: RecordTyper
        var problems: [Problem] = []

        init(values: FieldValues, typer: RecordTyper) {
            self.values = values
            self.typer = typer
        }

        mutating func problem(_ field: LogicalField, _ message: String) {
            problems.append(Problem(field: field, message: message))
        }

        func optionalText(_ field: LogicalField) -> String? {
            guard let text = values[field]?.trimmedOfWhitespace, !text.isEmpty else { return nil }
            return text
        }

        mutating func text(_ field: LogicalField) -> String? {
            guard let text = optionalText(field) else {
                problem(field, "missing; a value is required")
                return nil
            }
            return text
        }

        mutating func day(_ field: LogicalField, required: Bool) -> Day? {
            guard let text = required ? text(field) : optionalText(field) else { return nil }
            switch typer.dates.parse(text) {
            case .success(let day):
                return day
            case .failure(.impossible):
                problem(field, "'\(text)' is not a day of the calendar")
            case .failure(.implausible(let day)):
                let years = typer.dates.plausibleYears
                problem(field, "'\(text)' reads as \(day), outside the years \(years.lowerBound)–\(years.upperBound)")
            case .failure(.unrecognised):
                let formats = typer.dates.formats.map(\.description).joined(separator: ", ")
                problem(field, "'\(text)' is not a date in any of the formats \(formats)")
            }
            return nil
        }

        mutating func whole(_ field: LogicalField, required: Bool, range: ClosedRange<Int>, unit: String = "") -> Int? {
            guard var text = required ? text(field) : optionalText(field) else { return nil }
            if !unit.isEmpty { text = Self.strippingUnit(text) }
            guard let value = NumberParsing.wholeNumber(text.replacingSpaces(), separator: typer.decimal) else {
                problem(field, "'\(text)' is not a whole number")
                return nil
            }
            guard range.contains(value) else {
                problem(field, "\(value) is outside \(range.lowerBound)–\(range.upperBound)")
                return nil
            }
            return value
        }

        /// `8 weken`, `8 wk`, `8 weeks`, `8w` all say 8.
        static func strippingUnit(_ text: String) -> String {
            let canonical = Canonical.text(text)
            for unit in [" weken", " weeks", " week", " wk", "w", " wkn"] where canonical.hasSuffix(unit) {
                return String(canonical.dropLast(unit.count))
            }
            return text
        }

        mutating func score(_ field: LogicalField) -> Double? {
            guard let text = optionalText(field) else { return nil }
            switch NumberParsing.score(text, separator: typer.decimal) {
            case .success(let value):
                return value
            case .failure(.outOfRange(let value)):
                problem(field, "'\(text)' is \(ScoreFormatting.text(value)) on 20, outside 0–20")
            case .failure(.unreadable):
                problem(field, "'\(text)' is not a score (expected e.g. 14, 14,5, 14/20 or 70%)")
            }
            return nil
        }

        mutating func coded<T: RawRepresentable>(_ field: LogicalField, required: Bool, as type: T.Type) -> T?
        where T.RawValue == String {
            guard let text = required ? text(field) : optionalText(field) else { return nil }
            guard let map = typer.valueMaps.maps[field], let target = map.lookup(text), let value = T(rawValue: target) else {
                let known = ValueMaps.targets(of: field).map { target in
                    let words = typer.valueMaps.maps[field]?.words(for: target).prefix(4).joined(separator: ", ") ?? ""
                    return "\(target) (\(words))"
                }.joined(separator: "; ")
                problem(field, "'\(text)' is not a known value; expected one of: \(known)")
                return nil
            }
            return value
        }

        mutating func agreement(_ location: SourceLocation) -> IngestedRecord? {
            let id = text(.agreementID)
            let site = text(.site)
            let discipline = text(.discipline)
            let slots = whole(.capacity, required: true, range: 0...10_000)
            let from = day(.validFrom, required: true)
            let to = day(.validTo, required: true)
            let kind = coded(.agreementKind, required: true, as: AgreementKind.self)
            let student = optionalText(.student)
            if let from, let to, to < from {
                problem(.validTo, "\(to) is before valid_from \(from)")
            }
            if kind == .individual && student == nil {
                problem(.student, "missing; an individual agreement must name its student")
            }
            guard let id, let site, let discipline, let slots, let from, let to, let kind else { return nil }
            return .agreement(AgreementRecord(
                agreementID: id, site: site, discipline: discipline, slots: slots, validFrom: from, validTo: to,
                kind: kind, student: kind == .individual ? student : nil, supervisor: optionalText(.supervisor),
                source: location))
        }

        mutating func evaluation(_ location: SourceLocation) -> IngestedRecord? {
            let student = text(.student)
            let site = text(.site)
            let discipline = text(.discipline)
            let start = day(.startDate, required: true)
            let end = day(.endDate, required: false)
            let weeks = whole(.weeks, required: false, range: 1...104, unit: "weeks")
            let placementKind = coded(.placementKind, required: false, as: PlacementKind.self)
            let role = coded(.evaluatorRole, required: true, as: EvaluatorRole.self)
            let status = coded(.status, required: true, as: EvaluationStatus.self)
            let scores = CriterionScores(knowledgeAndSkills: score(.scoreKnowledge), patientContact: score(.scorePatient),
                                         teamwork: score(.scoreTeam))
            let finalScore = score(.finalScore)
            let submitted = day(.submitted, required: false)
            if end == nil && weeks == nil && optionalText(.endDate) == nil && optionalText(.weeks) == nil {
                problem(.endDate, "missing, and so is weeks; one of them is required")
            }
            if let start, let end, end < start {
                problem(.endDate, "\(end) is before start_date \(start)")
            }
            if role == .supervisor && status == .final && finalScore == nil && optionalText(.finalScore) == nil {
                problem(.finalScore, "missing on a supervisor's final evaluation")
            }
            guard let student, let site, let discipline, let start, let role, let status, end != nil || weeks != nil else {
                return nil
            }
            return .evaluation(EvaluationRecord(
                student: student, site: site, discipline: discipline, start: start, end: end, weeks: weeks,
                placementKind: placementKind, role: role, status: status, scores: scores, finalScore: finalScore,
                submitted: submitted, source: location))
        }

        mutating func roster(_ location: SourceLocation) -> IngestedRecord? {
            let student = text(.student)
            let year = whole(.masterYear, required: false, range: 1...6)
            guard let student else { return nil }
            return .roster(RosterRecord(student: student, masterYear: year, cohort: optionalText(.cohort), source: location))
        }
    }
}

enum ScoreFormatting {
    static func text(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let whole = hundredths / 100, rest = hundredths % 100
        if rest == 0 { return String(whole) }
        return rest % 10 == 0 ? "\(whole).\(rest / 10)" : "\(whole).\(rest < 10 ? "0" : "")\(rest)"
    }
}
