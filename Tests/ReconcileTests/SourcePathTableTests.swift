import Engine
import Testing

/// The run's table of input paths: numbered in first-seen order whether it scans (a finding's
/// few paths) or looks up (a glob of many files; `scripts/many_files.sh` times that).
@Suite("Source path table")
struct SourcePathTableTests {
    @Test("paths keep their first number across the switch from scanning to an index", arguments: [3, 16, 17, 5_000])
    func numbering(count: Int) {
        var table = SourcePathTable()
        let paths = (0..<count).map { "in/evaluations_\($0).csv" }
        for (number, path) in paths.enumerated() { #expect(table.number(of: path) == number) }
        // Again, in reverse and interleaved, as rows of earlier files come back in findings.
        for (number, path) in paths.enumerated().reversed() {
            #expect(table.number(of: path) == number)
            #expect(table.number(of: paths[0]) == 0)
        }
        #expect(table.count == count)
        #expect(table.paths == paths)
    }
}
