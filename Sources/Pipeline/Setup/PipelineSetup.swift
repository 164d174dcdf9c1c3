import Foundation
import Ingest
import Normalize
import Domain

/// `stagebalans init FOLDER --exports DIR`: reads a folder of exports and writes a starting
/// pipeline definition (`FOLDER/pipeline.yml`) and reference skeletons (`sites.yml`,
/// `disciplines.yml`, `curriculum.yml`), then validates them. See docs/init.md.
public enum PipelineSetup {
    public struct Options: Sendable {
        public var folder: String
        public var exports: String
        public var force: Bool
        public var today: Day
        public var workingDirectory: String
        /// Records sampled per export (and rows per sheet).
        public var maxRecords = 5_000

        public init(folder: String, exports: String, force: Bool, today: Day,
                    workingDirectory: String = FileManager.default.currentDirectoryPath) {
            self.folder = folder
            self.exports = exports
            self.force = force
            self.today = today
            self.workingDirectory = workingDirectory
        }
    }

    public struct Result: Sendable {
        /// The files written, as shown (relative to the working folder where shorter).
        public var written: [String]
        public var definitionFile: String
        /// Exports refused (a link, a FIFO, a file that cannot be read), compiler-style.
        public var fileErrors: [Diagnostic]
        /// The written definition or reference data failing to load: a defect of init, or a name
        /// the exports hold that YAML or the reference checks refuse.
        public var definitionError: DefinitionError?
        public var validation: ValidationResult?
        /// Why `validate` could not write its quarantine (a link where `out/validate` goes, a full disk).
        public var validationFailure: OutputError?
        /// What is left for a person, by topic.
        public var leftForAPerson: [(topic: String, lines: [String])]

        public var exitStatus: ExitStatus {
            if definitionError != nil { return .badDefinition }
            if validationFailure != nil { return .outputFailed }
            if !fileErrors.isEmpty || !(validation?.rejected.isEmpty ?? true) { return .unreadableInput }
            return .success
        }
    }

    static let fileNames = ["pipeline.yml", "sites.yml", "disciplines.yml", "curriculum.yml"]

    public static func run(_ options: Options) throws(SetupFailure) -> Result {
        let folder = try SetupFiles.prepare(options.folder, names: fileNames, force: options.force)
        let shownExports = DefinitionLoader.display(DefinitionLoader.resolve(options.exports, base: options.workingDirectory),
                                                    workingDirectory: options.workingDirectory)
        let listing = try ExportFolder.list(DefinitionLoader.resolve(options.exports, base: options.workingDirectory), shownAs: shownExports)
        var (plan, fileErrors) = draft(listing, folder: folder, options: options)
        guard !plan.drafts.isEmpty else {
            let why = plan.leftOut.isEmpty ? "it holds no file" : "of its files: " + plan.leftOut.joined(separator: "; ")
            throw SetupFailure(.unreadableInput, VisibleText.marked("\(shownExports): error: no export init can read (.csv, .tsv, .txt, "
                               + ".xml or .xlsx); \(why); nothing was written"))
        }
        plan.exportsShown = ExportFolder.relative(DefinitionLoader.realPath(options.exports) ?? options.exports, from: folder)
        let texts = [DefinitionDraftText.text(plan), ReferenceDraftText.sites(plan.sites, date: options.today),
                     ReferenceDraftText.disciplines(plan.disciplines, date: options.today), ReferenceDraftText.curriculum(date: options.today)]
        try SetupFiles.write(Array(zip(fileNames, texts)), in: folder, force: options.force)
        let definitionFile = DefinitionLoader.display(folder + "/pipeline.yml", workingDirectory: options.workingDirectory)
        var result = Result(written: fileNames.map { DefinitionLoader.display(folder + "/" + $0, workingDirectory: options.workingDirectory) },
                            definitionFile: definitionFile, fileErrors: fileErrors, definitionError: nil, validation: nil,
                            validationFailure: nil, leftForAPerson: [])
        do {
            let definition = try DefinitionLoader.load(file: folder + "/pipeline.yml", workingDirectory: options.workingDirectory)
            if let files = definition.reference { _ = try ReferenceLoader.load(files) }
            do {
                result.validation = try Validation.run(definition, quarantineDirectory: try Validation.defaultQuarantineDirectory(definition))
            } catch {
                result.validationFailure = error
            }
        } catch {
            result.definitionError = error
        }
        result.leftForAPerson = SetupReview.topics(plan, fileErrors: fileErrors, validation: result.validation)
        return result
    }

