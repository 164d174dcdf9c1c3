import Domain

/// The value of each logical field of one record, as UTF-8 bytes: ranges into one buffer,
/// which for a UTF-8 CSV is the tokenizer's own row buffer (shared, not copied).
struct FieldValues {
    private(set) var bytes: [UInt8] = []
    private var isShared = false
    private var starts = [Int](repeating: -1, count: LogicalField.allCases.count)
    private var ends = [Int](repeating: 0, count: LogicalField.allCases.count)
    private var columns = [Int](repeating: 0, count: LogicalField.allCases.count)
    /// Fields (bits by ordinal) whose value is a workbook's date cell, as ISO text, or number
    /// cell, as plain decimal text with a `.`: typed as such, not by the source's `dates:` or
    /// `decimal:` (which are for text).
    private(set) var cells = WorkbookCells()

    /// Forgets every field; the next values are ranges into `buffer`.
    mutating func reset(sharing buffer: [UInt8]) {
        bytes = buffer
        isShared = true
        for index in starts.indices { starts[index] = -1 }
        cells = WorkbookCells()
    }

    /// Forgets every field; the next values are appended to an owned buffer.
    mutating func reset() {
        if isShared {
            bytes = []
            isShared = false
        }
        bytes.removeAll(keepingCapacity: true)
        for index in starts.indices { starts[index] = -1 }
        cells = WorkbookCells()
    }

    /// Marks the field's value as a typed workbook cell.
    mutating func mark(_ field: LogicalField, as kind: WorkbookCells.Kind) {
        cells.mark(field, kind)
    }

    mutating func restore(_ marked: WorkbookCells) {
        cells = marked
    }

    mutating func set(_ field: LogicalField, range: Range<Int>, column: Int?) {
        starts[field.ordinal] = range.lowerBound
        ends[field.ordinal] = range.upperBound
        columns[field.ordinal] = column ?? 0
    }

    mutating func append(_ field: LogicalField, utf8 text: some Collection<UInt8>, column: Int?) {
        let start = bytes.count
        bytes.append(contentsOf: text)
        set(field, range: start..<bytes.count, column: column)
    }

    /// Marks the field present (with no text yet), as an element whose text may follow.
    mutating func open(_ field: LogicalField) {
        guard starts[field.ordinal] < 0 else { return }
        set(field, range: bytes.count..<bytes.count, column: nil)
    }

    /// Adds text to the field, which arrives in pieces (text, CDATA, character references).
    /// Returns the field's length afterwards.
    @discardableResult
    mutating func extend(_ field: LogicalField, with text: UnsafeBufferPointer<UInt8>) -> Int {
        let index = field.ordinal
        if starts[index] < 0 {
            starts[index] = bytes.count
        } else if ends[index] != bytes.count {
            // Another field was written since (mixed content): move this one to the end first.
            let existing = Array(bytes[starts[index]..<ends[index]])
            starts[index] = bytes.count
            bytes.append(contentsOf: existing)
        }
        bytes.append(contentsOf: text)
        ends[index] = bytes.count
        return ends[index] - starts[index]
    }

    /// Replaces the field's value (an attribute read again).
    mutating func replace(_ field: LogicalField, with text: UnsafeBufferPointer<UInt8>) {
        starts[field.ordinal] = -1
        extend(field, with: text)
    }

    /// The fields present, in a fixed order, with their text (for messages).
    func presentFields(in order: [LogicalField]) -> [(field: LogicalField, text: String)] {
        order.compactMap { field in
            guard let range = range(field) else { return nil }
            return (field, String(decoding: bytes[range], as: UTF8.self))
        }
    }

    /// The ranges of every field by ordinal (start -1: absent), for copying a record whole.
    func withRanges<R>(_ body: (_ starts: [Int], _ ends: [Int], _ columns: [Int]) -> R) -> R {
        body(starts, ends, columns)
    }

    func range(_ field: LogicalField) -> Range<Int>? {
        let start = starts[field.ordinal]
        return start >= 0 ? start..<ends[field.ordinal] : nil
    }

    /// Drops the reference to a shared buffer, so that its owner can reuse it without a copy;
    /// an owned buffer keeps its capacity.
    mutating func releaseShared() {
        if isShared {
            bytes = []
            isShared = false
        }
    }

    func column(of field: LogicalField) -> Int? {
        let column = columns[field.ordinal]
        return column > 0 ? column : nil
    }

}

/// Which fields of a record hold a workbook's typed cells (bits by field ordinal).
struct WorkbookCells: Sendable, Hashable {
    enum Kind {
        case date, number
    }

    private(set) var dates: UInt64 = 0
    private(set) var numbers: UInt64 = 0

    var isEmpty: Bool { dates | numbers == 0 }

    mutating func mark(_ field: LogicalField, _ kind: Kind) {
        let bit: UInt64 = 1 << UInt64(field.ordinal)
        switch kind {
        case .date: dates |= bit
        case .number: numbers |= bit
        }
    }

    func isDate(_ field: LogicalField) -> Bool { dates & (1 << UInt64(field.ordinal)) != 0 }
    func isNumber(_ field: LogicalField) -> Bool { numbers & (1 << UInt64(field.ordinal)) != 0 }
}

enum Whitespace {
    /// Trims ASCII white space and the non-breaking spaces exports carry (U+00A0, U+202F).
    static func trim(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0
        var end = bytes.count
        while start < end {
            let byte = bytes[start]
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { start += 1; continue }
            if byte == 0xC2, start + 1 < end, bytes[start + 1] == 0xA0 { start += 2; continue }
            if byte == 0xE2, start + 2 < end, bytes[start + 1] == 0x80, bytes[start + 2] == 0xAF { start += 3; continue }
            break
        }
        while end > start {
            let byte = bytes[end - 1]
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { end -= 1; continue }
            if byte == 0xA0, end - 2 >= start, bytes[end - 2] == 0xC2 { end -= 2; continue }
            if byte == 0xAF, end - 3 >= start, bytes[end - 3] == 0xE2, bytes[end - 2] == 0x80 { end -= 3; continue }
            break
        }
        return UnsafeBufferPointer(rebasing: bytes[start..<end])
    }
}
