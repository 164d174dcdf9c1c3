import Report
import Testing

/// The keyed values of a run for auditors, pinned to vectors computed outside Swift (Python's
/// `hmac` and `hashlib`): an auditor follows a student across reports and releases, so a
/// pseudonym must never change for the same id and key.
@Suite("Pseudonyms, name tokens and keyed fingerprints")
struct PseudonymTests {
    let keyed = Pseudonyms(key: Array("a secret of at least sixteen bytes".utf8))

    @Test("a student's pseudonym is p- and 12 bytes of HMAC-SHA256(key, id), of the id's NFC form")
    func pseudonym() throws {
        let keyed = try #require(keyed)
        #expect(keyed.pseudonym("r0812345") == "p-1f50851d8378fb3e9ee0114c")
        #expect(keyed.pseudonym("jan.peeters") == "p-348efcf2f2e8e83af00f1632")
        #expect(keyed.pseudonym("\u{E9}l\u{E8}ve01") == "p-a9740273b892085f4430ecff")
        #expect(keyed.pseudonym("e\u{301}le\u{300}ve01") == "p-a9740273b892085f4430ecff", "NFD: the same student")
    }

    @Test("name tokens, fingerprints and the key check are HMACs of their own domain, length-prefixed")
    func domains() throws {
        let keyed = try #require(keyed)
        #expect(keyed.nameToken("az groenige") == "n-9a2c4794dbfb37ffb40ed02e")
        let key = "student=p-1f50851d8378fb3e9ee0114c site=AZA discipline=IG start=2025-09-01"
        #expect(keyed.fingerprint(code: "EVALUATION_MISSING", key: key) == 0x3b0a_c535_fff7_017e)
        #expect(keyed.keyCheck == "hmac-sha256:adb6dd5c8e25dc08")
        // Length prefixes: moving a character between code and key gives another fingerprint.
        #expect(keyed.fingerprint(code: "A|", key: "B") != keyed.fingerprint(code: "A", key: "|B"))
    }

    @Test("a key under 16 bytes is refused")
    func shortKey() {
        #expect(Pseudonyms(key: Array("fifteen bytes!!".utf8)) == nil)
        #expect(Pseudonyms(key: Array("sixteen bytes!!!".utf8)) != nil)
    }
}