    /// Reads every export and drafts its source, then the reference data from all of them.
    static func draft(_ listing: ExportFolder.Listing, folder: String, options: Options) -> (SetupPlan, [Diagnostic]) {
        var errors = listing.errors
        var leftOut = listing.errors.map { "\($0.location?.path.split(separator: "/").last.map(String.init) ?? "?"): \($0.message)" }
        leftOut += listing.passedOver
        var reads: [ExportRead] = [], stems: [String: String] = [:]
        for file in listing.files {
            if let first = stems[file.stem] {
                leftOut.append("\(file.name): the same name as \(first) (two copies of one export?); swap them if you prefer this one")
                continue
            }
            do {
                reads.append(try ExportReading.read(file, limits: Limits(), policy: InputPolicy(), maxRecords: options.maxRecords))
                stems[file.stem] = file.name
            } catch {
                errors.append(error)
                leftOut.append("\(file.name): \(error.message)")
            }
        }
        var names: Set<String> = []
        var drafts: [SourceDraft] = []
        for read in reads {
            let draft = SourceDrafting.draft(read, name: SourceDrafting.sourceName(read.file.stem, taken: names))
            guard !draft.choices.isEmpty else {
                // Not one column carries a field's name: what it holds is anybody's guess.
                let headers = read.columns.prefix(12).map { YAMLText.shown($0.label) }.joined(separator: ", ")
                errors.append(Diagnostic(.error, at: SourceLocation(path: read.file.path, line: 1),
                                         "no column's name is a name of any field (it has: \(headers.isEmpty ? "none" : headers)); "
                                         + "init cannot tell what this export holds",
                                         notes: ["add it by hand as a source whose fields: name its columns (docs/definition.md)"]))
                leftOut.append("\(read.file.name): no column's name is a name of any field")
                continue
            }
            names.insert(draft.name)
            drafts.append(draft)
        }
        var known = KnownValues()
        for draft in drafts where draft.choices.allSatisfy({ !$0.basis.isGuess }) { known.add(draft) }
        for index in drafts.indices {
            SourceDrafting.guess(&drafts[index], known: known)
            drafts[index].dates = dates(drafts[index])
            drafts[index].words = ValueWording.words(drafts[index])
        }
        let plan = SetupPlan(folder: folder, exportsShown: options.exports, drafts: drafts, leftOut: leftOut,
                             sites: SiteDrafting.drafts(SiteDrafting.collect(drafts)),
                             disciplines: DisciplineDrafting.drafts(DisciplineDrafting.collect(drafts)), date: options.today,
                             name: URL(fileURLWithPath: folder).lastPathComponent)
        return (plan, errors)
    }

    /// The dates of every date field of the source, weighed together (`dates:` is one list a source).
    static func dates(_ draft: SourceDraft) -> DateDecision? {
        let columns = draft.choices.filter { $0.field.isDate }.map { draft.read.columns[$0.column] }
        guard !columns.isEmpty else { return nil }
        let values = columns.flatMap { column in
            column.values.enumerated().compactMap { record, value in column.typedDates.contains(record) ? nil : value }
        }
        return DateDetection.decide(values, typed: columns.reduce(0) { $0 + $1.typedDates.count })
    }
}

/// The files init writes: never over an existing one without `--force`, never through a link.
enum SetupFiles {
    /// Makes the folder if it is missing; refuses when a file init writes exists and `force` is
    /// not given, before anything is read or written. Returns the folder's real path.
    static func prepare(_ folder: String, names: [String], force: Bool) throws(SetupFailure) -> String {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw SetupFailure(.outputFailed, "\(folder): error: cannot make the folder: \(error.localizedDescription)")
        }
        let real = DefinitionLoader.realPath(folder) ?? folder
        var status = stat()
        for name in names where !force && lstat(real + "/" + name, &status) == 0 {
            throw SetupFailure(.outputFailed, "\(folder)/\(name): error: the file exists; init never overwrites a file unless "
                               + "--force is given (nothing was written)")
        }
        return real
    }

    /// Writes each file whole through `TextFileWriter`: without `force` a file is linked in only
    /// where no file or link has the name; with it, renamed over the old one (a link is
    /// replaced, not followed).
    static func write(_ files: [(name: String, text: String)], in folder: String, force: Bool) throws(SetupFailure) {
        for (name, text) in files {
            do {
                let writer = try TextFileWriter(path: folder + "/" + name, replacing: force)
                try writer.write(text)
                try writer.commit()
            } catch {
                var status = stat()
                let exists = !force && lstat(folder + "/" + name, &status) == 0
                throw SetupFailure(.outputFailed, error.description + (exists ? "; give --force to overwrite it" : ""))
            }
        }
    }
}
