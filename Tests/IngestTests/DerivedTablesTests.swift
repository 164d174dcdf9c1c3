import Foundation
@testable import Ingest
import Domain
import Testing

/// The positions that index per-field tables are derived from the declarations, so a new field
/// or a new coded field cannot leave a hand-kept switch behind.
@Suite("Derived ordinals and caches")
struct DerivedTablesTests {
    @Test("a logical field's ordinal is its position in allCases, and fits the byte it is read from")
    func ordinals() {
        #expect(MemoryLayout<LogicalField>.size == 1)
        #expect(LogicalField.allCases.count <= Int(UInt8.max) + 1)
        for (position, field) in LogicalField.allCases.enumerated() {
            #expect(field.ordinal == position, "\(field)")
            #expect(LogicalField.byOrdinal[field.ordinal] == field)
        }
        #expect(LogicalField.allCases.sorted() == LogicalField.allCases)
    }

    @Test("every coded field has its own cache position, its codes, and a default value map onto exactly them")
    func codedFields() {
        #expect(CodedField.allCases.map(\.rawValue) == Array(CodedField.allCases.indices))
        #expect(Set(ValueMaps.codedFields).count == CodedField.allCases.count)
        for coded in CodedField.allCases {
            #expect(CodedField(coded.field) == coded)
            #expect(ValueMaps.targets(of: coded.field) == coded.targets)
            let mapped = Set(ValueMaps.defaults.maps[coded.field]?.entries.values.map { $0 } ?? [])
            #expect(mapped == Set(coded.targets), "\(coded)")
        }
        let uncoded = LogicalField.allCases.filter { !ValueMaps.codedFields.contains($0) }
        #expect(uncoded.allSatisfy { CodedField($0) == nil && ValueMaps.targets(of: $0).isEmpty })
    }

    @Test("one word meaning something else in each coded field: each field reads it through its own cache")
    func separateCaches() throws {
        let csv = "student,site,discipline,start_date,weeks,placement_kind,evaluator_role,status\n"
            + "r1,AZ,IM,1/9/2024,4,a,a,a\n" + "r2,AZ,IM,1/10/2024,4,a,a,a\n"
        let (path, folder) = try temporaryFile("evaluations.csv", Array(csv.utf8))
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var spec = try csvSpec(.evaluations, path)
        spec.valueMaps.maps[.placementKind]?.merge(target: PlacementKind.abroad.rawValue, words: ["a"])
        spec.valueMaps.maps[.evaluatorRole]?.merge(target: EvaluatorRole.assistant.rawValue, words: ["a"])
        spec.valueMaps.maps[.status]?.merge(target: EvaluationStatus.open.rawValue, words: ["a"])
        let collected = try ingest(spec)
        #expect(collected.quarantined.isEmpty)
        #expect(collected.evaluations.count == 2)
        for evaluation in collected.evaluations {
            #expect(evaluation.placementKind == .abroad && evaluation.role == .assistant && evaluation.status == .open)
        }
    }
}
