import Foundation
@testable import Pipeline
import Domain
import Testing

/// `init` on hostile exports folders: every attack ends in a compiler-style error for that file
/// (it is left out and init exits 3), and what init writes still loads. And the files it writes
/// are never overwritten without --force, nor written through a link.
@Suite("init: hostile exports and existing files")
struct InitHostileTests {
    /// A folder with `exports/` holding one well-formed roster, so that init has a source to write.
    static func folder() throws -> String {
        let root = try temporaryFolder()
        try FileManager.default.createDirectory(atPath: root + "/exports", withIntermediateDirectories: true)
        try "studentnummer;cohort\nr001;2024-2025\n".write(toFile: root + "/exports/roster.csv", atomically: true, encoding: .utf8)
        return root
    }

    /// Init on the folder: the one error it reports for `file`, checked to read like a compiler's.
    static func error(for file: String, in root: String) throws -> String {
        let result = try InitTests.initialise(root + "/exports", into: root + "/faculty", force: true)
        #expect(result.exitStatus == .unreadableInput)
        #expect(result.definitionError == nil, "what init writes still loads")
        #expect(result.validation?.reports.count == 1, "the well-formed export is still a source")
        let errors = result.fileErrors.filter { $0.location?.path.contains(file) ?? false }
        #expect(errors.count == 1, "\(result.fileErrors)")
        let text = errors.first?.description ?? ""
        #expect(text.range(of: #"^[^:]+:\d+(:\d+)?: error: "#, options: .regularExpression) != nil, "\(text)")
        let definition = try String(contentsOfFile: root + "/faculty/pipeline.yml", encoding: .utf8)
        #expect(!definition.contains("path: \"../exports/\(file)\""), "a refused file is no source")
        return text
    }

