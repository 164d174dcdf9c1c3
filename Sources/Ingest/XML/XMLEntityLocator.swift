#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where in the file an entity reference stands, for the message that rejects it. libxml2 keeps
/// no column in its nodes, gives a record's entity reference the record's line, and reports an
/// amplification bomb where it noticed it (the DOCTYPE's first line); the reader needs the
/// reference the user has to look at. Only a file that is rejected is scanned, once, from its
/// start to the reference, a block at a time through the descriptor already open.
struct XMLEntityLocator {
    struct Reference: Equatable {
        var name: String
        var line: Int
        /// In characters, 1-based.
        var column: Int
    }

    let descriptor: Int32

    /// The first reference to `name` at or after `line`; with no name, the first reference in
    /// the document's content (after the DOCTYPE's internal subset) to an entity that is not
    /// one of XML's five predefined ones.
    func firstReference(named name: String? = nil, fromLine line: Int = 1) -> Reference? {
        var scanner = Scanner(wanted: name.map { Array($0.utf8) }, fromLine: line)
        var block = [UInt8](repeating: 0, count: 1 << 16)
        var offset: off_t = 0
        while true {
            let count = block.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, offset) }
            guard count > 0 else { return nil }
            offset += off_t(count)
            for byte in block.prefix(count) {
                if let found = scanner.take(byte) { return found }
            }
        }
    }

    /// A byte-at-a-time state machine: lines and columns, the DOCTYPE's internal subset to
    /// skip, and the reference being read.
    private struct Scanner {
        let wanted: [UInt8]?
        let fromLine: Int
        var line = 1, column = 0
        /// Bytes of `<!DOCTYPE` matched so far, and whether the internal subset is open.
        var doctypeMatched = 0, inDoctype = false, inSubset = false
        var reference: [UInt8]?
        var referenceColumn = 0
        static let doctype = Array("<!DOCTYPE".utf8)
        static let predefined: Set<[UInt8]> = Set(["amp", "lt", "gt", "quot", "apos"].map { Array($0.utf8) })

        init(wanted: [UInt8]?, fromLine: Int) {
            self.wanted = wanted
            self.fromLine = fromLine
        }

        mutating func take(_ byte: UInt8) -> Reference? {
            if byte == 0x0A {
                line += 1
                column = 0
                reference = nil
                return nil
            }
            // A UTF-8 continuation byte is part of the character before it.
            if byte & 0xC0 != 0x80 { column += 1 }
            trackDoctype(byte)
            if inSubset { return nil }
            if byte == UInt8(ascii: "&") {
                reference = []
                referenceColumn = column
                return nil
            }
            guard var name = reference else { return nil }
            if byte == UInt8(ascii: ";") {
                reference = nil
                return found(name)
            }
            let isNameByte = byte >= 0x80 || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: ":") || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
            if isNameByte && name.count < 256 {
                name.append(byte)
                reference = name
            } else {
                reference = nil
            }
            return nil
        }

        private func found(_ name: [UInt8]) -> Reference? {
            guard !name.isEmpty, line >= fromLine else { return nil }
            if let wanted { guard name == wanted else { return nil } } else if Self.predefined.contains(name) { return nil }
            return Reference(name: String(decoding: name, as: UTF8.self), line: line, column: referenceColumn)
        }

        /// `<!DOCTYPE name [ … ]>`: references inside the brackets are declarations, not uses.
        private mutating func trackDoctype(_ byte: UInt8) {
            if inSubset {
                if byte == UInt8(ascii: "]") { inSubset = false }
                return
            }
            if inDoctype {
                if byte == UInt8(ascii: "[") { inSubset = true }
                if byte == UInt8(ascii: ">") { inDoctype = false }
                return
            }
            doctypeMatched = byte == Self.doctype[doctypeMatched] ? doctypeMatched + 1 : (byte == Self.doctype[0] ? 1 : 0)
            if doctypeMatched == Self.doctype.count {
                inDoctype = true
                doctypeMatched = 0
            }
        }
    }
}
