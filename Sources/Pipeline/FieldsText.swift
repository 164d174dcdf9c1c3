import Foundation
import Domain
import Ingest

/// `stagebalans fields`: the column headers every logical field recognises without `fields:`,
/// per kind of source, and the words every coded field reads as its values without `values:`.
/// Made from `LogicalField.defaultHeaders` and `ValueMaps.defaults`, the tables ingest reads
/// by, so the list cannot drift from what is read; the README carries the Markdown form
/// (checked by a test).
public enum FieldsText {
    public enum Format: String, CaseIterable, Sendable {
        case text, md
    }

    public static func render(_ format: Format) -> String {
        switch format {
        case .text: return text()
        case .md: return markdown()
        }
    }

    /// The kinds of source that read `field`, each with whether its column is required there.
    static func readers(of field: LogicalField) -> [(kind: SourceKind, required: Bool)] {
        SourceKind.allCases.compactMap { kind in
            guard LogicalField.fields(of: kind).contains(field) else { return nil }
            return (kind, LogicalField.requiredColumns(of: kind).contains(field))
        }
    }

    /// The words of each code of a coded field, in canonical form, as they are compared.
    static func valueWords(of field: LogicalField) -> [(code: String, words: [String])] {
        ValueMaps.targets(of: field).map { code in (code, ValueMaps.defaults.maps[field]?.words(for: code) ?? []) }
    }

    static let headersNote = "Column headers, compared ignoring case, accents and punctuation (`fields:` replaces a field's list):"
    static let valuesNote = "The words of the coded fields' values, compared the same way (`values:` adds words):"

    static func text() -> String {
        var lines = ["Recognised column headers per kind of source (*: a file is refused without the column),",
                     "compared ignoring case, accents and punctuation; `fields:` in a source replaces a field's list."]
        for kind in SourceKind.allCases {
            lines += ["", kind.rawValue]
            let fields = LogicalField.fields(of: kind), required = Set(LogicalField.requiredColumns(of: kind))
            let width = (fields.map { $0.rawValue.count }.max() ?? 0) + 2
            for field in fields {
                let name = field.rawValue + (required.contains(field) ? " *" : "")
                lines += wrapped(field.defaultHeaders, first: "  " + name.padding(toLength: width, withPad: " ", startingAt: 0) + "  ",
                                 indent: width + 4)
            }
        }
        lines += ["", "The words each coded field reads as its values, compared the same way; `values:` in a source adds words."]
        for field in ValueMaps.codedFields {
            let kinds = readers(of: field).map(\.kind.rawValue).joined(separator: ", ")
            lines += ["", "\(field.rawValue) (\(kinds))"]
            let entries = valueWords(of: field)
            let width = (entries.map(\.code.count).max() ?? 0) + 2
            for entry in entries {
                lines += wrapped(entry.words, first: "  " + entry.code.padding(toLength: width, withPad: " ", startingAt: 0) + "  ",
                                 indent: width + 4)
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Words after `first`, separated by commas, in lines of at most 100 characters.
    static func wrapped(_ words: [String], first: String, indent: Int) -> [String] {
        var lines: [String] = []
        var line = first
        for (index, word) in words.enumerated() {
            let piece = word + (index < words.count - 1 ? "," : "")
            if line.count + piece.count > 100, line.count > indent {
                lines.append(line.trimmingTrailingSpaces())
                line = String(repeating: " ", count: indent)
            }
            line += piece + " "
        }
        lines.append(line.trimmingTrailingSpaces())
        return lines
    }

    /// Two compact tables: field | its headers, and field | each value with its words. Which kind of
    /// source reads which field, and which are required, is in the text form and the README.
    static func markdown() -> String {
        var lines = [headersNote, "", "| field | headers |", "|---|---|"]
        for field in LogicalField.allCases {
            lines.append("| \(field.rawValue) | " + markdownCell(field.defaultHeaders.joined(separator: ", ")) + " |")
        }
        lines += ["", valuesNote, "", "| field | value: words |", "|---|---|"]
        for field in ValueMaps.codedFields {
            let values = valueWords(of: field).map { "**\($0.code)**: " + $0.words.joined(separator: ", ") }
            lines.append("| \(field.rawValue) | " + markdownCell(values.joined(separator: "; ")) + " |")
        }
        return lines.joined(separator: "\n")
    }

    static func markdownCell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
}
