@testable import Ingest
import Domain
import Testing

@Suite("Days, dates, numbers and encodings")
struct ValueTests {
    @Test func dayRoundTrip() throws {
        for (y, m, d) in [(1970, 1, 1), (2024, 2, 29), (2025, 6, 30), (2025, 7, 1), (1900, 3, 1), (2100, 12, 31)] {
            let value = try day(y, m, d)
            #expect(value.components == (y, m, d))
        }
        #expect(Day(year: 2025, month: 2, day: 29) == nil)
        #expect(Day(year: 2100, month: 2, day: 29) == nil)
        #expect(Day(year: 2000, month: 2, day: 29) != nil)
        #expect(try day(2025, 7, 1).description == "2025-07-01")
        #expect(try day(2025, 7, 1).daysSinceEpoch - day(2025, 6, 30).daysSinceEpoch == 1)
    }

    @Test("every date form of SPEC §3", arguments: [
        ("01/07/2025", "2025-07-01"), ("1/7/2025", "2025-07-01"), ("1-7-2025", "2025-07-01"), ("2025-07-01", "2025-07-01"),
        ("1 juli 2025", "2025-07-01"), ("1 JULI 2025", "2025-07-01"), ("15 sept. 2025", "2025-09-15"), ("3 mrt 2026", "2026-03-03"),
        ("29 februari 2024", "2024-02-29"), ("1 août 2025", "2025-08-01"), ("45839", "2025-07-01"), ("59", nil), ("61", nil),
    ] as [(String, String?)])
    func dates(text: String, expected: String?) throws {
        let parser = DateParser.standard
        switch parser.parse(text) {
        case .success(let day): #expect(day.description == expected)
        case .failure: #expect(expected == nil)
        }
    }

    @Test func excelSerialsOutsideThePlausibleYears() throws {
        let wide = DateParser(formats: [try DateFormat("excel")], plausibleYears: 1800...2200)
        #expect(try wide.parse("59").get().description == "1900-02-28")
        #expect(try wide.parse("61").get().description == "1900-03-01")
        #expect(wide.parse("60") == .failure(.impossible))
    }

    @Test func impossibleAndUnrecognisedDates() throws {
        let parser = DateParser.standard
        #expect(parser.parse("31/02/2025") == .failure(.impossible))
        #expect(parser.parse("2025/07/01") == .failure(.unrecognised))
        #expect(parser.parse("32 juli 2025") == .failure(.impossible))
        #expect(parser.parse("1 juillet-ish 2025") == .failure(.unrecognised))
        guard case .failure(.implausible) = parser.parse("01/07/2205") else {
            Issue.record("a year 2205 must be refused as implausible")
            return
        }
    }

    @Test("the first format in the list decides; formats are never guessed")
    func formatOrder() throws {
        let dayFirst = DateParser(formats: [try DateFormat("d/m/yyyy"), try DateFormat("m/d/yyyy")])
        #expect(try dayFirst.parse("03/04/2025").get().description == "2025-04-03")
        let monthFirst = DateParser(formats: [try DateFormat("m/d/yyyy")])
        #expect(try monthFirst.parse("03/04/2025").get().description == "2025-03-04")
        #expect(monthFirst.parse("13/04/2025") == .failure(.impossible))
        #expect(throws: DateFormat.InvalidFormat.self) { try DateFormat("dd/mm/yy") }
        #expect(throws: DateFormat.InvalidFormat.self) { try DateFormat("dd/mm") }
        #expect(throws: DateFormat.InvalidFormat.self) { try DateFormat("dd/qq/yyyy") }
    }

    @Test("scores in every form of SPEC §3 on the 0–20 scale", arguments: [
        ("14", 14.0), ("14,5", 14.5), ("14.5", 14.5), ("14/20", 14.0), ("7/10", 14.0), ("70%", 14.0), ("70 %", 14.0),
        ("0", 0.0), ("20", 20.0), ("100%", 20.0),
    ])
    func scores(text: String, expected: Double) {
        #expect(NumberParsing.score(text, separator: .auto) == .success(expected))
    }

