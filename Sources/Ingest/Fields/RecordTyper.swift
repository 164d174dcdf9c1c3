import Domain

/// A record ingest accepted.
public enum IngestedRecord: Sendable, Hashable {
    case agreement(AgreementRecord)
    case evaluation(EvaluationRecord)
    case roster(RosterRecord)
}

/// Turns the field texts of one record into a typed record, or says every reason it cannot.
///
/// One per file: it keeps small caches of what coded values, dates and scores parse to,
/// since exports repeat a few hundred distinct texts millions of times. Each cache stops
/// growing at `cacheLimit` entries, so memory stays bounded whatever the input.
struct RecordTyper: Sendable {
    let kind: SourceKind
    let dates: DateParser
    let decimal: DecimalSeparator
    let valueMaps: ValueMaps
    /// How a field is named in messages, e.g. `valid_from (column 'Geldig van')`.
    let labels: [LogicalField: String]

    static let cacheLimit = 4096
    /// Per coded field (by `CodedField.rawValue`), its values by position in their
    /// enumeration's `allCases`; -1 for an unknown word.
    private var codedCache: [ByteKeyTable<Int>] = CodedField.allCases.map { _ in ByteKeyTable(limit: cacheLimit) }
    private var dateCache = ByteKeyTable<Result<Day, DateParser.Failure>>(limit: cacheLimit)
    private var scoreCache = ByteKeyTable<Result<Double, NumberParsing.ScoreFailure>>(limit: cacheLimit)
    /// Scores from a workbook's number cells, always with a `.`: kept apart from `scoreCache`,
    /// where `14.5` may be read with `decimal: comma`.
    private var cellScoreCache = ByteKeyTable<Result<Double, NumberParsing.ScoreFailure>>(limit: cacheLimit)
    /// Site and discipline names repeat; interning them makes one `String` per distinct name.
    private var names = ByteKeyTable<String>(limit: 65_536)

    private var problems: [Problem] = []

    /// What is wrong with a field. A value of the row is kept apart from the words around
    /// it, so that the reason can be said with it (the office) and without it (auditors).
    struct Problem: Sendable {
        var field: LogicalField
        /// The row's value, as the message quotes it; nil when the message quotes none.
        var value: String?
        var message: String
        /// The message without `value` and anything read from it; nil: `message` will do.
        var withheld: String?

        var text: String { value.map { $0 + " " + message } ?? message }
        var withheldText: String { value == nil ? message : "the value " + (withheld ?? message) }
    }

    init(kind: SourceKind, dates: DateParser, decimal: DecimalSeparator, valueMaps: ValueMaps, labels: [LogicalField: String]) {
        self.kind = kind
        self.dates = dates
        self.decimal = decimal
        self.valueMaps = valueMaps
        self.labels = labels
    }

    /// One record's fields, trimmed, as views into the record's buffer; valid during `type`.
    private struct TrimmedFields {
        let buffer: UnsafeBufferPointer<UInt8>
        let values: FieldValues

        func bytes(_ field: LogicalField) -> UnsafeBufferPointer<UInt8>? {
            guard let range = values.range(field) else { return nil }
            return Whitespace.trim(UnsafeBufferPointer(rebasing: buffer[range]))
        }

        func isPresent(_ field: LogicalField) -> Bool { !(bytes(field)?.isEmpty ?? true) }

        func text(_ field: LogicalField) -> String? { bytes(field).map { String(decoding: $0, as: UTF8.self) } }

        func isDateCell(_ field: LogicalField) -> Bool { values.cells.isDate(field) }
        func isNumberCell(_ field: LogicalField) -> Bool { values.cells.isNumber(field) }
    }

    /// A quarantined record comes back with its raw text empty: the caller, which has the
    /// record's bytes, fills it in (a closure capturing the batch here copied it per record).
    mutating func type(_ values: FieldValues, line: Int, path: String) -> IngestEvent {
        problems.removeAll(keepingCapacity: true)
        let location = SourceLocation(path: path, line: line)
        let record: IngestedRecord? = values.bytes.withUnsafeBufferPointer { buffer in
            let row = TrimmedFields(buffer: buffer, values: values)
            switch kind {
            case .agreements: return agreement(row, location)
            case .evaluations: return evaluation(row, location)
            case .roster: return roster(row, location)
            }
        }
        if let record, problems.isEmpty { return .accepted(record) }
        let first = problems.first
        let reason = problems.map { "\(label($0.field)): \($0.text)" }.joined(separator: "; ")
        let withheld = problems.contains { $0.value != nil }
            ? problems.map { "\(label($0.field)): \($0.withheldText)" }.joined(separator: "; ") : nil
        var at = location
        if let field = first?.field { at.column = values.column(of: field) }
        return .quarantined(QuarantinedRecord(source: at, raw: "", field: first?.field.rawValue, reason: reason,
                                              withheldReason: withheld))
    }

    func label(_ field: LogicalField) -> String {
        labels[field].map { "field '\(field.rawValue)' (\($0))" } ?? "field '\(field.rawValue)'"
    }

