import Foundation
import Testing

/// The executable as a user runs it: exit codes and what it prints.
@Suite("Command line")
struct CommandLineTests {
    func stagebalans(_ arguments: [String], in directory: String = packageRoot) throws -> (status: Int32, out: String, err: String) {
        let binary = Bundle.main.bundleURL.appendingPathComponent("stagebalans").path
        let candidates = [binary, packageRoot + "/.build/debug/stagebalans"]
        let executable = try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0) })
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
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
        #expect(result.err.contains("7469 records read, 7453 accepted, 16 quarantined, 0 files rejected"))
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
