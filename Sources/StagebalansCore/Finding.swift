/// The findings of SPEC §4, each with its fixed severity.
public enum FindingCode: String, Sendable, Hashable, CaseIterable, Comparable {
    case unknownSite = "UNKNOWN_SITE"
    case unknownDiscipline = "UNKNOWN_DISCIPLINE"
    case noAgreement = "NO_AGREEMENT"
    case outsideValidity = "OUTSIDE_VALIDITY"
    case overCapacity = "OVER_CAPACITY"
    case evaluationMissing = "EVALUATION_MISSING"
    case duplicateEvaluation = "DUPLICATE_EVALUATION"
    case overlappingPlacements = "OVERLAPPING_PLACEMENTS"
    case weeksMismatch = "WEEKS_MISMATCH"
    case agreementExpiring = "AGREEMENT_EXPIRING"
    case agreementUnused = "AGREEMENT_UNUSED"

    public var severity: Severity {
        switch self {
        case .unknownSite, .unknownDiscipline: return .error
        case .agreementExpiring, .agreementUnused: return .info
        default: return .warning
        }
    }

    public static func < (lhs: FindingCode, rhs: FindingCode) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }
}

/// Something the office should look at, with the source rows behind it.
public struct Finding: Sendable, Hashable, Comparable {
    public let code: FindingCode
    /// What identifies the problem, e.g. `student=r0812345 site=AZGR discipline=IG-CAR start=2025-09-01`;
    /// the same problem has the same key (and fingerprint) in the next night's run.
    public let key: String
    /// FNV-1a over the code and the key, computed once: every report and the history use it.
    public let fingerprintHash: UInt64
    public var message: String
    private let sourceRows: SourceRows

    /// Every source row behind the finding, sorted.
    public var sources: [SourceLocation] { sourceRows.locations }

    /// Each source row in order, without building the array (a writer of thousands of rows).
    public func forEachSource(_ body: (SourceLocation) -> Void) { sourceRows.forEach(body) }
    public var sourceCount: Int { sourceRows.count }

    public init(code: FindingCode, key: String, message: String, sources: [SourceLocation]) {
        self.init(code: code, key: key, message: message, sourceRows: SourceRows(sources.sortedUnique()))
    }

    /// Rows sorted and unique already (read back from a spill file).
    init(code: FindingCode, key: String, message: String, sourceRows: SourceRows) {
        self.code = code
        self.key = key
        self.message = message
        self.sourceRows = sourceRows
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in code.rawValue.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        hash = (hash ^ UInt64(UInt8(ascii: "|"))) &* 0x0000_0100_0000_01B3
        for byte in key.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        fingerprintHash = hash
    }

    public var severity: Severity { code.severity }

    /// 16 hex digits of FNV-1a over the code and the key: stable across runs and machines.
    public var fingerprint: String { String(unsafeUninitializedCapacity: 16) { Self.writeHex(fingerprintHash, into: $0) } }

    /// The 16 lower-case hex digits of `hash` into `buffer` (at least 16 bytes); returns 16.
    @inlinable
    public static func writeHex(_ hash: UInt64, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        for index in 0..<16 {
            let nibble = UInt8(truncatingIfNeeded: hash >> (60 - 4 * UInt64(index))) & 0x0F
            buffer[index] = nibble < 10 ? 0x30 + nibble : 0x57 + nibble
        }
        return 16
    }

    /// Errors first, then by code and key, so that reports list them the same way every night.
    public static func < (lhs: Finding, rhs: Finding) -> Bool {
        if lhs.severity != rhs.severity { return lhs.severity > rhs.severity }
        if lhs.code != rhs.code { return lhs.code < rhs.code }
        return lhs.key < rhs.key
    }
}

/// A placement year runs from 1 July to 30 June; `startYear` 2025 is `2025-2026`.
public struct PlacementYear: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let startYear: Int

    public init(startYear: Int) {
        self.startYear = startYear
    }

    /// The year that contains `day`.
    public init(containing day: Day) {
        let (year, month, _) = day.components
        startYear = month >= 7 ? year : year - 1
    }

    public init?(label: String) {
        let parts = label.split(separator: "-")
        guard parts.count == 2, let first = Int(parts[0]), let second = Int(parts[1]), second == first + 1 else { return nil }
        startYear = first
    }

    public var firstDay: Day { Day(year: startYear, month: 7, day: 1) ?? Day(daysSinceEpoch: 0) }
    public var lastDay: Day { Day(year: startYear + 1, month: 6, day: 30) ?? Day(daysSinceEpoch: 0) }

    public func contains(_ day: Day) -> Bool { firstDay <= day && day <= lastDay }

    public var description: String { "\(startYear)-\(startYear + 1)" }

    public static func < (lhs: PlacementYear, rhs: PlacementYear) -> Bool { lhs.startYear < rhs.startYear }
}

/// Source rows as (path, line) packed in one integer each, every path once: a finding about
/// thousands of rows (an over-capacity run) held 40 bytes and a string reference per row as
/// SourceLocations, a third of a 10 M-row run's memory. Rows with a column, or a line beyond
/// 32 bits, are kept as they are.
struct SourceRows: Sendable, Hashable {
    private var paths: [String] = []
    private var rows: [UInt64] = []
    private var plain: [SourceLocation]?

    init(_ locations: [SourceLocation]) {
        guard locations.allSatisfy({ $0.column == nil && $0.line >= 0 && $0.line <= Int(UInt32.max) }) else {
            plain = locations
            return
        }
        rows.reserveCapacity(locations.count)
        var last = -1
        for location in locations {
            if last < 0 || paths[last] != location.path {
                if let known = paths.firstIndex(of: location.path) {
                    last = known
                } else {
                    paths.append(location.path)
                    last = paths.count - 1
                }
            }
            rows.append(UInt64(last) << 32 | UInt64(location.line))
        }
    }