    // MARK: Fields

    private mutating func problem(_ field: LogicalField, _ message: String) {
        problems.append(Problem(field: field, message: message))
    }

    /// A problem that quotes the field's text (`'x' is not a whole number`); `withheld` says
    /// it without what was read from the text, when `message` tells some of it.
    private mutating func problem(_ field: LogicalField, quoting row: TrimmedFields, _ message: String, withheld: String? = nil) {
        problems.append(Problem(field: field, value: "'\(row.text(field) ?? "")'", message: message, withheld: withheld))
    }

    private mutating func require(_ row: TrimmedFields, _ field: LogicalField) -> Bool {
        if row.isPresent(field) { return true }
        problem(field, "missing; a value is required")
        return false
    }

    private func optionalText(_ row: TrimmedFields, _ field: LogicalField) -> String? {
        guard let text = row.text(field), !text.isEmpty else { return nil }
        return text
    }

    private mutating func text(_ row: TrimmedFields, _ field: LogicalField) -> String? {
        guard require(row, field) else { return nil }
        return row.text(field)
    }

    /// A name that repeats across rows (site, discipline): one `String` per distinct name.
    private mutating func name(_ row: TrimmedFields, _ field: LogicalField) -> String? {
        guard require(row, field), let bytes = row.bytes(field) else { return nil }
        if bytes.count <= 15 { return String(decoding: bytes, as: UTF8.self) }
        if let known = names.value(for: bytes) { return known }
        let text = String(decoding: bytes, as: UTF8.self)
        names.insert(bytes, text)
        return text
    }

    private mutating func day(_ row: TrimmedFields, _ field: LogicalField, required: Bool) -> Day? {
        guard required ? require(row, field) : row.isPresent(field), let bytes = row.bytes(field) else { return nil }
        let parsed: Result<Day, DateParser.Failure>
        if row.isDateCell(field) {
            // A workbook's date cell, as ISO text: a date whatever the source's `dates:` say.
            parsed = ExcelNumber.day(iso: bytes).map { dates.plausibleYears.contains($0.components.year) ? .success($0) : .failure(.implausible($0)) }
                ?? .failure(.impossible)
        } else if let cached = dateCache.value(for: bytes) {
            parsed = cached
        } else {
            parsed = dates.parse(bytes: bytes)
            dateCache.insert(bytes, parsed)
        }
        switch parsed {
        case .success(let day):
            return day
        case .failure(.impossible):
            problem(field, quoting: row, "is not a day of the calendar")
        case .failure(.implausible(let day)):
            let years = dates.plausibleYears
            problem(field, quoting: row, "reads as \(day), outside the years \(years.lowerBound)–\(years.upperBound)",
                    withheld: "reads as a day outside the years \(years.lowerBound)–\(years.upperBound)")
        case .failure(.unrecognised):
            let formats = dates.formats.map(\.description).joined(separator: ", ")
            problem(field, quoting: row, "is not a date in any of the formats \(formats)")
        }
        return nil
    }

