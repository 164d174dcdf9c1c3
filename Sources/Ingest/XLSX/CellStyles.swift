/// The workbook's cell styles (xl/styles.xml) as far as reading needs them: per style index
/// (a cell's `s`), whether its number format makes the number a date, a percentage or a number.
struct CellStyles: Sendable {
    private var kinds: [NumberFormatKind] = []
    /// Excel allows 64,000 styles; a part claiming more than this is refused.
    static let maxStyles = 1 << 20

    /// A style the table lacks (a damaged file, or no styles part) formats as General.
    func kind(ofStyle index: Int) -> NumberFormatKind {
        index >= 0 && index < kinds.count ? kinds[index] : .general
    }

    /// `numFmts` (custom format codes by id) and `cellXfs` (the styles cells use, in order);
    /// `cellStyleXfs` (named styles' bases) are not cell styles.
    static func read(_ xml: PartXML) throws(WorkbookFailure) -> CellStyles {
        var custom: [Int: NumberFormatKind] = [:]
        var styles = CellStyles()
        var inCellStyles = false
        while try xml.next() {
            if xml.isEndElement {
                if xml.isNamed("cellXfs") { inCellStyles = false }
                continue
            }
            guard xml.isElement else { continue }
            if xml.isNamed("numFmt") {
                let attributes = xml.attributes()
                if let id = attributes["numFmtId"].flatMap({ Int($0.value) }), let code = attributes["formatCode"]?.value,
                   custom.count < maxStyles {
                    custom[id] = NumberFormatKind.custom(code)
                }
            } else if xml.isNamed("cellXfs") {
                inCellStyles = !xml.isEmptyElement
            } else if inCellStyles, xml.isNamed("xf") {
                guard styles.kinds.count < maxStyles else {
                    throw WorkbookFailure("part '\(xml.part)' has more than \(maxStyles) cell styles; the workbook is damaged")
                }
                let id = xml.attributes()["numFmtId"].flatMap { Int($0.value) } ?? 0
                styles.kinds.append(custom[id] ?? NumberFormatKind.builtin(id))
            }
        }
        return styles
    }
}
