/// Text for human eyes (Markdown, HTML, the terminal): characters that show nothing but change
/// what the reader sees become a visible marker such as `⟨U+202E⟩`. A right-to-left override
/// in a name can make `exe.txt` read as `txt.exe`, an ESC in an export can recolour or clear the
/// terminal, a zero-width space makes two different ids look equal. Machine-readable outputs
/// (CSV, JSON, the history) keep the raw value; this is only for what a person reads.
public enum VisibleText {
    /// `text` with every hidden character marked; line feeds and tabs stay (they lay out the
    /// terminal's lines and tables). Text without any comes back as it is, without a copy.
    public static func marked(_ text: String) -> String {
        guard mayHoldHidden(text) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isHidden(scalar) {
                out.append(contentsOf: marker(scalar).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// `⟨U+202E⟩`: at least four upper-case hex digits.
    public static func marker(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "⟨U+" + String(repeating: "0", count: max(0, 4 - hex.utf8.count)) + hex + "⟩"
    }

    /// C0 and C1 controls but line feed and tab, DEL, and every format character (Unicode's Cf:
    /// the bidi embeddings, overrides and isolates U+202A–U+202E and U+2066–U+2069, U+061C, the
    /// zero-width characters U+200B–U+200F, U+2060–U+2064, U+FEFF, soft hyphen, tag characters)
    /// and the line and paragraph separators U+2028 and U+2029; and every other code point that
    /// Unicode says a renderer may show as nothing (Default_Ignorable_Code_Point).
    public static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: return false
        case 0x00..<0x20, 0x7F...0x9F: return true
        case 0x20..<0x7F, 0xA0..<0xAD: return false
        default: break
        }
        switch scalar.properties.generalCategory {
        case .format, .control, .lineSeparator, .paragraphSeparator: return true
        // Letters and marks that draw nothing: the Hangul fillers (U+115F, U+3164), the
        // combining grapheme joiner U+034F, the variation selectors. `AZ\u{3164}Alfa` reads
        // as `AZ Alfa`.
        default: return scalar.properties.isDefaultIgnorableCodePoint
        }
    }

    /// A cheap first look over the bytes: only a control byte or a non-ASCII character can be
    /// hidden, and most text (codes, dates, figures) has neither.
    static func mayHoldHidden(_ text: String) -> Bool {
        text.utf8.contains { byte in (byte < 0x20 && byte != 0x0A && byte != 0x09) || byte >= 0x7F }
    }
}