    private mutating func whole(_ row: TrimmedFields, _ field: LogicalField, required: Bool, range: ClosedRange<Int>,
                                unit: String = "") -> Int? {
        guard required ? require(row, field) : row.isPresent(field), let bytes = row.bytes(field) else { return nil }
        var value: Int?
        if bytes.count <= 9, bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            value = bytes.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        } else {
            let text = String(decoding: bytes, as: UTF8.self)
            value = NumberParsing.wholeNumber((unit.isEmpty ? text : Self.strippingUnit(text)).replacingSpaces(),
                                              separator: row.isNumberCell(field) ? .point : decimal)
        }
        guard let value else {
            problem(field, quoting: row, "is not a whole number")
            return nil
        }
        guard range.contains(value) else {
            problems.append(Problem(field: field, value: String(value), message: "is outside \(range.lowerBound)–\(range.upperBound)"))
            return nil
        }
        return value
    }

    /// `8 weken`, `8 wk`, `8 weeks`, `8w` all say 8.
    static func strippingUnit(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return text }
        let canonical = Canonical.text(text)
        for unit in [" weken", " weeks", " week", " wk", "w", " wkn"] where canonical.hasSuffix(unit) {
            return String(canonical.dropLast(unit.count))
        }
        return text
    }

    private mutating func score(_ row: TrimmedFields, _ field: LogicalField) -> Double? {
        guard let bytes = row.bytes(field), !bytes.isEmpty else { return nil }
        let parsed: Result<Double, NumberParsing.ScoreFailure>
        if row.isNumberCell(field) {
            if let cached = cellScoreCache.value(for: bytes) {
                parsed = cached
            } else {
                parsed = NumberParsing.score(String(decoding: bytes, as: UTF8.self), separator: .point)
                cellScoreCache.insert(bytes, parsed)
            }
        } else if let cached = scoreCache.value(for: bytes) {
            parsed = cached
        } else {
            parsed = NumberParsing.score(String(decoding: bytes, as: UTF8.self), separator: decimal)
            scoreCache.insert(bytes, parsed)
        }
        switch parsed {
        case .success(let value):
            return value
        case .failure(.outOfRange(let value)):
            problem(field, quoting: row, "is \(ScoreFormatting.text(value)) on 20, outside 0–20", withheld: "is a score outside 0–20")
        case .failure(.unreadable):
            problem(field, quoting: row, "is not a score (expected e.g. 14, 14,5, 14/20 or 70%)")
        }
        return nil
    }

    private mutating func coded<T: RawRepresentable>(_ row: TrimmedFields, _ codedField: CodedField, required: Bool,
                                                     cases: [T]) -> T? where T.RawValue == String {
        let field = codedField.field
        guard required ? require(row, field) : row.isPresent(field), let bytes = row.bytes(field) else { return nil }
        let index: Int
        if let cached = codedCache[codedField.rawValue].value(for: bytes) {
            index = cached
        } else {
            let target = valueMaps.maps[field]?.lookup(String(decoding: bytes, as: UTF8.self))
            index = cases.firstIndex { $0.rawValue == target } ?? -1
            codedCache[codedField.rawValue].insert(bytes, index)
        }
        guard index >= 0 else {
            let known = codedField.targets.map { target in
                let words = valueMaps.maps[field]?.words(for: target).prefix(4).joined(separator: ", ") ?? ""
                return "\(target) (\(words))"
            }.joined(separator: "; ")
            problem(field, quoting: row, "is not a known value; expected one of: \(known)")
            return nil
        }
        return cases[index]
    }

    private static let agreementKinds = AgreementKind.allCases
    private static let placementKinds = PlacementKind.allCases
    private static let roles = EvaluatorRole.allCases
    private static let statuses = EvaluationStatus.allCases

    // MARK: Records

    private mutating func agreement(_ row: TrimmedFields, _ location: SourceLocation) -> IngestedRecord? {
        let id = text(row, .agreementID)
        let site = name(row, .site)
        let discipline = name(row, .discipline)
        let slots = whole(row, .capacity, required: true, range: 0...10_000)
        let from = day(row, .validFrom, required: true)
        let to = day(row, .validTo, required: true)
        let kind = coded(row, .agreementKind, required: true, cases: Self.agreementKinds)
        let student = optionalText(row, .student)
        if let from, let to, to < from {
            problem(.validTo, "\(to) is before valid_from \(from)")
        }
        if kind == .individual && student == nil {
            problem(.student, "missing; an individual agreement must name its student")
        }
        guard let id, let site, let discipline, let slots, let from, let to, let kind else { return nil }
        return .agreement(AgreementRecord(
            agreementID: id, site: site, discipline: discipline, slots: slots, validFrom: from, validTo: to,
            kind: kind, student: kind == .individual ? student : nil, supervisor: optionalText(row, .supervisor),
            source: location))
    }

    private mutating func evaluation(_ row: TrimmedFields, _ location: SourceLocation) -> IngestedRecord? {
        let student = text(row, .student)
        let site = name(row, .site)
        let discipline = name(row, .discipline)
        let start = day(row, .startDate, required: true)
        let end = day(row, .endDate, required: false)
        let weeks = whole(row, .weeks, required: false, range: 1...104, unit: "weeks")
        let placementKind = coded(row, .placementKind, required: false, cases: Self.placementKinds)
        let role = coded(row, .evaluatorRole, required: true, cases: Self.roles)
        let status = coded(row, .status, required: true, cases: Self.statuses)
        let scores = CriterionScores(knowledgeAndSkills: score(row, .scoreKnowledge), patientContact: score(row, .scorePatient),
                                     teamwork: score(row, .scoreTeam))
        let finalScore = score(row, .finalScore)
        let submitted = day(row, .submitted, required: false)
        if end == nil && weeks == nil && !row.isPresent(.endDate) && !row.isPresent(.weeks) {
            problem(.endDate, "missing, and so is weeks; one of them is required")
        }
        if let start, let end, end < start {
            problem(.endDate, "\(end) is before start_date \(start)")
        }
        if role == .supervisor && status == .final && finalScore == nil && !row.isPresent(.finalScore) {
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

    private mutating func roster(_ row: TrimmedFields, _ location: SourceLocation) -> IngestedRecord? {
        let student = text(row, .student)
        let year = whole(row, .masterYear, required: false, range: 1...6)
        guard let student else { return nil }
        return .roster(RosterRecord(student: student, masterYear: year, cohort: optionalText(row, .cohort), source: location))
    }
}

/// A score with up to two decimals, half up, without trailing zeros: 14, 14.5, 13.33.
public enum ScoreFormatting {
    public static func text(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded(.toNearestOrAwayFromZero))
        let whole = hundredths / 100, rest = hundredths % 100
        if rest == 0 { return String(whole) }
        return rest % 10 == 0 ? "\(whole).\(rest / 10)" : "\(whole).\(rest < 10 ? "0" : "")\(rest)"
    }
}
