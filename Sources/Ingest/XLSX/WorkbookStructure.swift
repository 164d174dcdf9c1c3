/// What a workbook says about itself before a sheet is read: where its parts are (the package's
/// relationships), its sheets in order, its date system, its shared strings and cell styles.
struct WorkbookStructure {
    struct Sheet {
        var name: String
        /// The worksheet part, or nil when the sheet is a chart sheet or its part is missing.
        var part: String?
        var kind: String
    }

    var sheets: [Sheet] = []
    var date1904 = false
    var sharedStringsPart: String?
    var stylesPart: String?
    /// Macros and external links found (ignored), for the file's notes.
    var notes: [String] = []

    private struct Relationship {
        var type: String
        var target: String
        var external: Bool
    }

    /// Reads `_rels/.rels`, the workbook part and its relationships.
    static func read(_ package: any WorkbookPackage, maxFields: Int) throws(WorkbookFailure) -> WorkbookStructure {
        let rootRelationships = try relationships(of: "", in: package, maxFields: maxFields)
        let officeDocument = rootRelationships.values.first { $0.type.hasSuffix("/officeDocument") && !$0.external }
        let workbookPart = officeDocument.flatMap { resolve($0.target, from: "") } ?? "xl/workbook.xml"
        guard package.hasPart(workbookPart) else { throw notAWorkbook(package) }
        let targets = try relationships(of: workbookPart, in: package, maxFields: maxFields)
        var structure = WorkbookStructure()
        let xml = try PartXML(part: workbookPart, stream: try open(workbookPart, package), maxFields: maxFields)
        while try xml.next() {
            guard xml.isElement else { continue }
            if xml.isNamed("workbookPr") {
                let flag = xml.attributes()["date1904"]?.value
                structure.date1904 = flag == "1" || flag == "true"
            } else if xml.isNamed("sheet") {
                structure.sheets.append(sheet(xml.attributes(), targets: targets, from: workbookPart, package: package))
            }
        }
        let inPackage = targets.values.filter { !$0.external }
        structure.sharedStringsPart = inPackage.first { $0.type.hasSuffix("/sharedStrings") }.flatMap { resolve($0.target, from: workbookPart) }
            .flatMap { package.hasPart($0) ? $0 : nil }
        structure.stylesPart = inPackage.first { $0.type.hasSuffix("/styles") }.flatMap { resolve($0.target, from: workbookPart) }
            .flatMap { package.hasPart($0) ? $0 : nil }
        structure.notes = ignoredContent(package, targets: Array(targets.values))
        return structure
    }

    private static func sheet(_ attributes: [String: (value: String, namespace: String?)], targets: [String: Relationship],
                              from workbookPart: String, package: any WorkbookPackage) -> Sheet {
        let name = attributes["name"]?.value ?? "?"
        // `r:id`, in the relationships namespace of transitional or strict OOXML.
        guard let id = attributes["id"], id.namespace?.hasSuffix("relationships") == true, let target = targets[id.value],
              !target.external, let part = resolve(target.target, from: workbookPart), package.hasPart(part) else {
            return Sheet(name: name, part: nil, kind: "sheet without a part")
        }
        let kind = target.type.split(separator: "/").last.map(String.init) ?? "?"
        return Sheet(name: name, part: kind == "worksheet" ? part : nil, kind: kind)
    }

    /// A part's relationships by id (its `_rels/NAME.rels`); none when that part is missing.
    private static func relationships(of part: String, in package: any WorkbookPackage, maxFields: Int)
        throws(WorkbookFailure) -> [String: Relationship] {
        let slash = part.lastIndex(of: "/")
        let folder = slash.map { String(part[...$0]) } ?? ""
        let name = slash.map { String(part[part.index(after: $0)...]) } ?? part
        let relsPart = folder + "_rels/" + name + ".rels"
        guard package.hasPart(relsPart) else { return [:] }
        let xml = try PartXML(part: relsPart, stream: try open(relsPart, package), maxFields: maxFields)
        var found: [String: Relationship] = [:]
        while try xml.next() {
            guard xml.isElement, xml.isNamed("Relationship") else { continue }
            let attributes = xml.attributes()
            guard let id = attributes["Id"]?.value, let target = attributes["Target"]?.value else { continue }
            found[id] = Relationship(type: attributes["Type"]?.value ?? "", target: target,
                                     external: attributes["TargetMode"]?.value == "External")
        }
        return found
    }

    static func open(_ part: String, _ package: any WorkbookPackage) throws(WorkbookFailure) -> any WorkbookPartStream {
        do {
            return try package.open(part: part)
        } catch {
            throw WorkbookFailure(error)
        }
    }

    /// A relationship's target as a part name: relative to the source part's folder, or from the
    /// package's root when it starts with `/`; nil when `..` would climb out of the package.
    static func resolve(_ target: String, from source: String) -> String? {
        var segments: [Substring] = target.hasPrefix("/") ? [] : source.split(separator: "/").dropLast()
        for segment in target.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == ".." {
                guard !segments.isEmpty else { return nil }
                segments.removeLast()
            } else if segment != "." {
                segments.append(segment)
            }
        }
        return segments.isEmpty ? nil : segments.joined(separator: "/")
    }

    /// Macros and external links are never run nor fetched: they are said in the file's notes.
    private static func ignoredContent(_ package: any WorkbookPackage, targets: [Relationship]) -> [String] {
        var notes: [String] = []
        if let macros = package.partNames.first(where: { $0.lowercased().hasSuffix("vbaproject.bin") }) {
            notes.append("macros (\(macros)) ignored: never run")
        }
        let links = targets.filter { $0.type.hasSuffix("/externalLink") }.count
        if links > 0 {
            notes.append("\(links) external link\(links == 1 ? "" : "s") ignored: never fetched; cells keep the values saved in the workbook")
        }
        return notes
    }

    /// What the archive is when it holds no workbook part.
    private static func notAWorkbook(_ package: any WorkbookPackage) -> WorkbookFailure {
        let what: String
        if package.hasPart("xl/workbook.bin") {
            what = "a binary Excel workbook (.xlsb)"
        } else if package.hasPart("content.xml") && package.hasPart("mimetype") {
            what = "an OpenDocument file (.ods)"
        } else if package.hasPart("word/document.xml") {
            what = "a Word document (.docx)"
        } else if package.hasPart("ppt/presentation.xml") {
            what = "a PowerPoint presentation (.pptx)"
        } else {
            what = "a ZIP archive without a workbook (no xl/workbook.xml)"
        }
        return WorkbookFailure("the file is \(what), not an .xlsx workbook",
                               notes: ["open it in Excel or LibreOffice and save it as .xlsx (Excel Workbook) or as CSV UTF-8"])
    }
}
