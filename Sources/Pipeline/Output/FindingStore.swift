#if canImport(Glibc)
import Glibc
#endif
import Reconcile
import Domain

/// A run's findings in their order (errors first, then by code and key), read as often as the
/// reports need them. In memory for a run of one partition; for a run in partitions each
/// partition's findings go to disk as a sorted run and are merged whenever they are read:
/// half a million findings with their messages and source rows were most of a 10 M-row run's
/// memory.
final class FindingStore: @unchecked Sendable {
    /// All findings (one partition), or those not about one student's placements (partitions).
    private let held: [Finding]
    /// Files of sorted findings, one per partition.
    private let runs: [String]
    let count: Int
    let countsPerCode: [FindingCode: Int]
    let fingerprints: Set<UInt64>

    /// Findings sorted already.
    init(sorted: [Finding]) {
        held = sorted
        runs = []
        count = sorted.count
        var counts: [FindingCode: Int] = [:]
        for finding in sorted { counts[finding.code, default: 0] += 1 }
        countsPerCode = counts
        fingerprints = Set(sorted.lazy.map(\.fingerprintHash))
    }

    fileprivate init(held: [Finding], runs: [String], count: Int, countsPerCode: [FindingCode: Int], fingerprints: Set<UInt64>) {
        self.held = held
        self.runs = runs
        self.count = count
        self.countsPerCode = countsPerCode
        self.fingerprints = fingerprints
    }

    /// The findings held in memory: every finding unless the run had partitions.
    var inMemory: [Finding]? { runs.isEmpty ? held : nil }

    func count(_ severity: Severity) -> Int {
        countsPerCode.reduce(0) { $0 + ($1.key.severity == severity ? $1.value : 0) }
    }

    /// Every finding in order; with `sources: false` findings read back from disk come without
    /// their source rows (a tenth of the time: over-capacity findings list thousands).
    func forEach(sources: Bool = true, _ body: (Finding) throws(OutputError) -> Void) throws(OutputError) {
        try visit(sources: { _ in sources }) { finding throws(OutputError) in
            try body(finding)
            return true
        }
    }

    /// The first `limit` findings of each code, with their sources.
    func firstPerCode(_ limit: Int) throws(OutputError) -> [Finding] {
        var seen: [FindingCode: Int] = [:]
        var first: [Finding] = []
        try visit(sources: { code in (seen[code] ?? 0) < limit }) { finding throws(OutputError) in
            seen[finding.code, default: 0] += 1
            if (seen[finding.code] ?? 0) <= limit { first.append(finding) }
            return true
        }
        return first
    }

    /// The first `count` findings in order.
    func first(_ count: Int) throws(OutputError) -> [Finding] {
        var first: [Finding] = []
        guard count > 0 else { return first }
        try visit(sources: { _ in true }) { finding throws(OutputError) in
            first.append(finding)
            return first.count < count
        }
        return first
    }

    /// Findings in order until `body` returns false.
    private func visit(sources: (FindingCode) -> Bool, _ body: (Finding) throws(OutputError) -> Bool) throws(OutputError) {
        guard !runs.isEmpty else {
            for finding in held where try !body(finding) { return }
            return
        }
        var readers: [FindingRunReader] = []
        for path in runs { readers.append(try FindingRunReader(path: path)) }
        // The head of each source (the held findings are source 0): the least goes next.
        var heads: [(finding: Finding, source: Int)] = []
        var heldNext = 0
        if !held.isEmpty {
            heads.append((held[0], 0))
            heldNext = 1
        }
        for (index, reader) in readers.enumerated() {
            if let finding = try reader.next(sources: sources) { heads.append((finding, index + 1)) }
        }
        func before(_ a: (finding: Finding, source: Int), _ b: (finding: Finding, source: Int)) -> Bool {
            a.finding < b.finding || (!(b.finding < a.finding) && a.source < b.source)
        }
        heads.sort { before($0, $1) }
        while !heads.isEmpty {
            let (finding, source) = heads.removeFirst()
            guard try body(finding) else { return }
            var next: Finding?
            if source == 0 {
                if heldNext < held.count {
                    next = held[heldNext]
                    heldNext += 1
                }
            } else {
                next = try readers[source - 1].next(sources: sources)
            }
            guard let next else { continue }
            // Few sources (a partition each): an insertion keeps them ordered.
            let entry = (next, source)
            var low = 0, high = heads.count
            while low < high {
                let middle = (low + high) / 2
                if before(heads[middle], entry) { low = middle + 1 } else { high = middle }
            }
            heads.insert(entry, at: low)
        }
    }
}

