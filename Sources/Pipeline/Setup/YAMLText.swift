import Domain

/// Text from an export, written into a YAML file `init` makes: always a double-quoted string
/// with every control and hidden character escaped, so that a value or a file name can neither
/// end a comment (a line break), start a key, nor hide what it is (a bidi override).
enum YAMLText {
    /// A double-quoted YAML scalar (`AliasSuggestions.yamlString`: JSON escapes plus `\uXXXX`
    /// for hidden characters).
    static func quoted(_ text: String) -> String { AliasSuggestions.yamlString(text) }

    /// Text safe inside a `#` comment: export text must come through `quoted`; this only keeps
    /// init's own words on one line.
    static func comment(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            out.unicodeScalars.append(VisibleText.isHidden(scalar) || scalar == "\n" ? " " : scalar)
        }
        return out
    }

    /// A value for a comment: quoted, cut after `limit` characters (an export's value may be
    /// long), and spaces other than the plain one shown as escapes: two spellings that differ
    /// by a no-break space must not look the same.
    static func shown(_ text: String, limit: Int = 40) -> String {
        let cut = text.count > limit ? String(text.prefix(limit)) + "…" : text
        var out = ""
        for scalar in quoted(cut).unicodeScalars {
            if scalar != " ", scalar.properties.generalCategory == .spaceSeparator {
                out += "\\u" + String(repeating: "0", count: max(0, 4 - String(scalar.value, radix: 16).count))
                    + String(scalar.value, radix: 16, uppercase: true)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Values for a comment: the first `limit`, quoted, then how many more.
    static func list(_ values: [String], limit: Int = 5) -> String {
        let shown = values.prefix(limit).map { Self.shown($0) }.joined(separator: ", ")
        return values.count > limit ? shown + " and \(values.count - limit) more" : shown
    }

    /// A plain YAML key or scalar needs no quotes when it is this simple.
    static func plain(_ text: String) -> String {
        let simple = !text.isEmpty && text.unicodeScalars.allSatisfy {
            ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || "-_./".unicodeScalars.contains($0)
        } && !["true", "false", "yes", "no", "null", "on", "off", "~"].contains(text.lowercased())
            && !(text.first.map { "-./".contains($0) } ?? false)
        return simple ? text : quoted(text)
    }

    /// Lines with a comment after each, aligned: `key: value   # why`.
    static func aligned(_ lines: [(text: String, comment: String?)], indent: String) -> [String] {
        let width = min(48, lines.filter { $0.comment != nil }.map(\.text.count).max() ?? 0)
        return lines.map { line in
            guard let comment = line.comment else { return indent + line.text }
            let padding = String(repeating: " ", count: max(1, width - line.text.count + 2))
            return indent + line.text + padding + "# " + Self.comment(comment)
        }
    }
}

/// Numbers as a person reads them in a comment: `1,204`.
extension Int {
    var grouped: String {
        let digits = String(magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return (self < 0 ? "-" : "") + out
    }
}
