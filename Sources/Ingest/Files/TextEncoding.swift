/// The encodings an export may come in. Every field is transcoded to UTF-8 `String`s;
/// a byte that is not valid in the encoding is an error, never replaced silently.
public enum TextEncoding: String, Sendable, Hashable, CaseIterable {
    case utf8 = "utf-8"
    case windows1252 = "windows-1252"
    case iso88591 = "iso-8859-1"

    public struct DecodingError: Error, Sendable, Equatable {
        /// Offset of the offending byte inside the decoded bytes.
        public var offset: Int
        public var byte: UInt8
        public var encoding: TextEncoding

        public var message: String {
            let hex = "0x" + String(byte, radix: 16, uppercase: true)
            switch encoding {
            case .utf8: return "byte \(hex) is not valid UTF-8 (is the file Windows-1252? set encoding: windows-1252)"
            case .windows1252: return "byte \(hex) is not defined in Windows-1252"
            case .iso88591: return "byte \(hex) cannot be decoded as ISO-8859-1"
            }
        }
    }

    public func decode<C: Collection>(_ bytes: C) throws(DecodingError) -> String where C.Element == UInt8 {
        var allASCII = true
        for byte in bytes where byte >= 0x80 {
            allASCII = false
            break
        }
        if allASCII { return String(decoding: bytes, as: UTF8.self) }
        switch self {
        case .utf8:
            if let offset = UTF8Validation.firstInvalidOffset(bytes) {
                let index = bytes.index(bytes.startIndex, offsetBy: offset)
                throw DecodingError(offset: offset, byte: bytes[index], encoding: self)
            }
            return String(decoding: bytes, as: UTF8.self)
        case .windows1252, .iso88591:
            var scalars = String.UnicodeScalarView()
            var offset = 0
            for byte in bytes {
                guard let scalar = self.scalar(for: byte) else {
                    throw DecodingError(offset: offset, byte: byte, encoding: self)
                }
                scalars.append(scalar)
                offset += 1
            }
            return String(scalars)
        }
    }

    /// Checks bytes that are to be read as UTF-8 without making a `String` of them.
    static func validateUTF8(_ bytes: UnsafeBufferPointer<UInt8>) throws(DecodingError) {
        for byte in bytes where byte >= 0x80 {
            if let offset = UTF8Validation.firstInvalidOffset(bytes) {
                throw DecodingError(offset: offset, byte: bytes[offset], encoding: .utf8)
            }
            return
        }
    }

    /// Decodes for display only (quarantine's raw text): undecodable bytes appear as `\xNN`.
    public func decodeForDisplay<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        if let text = try? decode(bytes) { return text }
        var result = ""
        var pending: [UInt8] = []
        func flush() {
            if !pending.isEmpty, let text = try? decode(pending) { result += text }
            pending.removeAll()
        }
        switch self {
        case .utf8:
            var rest = Array(bytes)[...]
            while !rest.isEmpty {
                if let bad = UTF8Validation.firstInvalidOffset(rest) {
                    result += String(decoding: rest.prefix(bad), as: UTF8.self)
                    let byte = rest[rest.startIndex + bad]
                    result += "\\x" + String(byte, radix: 16, uppercase: true)
                    rest = rest.dropFirst(bad + 1)
                } else {
                    result += String(decoding: rest, as: UTF8.self)
                    rest = []
                }
            }
        case .windows1252, .iso88591:
            for byte in bytes {
                if let scalar = scalar(for: byte) {
                    result.unicodeScalars.append(scalar)
                } else {
                    result += "\\x" + String(byte, radix: 16, uppercase: true)
                }
            }
        }
        return result
    }

    private func scalar(for byte: UInt8) -> Unicode.Scalar? {
        if byte < 0x80 || byte >= 0xA0 || self == .iso88591 { return Unicode.Scalar(byte) }
        let code = TextEncoding.windows1252High[Int(byte) - 0x80]
        return code == 0 ? nil : Unicode.Scalar(code)
    }

    /// Windows-1252 0x80–0x9F; 0 marks the five undefined bytes.
    private static let windows1252High: [UInt32] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
        0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
    ]
}

/// The UTF-8 well-formedness automaton (Unicode Table 3-7), one byte at a time, shared by
/// the per-field check and the whole-file check.
struct UTF8Automaton {
    private var need = 0
    private var lower: UInt8 = 0x80
    private var upper: UInt8 = 0xBF

    enum Verdict {
        /// The byte completes a character or continues one correctly.
        case valid
        /// The byte starts a new multi-byte sequence.
        case sequenceStart
        /// The byte cannot start a character.
        case invalidStart
        /// The byte cannot continue the sequence that started earlier: that sequence is invalid.
        case brokenSequence
    }

    var isInsideSequence: Bool { need > 0 }

    mutating func step(_ byte: UInt8) -> Verdict {
        if need == 0 {
            if byte < 0x80 { return .valid }
            lower = 0x80
            upper = 0xBF
            switch byte {
            case 0xC2...0xDF: need = 1
            case 0xE0: need = 2; lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: need = 2
            case 0xED: need = 2; upper = 0x9F
            case 0xF0: need = 3; lower = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4: need = 3; upper = 0x8F
            default: return .invalidStart
            }
            return .sequenceStart
        }
        guard byte >= lower && byte <= upper else {
            need = 0
            return .brokenSequence
        }
        lower = 0x80
        upper = 0xBF
        need -= 1
        return .valid
    }
}

enum UTF8Validation {
    /// Offset of the first byte that starts an invalid or truncated UTF-8 sequence, or nil.
    static func firstInvalidOffset<C: Collection>(_ bytes: C) -> Int? where C.Element == UInt8 {
        var automaton = UTF8Automaton()
        var sequenceStart = 0
        for (offset, byte) in bytes.enumerated() {
            switch automaton.step(byte) {
            case .valid: continue
            case .sequenceStart: sequenceStart = offset
            case .invalidStart: return offset
            case .brokenSequence: return sequenceStart
            }
        }
        return automaton.isInsideSequence ? sequenceStart : nil
    }
}
