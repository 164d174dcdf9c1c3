import Domain

/// What a run's changes are compared with, as facts: each format writes the sentence in its
/// language (`ReportPageContent.changesNote` is the page's).
public struct ComparisonNote: Sendable, Hashable {
    /// The previous successful run and its as-of date; nil on the first run.
    public var previousRun: String?
    public var previousAsOf: String?
    public var changes: Int
    /// The finding fingerprints were made with another key than the previous run's.
    public var fingerprintsRekeyed: Bool

    public init(previousRun: String?, previousAsOf: String?, changes: Int, fingerprintsRekeyed: Bool) {
        self.previousRun = previousRun
        self.previousAsOf = previousAsOf
        self.changes = changes
        self.fingerprintsRekeyed = fingerprintsRekeyed
    }

    /// No run before this one to compare with.
    public var isFirstRun: Bool { previousRun == nil }

    /// The sentence in `language`.
    public func text(_ language: ReportLanguage) -> String {
        var note: String
        if let previousRun {
            // The history keeps the as-of date as yyyy-mm-dd; shown in the language's order.
            let asOf = previousAsOf.map { text in ColumnType.day(text).map(language.date) ?? text } ?? ""
            note = language.text("Compared with run \(previousRun) (as of \(asOf)): \(language.integer(changes)) changes.",
                                 "Vergeleken met run \(previousRun) (stand op \(asOf)): \(language.integer(changes)) wijzigingen.")
        } else {
            note = language.text("This is the first run: there is nothing to compare with.",
                                 "Dit is de eerste run: er is niets om mee te vergelijken.")
        }
        if fingerprintsRekeyed { note += " " + Self.rekeyed(language) }
        return note
    }

    /// Why no finding is compared this night, when the fingerprints' key changed.
    public static func rekeyed(_ language: ReportLanguage) -> String {
        language.text("The finding fingerprints were re-keyed since that run (the first run for auditors "
                      + "with keyed fingerprints, or a new pseudonym key): there are no findings to compare this night, and no finding is "
                      + "listed as new or resolved. The next run compares them again.",
                      "De vingerafdrukken van de bevindingen zijn sinds die run met een andere sleutel gemaakt (de eerste run voor "
                      + "auditors met gesleutelde vingerafdrukken, of een nieuwe pseudoniemsleutel): vannacht zijn er geen bevindingen "
                      + "om te vergelijken, en geen bevinding staat als nieuw of opgelost. De volgende run vergelijkt ze weer.")
    }
}
