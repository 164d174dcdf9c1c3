import Domain

/// What a cell's value is, once the workbook's shared strings, styles and date system are
/// applied: the outcome of `CellValues.write`.
enum CellOutcome: Equatable {
    /// Text, typed afterwards as CSV text is (dates by `dates:`, numbers by `decimal:`).
    case text
    /// A number, as plain decimal text with a `.` (`70%` for a percentage).
    case number
    /// A date, as ISO text.
    case date
    /// No usable value; the reason names the cell's content.
    case problem(String)
}

/// Turns cells into the text ingest types, by the rules a workbook sets: a shared string is its
/// text; a number cell whose style's format is a date, or any number in a date field, is the
/// day its serial names in the workbook's date system; a percentage is `70%`; a boolean is
/// `TRUE` or `FALSE` (typed like text: the value maps know them); an error value (`#N/A`) and a
/// formula without a saved result are problems, never a value.
struct CellValues: Sendable {
    let strings: SharedStrings
    let styles: CellStyles
    let date1904: Bool
    /// A percentage as `70%` (for the typing of scores), or as its number, `0.7`.
    var percentSign = true

    /// Appends the cell's value to `out`; `asDate` when the field it is read for is a date.
    func write(_ cell: SheetCell, of row: SheetRow, asDate: Bool, into out: inout [UInt8]) -> CellOutcome {
        row.withValue(cell) { value in
            switch cell.kind {
            case .shared:
                guard let index = CellReference.index(Whitespace.trim(value)),
                      strings.withString(index, { out.append(contentsOf: $0) }) != nil else {
                    return .problem("the cell refers to shared string \(String(decoding: value.prefix(12), as: UTF8.self)), "
                                    + "which the workbook's table of \(strings.count) lacks; the workbook is damaged")
                }
                return .text
            case .inline, .formulaText:
                OOXMLText.appendDecoding(value, to: &out)
                return .text
            case .boolean:
                let text = String(decoding: Whitespace.trim(value), as: UTF8.self)
                guard text == "1" || text == "0" else { return .problem("the boolean cell holds '\(text)', neither 1 nor 0") }
                out.append(contentsOf: Array((text == "1" ? "TRUE" : "FALSE").utf8))
                return .text
            case .error:
                return .problem("the cell holds the error \(String(decoding: value.prefix(20), as: UTF8.self)), a formula that "
                                + "failed in the workbook; correct it there, or leave the cell empty")
            case .formulaWithoutValue:
                return .problem("the cell holds a formula without a saved result (the program that wrote the workbook does "
                                + "not calculate); open and save it in Excel or LibreOffice")
            case .unknown:
                return .problem("the cell has a type this reader does not know; save the workbook again in Excel or LibreOffice")
            case .isoDate:
                guard let day = ExcelNumber.day(iso: value) else {
                    return .problem("the date cell holds '\(String(decoding: value.prefix(40), as: UTF8.self))', which is no day")
                }
                out.append(contentsOf: Array(day.description.utf8))
                return .date
            case .number:
                return number(value, style: styles.kind(ofStyle: cell.style), asDate: asDate, into: &out)
            }
        }
    }

    private func number(_ value: UnsafeBufferPointer<UInt8>, style: NumberFormatKind, asDate: Bool,
                        into out: inout [UInt8]) -> CellOutcome {
        guard style == .date || asDate else {
            guard ExcelNumber.canonical(value, percent: style == .percent && percentSign, into: &out) else {
                return .problem("the number cell holds '\(String(decoding: value.prefix(40), as: UTF8.self))', which is not a number")
            }
            return .number
        }
        switch ExcelNumber.day(serial: value, date1904: date1904) {
        case .success(let day):
            out.append(contentsOf: Array(day.description.utf8))
            return .date
        case .failure(.phantomLeapDay):
            return .problem("the date cell holds serial number 60, the 29 February 1900 that Excel's 1900 date system counts "
                            + "but that never was")
        case .failure(.outOfRange(let serial)):
            return .problem("the date cell holds serial number \(serial), which is no day of the workbook's "
                            + "\(date1904 ? "1904" : "1900") date system")
        case .failure(.notANumber):
            return .problem("the number cell holds '\(String(decoding: value.prefix(40), as: UTF8.self))', which is not a number")
        }
    }

    /// The cell as a person sees it, for the raw text of a quarantined row: a problem shows the
    /// cell's own content (`#N/A`).
    func display(_ cell: SheetCell, of row: SheetRow, into out: inout [UInt8]) {
        let start = out.count
        if case .problem = write(cell, of: row, asDate: false, into: &out) {
            out.removeSubrange(start...)
            if cell.kind == .formulaWithoutValue {
                out.append(contentsOf: Array("(formula)".utf8))
            } else {
                row.withValue(cell) { out.append(contentsOf: $0) }
            }
        }
    }
}
