// Fuzz target: the XML reader (libxml2's xmlTextReader with our options and record matcher)
// with the XML sources of the sample definition. The first input byte picks the source and
// whether the reading thread is used (then the file is parsed in pieces where it is large
// enough, and must give exactly the events and report of an inline read); the rest is the file.

import Foundation
import Ingest
import FuzzSupport
import Pipeline

private let specs: [SourceSpec] = FuzzSupport.specs(csv: false)
private let scratch = FuzzSupport.scratchFile("xml")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzXML(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzSupport.ingest(data, size, specs: specs, scratch: scratch, differential: true)
    return 0
}
