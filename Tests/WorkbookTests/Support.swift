import Domain
import Foundation
@testable import Ingest
import Pipeline
import Testing

/// Everything ingest produced for one workbook.
struct Read {
    var accepted: [IngestedRecord] = []
    var quarantined: [QuarantinedRecord] = []
    var report: FileReport

    var agreements: [AgreementRecord] {
        accepted.compactMap { if case .agreement(let record) = $0 { return record } else { return nil } }
    }

    var evaluations: [EvaluationRecord] {
        accepted.compactMap { if case .evaluation(let record) = $0 { return record } else { return nil } }
    }

    var roster: [RosterRecord] {
        accepted.compactMap { if case .roster(let record) = $0 { return record } else { return nil } }
    }

    /// The whole file's rejection, as the terminal shows it.
    var rejection: String? { report.rejection?.description }
}

func xlsxSpec(_ kind: SourceKind, _ path: String, sheet: SheetChoice = .first, headerRow: Int? = nil,
              dates: DateParser = .standard, decimal: DecimalSeparator = .auto, limits: Limits = Limits()) -> SourceSpec {
    SourceSpec(name: "test", kind: kind, files: [path],
               format: .xlsx(XLSXSettings(sheet: sheet, headerRow: headerRow, opener: WorkbookZip.opener)),
               dates: dates, decimal: decimal, limits: limits)
}

func read(_ spec: SourceSpec, threading: Ingester.Threading = .never, observer: (any ByteObserver)? = nil) throws -> Read {
    var accepted: [IngestedRecord] = []
    var quarantined: [QuarantinedRecord] = []
    let report = try Ingester(spec: spec, threading: threading).ingest(file: spec.files[0], observer: observer) { event in
        switch event {
        case .accepted(let record): accepted.append(record)
        case .quarantined(let record): quarantined.append(record)
        }
    }
    if report.rejection == nil {
        #expect(report.read == report.accepted + report.quarantined)
    } else {
        #expect(report.accepted == 0)
    }
    return Read(accepted: accepted, quarantined: quarantined, report: report)
}

/// Writes a workbook of these entries and reads it as a source.
func read(_ kind: SourceKind, entries: [ZipBuilder.Entry], sheet: SheetChoice = .first, headerRow: Int? = nil,
          dates: DateParser = .standard, decimal: DecimalSeparator = .auto, limits: Limits = Limits(),
          name: String = "book.xlsx") throws -> Read {
    try read(kind, bytes: ZipBuilder(entries).build(), sheet: sheet, headerRow: headerRow, dates: dates, decimal: decimal,
             limits: limits, name: name)
}

func read(_ kind: SourceKind, bytes: [UInt8], sheet: SheetChoice = .first, headerRow: Int? = nil,
          dates: DateParser = .standard, decimal: DecimalSeparator = .auto, limits: Limits = Limits(),
          name: String = "book.xlsx") throws -> Read {
    let folder = try TestFolder()
    defer { folder.remove() }
    let path = try folder.write(name, bytes)
    var result = try read(xlsxSpec(kind, path, sheet: sheet, headerRow: headerRow, dates: dates, decimal: decimal, limits: limits))
    // Messages without the temporary folder, as a user sees them for a relative path.
    if let shown = result.report.rejection?.location?.path.replacingOccurrences(of: folder.path + "/", with: "") {
        result.report.rejection?.location?.path = shown
    }
    for index in result.quarantined.indices {
        result.quarantined[index].source.path = result.quarantined[index].source.path.replacingOccurrences(of: folder.path + "/", with: "")
    }
    return result
}

/// A cell: `c("B2", "<v>3</v>", type: "s", style: 1)`.
func c(_ reference: String, _ inner: String, type: String? = nil, style: Int? = nil) -> String {
    let typeAttribute = type.map { " t=\"\($0)\"" } ?? ""
    let styleAttribute = style.map { " s=\"\($0)\"" } ?? ""
    return "<c r=\"\(reference)\"\(typeAttribute)\(styleAttribute)>\(inner)</c>"
}

/// An inline string cell.
func text(_ reference: String, _ value: String) -> String {
    c(reference, "<is><t>\(value)</t></is>", type: "inlineStr")
}

/// A header row of inline strings from column A on.
func header(_ row: Int, _ names: [String]) -> String {
    WorkbookParts.row(row, names.enumerated().map { text(CellReferenceText.column($0.offset + 1) + "\(row)", $0.element) })
}

enum CellReferenceText {
    static func column(_ number: Int) -> String { CellReference.letters(number) }
}

/// The agreements header the tests use: the default names of the agreements' fields.
let agreementHeader = ["Agreement ID", "Site", "Discipline", "Capacity", "Valid from", "Valid to", "Kind", "Student", "Supervisor"]

func day(_ text: String) -> Day? { DateParser(formats: [DateParser.iso], plausibleYears: 1...9999).parse(text).success }

extension Result {
    var success: Success? {
        if case .success(let value) = self { return value }
        return nil
    }
}