/// Writes partitions' findings as sorted runs in a folder, counting them on the way.
struct FindingStoreBuilder {
    let directory: String
    private var runs: [String] = []
    private var count = 0
    private var countsPerCode: [FindingCode: Int] = [:]
    private var fingerprints = Set<UInt64>()

    init(directory: String) {
        self.directory = directory
    }

    /// One partition's findings, in any order.
    mutating func add(_ findings: [Finding]) throws(OutputError) {
        guard !findings.isEmpty else { return }
        let path = directory + "/findings-\(runs.count).spill"
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw OutputError(path: path, message: "cannot create the findings spill file: " + String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1 << 20 + 4096)
        func flush() throws(OutputError) {
            var written = 0
            while written < bytes.count {
                let result = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress?.advanced(by: written), bytes.count - written) }
                if result < 0 && errno == EINTR { continue }
                guard result > 0 else {
                    throw OutputError(path: path, message: "cannot write the findings spill file: " + String(cString: strerror(errno)))
                }
                written += result
            }
            bytes.removeAll(keepingCapacity: true)
        }
        for finding in Finding.inListingOrder(findings) {
            finding.encode(into: &bytes)
            count += 1
            countsPerCode[finding.code, default: 0] += 1
            fingerprints.insert(finding.fingerprintHash)
            if bytes.count >= 1 << 20 { try flush() }
        }
        try flush()
        runs.append(path)
    }

    /// The store: the runs written, and `held` (sorted) in memory.
    func finish(held: [Finding]) -> FindingStore {
        var counts = countsPerCode, all = fingerprints
        for finding in held {
            counts[finding.code, default: 0] += 1
            all.insert(finding.fingerprintHash)
        }
        return FindingStore(held: held, runs: runs, count: count + held.count, countsPerCode: counts, fingerprints: all)
    }
}

/// Reads a run of findings back a megabyte at a time.
private final class FindingRunReader {
    private let path: String
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var offset = 0
    private var atEnd = false
    /// Bytes not read yet: a small run gets a small buffer.
    private var remaining: Int

    init(path: String) throws(OutputError) {
        self.path = path
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw OutputError(path: path, message: "cannot read the findings spill file back: " + String(cString: strerror(errno)))
        }
        remaining = max(0, Int(lseek(descriptor, 0, SEEK_END)))
        lseek(descriptor, 0, SEEK_SET)
    }

    deinit { close(descriptor) }

    /// The next finding; `sources` says by its code whether to read its source rows.
    func next(sources: (FindingCode) -> Bool) throws(OutputError) -> Finding? {
        while true {
            var position = offset
            let code = offset < buffer.count ? Int(buffer[offset]) : 0
            let withSources = sources(code < FindingCode.allCases.count ? FindingCode.allCases[code] : .unknownSite)
            let decoded = buffer.withUnsafeBytes { Finding.decode($0, at: &position, sources: withSources) }
            if let decoded {
                offset = position
                return decoded
            }
            if atEnd {
                guard offset == buffer.count else {
                    throw OutputError(path: path, message: "the findings spill file ends inside a finding")
                }
                return nil
            }
            // The next finding is not whole in the buffer: keep its start, read more (a finding
            // larger than the buffer grows it).
            buffer.removeSubrange(..<offset)
            offset = 0
            let wanted = min(max(1 << 20, buffer.count), max(remaining, 1))
            let start = buffer.count
            buffer.append(contentsOf: repeatElement(0, count: wanted))
            var got = 0
            while got < wanted {
                let result = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress?.advanced(by: start + got), wanted - got) }
                if result < 0 && errno == EINTR { continue }
                guard result >= 0 else {
                    throw OutputError(path: path, message: "cannot read the findings spill file back: " + String(cString: strerror(errno)))
                }
                if result == 0 {
                    atEnd = true
                    break
                }
                got += result
            }
            remaining -= got
            buffer.removeSubrange((start + got)...)
        }
    }
}
