// Fuzz target: the CSV reader with each dialect of the sample definition (windows-1252 with
// ';' and decimal comma, UTF-8 with BOM and ',', tab-separated) and automatic detection. The
// first input byte picks the dialect and whether the reading thread is used; the rest is the
// file. Invariant checked besides "no crash": every record read is accepted or quarantined.

import Foundation
import Ingest
import FuzzSupport
import Pipeline

private let specs: [SourceSpec] = FuzzSupport.specs(csv: true)
private let scratch = FuzzSupport.scratchFile("csv")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzSupport.ingest(data, size, specs: specs, scratch: scratch)
    return 0
}
