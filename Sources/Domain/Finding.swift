import Engine

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

    public static func < (lhs: FindingCode, rhs: FindingCode) -> Bool { lhs.position < rhs.position }

    /// The position in SPEC §4's table (`allCases`' order).
    private var position: Int { Self.positions[self] ?? 0 }
    private static let positions = Dictionary(uniqueKeysWithValues: allCases.enumerated().map { ($1, $0) })

    /// The order in which reports list findings: errors first, then warnings, then infos, and
    /// within a severity in the order of SPEC §4's table. Findings of one rank follow their keys.
    public var listingRank: Int {
        let severityRank = severity == .error ? 0 : severity == .warning ? 1 : 2
        return severityRank << 8 | position
    }
}

/// Something the office should look at, with the source rows behind it.
public struct Finding: Sendable, Hashable, Comparable {
    public let code: FindingCode
    /// What identifies the problem, e.g. `student=r0812345 site=AZGR discipline=IG-CAR start=2025-09-01`;
    /// the same problem has the same key (and fingerprint) in the next night's run.
    public let key: String
    /// FNV-1a over the code and the key, computed once: every report and the history use it.
    /// A run for auditors replaces it with a keyed one (`fingerprinted(by:)`).
    public let fingerprintHash: UInt64
    public var message: String
    let sourceRows: PackedSourceRows

    /// Every source row behind the finding, sorted.
    public var sources: [SourceLocation] {
        var locations: [SourceLocation] = []
        locations.reserveCapacity(sourceRows.count)
        forEachSource { locations.append($0) }
        return locations
    }

    /// Each source row in order, without building the array (a writer of thousands of rows).
    public func forEachSource(_ body: (SourceLocation) -> Void) {
        sourceRows.forEach { body(SourceLocation(path: $0.path, line: $0.line, column: $0.column)) }
    }

    public init(code: FindingCode, key: String, message: String, sources: [SourceLocation]) {
        let sorted = sources.sortedUnique()
        var rows = PackedSourceRows.Builder(capacity: sorted.count)
        var lastPath: String?
        for location in sorted {
            if location.path != lastPath {
                rows.path(location.path)
                lastPath = location.path
            }
            rows.row(line: location.line, column: location.column)
        }
        self.init(code: code, key: key, message: message, sourceRows: rows.rows)
    }

    /// Rows sorted and unique already (read back from a spill file); `fingerprint` as it was
    /// written, else the office's.
    init(code: FindingCode, key: String, message: String, sourceRows: PackedSourceRows, fingerprint: UInt64? = nil) {
        self.code = code
        self.key = key
        self.message = message
        self.sourceRows = sourceRows
        fingerprintHash = fingerprint ?? Self.officeFingerprint(code: code, key: key)
    }

    /// FNV-1a over the code, `|` and the key: the office's fingerprint, unchanged since the first
    /// history, so that an upgrade compares with the nights before it.
    public static func officeFingerprint(code: FindingCode, key: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in code.rawValue.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        hash = (hash ^ UInt64(UInt8(ascii: "|"))) &* 0x0000_0100_0000_01B3
        for byte in key.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }

    /// The same finding with the fingerprint `keyed` gives for its code and key (a run for
    /// auditors: see `Pseudonyms.fingerprint`).
    public func fingerprinted(by keyed: (_ code: FindingCode, _ key: String) -> UInt64) -> Finding {
        Finding(code: code, key: key, message: message, sourceRows: sourceRows, fingerprint: keyed(code, key))
    }

    public var severity: Severity { code.severity }

    /// The fingerprint's 16 hex digits: stable across runs and machines.
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

    /// `listingRank`, then the key: reports list findings the same way every night.
    public static func < (lhs: Finding, rhs: Finding) -> Bool {
        lhs.code != rhs.code ? lhs.code.listingRank < rhs.code.listingRank : lhs.key < rhs.key
    }

    /// `findings` in listing order, sorted as indices: moving the findings themselves (three
    /// counted references each) through the sort cost more than comparing them.
    public static func inListingOrder(_ findings: [Finding]) -> [Finding] {
        let rank = findings.map(\.code.listingRank)
        let order = findings.indices.sorted { a, b in
            rank[a] != rank[b] ? rank[a] < rank[b] : findings[a].key < findings[b].key
        }
        return order.map { findings[$0] }
    }
}
