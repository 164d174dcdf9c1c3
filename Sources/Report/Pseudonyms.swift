import Crypto
import Foundation

/// Keyed pseudonyms for reports that leave the office (SPEC §6–§7), all HMAC-SHA256 under one
/// secret key:
///
/// - a student id becomes `p-` and the first 12 bytes of HMAC(id) in hex. The same id and key
///   give the same pseudonym in every run, so an auditor can follow a student across reports
///   without learning who it is;
/// - a name the register does not know becomes `n-` and 12 bytes of HMAC("name", name): a
///   shifted row can put a student id in the site column, and the name would show it;
/// - an individual agreement's id becomes `a-` and 12 bytes of HMAC("individual agreement", id):
///   it concerns one student and is often numbered after them;
/// - a finding's fingerprint is 8 bytes of HMAC("finding", code, key): the office's unkeyed
///   fingerprint could be brute-forced over the id space and joined with the office's reports.
///
/// The three are separated by what is hashed, so that no value of one is a value of another.
/// Values are pseudonymised where they enter the run (`Normalizer.Pseudonymisation`); no text is
/// ever searched for ids and rewritten.
public struct Pseudonyms: Sendable {
    /// HMAC keyed once: its inner and outer states copied per message, instead of the key
    /// hashed again for each (an auditors' run makes one per student and one per finding).
    private let keyed: KeyedHMAC

    /// At least 16 bytes of key: a shorter secret can be guessed by trying ids.
    public static let minimumKeyBytes = 16

    public init?(key bytes: [UInt8]) {
        guard bytes.count >= Self.minimumKeyBytes else { return nil }
        keyed = KeyedHMAC(HMAC<SHA256>(key: SymmetricKey(data: bytes)))
    }

    /// Of the id's NFC form: Swift compares strings by canonical equivalence, so `élève01`
    /// typed precomposed in one export and decomposed in another is one student, and has one
    /// pseudonym whichever spelling the run met first.
    public func pseudonym(_ student: String) -> String {
        let nfc = student.utf8.allSatisfy { $0 < 0x80 } ? student : student.precomposedStringWithCanonicalMapping
        return Self.hex(prefix: "p-", code(Array(nfc.utf8)).prefix(12))
    }

    /// A name typed in an input that resolves to nothing in the register.
    public func nameToken(_ name: String) -> String {
        Self.hex(prefix: "n-", code(Self.separated("name", [name])).prefix(12))
    }

    /// An individual agreement's id: an agreement for one student, often numbered after them
    /// (`IO-r0812345`).
    public func agreementToken(_ id: String) -> String {
        Self.hex(prefix: "a-", code(Self.separated("individual agreement", [id])).prefix(12))
    }

    /// A finding's fingerprint in a run for auditors, in place of the office's unkeyed one.
    public func fingerprint(code findingCode: String, key findingKey: String) -> UInt64 {
        code(Self.separated("finding", [findingCode, findingKey])).prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Says which key made a history's fingerprints without revealing it: a run whose check
    /// differs from the previous run's cannot compare findings with it.
    public var keyCheck: String {
        Self.hex(prefix: "hmac-sha256:", code(Self.separated("key check", [])).prefix(8))
    }

    private func code(_ message: [UInt8]) -> [UInt8] {
        var hmac = keyed.state
        hmac.update(data: message)
        return Array(hmac.finalize())
    }

    /// `domain` and each part with its length in front: ("a|b", "c") and ("a", "b|c") differ.
    private static func separated(_ domain: String, _ parts: [String]) -> [UInt8] {
        var bytes: [UInt8] = Array("stagebalans \(domain)".utf8) + [0]
        for part in parts {
            let utf8 = Array(part.utf8)
            bytes += withUnsafeBytes(of: UInt64(utf8.count).bigEndian, Array.init)
            bytes += utf8
        }
        return bytes
    }

    private static func hex(prefix: String, _ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = Array(prefix.utf8)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// An HMAC with its key already absorbed. Swift Crypto's `HMAC` is a struct of hash states
/// (values, copied on use) and a key it does not keep; it is not marked Sendable.
private struct KeyedHMAC: @unchecked Sendable {
    let state: HMAC<SHA256>

    init(_ state: HMAC<SHA256>) { self.state = state }
}
