import Foundation
import Ingest
import Normalize
import Reconcile
import Domain

/// What `stagebalans run` prints: inputs, findings per code, the first findings, the outputs;
/// hidden characters in the findings' messages as markers (`VisibleText`).
public enum RunText {
    public static func render(_ result: RunResult, workingDirectory: String) -> String {
        var lines: [String] = []
        lines.append("as of \(result.asOf); placement years: " + result.reconciliation.years.map(\.description).joined(separator: ", "))
        lines.append("\(result.placementCount) placements, \(result.reconciliation.agreements.count) agreements")
        lines.append("")
        var rows = [["finding", "severity", "count"]]
        let counts = result.findingCounts
        for code in FindingCode.allCases {
            rows.append([code.rawValue, code.severity.rawValue, String(counts[code] ?? 0)])
        }
        lines += ValidationText.table(rows, rightAligned: [2])
        lines.append("")
        for finding in result.firstFindings {
            lines.append("\(finding.sources.first?.description ?? "-"): \(finding.severity.rawValue): \(finding.code.rawValue) \(finding.message)")
        }
        let total = counts.values.reduce(0, +)
        if total > 10 { lines.append("… \(total - 10) more in findings.csv") }
        lines.append("")
        let folder = DefinitionLoader.display(result.directory, workingDirectory: workingDirectory)
        lines.append((result.hold == nil ? "published" : "held") + ": \(folder) (\(result.outputs.count) files: "
                     + result.outputs.map { $0.split(separator: "/").last.map(String.init) ?? $0 }.joined(separator: ", ") + ")")
        lines.append("latest → runs/\(result.hold?.comparedWith ?? result.runID)" + (result.hold == nil ? "" : " (unchanged: held by the publish guard)"))
        return VisibleText.marked(lines.joined(separator: "\n"))
    }
}

/// `stagebalans suggest-aliases`: every unresolved name, with the alias line to paste (the alias
/// a YAML string with its hidden characters escaped, names in comments with them as markers).
public enum AliasSuggestions {
    public static func render(_ definition: PipelineDefinition) throws(RunFailure) -> String {
        let reference = try PipelineRun.reference(for: definition)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("stagebalans-suggest-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let quarantine: QuarantineWriter
        do {
            quarantine = try QuarantineWriter(directory: scratch)
        } catch {
            throw .output(error)
        }
        let (_, normalizer) = try IngestStage.read(definition, reference: reference, quarantine: quarantine)
        var lines: [String] = []
        let sites = normalizer.unresolvedSites
        let register = definition.reference?.sites ?? "the site register"
        if sites.isEmpty {
            lines.append("# every site name resolves")
        } else {
            lines.append("# \(sites.count) site names resolve to no site. Check each, then paste the lines you agree with")
            lines.append("# under `aliases:` at the end of \(register):")
            for entry in sites {
                let best = entry.suggestions.first
                let others = entry.suggestions.dropFirst().map { "\($0.name) (\($0.code))" }.joined(separator: ", ")
                let comment = "# \(entry.count) rows; best: \(best.map { "\($0.name)" } ?? "none")"
                    + (others.isEmpty ? "" : "; also close: \(others)")
                lines.append("  - {alias: \(yamlString(entry.typed)), site: \(best?.code ?? "???")}  \(comment)")
            }
        }
        let disciplines = normalizer.unresolvedDisciplines
        if !disciplines.isEmpty {
            lines.append("")
            lines.append("# \(disciplines.count) discipline names resolve to no discipline; add each to the aliases of the")
            lines.append("# discipline it means in \(definition.reference?.disciplines ?? "the taxonomy"):")
            for entry in disciplines {
                let candidates = entry.suggestions.map { "\($0.code) (\($0.name))" }.joined(separator: ", ")
                lines.append("#   \(yamlString(entry.typed)): \(entry.count) rows; closest: \(candidates)")
            }
        }
        return VisibleText.marked(lines.joined(separator: "\n"))
    }

    /// A typed name as a YAML double-quoted string to paste: hidden characters as `\u202E`
    /// escapes, so that the pasted alias is the exact name of the export (a `⟨U+202E⟩` marker
    /// would not match it) and still nothing hidden reaches the terminal.
    static func yamlString(_ name: String) -> String {
        var out = ""
        for scalar in TextEscaping.jsonString(name).unicodeScalars {
            guard VisibleText.isHidden(scalar) else {
                out.unicodeScalars.append(scalar)
                continue
            }
            let hex = String(scalar.value, radix: 16, uppercase: true)
            out += scalar.value > 0xFFFF ? "\\U" + String(repeating: "0", count: 8 - hex.count) + hex
                : "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        }
        return out
    }
}