    var count: Int { plain?.count ?? rows.count }

    func forEach(_ body: (SourceLocation) -> Void) {
        if let plain {
            plain.forEach(body)
            return
        }
        for row in rows { body(SourceLocation(path: paths[Int(row >> 32)], line: Int(row & 0xFFFF_FFFF))) }
    }

    /// For the spill encoding: `path` with the path where it changes (nil where it does not),
    /// then `row` with the line and column.
    func encode(path: (String?) -> Void, row: (Int, Int?) -> Void) {
        if let plain {
            var last: String?
            for location in plain {
                path(location.path == last ? nil : location.path)
                last = location.path
                row(location.line, location.column)
            }
            return
        }
        var last = -1
        for packed in rows {
            let index = Int(packed >> 32)
            path(index == last ? nil : paths[index])
            last = index
            row(Int(packed & 0xFFFF_FFFF), nil)
        }
    }

    /// Rows in order, already sorted and unique, packed as they come.
    struct Builder {
        private var paths: [String] = []
        private var current = -1
        private var packed: [UInt64] = []
        private var locations: [SourceLocation] = []
        private var plain = false

        init(capacity: Int) { packed.reserveCapacity(capacity) }

        mutating func path(_ path: String) {
            if let known = paths.firstIndex(of: path) {
                current = known
            } else {
                paths.append(path)
                current = paths.count - 1
            }
        }

        mutating func row(line: Int, column: Int?) {
            let path = current >= 0 ? paths[current] : ""
            if !plain && (column != nil || line < 0 || line > Int(UInt32.max) || current < 0) {
                plain = true
                locations = packed.map { SourceLocation(path: paths[Int($0 >> 32)], line: Int($0 & 0xFFFF_FFFF)) }
            }
            if plain {
                locations.append(SourceLocation(path: path, line: line, column: column))
            } else {
                packed.append(UInt64(current) << 32 | UInt64(line))
            }
        }

        var rows: SourceRows { plain ? SourceRows(plain: locations) : SourceRows(paths: paths, packed: packed) }
    }

    private init(plain: [SourceLocation]) { self.plain = plain }

    private init(paths: [String], packed: [UInt64]) {
        self.paths = paths
        rows = packed
    }

    var locations: [SourceLocation] {
        if let plain { return plain }
        return rows.map { SourceLocation(path: paths[Int($0 >> 32)], line: Int($0 & 0xFFFF_FFFF)) }
    }
}

extension Finding {
    /// The finding as bytes for a spill file: code, key, message and source rows; `decode`
    /// gives the same finding back.
    public func encode(into bytes: inout [UInt8]) {
        func integer(_ value: Int) {
            var value = UInt64(bitPattern: Int64(value))
            for _ in 0..<8 {
                bytes.append(UInt8(truncatingIfNeeded: value))
                value >>= 8
            }
        }
        func text(_ value: String) {
            integer(value.utf8.count)
            bytes.append(contentsOf: value.utf8)
        }
        bytes.append(UInt8(FindingCode.allCases.firstIndex(of: code) ?? 0))
        text(key)
        text(message)
        // The sources' byte length first, so that a reader can skip them.
        let lengthAt = bytes.count
        integer(0)
        integer(sourceRows.count)
        sourceRows.encode(path: { index in
            // A path is written only where it changes (sources are sorted by path): -1 otherwise.
            if let index { text(index) } else { integer(-1) }
        }, row: { line, column in
            integer(line)
            integer(column ?? -1)
        })
        var length = UInt64(bytes.count - lengthAt - 8)
        for index in 0..<8 {
            bytes[lengthAt + index] = UInt8(truncatingIfNeeded: length)
            length >>= 8
        }
    }

    /// The finding at `offset` in `bytes`, moving `offset` past it; nil when the bytes end early.
    /// Without `sources` its source rows are skipped (the finding has none).
    public static func decode(_ bytes: UnsafeRawBufferPointer, at offset: inout Int, sources wantSources: Bool = true) -> Finding? {
        func integer() -> Int? {
            guard offset + 8 <= bytes.count else { return nil }
            var value: UInt64 = 0
            for index in 0..<8 { value |= UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
            offset += 8
            return Int(Int64(bitPattern: value))
        }
        func text(length: Int) -> String? {
            guard length >= 0, offset + length <= bytes.count else { return nil }
            defer { offset += length }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)]), as: UTF8.self)
        }
        guard offset < bytes.count else { return nil }
        let codeIndex = Int(bytes[offset])
        offset += 1
        guard codeIndex < FindingCode.allCases.count, let keyLength = integer(), let key = text(length: keyLength),
              let messageLength = integer(), let message = text(length: messageLength), let sourcesLength = integer(),
              sourcesLength >= 0, offset + sourcesLength <= bytes.count else { return nil }
        guard wantSources else {
            offset += sourcesLength
            return Finding(code: FindingCode.allCases[codeIndex], key: key, message: message, sources: [])
        }
        guard let count = integer(), count >= 0 else { return nil }
        var rows = SourceRows.Builder(capacity: count)
        for _ in 0..<count {
            guard let pathLength = integer() else { return nil }
            if pathLength >= 0 {
                guard let read = text(length: pathLength) else { return nil }
                rows.path(read)
            }
            guard let line = integer(), let column = integer() else { return nil }
            rows.row(line: line, column: column < 0 ? nil : column)
        }
        // Written from a finding's sorted rows: kept as they come, not sorted again.
        return Finding(code: FindingCode.allCases[codeIndex], key: key, message: message, sourceRows: rows.rows)
    }
}
