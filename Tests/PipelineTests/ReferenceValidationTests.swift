import Foundation
import Testing

/// `validate` checks the reference data as `run` loads it: every kind of reference error that
/// run refuses fails validate too, with exit 2 and the same `path:line:col: error:` lines.
@Suite("validate checks the reference data as run does")
struct ReferenceValidationTests {
    let cli = CommandLineTests()

    /// One broken reference: what to write over the valid files, and what the error must say.
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var files: [String: String]
        /// Files to make folders instead (a reference file that is not a regular file).
        var folders: [String] = []
        var expected: String
        var testDescription: String { name }
    }

    static let sites = """
        sites:
          - {code: A, name: Een, kind: hospital, region: central}
          - {code: B, name: Twee, kind: hospital, region: peripheral}
        aliases:
          - {alias: "Eentje", site: A}

        """
    static let disciplines = """
        disciplines:
          - {code: IG, nl: interne, en: internal}
          - {code: IG-CAR, nl: cardiologie, en: cardiology, parent: IG}
          - {code: WET, nl: wetenschap, en: science}

        """
    static let curriculum = "required_weeks: {IG: 8}\nclinical_weeks: 62\nscientific_weeks: 16\nscientific_group: WET\npass_mark: 10\n"

    /// Stands for a register written in Latin-1 (see `faculty`).
    static let latin1Marker = "(latin-1)"

    static func replacing(_ text: String, _ old: String, _ new: String) -> String { text.replacingOccurrences(of: old, with: new) }

    static let cases: [Case] = [
        Case(name: "a site kind of another spelling (kind: gp)",
             files: ["sites.yml": replacing(sites, "kind: hospital, region: central", "kind: gp, region: central")],
             expected: "sites.yml:2:32: error: unknown kind 'gp'; did you mean 'gp-practice'? (one of: hospital, gp-practice, other)"),
        Case(name: "an unknown region", files: ["sites.yml": replacing(sites, "region: peripheral", "region: rural")],
             expected: "sites.yml:3:51: error: unknown region 'rural' (one of: central, peripheral, abroad)"),
        Case(name: "a site code used twice", files: ["sites.yml": replacing(sites, "code: B", "code: A")],
             expected: "sites.yml:3:5: error: site code 'A' is used twice"),
        Case(name: "an alias to a site the register lacks", files: ["sites.yml": replacing(sites, "site: A}", "site: Z}")],
             expected: "sites.yml:5:5: error: alias 'Eentje' names site 'Z', which is not in the register"),
        Case(name: "a misspelt key", files: ["sites.yml": replacing(sites, "kind: hospital, region: central", "knd: hospital, region: central")],
             expected: "sites.yml:2:26: error: unknown field 'knd' in a site; did you mean 'kind'?"),
        Case(name: "a missing key", files: ["sites.yml": replacing(sites, "name: Twee, ", "")],
             expected: "sites.yml:3:5: error: a site needs 'name'"),
        Case(name: "two sites of one name", files: ["sites.yml": replacing(sites, "name: Twee", "name: Een")],
             expected: "sites.yml:3:5: error: 'Een' of site B reads the same as a name of site A"),
        Case(name: "a parent that does not exist", files: ["d.yml": replacing(disciplines, "parent: IG}", "parent: XX}")],
             expected: "d.yml:3:5: error: discipline IG-CAR names parent 'XX', which does not exist"),
        Case(name: "a cycle of parents",
             files: ["d.yml": replacing(disciplines, "en: internal}", "en: internal, parent: IG-CAR}")],
             expected: "d.yml:2:5: error: discipline IG is its own ancestor (a cycle through IG)"),
        Case(name: "two disciplines of one name", files: ["d.yml": replacing(disciplines, "nl: wetenschap", "nl: interne")],
             expected: "d.yml:4:5: error: 'interne' of discipline WET reads the same as a name of IG"),
        Case(name: "required weeks of a group the taxonomy lacks", files: ["c.yml": replacing(curriculum, "IG: 8", "XY: 8")],
             expected: "c.yml:1:18: error: the curriculum requires weeks of 'XY', which is not a discipline; "
                 + "name a discipline group of the taxonomy (closest: IG) or add 'XY' to it"),
        Case(name: "the scientific group under required_weeks", files: ["c.yml": replacing(curriculum, "IG: 8", "WET: 8")],
             expected: "c.yml:1:23: error: 'WET' is the scientific_group"),
        Case(name: "a scientific group that is no discipline", files: ["c.yml": replacing(curriculum, "scientific_group: WET", "scientific_group: WT")],
             expected: "c.yml:4:19: error: the curriculum's scientific_group 'WT' is not a discipline; name a discipline group"),
        Case(name: "a scientific group that is a sub-discipline",
             files: ["c.yml": replacing(curriculum, "scientific_group: WET", "scientific_group: IG-CAR")],
             expected: "c.yml:4:19: error: the curriculum's scientific_group 'IG-CAR' is not a discipline group: it has parent 'IG'"),
        Case(name: "a pass mark out of range", files: ["c.yml": replacing(curriculum, "pass_mark: 10", "pass_mark: 24")],
             expected: "c.yml:5:12: error: pass_mark must be a score from 0 to 20, not '24'"),
        Case(name: "weeks that are no number", files: ["c.yml": replacing(curriculum, "clinical_weeks: 62", "clinical_weeks: many")],
             expected: "c.yml:2:17: error: clinical_weeks must be a whole number from 0 to 500, not 'many'"),
        Case(name: "broken YAML", files: ["sites.yml": replacing(sites, "aliases:", "aliases: [")],
             expected: "sites.yml:5:3: error: YAML:"),
        Case(name: "an alias as a key (hostile YAML)", files: ["c.yml": "a: &a [1]\n*a : 2\n"],
             expected: "c.yml:2:1: error: YAML: the alias *a is used as a mapping key"),
        Case(name: "an empty file", files: ["d.yml": ""], expected: "d.yml:1: error: the file is empty"),
        Case(name: "a file that is not UTF-8", files: ["sites.yml": latin1Marker],
             expected: "sites.yml:2:22: error: cannot read reference data: the file is not UTF-8 text; save it as UTF-8"),
        Case(name: "a missing file", files: ["c.yml": "-"], expected: "c.yml:1: error: cannot read reference data: cannot open"),
        Case(name: "a folder instead of a file", files: ["c.yml": "-"], folders: ["c.yml"],
             expected: "c.yml:1: error: cannot read reference data: is a folder, not a regular file"),
        Case(name: "a register kept as CSV with a wrong kind",
             files: ["sites.csv": "code,name,kind,region\nA,Een,gp,central\n"],
             expected: "sites.csv:2:7: error: unknown kind 'gp'; did you mean 'gp-practice'?"),
    ]

    /// A faculty with one roster and the valid reference data, then the case's files over it.
    func faculty(_ broken: Case) throws -> String {
        let folder = try temporaryFolder()
        var files = ["r.csv": "student;cohort\nr1;2020\n", "sites.yml": Self.sites, "d.yml": Self.disciplines, "c.yml": Self.curriculum]
        files.merge(broken.files) { _, new in new }
        let sites = files["sites.csv"] == nil ? "sites.yml" : "sites.csv"
        files["p.yml"] = "output: out\nreference: {sites: \(sites), disciplines: d.yml, curriculum: c.yml}\n"
            + "sources:\n  - {name: r, kind: roster, format: csv, path: r.csv}\n"
        for (name, text) in files where text != "-" {
            try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8)
        }
        if broken.files["sites.yml"] == Self.latin1Marker {
            // "één" in Latin-1: bytes that are no UTF-8, at line 2, column 22.
            let bytes = Array("sites:\n  - {code: A, name: \"".utf8) + [0xE9, 0xE9, 0x6E]
                + Array("\", kind: hospital, region: central}\n".utf8)
            try Data(bytes).write(to: URL(fileURLWithPath: folder + "/sites.yml"))
        }
        for name in broken.folders { try FileManager.default.createDirectory(atPath: folder + "/" + name, withIntermediateDirectories: true) }
        return folder
    }

    @Test("validate passes the valid reference data and names what it loaded")
    func valid() throws {
        let folder = try faculty(Case(name: "valid", files: [:], expected: ""))
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try cli.stagebalans(["validate", "p.yml"], in: folder)
        #expect(result.status == 0, "\(result.err)")
        #expect(result.err.contains("reference data valid (2 sites, 3 disciplines)"))
        #expect(!result.err.contains("error:"))
    }

    @Test("each kind of reference error: validate exits 2 with the error run gives, at the same file, line and column",
          arguments: cases)
    func sameAsRun(_ broken: Case) throws {
        let folder = try faculty(broken)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let validate = try cli.stagebalans(["validate", "p.yml"], in: folder)
        let run = try cli.stagebalans(["run", "p.yml"], in: folder)
        #expect(validate.status == 2)
        #expect(run.status == 2)
        let errors = { (text: String) in text.split(separator: "\n").filter { $0.contains(": error: ") }.map(String.init) }
        #expect(!errors(run.err).isEmpty && errors(validate.err) == errors(run.err), "validate:\n\(validate.err)\nrun:\n\(run.err)")
        #expect(errors(validate.err).first?.hasPrefix(broken.expected) == true, "\(validate.err)")
        #expect(validate.err.contains("reference data invalid"))
        // The exports are still read and reported: the roster's one record.
        #expect(validate.out.contains("r.csv") && validate.err.contains("1 records read"))
    }

    @Test("a definition without reference data: validate reads the exports and warns that run refuses it; run exits 2")
    func notNamed() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "student;cohort\nr1;2020\n".write(toFile: folder + "/r.csv", atomically: true, encoding: .utf8)
        try "output: out\nsources:\n  - {name: r, kind: roster, format: csv, path: r.csv}\n"
            .write(toFile: folder + "/p.yml", atomically: true, encoding: .utf8)
        let validate = try cli.stagebalans(["validate", "p.yml"], in: folder)
        #expect(validate.status == 0)
        #expect(validate.err.contains("p.yml:1: warning: the definition names no reference data: the exports were read, but `run` refuses it"))
        #expect(validate.err.contains("no reference data named"))
        #expect(try cli.stagebalans(["run", "p.yml"], in: folder).status == 2)
    }
}
