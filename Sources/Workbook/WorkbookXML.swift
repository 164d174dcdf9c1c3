// The fixed parts of the workbook: content types, relationships, the workbook and its styles.
// Only what Excel, LibreOffice Calc and openpyxl need to open it without a repair prompt
// (ECMA-376 part 1 §18.2–18.8, part 2 for the package): no document properties, no theme.

import Report

enum WorkbookXML {
    static let declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    static let mainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relationshipNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    static let packageRelationships = "http://schemas.openxmlformats.org/package/2006/relationships"
    static let contentTypeBase = "application/vnd.openxmlformats-officedocument.spreadsheetml."

    static func contentTypes(sheets: Int) -> String {
        var xml = declaration + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
            + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
            + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
            + "<Override PartName=\"/xl/workbook.xml\" ContentType=\"\(contentTypeBase)sheet.main+xml\"/>"
            + "<Override PartName=\"/xl/styles.xml\" ContentType=\"\(contentTypeBase)styles+xml\"/>"
        for index in 0..<sheets {
            xml += "<Override PartName=\"/xl/worksheets/sheet\(index + 1).xml\" ContentType=\"\(contentTypeBase)worksheet+xml\"/>"
        }
        return xml + "</Types>"
    }

    static let packageRels = declaration + "<Relationships xmlns=\"\(packageRelationships)\">"
        + "<Relationship Id=\"rId1\" Type=\"\(relationshipNamespace)/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"

    static func workbookRels(sheets: Int) -> String {
        var xml = declaration + "<Relationships xmlns=\"\(packageRelationships)\">"
        for index in 0..<sheets {
            xml += "<Relationship Id=\"rId\(index + 1)\" Type=\"\(relationshipNamespace)/worksheet\" "
                + "Target=\"worksheets/sheet\(index + 1).xml\"/>"
        }
        return xml + "<Relationship Id=\"rId\(sheets + 1)\" Type=\"\(relationshipNamespace)/styles\" Target=\"styles.xml\"/></Relationships>"
    }

    /// The sheets in order, and for each the hidden name Excel gives an autofilter's range.
    static func workbook(_ sheets: [FinishedSheet]) -> String {
        var xml = declaration + "<workbook xmlns=\"\(mainNamespace)\" xmlns:r=\"\(relationshipNamespace)\">"
            + "<bookViews><workbookView activeTab=\"0\"/></bookViews><sheets>"
        for (index, sheet) in sheets.enumerated() {
            xml += "<sheet name=\"\(attribute(sheet.name))\" sheetId=\"\(index + 1)\" r:id=\"rId\(index + 1)\"/>"
        }
        xml += "</sheets><definedNames>"
        for (index, sheet) in sheets.enumerated() {
            let quoted = "'" + sheet.name.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
            let last = String(decoding: SheetXML.columnLetters(max(0, sheet.columns - 1)), as: UTF8.self)
            xml += "<definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"\(index)\" hidden=\"1\">"
                + attribute("\(quoted)!$A$1:$\(last)$\(sheet.rows + 1)") + "</definedName>"
        }
        return xml + "</definedNames></workbook>"
    }

    /// Text for an attribute value or element content.
    static func attribute(_ text: String) -> String {
        var out = TextBuffer()
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "&"): out.append("&amp;")
            case UInt8(ascii: "<"): out.append("&lt;")
            case UInt8(ascii: ">"): out.append("&gt;")
            case 0x22: out.append("&quot;")
            default: out.append(byte: byte)
            }
        }
        return String(decoding: out.bytes, as: UTF8.self)
    }

    /// The page's utilisation bands (`UtilisationBands`) as differential formats 1–4 (fill and
    /// text colour), and 0 for an empty cell (no recognised capacity: light grey).
    static let bandColours: [(fill: String, text: String)] = [("F2F2F2", "000000")]
        + UtilisationBands.bands.map { ($0.fill, $0.text) }

    /// The cell formats, in the order of `CellStyle`: general, header (bold), date, 0.0, 0.00,
    /// 0.000, 0.0%.
    static let styles: String = {
        let formats = [(164, "yyyy-mm-dd"), (165, "0.0"), (166, "0.00"), (167, "0.000"), (168, "0.0%")]
        var xml = declaration + "<styleSheet xmlns=\"\(mainNamespace)\"><numFmts count=\"\(formats.count)\">"
        for (id, code) in formats { xml += "<numFmt numFmtId=\"\(id)\" formatCode=\"\(code)\"/>" }
        xml += "</numFmts><fonts count=\"2\"><font><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font>"
            + "<font><b/><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font></fonts>"
            + "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>"
            + "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
            + "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
        let cellFormats = [(0, 0), (0, 1), (164, 0), (165, 0), (166, 0), (167, 0), (168, 0)]
        xml += "<cellXfs count=\"\(cellFormats.count)\">"
        for (format, font) in cellFormats {
            xml += "<xf numFmtId=\"\(format)\" fontId=\"\(font)\" fillId=\"0\" borderId=\"0\" xfId=\"0\""
                + (format > 0 ? " applyNumberFormat=\"1\"" : "") + (font > 0 ? " applyFont=\"1\"" : "") + "/>"
        }
        xml += "</cellXfs><cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
            + "<dxfs count=\"\(bandColours.count)\">"
        for (fill, text) in bandColours {
            xml += "<dxf><font><color rgb=\"FF\(text)\"/></font><fill><patternFill patternType=\"solid\"><fgColor rgb=\"FF\(fill)\"/>"
                + "<bgColor rgb=\"FF\(fill)\"/></patternFill></fill></dxf>"
        }
        return xml + "</dxfs></styleSheet>"
    }()

    /// The page's bands on a utilisation column: empty light grey, then the four bands of
    /// `UtilisationBands`, lightest under 50%, darkest over 100%; at a band's edge the higher band wins, as on the page
    /// (0.9 is yellow, 1.0 yellow, 0.5 green).
    static func appendUtilisationBands(column: String, lastRow: Int, to out: inout TextBuffer) {
        let first = column + "2"
        out.append("<conditionalFormatting sqref=\"\(first):\(column)\(lastRow)\">")
        out.append("<cfRule type=\"containsBlanks\" dxfId=\"0\" priority=\"1\" stopIfTrue=\"1\"><formula>LEN(TRIM(\(first)))=0</formula></cfRule>")
        let rules = [(4, "greaterThan", ["1"]), (3, "between", ["0.9", "1"]), (2, "between", ["0.5", "0.9"]), (1, "lessThan", ["0.5"])]
        for (priority, (format, comparison, bounds)) in rules.enumerated() {
            out.append("<cfRule type=\"cellIs\" dxfId=\"\(format)\" priority=\"\(priority + 2)\" operator=\"\(comparison)\">")
            for bound in bounds { out.append("<formula>\(bound)</formula>") }
            out.append("</cfRule>")
        }
        out.append("</conditionalFormatting>")
    }
}
