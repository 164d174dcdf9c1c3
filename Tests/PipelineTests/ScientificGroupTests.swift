import Foundation
@testable import Pipeline
import Normalize
import Domain
import Testing

/// The curriculum names the scientific placement's group (`scientific_group`, issue 18): it gets
/// no progress row of its own, and in coverage its required weeks are the scientific weeks.
@Suite("The curriculum's scientific group")
struct ScientificGroupTests {
    func load(_ yaml: String) throws -> (String, Result<Curriculum, DefinitionError>) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("curriculum-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("curriculum.yml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        do {
            return (path, .success(try ReferenceLoader.loadCurriculum(path).0))
        } catch {
            return (path, .failure(error))
        }
    }

    static let curriculum = """
        required_weeks: {HK: 8, IG: 8}
        clinical_weeks: 62
        scientific_weeks: 16
        scientific_group: WET
        pass_mark: 10

        """

    @Test("read from the curriculum; listed under required_weeks too, it is an error naming the fix")
    func loading() throws {
        let (_, loaded) = try load(Self.curriculum)
        let curriculum = try loaded.get()
        #expect(curriculum.scientificGroup == "WET" && curriculum.requiredWeeks == ["HK": 8, "IG": 8])

        let (path, twice) = try load(Self.curriculum.replacingOccurrences(of: "{HK: 8, IG: 8}", with: "\n  HK: 8\n  WET: 16"))
        guard case .failure(let error) = twice else {
            Issue.record("WET under required_weeks and as scientific_group was accepted")
            return
        }
        #expect(error.description.hasPrefix("\(path):3:8: error: 'WET' is the scientific_group: its required weeks are "
                                            + "scientific_weeks (16); remove it from required_weeks"), "\(error)")
    }

    /// The reference data checks the group: a discipline, and a group (no parent).
    @Test("the scientific group must be a discipline group")
    func checked() throws {
        let here = SourceLocation(path: "ref.yml", line: 1)
        let disciplines = [Discipline(code: "IG", dutch: "interne geneeskunde", english: "internal medicine", parent: nil, source: here),
                           Discipline(code: "IG-CAR", dutch: "cardiologie", english: "cardiology", parent: "IG", source: here)]
        func errors(_ group: String) -> [String] {
            let curriculum = Curriculum(requiredWeeks: ["IG": 8], blocks: [], clinicalWeeks: 62, scientificWeeks: 16,
                                        scientificGroup: group, passMark: 10)
            do {
                _ = try ReferenceData(sites: [], disciplines: disciplines, curriculum: curriculum,
                                      curriculumPositions: CurriculumPositions(file: SourceLocation(path: "curriculum.yml", line: 1)))
                return []
            } catch {
                return error.diagnostics.map(\.description)
            }
        }
        #expect(errors("WET") == ["curriculum.yml:1: error: the curriculum's scientific_group 'WET' is not a discipline; "
                                  + "name a discipline group of the taxonomy or add 'WET' to it"])
        #expect(errors("IG-CAR") == ["curriculum.yml:1: error: the curriculum's scientific_group 'IG-CAR' is not a discipline group: "
                                     + "it has parent 'IG'; name the group (e.g. 'IG')"])
        #expect(errors("IG").isEmpty)
    }
}
