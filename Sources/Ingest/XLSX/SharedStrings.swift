internal import CLibXML2

/// The workbook's shared-strings table (xl/sharedStrings.xml): the text of every `t="s"` cell,
/// by index. Kept as one byte buffer and the offsets into it, and bounded by
/// `limits.max_shared_strings_bytes` (its text plus 8 bytes per string): a table claiming or
/// holding more is refused with that limit named. The `count` and `uniqueCount` the part
/// declares are never trusted for an allocation.
struct SharedStrings: Sendable {
    private(set) var bytes: [UInt8] = []
    /// Where each string ends in `bytes` (it starts where the one before ends).
    private var ends: [Int] = []

    var count: Int { ends.count }

    /// The string at `index`, or nil past the table's end.
    func withString<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        guard index >= 0, index < ends.count else { return nil }
        let start = index == 0 ? 0 : ends[index - 1]
        return bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[start..<ends[index]])) }
    }

    /// Reads the part: each `si` is its `t` text, or its rich-text runs' `t` texts joined;
    /// phonetic hints (`rPh`) are not text of the cell.
    static func read(_ xml: PartXML, budget: Int) throws(WorkbookFailure) -> SharedStrings {
        var table = SharedStrings()
        let names = (si: xml.intern("si"), t: xml.intern("t"), rPh: xml.intern("rPh"))
        var inString = false, inText = false, phoneticDepth = 0
        var current: [UInt8] = []
        while try xml.next() {
            let name = xml.localName
            if xml.isElement {
                if name == names.si {
                    current.removeAll(keepingCapacity: true)
                    inString = !xml.isEmptyElement
                    if xml.isEmptyElement { try table.append(current, budget: budget) }
                } else if name == names.rPh, inString, !xml.isEmptyElement {
                    phoneticDepth += 1
                } else if name == names.t, inString, phoneticDepth == 0 {
                    inText = !xml.isEmptyElement
                }
            } else if xml.isEndElement {
                if name == names.si, inString {
                    inString = false
                    try table.append(current, budget: budget)
                } else if name == names.rPh, phoneticDepth > 0 {
                    phoneticDepth -= 1
                } else if name == names.t {
                    inText = false
                }
            } else if inText, xml.isText {
                current.append(contentsOf: xml.textBytes)
                guard table.bytes.count + current.count <= budget else { throw overBudget(budget) }
            }
        }
        return table
    }

    private mutating func append(_ raw: [UInt8], budget: Int) throws(WorkbookFailure) {
        raw.withUnsafeBufferPointer { OOXMLText.appendDecoding($0, to: &bytes) }
        ends.append(bytes.count)
        guard bytes.count + 8 * ends.count <= budget else { throw Self.overBudget(budget) }
    }

    private static func overBudget(_ budget: Int) -> WorkbookFailure {
        WorkbookFailure("the workbook's shared-strings table holds more than \(budget) bytes (its text plus 8 bytes a string; "
                        + "limits.max_shared_strings_bytes)",
                        notes: ["raise limits: max_shared_strings_bytes for this source if the workbook is really that large, "
                                + "or save the sheet as CSV UTF-8"])
    }
}