    @Test("a folder without a readable export: an error naming each file, and nothing written")
    func nothingToRead() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/exports", withIntermediateDirectories: true)
        try "{}".write(toFile: root + "/exports/notes.json", atomically: true, encoding: .utf8)
        #expect(throws: SetupFailure.self) { try InitTests.initialise(root + "/exports", into: root + "/faculty") }
        do {
            _ = try InitTests.initialise(root + "/exports", into: root + "/faculty")
        } catch {
            #expect(error.status == .unreadableInput && error.message.contains("exports: error: no export init can read"))
            #expect(error.message.contains("notes.json: not an export"))
        }
        #expect(!FileManager.default.fileExists(atPath: root + "/faculty/pipeline.yml"))
    }

    @Test("a device is refused by what the folder says it is (/dev/null in /dev)")
    func device() throws {
        let listing = try ExportFolder.list("/dev", shownAs: "/dev")
        #expect(listing.errors.contains { $0.description == "/dev/null:1: error: is a character device, not a regular file; only regular files are read" })
        #expect(listing.files.isEmpty)
    }

    @Test("a symbolic link and a FIFO in the exports folder are refused before a byte is read")
    func notRegular() throws {
        let root = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createSymbolicLink(atPath: root + "/exports/link.csv", withDestinationPath: "/etc/passwd")
        #expect(mkfifo(root + "/exports/pipe.csv", 0o600) == 0)
        let result = try InitTests.initialise(root + "/exports", into: root + "/faculty")
        let messages = result.fileErrors.map(\.description)
        #expect(messages.contains { $0.contains("link.csv:1: error: is a symbolic link") })
        #expect(messages.contains { $0.contains("pipe.csv:1: error: is a FIFO (named pipe), not a regular file") })
        #expect(result.exitStatus == .unreadableInput)
    }

    @Test("a line longer than limits.max_record_bytes is an error at its line")
    func hugeLine() throws {
        let root = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let huge = "studentnummer;cohort\n\"" + String(repeating: "x", count: 2 << 20) + "\n"
        try huge.write(toFile: root + "/exports/huge.csv", atomically: true, encoding: .utf8)
        #expect(try Self.error(for: "huge.csv", in: root).contains("huge.csv:2: error: record is longer than 1048576 bytes"))
    }

    @Test("an XML entity bomb and an external entity are never expanded: the file is refused at the reference")
    func xmlEntities() throws {
        let root = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        var bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE r [\n<!ENTITY a \"aaaaaaaaaa\">\n"
        let names = Array("abcdefghij")
        for level in 1...9 { bomb += "<!ENTITY \(names[level]) \"" + String(repeating: "&\(names[level - 1]);", count: 10) + "\">\n" }
        bomb += "]>\n<r><e><student>&j;</student></e><e><student>x</student></e></r>\n"
        try bomb.write(toFile: root + "/exports/bomb.xml", atomically: true, encoding: .utf8)
        let external = "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n"
            + "<r><e><student>&e;</student></e><e><student>y</student></e></r>\n"
        try external.write(toFile: root + "/exports/external.xml", atomically: true, encoding: .utf8)
        let result = try InitTests.initialise(root + "/exports", into: root + "/faculty")
        let bombError = result.fileErrors.first { $0.location?.path.contains("bomb.xml") ?? false }?.description ?? ""
        let externalError = result.fileErrors.first { $0.location?.path.contains("external.xml") ?? false }?.description ?? ""
        #expect(bombError.contains("bomb.xml:") && (bombError.contains("expands without bound") || bombError.contains("is not expanded")), "\(bombError)")
        #expect(externalError.contains("external.xml:3") && externalError.contains("entity reference '&e;' is not expanded"), "\(externalError)")
        let written = try String(contentsOfFile: root + "/faculty/pipeline.yml", encoding: .utf8)
        #expect(!written.contains("root:x:0:0"), "nothing of /etc/passwd reaches what init writes")
    }

    @Test("binary junk and a workbook named .csv are refused as not CSV text")
    func binary() throws {
        let root = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        // Every byte value in turn: a ninth of them control bytes.
        try Data((0..<4096).map { UInt8(($0 * 37 + 11) % 256) }).write(to: URL(fileURLWithPath: root + "/exports/junk.csv"))
        #expect(try Self.error(for: "junk.csv", in: root).contains("junk.csv:1:1: error: byte 0xB: the file holds binary data"))
        try FileManager.default.removeItem(atPath: root + "/exports/junk.csv")
        try Data([0x50, 0x4B, 0x03, 0x04] + [UInt8](repeating: 0, count: 100)).write(to: URL(fileURLWithPath: root + "/exports/book.csv"))
        #expect(try Self.error(for: "book.csv", in: root).contains("a ZIP archive"))
        try FileManager.default.removeItem(atPath: root + "/exports/book.csv")
        try Data([0x00, 0x01, 0x02, 0x03, 0x04, 0x05] + Array("abc;def\n".utf8)).write(to: URL(fileURLWithPath: root + "/exports/nul.csv"))
        #expect(try Self.error(for: "nul.csv", in: root).contains("nul.csv:1:1: error: byte 0x0: the file holds binary data"))
    }

    @Test("an export whose columns carry no field's name, and text named .xlsx, are named and left out")
    func unknownExports() throws {
        let root = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try "colour;size\nred;3\n".write(toFile: root + "/exports/other.csv", atomically: true, encoding: .utf8)
        #expect(try Self.error(for: "other.csv", in: root).contains("other.csv:1: error: no column's name is a name of any field (it has: \"colour\", \"size\")"))
        try FileManager.default.removeItem(atPath: root + "/exports/other.csv")
        try "studentnummer;cohort\n".write(toFile: root + "/exports/text.xlsx", atomically: true, encoding: .utf8)
        #expect(try Self.error(for: "text.xlsx", in: root).contains("text.xlsx:1: error: the file is not an .xlsx workbook"))
    }

    @Test("file names a definition cannot carry are refused; one with quotes is written quoted and loads")
    func names() throws {
        let root = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let roster = "studentnummer;cohort\nr002;2024-2025\n"
        try roster.write(toFile: root + "/exports/all*.csv", atomically: true, encoding: .utf8)
        try roster.write(toFile: root + "/exports/line\nbreak.csv", atomically: true, encoding: .utf8)
        try roster.write(toFile: root + "/exports/evil\" name: x.csv", atomically: true, encoding: .utf8)
        let result = try InitTests.initialise(root + "/exports", into: root + "/faculty")
        let messages = result.fileErrors.map(\.description)
        #expect(messages.contains { $0.contains("all*.csv:1: error: the file name holds '*', which a definition's path: reads as a pattern") })
        #expect(messages.contains { $0.contains("⟨U+000A⟩break.csv:1: error: the file name holds a hidden or control character") })
        #expect(result.definitionError == nil)
        #expect(result.validation?.reports.map { URL(fileURLWithPath: $0.path).lastPathComponent }.sorted() == ["evil\" name: x.csv", "roster.csv"])
    }

    @Test("names and values from the exports cannot break out of the YAML init writes")
    func hostileValues() throws {
        let root = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let evaluations = "Student;Site;Discipline;Start date;Weeks;Role;Status\n"
            + "r1;\"AZ Evil\n  - code: X\n    name: injected\";\"urologie\u{202E}\";01/07/2025;4;supervisor;final\n"
            + "r2;\"# not a comment\";Urologie;01/07/2025;4;\"\u{1B}[31mred\";final\n"
        try evaluations.write(toFile: root + "/exports/evaluations.csv", atomically: true, encoding: .utf8)
        let result = try InitTests.initialise(root + "/exports", into: root + "/faculty")
        #expect(result.definitionError == nil, "\(result.definitionError?.description ?? "")")
        let sites = try ReferenceLoader.loadSites(root + "/faculty/sites.yml").0
        #expect(Set(sites.map(\.name)) == ["AZ Evil\n  - code: X\n    name: injected", "# not a comment"])
        let printed = SetupText.render(result, workingDirectory: "/")
        #expect(!printed.contains("\u{1B}") && !printed.contains("\u{202E}"), "nothing hidden reaches the terminal")
    }

    @Test("a link where validate writes its quarantine (FOLDER/out/validate) is refused, not written through: exit 4")
    func quarantineLink() throws {
        let root = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/faculty/out", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/elsewhere", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root + "/faculty/out/validate", withDestinationPath: root + "/elsewhere")
        let result = try InitTests.initialise(root + "/exports", into: root + "/faculty")
        #expect(result.exitStatus == .outputFailed && result.validation == nil)
        #expect(result.validationFailure?.description.contains("validate") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/elsewhere").isEmpty)
        #expect(SetupText.render(result, workingDirectory: "/").contains("validate could not write its quarantine: "))
    }

    @Test("an existing file is never overwritten without --force; with it, a link is replaced, not followed")
    func force() throws {
        let root = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = try InitTests.initialise(root + "/exports", into: root + "/faculty")
        try "# mine\n".write(toFile: root + "/faculty/sites.yml", atomically: true, encoding: .utf8)
        #expect(throws: SetupFailure.self) { try InitTests.initialise(root + "/exports", into: root + "/faculty") }
        do {
            _ = try InitTests.initialise(root + "/exports", into: root + "/faculty")
        } catch {
            #expect(error.status == .outputFailed && error.message.contains("/faculty/pipeline.yml: error: the file exists"))
        }
        #expect(try String(contentsOfFile: root + "/faculty/sites.yml", encoding: .utf8) == "# mine\n")

        try "keep\n".write(toFile: root + "/outside.yml", atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: root + "/faculty/curriculum.yml")
        try FileManager.default.createSymbolicLink(atPath: root + "/faculty/curriculum.yml", withDestinationPath: root + "/outside.yml")
        let forced = try InitTests.initialise(root + "/exports", into: root + "/faculty", force: true)
        #expect(forced.exitStatus == .success)
        #expect(try String(contentsOfFile: root + "/outside.yml", encoding: .utf8) == "keep\n", "the link's target is untouched")
        let attributes = try FileManager.default.attributesOfItem(atPath: root + "/faculty/curriculum.yml")
        #expect(attributes[.type] as? FileAttributeType == .typeRegular)
        #expect(try String(contentsOfFile: root + "/faculty/sites.yml", encoding: .utf8).hasPrefix("# Site register"))

        try FileManager.default.removeItem(atPath: root + "/faculty/pipeline.yml")
        try FileManager.default.createSymbolicLink(atPath: root + "/faculty/pipeline.yml", withDestinationPath: root + "/missing.yml")
        #expect(throws: SetupFailure.self, "a dangling link counts as an existing file") {
            try InitTests.initialise(root + "/exports", into: root + "/faculty")
        }
        #expect(!FileManager.default.fileExists(atPath: root + "/missing.yml"))
    }
}
