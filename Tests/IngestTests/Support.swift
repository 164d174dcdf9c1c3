import Foundation
@testable import Ingest
import Domain
import Testing

enum Fixture {
    static func path(_ name: String) throws -> String {
        let root = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return root.appendingPathComponent(name).path
    }
}

/// Everything ingest produced for one file.
struct Collected {
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

    func quarantined(atLine line: Int) -> QuarantinedRecord? {
        quarantined.first { $0.source.line == line }
    }
}

func ingest(_ spec: SourceSpec) throws -> Collected {
    var accepted: [IngestedRecord] = []
    var quarantined: [QuarantinedRecord] = []
    let report = try Ingester(spec: spec).ingest(file: spec.files[0]) { event in
        switch event {
        case .accepted(let record): accepted.append(record)
        case .quarantined(let record): quarantined.append(record)
        }
    }
    if report.rejection == nil {
        #expect(report.read == report.accepted + report.quarantined)
        #expect(report.accepted == accepted.count && report.quarantined == quarantined.count)
    } else {
        // Rejected whole: none of its records may be used, also those handed over before.
        #expect(report.accepted == 0 && report.read >= report.quarantined)
    }
    return Collected(accepted: accepted, quarantined: quarantined, report: report)
}

func csvSpec(_ kind: SourceKind, _ file: String, encoding: EncodingChoice = .auto, delimiter: DelimiterChoice = .auto,
             dates: [String] = DateParser.defaultPatterns, decimal: DecimalSeparator = .auto,
             columns: [LogicalField: [String]] = [:], limits: Limits = Limits()) throws -> SourceSpec {
    SourceSpec(name: "test", kind: kind, files: [file], format: .csv(CSVSettings(encoding: encoding, delimiter: delimiter)),
               columns: columns, dates: DateParser(formats: try dates.map { try DateFormat($0) }), decimal: decimal,
               limits: limits)
}

func xmlSpec(_ kind: SourceKind, _ file: String, record: XMLName, fields: [LogicalField: XMLPath],
             limits: Limits = Limits()) -> SourceSpec {
    var paths: [LogicalField: XMLPath] = [:]
    for field in LogicalField.fields(of: kind) {
        paths[field] = fields[field] ?? XMLPath(elements: [XMLStep(name: XMLName(namespaceURI: nil, localName: field.rawValue))],
                                                attribute: nil, text: field.rawValue)
    }
    return SourceSpec(name: "test", kind: kind, files: [file], format: .xml(XMLSettings(record: record, fields: paths)),
                      limits: limits)
}

func element(_ names: String..., attribute: String? = nil, namespace: String? = nil) -> XMLPath {
    XMLPath(elements: names.map { XMLStep(name: XMLName(namespaceURI: namespace, localName: $0)) },
            attribute: attribute.map { XMLName(namespaceURI: nil, localName: $0) },
            text: (names + (attribute.map { ["@" + $0] } ?? [])).joined(separator: "/"))
}

func day(_ year: Int, _ month: Int, _ day: Int) throws -> Day {
    try #require(Day(year: year, month: month, day: day))
}

/// A file in a fresh temporary folder, removed by the caller's `defer`.
func temporaryFile(_ name: String, _ bytes: [UInt8]) throws -> (path: String, folder: String) {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stagebalans-test-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let path = folder + "/" + name
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return (path, folder)
}
