import Foundation
import Testing

/// The executable as a user runs it: exit codes and what it prints.
@Suite("Command line")
struct CommandLineTests {
    func executable() throws -> String {
        let binary = Bundle.main.bundleURL.appendingPathComponent("stagebalans").path
        let candidates = [binary, packageRoot + "/.build/debug/stagebalans"]
        return try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0) })
    }

    func stagebalans(_ arguments: [String], in directory: String = packageRoot, environment: [String: String] = [:]) throws
        -> (status: Int32, out: String, err: String) {
        try command(try executable(), arguments, in: directory, environment: environment)
    }

    func command(_ executable: String, _ arguments: [String], in directory: String = packageRoot, environment: [String: String] = [:])
        throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // stderr is read beside stdout: a child that fills one pipe while the other is read to
        // its end would wait forever (more than 64 KB of warnings did).
        let errData = PipeReader(err.fileHandleForReading)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData.wait(), as: UTF8.self))
    }

    @Test("validate on the samples: exit 0, every source, the bad rows with file and line")
    func samples() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try stagebalans(["validate", "pipelines/sample.yml", "--quarantine-dir", folder])
        #expect(result.status == 0)
        for source in ["agreements-framework", "agreements-individual", "evaluations-2024-2025", "evaluations-xml", "roster"] {
            #expect(result.out.contains(source))
        }
        #expect(result.out.contains("samples/agreements_framework.csv:7:43: error: field 'capacity'"))
        #expect(result.err.contains("7471 records read, 7454 accepted, 17 quarantined, 0 files rejected"))
        #expect(FileManager.default.fileExists(atPath: folder + "/quarantine.csv"))
    }

    @Test("exit 3 when a file is rejected whole, 2 for a bad definition, 64 for a bad command line")
    func exitCodes() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "<lijst><student><id>r1</id></lijst>".write(toFile: folder + "/bad.xml", atomically: true, encoding: .utf8)
        try "output: out\nsources:\n  - {name: r, kind: roster, format: xml, record: student, path: bad.xml}\n"
            .write(toFile: folder + "/p.yml", atomically: true, encoding: .utf8)
        let rejected = try stagebalans(["validate", "p.yml"], in: folder)
        #expect(rejected.status == 3)
        #expect(rejected.out.contains("bad.xml:1:"))

        try "output: out\nsources:\n  - {name: r, kind: roster, format: xml, recrod: student, path: bad.xml}\n"
            .write(toFile: folder + "/wrong.yml", atomically: true, encoding: .utf8)
        let wrong = try stagebalans(["validate", "wrong.yml"], in: folder)
        #expect(wrong.status == 2)
        #expect(wrong.err.contains("wrong.yml:3:42: error: unknown field 'recrod' in a source; did you mean 'record'?"))

        #expect(try stagebalans(["validate"], in: folder).status == 64)
    }

    @Test("--help lists the exit codes")
    func help() throws {
        let result = try stagebalans(["--help"])
        #expect(result.out.contains("3  an input file could not be read as a whole"))
    }
}

@Suite("Command line: run and suggest-aliases")
struct RunCommandTests {
    let cli = CommandLineTests()

    /// The sample definition with absolute paths, writing into `folder`/`output`, optionally
    /// with another site register.
    func sampleDefinition(in folder: String, output: String = "out", sites: String? = nil) -> String {
        let text = (try? String(contentsOfFile: packageRoot + "/pipelines/sample.yml", encoding: .utf8)) ?? ""
        return text
            .replacingOccurrences(of: "output: ../out/sample", with: "output: \(folder)/\(output)")
            .replacingOccurrences(of: "../samples/", with: packageRoot + "/samples/")
            .replacingOccurrences(of: "  sites: sample/sites.yml", with: "  sites: \(sites ?? packageRoot + "/pipelines/sample/sites.yml")")
            .replacingOccurrences(of: "  disciplines: sample/", with: "  disciplines: \(packageRoot)/pipelines/sample/")
            .replacingOccurrences(of: "  curriculum: sample/", with: "  curriculum: \(packageRoot)/pipelines/sample/")
    }

    @Test("suggest-aliases prints a ready-to-paste alias for each unresolved site, with its rows and the closest names")
    func suggestAliases() throws {
        let result = try cli.stagebalans(["suggest-aliases", "pipelines/sample.yml"])
        #expect(result.status == 0)
        #expect(result.out.contains("  - {alias: \"AZ Groenige\", site: AZGR}  # 1 rows; best: AZ Groeninge"))
        #expect(result.out.contains("  - {alias: \"Jesa Ziekenhuis\", site: JESS}"))
        #expect(result.out.contains("\"cardiolgie\": 1 rows; closest: IG-CAR (cardiologie)"))

        // Pasted under `aliases:`, the lines resolve every site.
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let pasted = try String(contentsOfFile: packageRoot + "/pipelines/sample/sites.yml", encoding: .utf8)
            + result.out.split(separator: "\n").filter { $0.hasPrefix("  - ") }.joined(separator: "\n") + "\n"
        try pasted.write(toFile: folder + "/sites.yml", atomically: true, encoding: .utf8)
        let definition = sampleDefinition(in: folder, sites: folder + "/sites.yml")
        try definition.write(toFile: folder + "/p.yml", atomically: true, encoding: .utf8)
        let after = try cli.stagebalans(["run", "p.yml"], in: folder)
        #expect(after.status == 0)
        #expect(after.out.contains("UNKNOWN_SITE            error         0"))
    }

