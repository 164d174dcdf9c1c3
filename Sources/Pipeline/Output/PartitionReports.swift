import Ingest
import Normalize
import Reconcile
import Report
import Engine
import StagebalansCore

/// The report files that grow with the placements (placements.csv, progress) written partition
/// by partition, and the capacity, coverage and audit figures gathered from each partition:
/// a run holds one partition of placements at a time. Partitions come in student order, so
/// the files are those of the whole run at once.
///
/// A class shared by parallel jobs (the two of `add`; `addLastFigures`, `finishPlacements` and
/// `finishProgress` among the report jobs): each job touches only its own properties, and
/// `Parallel.map` returns once all are done.
final class PartitionReports: @unchecked Sendable {
    private let reference: ReferenceData
    private let student: @Sendable (String) -> String
    private let placementsFile: TextFileWriter
    private var placementsOut = TextBuffer()
    private var sourcesOut = TextBuffer()
    private var progressFiles: [(name: String, writer: TextFileWriter, stream: TableStream)] = []
    private(set) var capacity = Figures.CapacityTally()
    private(set) var coverage = Figures.CoverageTally()
    private(set) var audit: Figures.AuditTally
    private(set) var placementCount = 0
    private(set) var studentCount = 0

    init(directory: String, formats: Set<ReportSettings.Format>, reference: ReferenceData, asOf: Day,
         student: @escaping @Sendable (String) -> String) throws(OutputError) {
        self.reference = reference
        self.student = student
        audit = Figures.AuditTally(asOf: asOf)
        placementsFile = try TextFileWriter(path: directory + "/placements.csv")
        placementsOut.bytes.reserveCapacity(TableFormats.pieceSize + 4096)
        placementsOut.append("student,site,discipline,start,end,weeks,kind,year,final_score,agreement,agreement_kind,sources\n")
        var progress: [(String, TableStream.Format)] = [("progress.csv", .csv(.rfc4180))]
        if formats.contains(.excel) { progress.append(("progress.excel.csv", .csv(.excelBelgium))) }
        if formats.contains(.json) { progress.append(("progress.json", .json)) }
        for (name, format) in progress {
            progressFiles.append((name, try TextFileWriter(path: directory + "/" + name),
                                  TableStream(columns: Tables.progressColumns, format: format)))
        }
    }

    /// The last partition, left for the report jobs (`addLastFigures`, `finishPlacements`,
    /// `finishProgress`): written beside the findings and the tables, not before them.
    private var last: Reconciliation?

    /// One partition: every placement of its students, and the roster entries of its students.
    /// The last partition is only kept: the report jobs write it.
    func add(_ part: Reconciliation, last isLast: Bool) throws(OutputError) {
        guard !isLast else {
            last = part
            return
        }
        let results = Parallel.map(2) { job -> Result<Void, OutputError> in
            do throws(OutputError) {
                if job == 0 {
                    try self.addPlacements(part)
                } else {
                    try self.addProgress(part)
                    self.addFigures(part)
                }
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        for result in results { try result.get() }
    }

    /// The figures of the last partition: the report job that makes the tables calls this first.
    func addLastFigures() {
        if let last { addFigures(last) }
    }

    /// The last partition's placements, and placements.csv closed.
    func finishPlacements() throws(OutputError) -> [WrittenFile] {
        if let last { try addPlacements(last) }
        try placementsFile.drain(&placementsOut)
        try placementsFile.commit()
        return [WrittenFile(name: "placements.csv", bytes: placementsFile.bytesWritten, sha256: placementsFile.sha256)]
    }

    /// The last partition's progress rows, and the progress files closed.
    func finishProgress() throws(OutputError) -> [WrittenFile] {
        if let last { try addProgress(last) }
        var written: [WrittenFile] = []
        for index in progressFiles.indices {
            var writer = progressFiles[index].writer
            try progressFiles[index].stream.finish(into: &writer)
            try writer.commit()
            written.append(WrittenFile(name: progressFiles[index].name, bytes: writer.bytesWritten, sha256: writer.sha256))
        }
        return written
    }

    private func addProgress(_ part: Reconciliation) throws(OutputError) {
        let progress = Figures.progress(part, reference: reference)
        for index in progressFiles.indices {
            var writer = progressFiles[index].writer
            let student = self.student
            try progressFiles[index].stream.append(rows: progress.lazy.map { Tables.progressCells($0, student: student) }, into: &writer)
        }
    }

    private func addFigures(_ part: Reconciliation) {
        capacity.add(part.placements, agreements: part.agreements, reference: reference)
        coverage.add(part.placements, agreements: part.agreements, reference: reference)
        audit.add(part.placements)
        placementCount += part.placements.count
        var students = 0
        for index in part.placements.indices where index == 0
            || part.placements[index].placement.student != part.placements[index - 1].placement.student {
            students += 1
        }
        studentCount += students
    }

    private func addPlacements(_ part: Reconciliation) throws(OutputError) {
        // Local buffers: every append to a property of a class is checked for exclusive access.
        var placementsOut = self.placementsOut, sourcesOut = self.sourcesOut
        self.placementsOut = TextBuffer()
        defer {
            self.placementsOut = placementsOut
            self.sourcesOut = sourcesOut
        }
        let comma = UInt8(ascii: ",")
        let placements = part.placements, agreements = part.agreements
        for index in placements.indices {
            TableFormats.appendCSVField(student(placements[index].placement.student), to: &placementsOut, delimiter: comma)
            placementsOut.append(byte: comma)
            TableFormats.appendCSVField(placements[index].placement.site, to: &placementsOut, delimiter: comma)
            placementsOut.append(byte: comma)
            TableFormats.appendCSVField(placements[index].placement.discipline, to: &placementsOut, delimiter: comma)
            placementsOut.append(byte: comma)
            placementsOut.append(day: placements[index].placement.start)
            placementsOut.append(byte: comma)
            placementsOut.append(day: placements[index].placement.end)
            placementsOut.append(byte: comma)
            placementsOut.append(integer: placements[index].placement.weeks)
            placementsOut.append(byte: comma)
            if let kind = placements[index].placement.kind { placementsOut.append(kind.rawValue) }
            placementsOut.append(byte: comma)
            let year = placements[index].placement.year.startYear
            placementsOut.append(integer: year)
            placementsOut.append(byte: UInt8(ascii: "-"))
            placementsOut.append(integer: year + 1)
            placementsOut.append(byte: comma)
            if let score = placements[index].placement.finalScore { placementsOut.append(ScoreFormatting.text(score)) }
            placementsOut.append(byte: comma)
            switch placements[index].match {
            case .agreement(let matched):
                TableFormats.appendCSVField(agreements[matched].id, to: &placementsOut, delimiter: comma)
                placementsOut.append(byte: comma)
                placementsOut.append(agreements[matched].kind.rawValue)
            case .outsideValidity: placementsOut.append(",OUTSIDE_VALIDITY")
            case .noAgreement: placementsOut.append(",NO_AGREEMENT")
            }
            placementsOut.append(byte: comma)
            sourcesOut.bytes.removeAll(keepingCapacity: true)
            for (sourceIndex, location) in placements[index].placement.sources.enumerated() {
                if sourceIndex > 0 { sourcesOut.append(byte: 0x20) }
                sourcesOut.append(location: location)
            }
            TableFormats.appendCSVField(bytes: sourcesOut.bytes, to: &placementsOut, delimiter: comma)
            placementsOut.append(byte: 0x0A)
            if placementsOut.bytes.count >= TableFormats.pieceSize { try placementsFile.drain(&placementsOut) }
        }
    }
}