    @Test func badScores() {
        #expect(NumberParsing.score("24", separator: .auto) == .failure(.outOfRange(24)))
        #expect(NumberParsing.score("21/20", separator: .auto) == .failure(.outOfRange(21)))
        #expect(NumberParsing.score("101%", separator: .auto) == .failure(.outOfRange(20.2)))
        #expect(NumberParsing.score("goed", separator: .auto) == .failure(.unreadable))
        #expect(NumberParsing.score("14/0", separator: .auto) == .failure(.unreadable))
        #expect(NumberParsing.score("14.5", separator: .comma) == .failure(.unreadable))
        #expect(NumberParsing.score("14,5", separator: .point) == .failure(.unreadable))
        #expect(NumberParsing.score("1,2,3", separator: .auto) == .failure(.unreadable))
    }

    @Test func wholeNumbers() {
        #expect(NumberParsing.wholeNumber("3", separator: .auto) == 3)
        #expect(NumberParsing.wholeNumber("3,0", separator: .comma) == 3)
        #expect(NumberParsing.wholeNumber("2,5", separator: .comma) == nil)
        #expect(NumberParsing.wholeNumber("drie", separator: .auto) == nil)
        #expect(NumberParsing.wholeNumber("-1", separator: .auto) == nil)
    }

    @Test func encodings() throws {
        #expect(try TextEncoding.windows1252.decode([0x80, 0x20, 0xE9, 0xA0]) == "€ é\u{00A0}")
        #expect(try TextEncoding.iso88591.decode([0x80, 0xE9]) == "\u{0080}é")
        #expect(throws: TextEncoding.DecodingError(offset: 1, byte: 0x81, encoding: .windows1252)) {
            try TextEncoding.windows1252.decode([0x41, 0x81])
        }
        #expect(throws: TextEncoding.DecodingError(offset: 3, byte: 0xE9, encoding: .utf8)) {
            try TextEncoding.utf8.decode(Array("Caf".utf8) + [0xE9])
        }
        #expect(try TextEncoding.utf8.decode(Array("Café €".utf8)) == "Café €")
        #expect(TextEncoding.utf8.decodeForDisplay(Array("Caf".utf8) + [0xE9, 0x21]) == "Caf\\xE9!")
        // Overlong and surrogate encodings are not UTF-8.
        #expect(UTF8Validation.firstInvalidOffset([0xC0, 0x80]) == 0)
        #expect(UTF8Validation.firstInvalidOffset([0x41, 0xED, 0xA0, 0x80]) == 1)
        #expect(UTF8Validation.firstInvalidOffset([0xE2, 0x82]) == 0)
    }

    @Test func canonicalText() {
        #expect(Canonical.text("  Rôl\u{00A0}Beoordelaar ") == "rol beoordelaar")
        #expect(Canonical.text("Contact met de Patiënt") == "contact met de patient")
        #expect(Canonical.text("Niet-erkend") == Canonical.text("NIET ERKEND"))
        #expect(Canonical.text("Start__Date") == "start date")
    }

    @Test func valueMaps() {
        let maps = ValueMaps.defaults
        #expect(maps.maps[.agreementKind]?.lookup("Niet-Erkend") == "individual")
        #expect(maps.maps[.agreementKind]?.lookup("x") == "framework")
        #expect(maps.maps[.agreementKind]?.lookup("J") == "framework")
        #expect(maps.maps[.evaluatorRole]?.lookup("Stagemeester") == "supervisor")
        #expect(maps.maps[.status]?.lookup("Definitief") == "final")
        #expect(maps.maps[.placementKind]?.lookup("Huisartsenstage") == "general-practice")
        var custom = maps
        custom.maps[.agreementKind]?.merge(target: "individual", words: ["x"])
        #expect(custom.maps[.agreementKind]?.lookup("X") == "individual")
    }
}
