// What the fuzz targets share: the sample definition's sources as specs, a scratch file per
// process, and the ingest of one input with its invariant.

import Foundation
import Ingest
import Pipeline

public enum FuzzSupport {
    /// The repository, from this file's place in it (Fuzz/FuzzSupport/FuzzSupport.swift).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// The sample definition's CSV (or XML) sources, plus, for CSV, one with automatic
    /// encoding and delimiter.
    public static func specs(csv: Bool) -> [SourceSpec] {
        guard let definition = try? DefinitionLoader.load(file: root + "/pipelines/sample.yml", workingDirectory: root) else {
            fatalError("the fuzz targets need pipelines/sample.yml")
        }
        var specs = definition.sources.filter { spec in
            if case .csv = spec.format { return csv }
            return !csv
        }
        if csv, var automatic = specs.first {
            automatic.format = .csv(CSVSettings())
            specs.append(automatic)
        }
        return specs
    }

    public static func scratchFile(_ suffix: String) -> String {
        NSTemporaryDirectory() + "stagebalans-fuzz-\(getpid()).\(suffix)"
    }

    /// Byte 0: the spec (low bits) and the threading (high bit); the rest: the file.
    /// With `differential`, an input read with the reading thread (for XML: in pieces) is read
    /// inline too, and the two must give the same events and report.
    public static func ingest(_ data: UnsafePointer<UInt8>, _ size: Int, specs: [SourceSpec], scratch: String,
                              differential: Bool = false) {
        guard size > 0, !specs.isEmpty else { return }
        let selector = Int(data[0])
        var spec = specs[(selector & 0x7F) % specs.count]
        spec.files = [scratch]
        let body = Data(bytes: data + 1, count: size - 1)
        guard FileManager.default.createFile(atPath: scratch, contents: body) else { return }
        let threaded = selector & 0x80 != 0
        let reading = read(spec, threaded ? .always : .never, scratch, describing: differential)
        if let report = reading.report, report.rejection == nil,
           report.read != reading.accepted + reading.quarantined || report.accepted != reading.accepted {
            fatalError("rows lost: read \(report.read), accepted \(reading.accepted), quarantined \(reading.quarantined)")
        }
        if differential, threaded {
            let inline = read(spec, .never, scratch, describing: true)
            if reading.events != inline.events || reading.report != inline.report {
                fatalError("threaded ingest differs from inline: \(String(describing: reading.report)) against \(String(describing: inline.report))")
            }
        }
    }

    struct Reading {
        var events: [String] = []
        var accepted = 0, quarantined = 0
        var report: FileReport?
    }

    /// One ingest: its counts and report, and with `describing` every event as text.
    static func read(_ spec: SourceSpec, _ threading: Ingester.Threading, _ file: String, describing: Bool) -> Reading {
        var reading = Reading()
        reading.report = try? Ingester(spec: spec, threading: threading).ingest(file: file) { event in
            switch event {
            case .accepted(let record):
                reading.accepted += 1
                if describing { reading.events.append("accepted \(record)") }
            case .quarantined(let record):
                reading.quarantined += 1
                if describing { reading.events.append("quarantined \(record)") }
            }
        }
        return reading
    }
}
