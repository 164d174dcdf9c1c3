import ArgumentParser
import Pipeline

extension FieldsText.Format: ExpressibleByArgument {}

struct Fields: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the column headers every logical field recognises and the words every coded field reads.",
        discussion: """
            Per kind of source (agreements, evaluations, roster), each field with the headers it finds \
            without `fields:` in the definition, and for kind, placement_kind, evaluator_role and status \
            the words read as each value without `values:`. --format md writes the two tables the README \
            carries.

            Example: stagebalans fields --format md > fields.md
            """)

    @Option(help: "text (for the terminal) or md (two Markdown tables).")
    var format: FieldsText.Format = .text

    func run() {
        print(FieldsText.render(format))
    }
}
