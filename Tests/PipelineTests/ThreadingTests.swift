import Foundation
import Ingest
import Pipeline
import Domain
import Testing

/// The reading thread changes nothing but speed: the same events, in the same order.
@Suite("Threaded ingest")
struct ThreadingTests {
    func events(_ spec: SourceSpec, _ threading: Ingester.Threading) throws -> ([String], [FileReport]) {
        var events: [String] = []
        let ingester = Ingester(spec: spec, threading: threading)
        let reports = try spec.files.map { file in
            try ingester.ingest(file: file) { event in
                switch event {
                case .accepted(let record): events.append("accepted \(record)")
                case .quarantined(let record): events.append("quarantined \(record)")
                }
            }
        }
        return (events, reports)
    }

    @Test("every sample source gives the same events threaded and inline")
    func sameEvents() throws {
        let definition = try DefinitionLoader.load(file: packageRoot + "/pipelines/sample.yml", workingDirectory: packageRoot)
        for spec in definition.sources {
            let (inline, inlineReports) = try events(spec, .never)
            let (threaded, threadedReports) = try events(spec, .always)
            #expect(inline.count > 90)
            #expect(inline == threaded, "\(spec.name)")
            #expect(inlineReports == threadedReports, "\(spec.name)")
        }
    }

    struct Stop: Error {}

    @Test("a handler that throws stops a threaded read without hanging", arguments: [Ingester.Threading.always, .never])
    func handlerThrows(threading: Ingester.Threading) throws {
        let definition = try DefinitionLoader.load(file: packageRoot + "/pipelines/sample.yml", workingDirectory: packageRoot)
        let spec = try #require(definition.sources.first { $0.name == "evaluations-xml" })
        var seen = 0
        #expect(throws: Stop.self) {
            let ingester = Ingester(spec: spec, threading: threading)
            for file in spec.files {
                _ = try ingester.ingest(file: file) { _ in
                    seen += 1
                    if seen == 1_500 { throw Stop() }
                }
            }
        }
        #expect(seen == 1_500)
    }
}
