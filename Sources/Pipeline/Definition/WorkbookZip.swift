import Ingest
import ZipReading

/// The ZIP layer of .xlsx sources: module ZipReading's archive, handed to Ingest as a
/// `WorkbookPackage` (Ingest cannot depend on it: see `WorkbookPackage`). Reference data read
/// from a workbook uses the same opener.
public enum WorkbookZip {
    public static let opener = WorkbookPackageOpener { size, limits, readAt throws(PackageFailure) in
        let zipLimits = ZipLimits(maxEntryBytes: limits.maxInflatedPartBytes, maxTotalBytes: limits.maxInflatedBytes,
                                  maxRatio: limits.maxCompressionRatio)
        do throws(ZipFailure) {
            let archive = try ZipArchive(size: size, limits: zipLimits) { (offset, buffer) throws(ZipFailure) in
                switch Result(catching: { () throws(PackageFailure) in try readAt(offset, buffer) }) {
                case .success(let count): return count
                case .failure(let failure): throw ZipFailure(.unreadable, failure.message)
                }
            }
            return ZipPackage(archive)
        } catch {
            throw PackageFailure(error)
        }
    }
}

extension PackageFailure {
    init(_ failure: ZipFailure) {
        self.init(failure.message, notes: failure.notes)
    }
}

/// A ZIP archive as a workbook's package.
final class ZipPackage: WorkbookPackage {
    private let archive: ZipArchive

    init(_ archive: ZipArchive) { self.archive = archive }

    var partNames: [String] { archive.entries.map(\.name) }

    func hasPart(_ name: String) -> Bool { archive.entry(named: name) != nil }

    func absorb(_ bytes: UnsafeRawBufferPointer) { archive.absorb(bytes) }

    func finishAbsorbing() throws(PackageFailure) {
        do {
            try archive.finishAbsorbing()
        } catch {
            throw PackageFailure(error)
        }
    }

    func open(part name: String) throws(PackageFailure) -> any WorkbookPartStream {
        guard let entry = archive.entry(named: name) else { throw PackageFailure("the workbook has no part '\(name)'") }
        do {
            return ZipPartStream(try archive.open(entry))
        } catch {
            throw PackageFailure(error)
        }
    }
}

/// One entry's inflating stream as a workbook part.
final class ZipPartStream: WorkbookPartStream {
    private let reader: ZipEntryReader

    init(_ reader: ZipEntryReader) { self.reader = reader }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(PackageFailure) -> Int {
        do {
            return try reader.read(into: buffer)
        } catch {
            throw PackageFailure(error)
        }
    }
}
