import Crypto

/// Keyed pseudonyms for reports that leave the office: HMAC-SHA256 of the student id under a
/// secret key, the first 12 bytes in hex. The same id and key give the same pseudonym in every
/// run, so an auditor can follow a student across reports without learning who it is.
public struct Pseudonyms: Sendable {
    /// The key's bytes (SymmetricKey is not Sendable; making one per use is cheap).
    private let key: [UInt8]

    /// At least 16 bytes of key: a shorter secret can be guessed by trying ids.
    public static let minimumKeyBytes = 16

    public init?(key bytes: [UInt8]) {
        guard bytes.count >= Self.minimumKeyBytes else { return nil }
        key = bytes
    }

    public func pseudonym(_ student: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Array(student.utf8), using: SymmetricKey(data: key))
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = Array("p-".utf8)
        for byte in code.prefix(12) {
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `text` with every word that is one of `students` replaced by its pseudonym; words are
    /// runs of letters and digits, so `student=r0123456` and `r0123456 at UZG` both change.
    public func rewrite(_ text: String, students: Set<String>) -> String {
        var out: [UInt8] = []
        var word: [UInt8] = []
        func flush() {
            guard !word.isEmpty else { return }
            let candidate = String(decoding: word, as: UTF8.self)
            if students.contains(candidate) { out += pseudonym(candidate).utf8 } else { out += word }
            word.removeAll(keepingCapacity: true)
        }
        for byte in text.utf8 {
            let isWordByte = (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
            if isWordByte { word.append(byte) } else { flush(); out.append(byte) }
        }
        flush()
        return String(decoding: out, as: UTF8.self)
    }
}
