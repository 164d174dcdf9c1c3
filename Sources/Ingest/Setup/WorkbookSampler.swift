import Domain

/// What `stagebalans init` reads of an .xlsx export: each worksheet's first rows, as typed cells.
public struct WorkbookSample: Sendable {
    public struct Sheet: Sendable {
        public var name: String
        /// 1-based, in the workbook's order (what `sheet: 2` names).
        public var position: Int
        /// The first rows with a value.
        public var rows: [WorkbookRow]
        /// Whether `rows` are all of the sheet's rows with a value.
        public var complete: Bool
    }

    public var sheets: [Sheet]
    /// Sheets that hold no cells (chart sheets), by name.
    public var otherSheets: [String]
}

/// Reads a workbook as `run` reads a `format: xlsx` source (`WorkbookSheetReader`: the same ZIP
/// checks, inflation limits and shared-strings budget), no further than `maxRows` rows a sheet
/// and `maxSheets` sheets.
public struct WorkbookSampler: Sendable {
    public var path: String
    public var opener: WorkbookPackageOpener
    public var limits: Limits
    public var policy: InputPolicy
    public var maxRows: Int
    public var maxSheets: Int
    /// Text kept from all sheets together (a row may be 1 MB of shared strings): then the rows
    /// read so far are the sample.
    static let maxSampleBytes = 64 << 20

    public init(path: String, opener: WorkbookPackageOpener, limits: Limits = Limits(), policy: InputPolicy = InputPolicy(),
                maxRows: Int = 5_020, maxSheets: Int = 20) {
        self.path = path
        self.opener = opener
        self.limits = limits
        self.policy = policy
        self.maxRows = maxRows
        self.maxSheets = maxSheets
    }

    private struct Stop: Error {}

    public func sample() throws(FileFailure) -> WorkbookSample {
        let structure: WorkbookStructure
        do {
            let file = try ChunkedFile.opening(path, policy)
            structure = try OpenedWorkbook(file, path: path, opener: opener, limits: limits, observer: nil).structure
        }
        var sample = WorkbookSample(sheets: [], otherSheets: structure.sheets.filter { $0.part == nil }.map(\.name))
        var kept = 0
        for (offset, sheet) in structure.sheets.enumerated().prefix(maxSheets) where sheet.part != nil && kept < Self.maxSampleBytes {
            var rows: [WorkbookRow] = []
            var complete = true
            let reader = WorkbookSheetReader(path: path, sheet: .index(offset + 1), opener: opener, limits: limits, policy: policy)
            do {
                try reader.forEachRow { row in
                    rows.append(row)
                    kept += row.cells.reduce(32) { total, cell in
                        switch cell.value {
                        case .text(let text), .number(let text), .unreadable(let text): total + text.utf8.count + 32
                        case .date, .boolean: total + 32
                        }
                    }
                    if rows.count >= maxRows || kept >= Self.maxSampleBytes { throw Stop() }
                }
            } catch is Stop {
                complete = false
            } catch let failure as FileFailure {
                throw failure
            } catch {
                throw FileFailure(SourceLocation(path: path, line: 1), "\(error)")
            }
            sample.sheets.append(WorkbookSample.Sheet(name: sheet.name, position: offset + 1, rows: rows, complete: complete))
        }
        return sample
    }
}
