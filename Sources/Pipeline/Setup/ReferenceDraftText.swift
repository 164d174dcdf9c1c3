import Domain

/// `sites.yml`, `disciplines.yml` and `curriculum.yml` as init writes them, in the form
/// `pipelines/sample/*.yml` uses, every guess with its reason in a comment.
enum ReferenceDraftText {
    static func sites(_ sites: [SiteDraft], date: Day) -> String {
        var lines = [
            "# Site register written by `stagebalans init` on \(date) from the site names in the exports: one",
            "# site per name (names that differ only in case, accents, spacing, initials with dots, St./Sint or",
            "# a campus suffix are one name and need no alias). CHECK every site: the code is a suggestion,",
            "# kind and region are guesses (each says why), and city and country are yours to fill in.",
            "# kind: hospital | gp-practice | other; region: central | peripheral | abroad.",
            "sites:",
        ]
        for site in sites {
            var entry: [(text: String, comment: String?)] = [
                ("- code: \(YAMLText.plain(site.code))", "suggested from the name; \(site.rows.grouped) records"),
                ("  name: \(YAMLText.quoted(site.name))", site.sameName.isEmpty ? nil
                    : "also written " + site.sameName.prefix(4).map { "\(YAMLText.shown($0.spelling)) (\($0.rows))" }.joined(separator: ", ")),
            ]
            if !site.aliases.isEmpty {
                entry.append(("  aliases:", nil))
                entry += site.aliases.map { ("    - \(YAMLText.quoted($0.spelling))", "CHECK: \($0.rows) records; \($0.why)") }
            }
            entry.append(("  kind: \(site.kind.rawValue)", "CHECK: \(site.kindWhy)"))
            entry.append(("  region: \(site.region.rawValue)", "CHECK: \(site.regionWhy)"))
            lines += YAMLText.aligned(entry, indent: "  ")
            lines += site.nearly.map { "    # CHECK: \(YAMLText.shown($0)) is a separate site with a name this close: the same site twice?" }
            lines.append("    # city: \"\"   country: \"\"")
        }
        if sites.isEmpty { lines.append("  []   # CHECK: no export names a site") }
        lines += ["", "# Aliases added later, e.g. pasted from `stagebalans suggest-aliases`:", "#   - {alias: \"...\", site: CODE}",
                  "aliases:"]
        return lines.joined(separator: "\n") + "\n"
    }

    static func disciplines(_ disciplines: [DisciplineDraft], date: Day) -> String {
        var lines = [
            "# Discipline taxonomy written by `stagebalans init` on \(date) from the discipline names in the",
            "# exports. Codes, Dutch and English names and groups come from stagebalans's discipline thesaurus",
            "# (data/discipline-thesaurus.tsv) where it knows a name; every spelling the exports use is an alias.",
            "# A sub-discipline names its group as parent and counts towards it. CHECK the groups against your",
            "# faculty's (SPEC §1: a placement in cardiology counts towards internal medicine).",
            "disciplines:",
        ]
        for discipline in disciplines {
            var entry: [(text: String, comment: String?)] = [
                ("- code: \(YAMLText.plain(discipline.code))", (discipline.isGuess ? "CHECK: " : "") + discipline.why),
                ("  nl: \(YAMLText.quoted(discipline.dutch))", nil),
                ("  en: \(YAMLText.quoted(discipline.english))", discipline.isGuess ? "CHECK: the English name" : nil),
            ]
            if !discipline.aliases.isEmpty {
                entry.append(("  aliases:", nil))
                entry += discipline.aliases.map { alias in
                    ("    - \(YAMLText.quoted(alias.spelling))", alias.check.map { "CHECK: \(alias.rows) records; \($0)" })
                }
            }
            if let parent = discipline.parent { entry.append(("  parent: \(YAMLText.plain(parent))", nil)) }
            lines += YAMLText.aligned(entry, indent: "  ")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// SPEC §1's model trajectory, with the thesaurus's group codes.
    static func curriculum(date: Day) -> String {
        """
        # Curriculum written by `stagebalans init` on \(date): the model trajectory of SPEC §1, one Flemish
        # faculty's master in medicine (62 weeks of clinical placement, 16 of scientific placement).
        # CHECK it against your own programme: other faculties differ. Group codes are those of
        # disciplines.yml.
        required_weeks:
          HK: 8    # surgery (heelkunde)
          IG: 8    # internal medicine (interne geneeskunde)
          PED: 4   # paediatrics (pediatrie)
          HA: 4    # general practice (huisartsgeneeskunde)
          GYN: 4   # gynaecology-obstetrics (gynaecologie-verloskunde)
          BV: 2    # medical imaging (beeldvorming)
        blocks:
          - {name: "Orientation with limited choice", weeks: 12}
          - {name: "Free choice, at home or abroad", weeks: 12}
          - {name: "Free choice for the specialty track", weeks: 8}
          - {name: "Scientific placement", weeks: 16}
        clinical_weeks: 62
        scientific_weeks: 16
        # The scientific placement's group: its weeks are the SCIENTIFIC progress row, not a row of
        # its own; in coverage its required weeks are scientific_weeks.
        scientific_group: WET
        pass_mark: 10   # on 20

        """
    }
}