    @Test("run writes every output; a file rejected whole fails the run (exit 3) and writes nothing")
    func runOutputs() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let definition = sampleDefinition(in: folder)
        try definition.write(toFile: folder + "/p.yml", atomically: true, encoding: .utf8)
        let ok = try cli.stagebalans(["run", "p.yml", "--as-of", "2026-07-15"], in: folder)
        #expect(ok.status == 0)
        for name in ["audit.csv", "capacity.csv", "coverage.csv", "findings.csv", "findings.json", "placements.csv", "progress.csv",
                     "quarantine.csv", "quarantine.json"] {
            #expect(FileManager.default.fileExists(atPath: folder + "/out/latest/" + name), "\(name)")
        }
        #expect(ok.err.contains("findings: 3 errors, 14 warnings, 14 info"))

        let broken = sampleDefinition(in: folder, output: "out2")
            .replacingOccurrences(of: packageRoot + "/samples/roster.tsv", with: folder + "/missing.tsv")
        try broken.write(toFile: folder + "/broken.yml", atomically: true, encoding: .utf8)
        let failed = try cli.stagebalans(["run", "broken.yml"], in: folder)
        #expect(failed.status == 3)
        #expect(failed.err.contains("missing.tsv:1: error: cannot open"))
        let written = (try? FileManager.default.contentsOfDirectory(atPath: folder + "/out2")) ?? []
        #expect(!written.contains("latest") && !written.contains("runs"), "a failed run publishes nothing: \(written)")
    }

    @Test("report and plan on the command line; run --for-auditors without a key exits 2 and writes nothing")
    func coordinatorCommands() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try sampleDefinition(in: folder).write(toFile: folder + "/p.yml", atomically: true, encoding: .utf8)
        let before = try cli.stagebalans(["report", "capacity", "--pipeline", "p.yml"], in: folder)
        #expect(before.status == 2 && before.err.contains("run `stagebalans run` on this definition first"))
        #expect(try cli.stagebalans(["run", "p.yml"], in: folder).status == 0)
        let report = try cli.stagebalans(["report", "audit", "--pipeline", "p.yml", "--year", "2024-2025", "--site", "AZ Sint-Jan Brugge",
                                          "--format", "csv"], in: folder)
        #expect(report.status == 0)
        let lines = report.out.split(separator: "\n")
        #expect(lines.count == 2 && lines[1].hasPrefix("AZSJ,2024-2025,yes,"), "\(lines)")
        let noYear = try cli.stagebalans(["report", "audit", "--pipeline", "p.yml", "--year", "2024"], in: folder)
        #expect(noYear.status == 64)
        let plan = try cli.stagebalans(["plan", "--pipeline", "p.yml", "--year", "2026-2027", "--students", "300", "--group",
                                        "pediatrie", "--format", "json"], in: folder)
        #expect(plan.status == 0)
        #expect(plan.out.hasPrefix("[\n  {\"discipline_group\":\"PED\",\"year\":\"2026-2027\",\"students\":300,"))
        let auditors = try cli.stagebalans(["run", "p.yml", "--for-auditors"], in: folder)
        #expect(auditors.status == 2 && auditors.err.contains("STAGEBALANS_PSEUDONYM_KEY"))
    }

    @Test("run without reference data, or with inconsistent reference data, exits 2")
    func badReference() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "r1\n".write(toFile: folder + "/r.csv", atomically: true, encoding: .utf8)
        try "output: out\nsources:\n  - {name: r, kind: roster, format: csv, path: r.csv}\n"
            .write(toFile: folder + "/p.yml", atomically: true, encoding: .utf8)
        let none = try cli.stagebalans(["run", "p.yml"], in: folder)
        #expect(none.status == 2 && none.err.contains("names no reference data"))

        try "sites:\n  - {code: A, name: Een, kind: hospital, region: central}\n  - {code: A, name: Twee, kind: hospital, region: central}\n"
            .write(toFile: folder + "/sites.yml", atomically: true, encoding: .utf8)
        try "disciplines:\n  - {code: X, nl: x, en: x, parent: Y}\n".write(toFile: folder + "/d.yml", atomically: true, encoding: .utf8)
        try "required_weeks: {}\nclinical_weeks: 62\nscientific_weeks: 16\npass_mark: 10\n"
            .write(toFile: folder + "/c.yml", atomically: true, encoding: .utf8)
        try "output: out\nreference: {sites: sites.yml, disciplines: d.yml, curriculum: c.yml}\nsources:\n  - {name: r, kind: roster, format: csv, path: r.csv}\n"
            .write(toFile: folder + "/q.yml", atomically: true, encoding: .utf8)
        let bad = try cli.stagebalans(["run", "q.yml"], in: folder)
        #expect(bad.status == 2)
        #expect(bad.err.contains("sites.yml:3:5: error: site code 'A' is used twice"))
        #expect(bad.err.contains("d.yml:2:5: error: discipline X names parent 'Y', which does not exist"))
    }
}

/// Reads a pipe to its end on a thread of its own.
final class PipeReader: @unchecked Sendable {
    // Written once by the reading thread before `done` is signalled, read after.
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}
