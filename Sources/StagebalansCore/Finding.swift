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
    public var sourceCount: Int { sourceRows.count }

    public init(code: FindingCode, key: String, message: String, sources: [SourceLocation]) {
        self.code = code
        self.key = key
        self.message = message
        sourceRows = SourceRows(sources.sortedUnique())
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

    var locations: [SourceLocation] {
        if let plain { return plain }
        return rows.map { SourceLocation(path: paths[Int($0 >> 32)], line: Int($0 & 0xFFFF_FFFF)) }
    }
}
