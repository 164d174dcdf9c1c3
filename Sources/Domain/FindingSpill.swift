import Engine

// A finding's spill record (FindingStore's sorted runs on disk): code, fingerprint, key,
// message, then the source rows' byte length, so that a reader that needs no rows can skip them.
// The fingerprint is written, not recomputed: a run for auditors keys it.
extension Finding {
    /// The finding as bytes for a spill file; `decode` gives the same finding back.
    public func encode(into bytes: inout [UInt8]) {
        var writer = SpillWriter(into: bytes)
        bytes = []
        writer.byte(UInt8(FindingCode.allCases.firstIndex(of: code) ?? 0))
        writer.integer(Int(Int64(bitPattern: fingerprintHash)))
        writer.text(key)
        writer.text(message)
        let length = writer.placeholder()
        writer.integer(sourceRows.count)
        sourceRows.encode(path: { path in
            // A path is written only where it changes (sources are sorted by path): -1 otherwise.
            if let path { writer.text(path) } else { writer.integer(-1) }
        }, row: { line, column in
            writer.integer(line)
            writer.integer(column ?? -1)
        })
        writer.patchLength(at: length)
        bytes = writer.bytes
    }

    /// The finding at `offset` in `bytes`, moving `offset` past it; nil when the bytes end early.
    /// Without `sources` its source rows are skipped (the finding has none).
    public static func decode(_ bytes: UnsafeRawBufferPointer, at offset: inout Int, sources wantSources: Bool = true) -> Finding? {
        var reader = SpillReader(bytes, at: offset)
        defer { offset = reader.offset }
        guard let codeIndex = reader.byte().map(Int.init), codeIndex < FindingCode.allCases.count,
              let fingerprint = reader.integer().map({ UInt64(bitPattern: Int64($0)) }),
              let key = reader.text(), let message = reader.text(), let sourcesLength = reader.integer(),
              sourcesLength >= 0, sourcesLength <= bytes.count - reader.offset else { return nil }
        let code = FindingCode.allCases[codeIndex]
        guard wantSources else {
            _ = reader.skip(sourcesLength)
            return Finding(code: code, key: key, message: message, sourceRows: PackedSourceRows(), fingerprint: fingerprint)
        }
        guard let count = reader.integer(), count >= 0 else { return nil }
        var rows = PackedSourceRows.Builder(capacity: count)
        for _ in 0..<count {
            guard let pathLength = reader.integer() else { return nil }
            if pathLength >= 0 {
                guard let path = reader.text(length: pathLength) else { return nil }
                rows.path(path)
            }
            guard let line = reader.integer(), let column = reader.integer() else { return nil }
            rows.row(line: line, column: column < 0 ? nil : column)
        }
        // Written from a finding's sorted rows: kept as they come, not sorted again.
        return Finding(code: code, key: key, message: message, sourceRows: rows.rows, fingerprint: fingerprint)
    }
}
