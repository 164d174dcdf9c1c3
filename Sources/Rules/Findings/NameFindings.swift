// UNKNOWN_SITE and UNKNOWN_DISCIPLINE: a name that resolves to no code, with the closest
// known names (SPEC §4).

import Domain

public enum NameFindings {
    public enum Kind: Sendable {
        case site, discipline

        var code: FindingCode { self == .site ? .unknownSite : .unknownDiscipline }
        var word: String { self == .site ? "site" : "discipline" }
    }

    /// The spelling shown for a name typed several ways: the most frequent, then the first in
    /// text order.
    public static func shownSpelling(_ spellings: [String: Int], canonical: String) -> String {
        spellings.max(by: { ($0.value, $1.key) < ($1.value, $0.key) })?.key ?? canonical
    }

    /// One finding per canonical form of an unresolved name; `rows` are every row that used it.
    public static func unknown(_ kind: Kind, canonical: String, typed: String, rows: [SourceLocation],
                               closest: [(name: String, code: String)]) -> Finding {
        finding(kind, key: canonical, shown: "\(kind.word) '\(typed)' (\(rows.count) rows)", rows: rows, closest: closest)
    }

    /// The same finding in a run for auditors: the name is withheld (a shifted row can put a
    /// student id in the site column) and `token`, its keyed pseudonym, stands for it.
    public static func unknown(_ kind: Kind, withheldAs token: String, rows: [SourceLocation],
                               closest: [(name: String, code: String)]) -> Finding {
        finding(kind, key: token, shown: "a \(kind.word) name withheld in reports for auditors (\(token), \(rows.count) rows)",
                rows: rows, closest: closest)
    }

    private static func finding(_ kind: Kind, key: String, shown: String, rows: [SourceLocation],
                                closest: [(name: String, code: String)]) -> Finding {
        let suggestions = closest.map { "\($0.name) (\($0.code))" }.joined(separator: ", ")
        return Finding(code: kind.code, key: "\(kind.word)=\(key)",
                       message: "\(shown) is not in the register; closest: \(suggestions)", sources: rows)
    }
}
