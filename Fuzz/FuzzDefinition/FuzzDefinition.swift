// Fuzz target: the pipeline-definition loader (Yams, then our walk over the nodes) on any
// text. Every input must end in a definition or a DefinitionError, never a crash.

import Foundation
import Pipeline

private let folder = NSTemporaryDirectory() + "stagebalans-fuzz-definition"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDefinition(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? DefinitionLoader.parse(text, file: folder + "/fuzz.yml", workingDirectory: folder)
    return 0
}
