/// A small open-addressing hash table keyed by byte strings, with a hard limit on its entries.
///
/// The typed-field caches look up every date, score and coded value of every row; keying a
/// `Dictionary` by `String` meant creating and hashing a `String` per field, which was the
/// largest cost of CSV ingest after the Unicode look-ups (perf on 2 M rows). This table hashes
/// the bytes in place (FNV-1a) and copies a key only when it is inserted.
struct ByteKeyTable<Value: Sendable>: Sendable {
    private var arena: [UInt8] = []
    private var slots: [Int32]
    private var keyStarts: [Int32] = []
    private var keyLengths: [Int32] = []
    private var hashes: [UInt64] = []
    private var values: [Value] = []
    let limit: Int

    init(limit: Int) {
        self.limit = limit
        slots = Array(repeating: -1, count: 64)
    }

    var count: Int { values.count }

    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in key {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    func value(for key: UnsafeBufferPointer<UInt8>) -> Value? {
        let hash = Self.hash(key)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = Int(slots[slot])
            if entry < 0 { return nil }
            if hashes[entry] == hash, Int(keyLengths[entry]) == key.count, matches(entry, key) { return values[entry] }
            slot = (slot + 1) & mask
        }
    }

    private func matches(_ entry: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = Int(keyStarts[entry])
        return arena.withUnsafeBufferPointer { stored in
            for index in 0..<key.count where stored[start + index] != key[index] { return false }
            return true
        }
    }

    /// Stores `value` unless the table is full; a full table simply stops caching.
    mutating func insert(_ key: UnsafeBufferPointer<UInt8>, _ value: Value) {
        guard values.count < limit, arena.count + key.count < Int(Int32.max) else { return }
        if (values.count + 1) * 2 > slots.count { grow() }
        let hash = Self.hash(key)
        keyStarts.append(Int32(arena.count))
        keyLengths.append(Int32(key.count))
        arena.append(contentsOf: key)
        hashes.append(hash)
        values.append(value)
        place(values.count - 1, hash: hash)
    }

    private mutating func place(_ entry: Int, hash: UInt64) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(entry)
    }

    private mutating func grow() {
        slots = Array(repeating: -1, count: slots.count * 2)
        for entry in values.indices { place(entry, hash: hashes[entry]) }
    }
}
