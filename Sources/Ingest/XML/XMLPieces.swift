internal import CLibXML2
import Dispatch
import Engine
import Domain
#if canImport(Glibc)
import Glibc
#endif

/// One large XML file parsed in pieces on several threads, the records handed on in the file's
/// order exactly as a front-to-back read gives them.
///
/// libxml2's reader runs on one thread, and on a large export it was a third of the run's
/// CPU: the rest of ingest waited for it. So the file is cut before record start tags into
/// pieces of about `pieceBytes`; each piece is parsed by its own reader as a small document: a
/// copy of the file's bytes before the first record (declaration, DOCTYPE, the records'
/// ancestors' start tags with their namespace declarations), the piece's bytes, and end tags
/// for those ancestors. Line numbers are moved back to the file's own.
///
/// A cut is found by looking for `<` and the first record's qualified name, which could also
/// stand in a comment, a CDATA section or a processing instruction. Such a cut cannot go
/// unnoticed: the piece before it ends inside that construct and does not parse; and every
/// piece but the last is checked to hold nothing but records, all at the first record's depth
/// under the same ancestors (the last piece ends as the file does, and is read as is). At any
/// doubt — a piece that does not parse, does not have that shape, or holds an entity
/// reference, a file that changed — the pieces after the last good one are dropped and the
/// file is read front to back from its start, passing over the records already handed on;
/// that read also gives the exact error with its line. Files in encodings where a byte is not a character (UTF-16, UTF-32) are
/// always read front to back.
struct XMLPieces {
    let reader: XMLSourceReader
    let pieceBytes: Int
    /// A piece held back must outlast libxml2's look-ahead (a few KB; see `deliver`).
    static let minimumPieceBytes = 16 << 10
    /// Pieces parsed at once; with typing and normalizing beside them, two keep two cores busy.
    static let workers = 2
    /// The records' ancestors' start tags are copied before every piece: a file whose first
    /// record lies further in is read front to back.
    static let maxPrologBytes = 1 << 20

    init(reader: XMLSourceReader, pieceBytes: Int) {
        self.reader = reader
        self.pieceBytes = max(pieceBytes, Self.minimumPieceBytes)
    }

    /// What the file's start says about where its records are.
    struct Layout: Sendable {
        /// The file's bytes before the first record's start tag.
        var prolog: [UInt8]
        var prologNewlines: Int
        /// `</name>` for each of the first record's ancestors, innermost first.
        var closing: [UInt8]
        /// `<` and the first record's qualified name, as written in the file.
        var startTag: [UInt8]
        var recordDepth: Int
        /// Elements at the records' depth before the first record (siblings, or their cousins).
        var elementsBeforeFirst: Int
    }

    enum PieceResult: Sendable {
        case parsed(batches: [RecordBatch], records: Int, newlines: Int, encoding: String?)
        case doubt
    }

    /// How a file was read.
    enum Route: Equatable {
        /// Front to back: too small for two pieces, records too far in, UTF-16 or UTF-32.
        case whole
        /// In pieces that start at these offsets of the file.
        case pieces(startingAt: [Int])
        /// A piece gave up; the file was read again front to back after this many records.
        case readAgain(after: Int)
    }

    @discardableResult
    func read(_ file: borrowing ChunkedFile, into sink: inout BatchSink, outcome: inout ReaderOutcome) throws -> Route {
        guard let (layout, cuts) = plan(file) else {
            try reader.readWhole(file, into: &sink, outcome: &outcome, skipping: 0)
            return .whole
        }
        var pieces: [XMLPieceBytes] = []
        for (index, start) in cuts.enumerated() {
            let end = index + 1 < cuts.count ? cuts[index + 1] : file.size
            pieces.append(XMLPieceBytes(prolog: index == 0 ? [] : layout.prolog, range: start..<end,
                                        closing: index + 1 < cuts.count ? layout.closing : []))
        }
        reader.label(&sink)
        switch try deliver(pieces, layout: layout, file: file, into: &sink) {
        case .complete(let encoding):
            try file.failIfChanged()
            outcome.bytes = file.size
            outcome.notes.append("encoding " + (encoding ?? "UTF-8"))
            return .pieces(startingAt: cuts)
        case .gaveUp(let delivered, let observedBytes):
            // Read again, a file that changed since it was opened would not show it.
            try file.failIfChanged()
            // The read again must read the bytes the pieces read: their digest is checked.
            var checkpoint: XMLInputGuard.Checkpoint?
            if let observer = reader.observer {
                if observedBytes > 0 { checkpoint = XMLInputGuard.Checkpoint(offset: observedBytes, digest: observer.digestSoFar()) }
                observer.restart()
            }
            try reader.readWhole(file, into: &sink, outcome: &outcome, skipping: delivered, verifying: checkpoint)
            return .readAgain(after: delivered)
        }
    }

    /// Where the records are and where the file is cut; nil when it is to be read whole.
    private func plan(_ file: borrowing ChunkedFile) -> (layout: Layout, cuts: [Int])? {
        guard let layout = probe(file), let cuts = cuts(file, layout), cuts.count > 1 else { return nil }
        return (layout, cuts)
    }

    private enum Delivery {
        case complete(encoding: String?)
        /// A piece gave up; this many records were handed on before it, and the file's first
        /// `observedBytes` bytes went to the observer.
        case gaveUp(delivered: Int, observedBytes: Int)
    }

    /// Parses the pieces on `workers` threads, each taking every `workers`-th piece, and hands
    /// their batches on in order; at most one piece per worker waits, and one is held back, so
    /// memory is bounded by the piece size. Returns once every worker has stopped.
    private func deliver(_ pieces: [XMLPieceBytes], layout: Layout, file: borrowing ChunkedFile,
                         into sink: inout BatchSink) throws -> Delivery {
        let descriptor = file.fileDescriptor
        let workers = min(Self.workers, pieces.count)
        let channels = (0..<workers).map { _ in Channel<PieceResult>(capacity: 1) }
        let done = DispatchSemaphore(value: 0)
        let parser = reader
        for worker in 0..<workers {
            let channel = channels[worker]
            DedicatedThread.start {
                for index in stride(from: worker, to: pieces.count, by: workers) {
                    let result = parser.parsePiece(pieces[index], last: index == pieces.count - 1, layout: layout,
                                                   descriptor: descriptor)
                    guard channel.send(result) else { break }
                    if case .doubt = result { break }
                }
                done.signal()
            }
        }
        defer {
            for channel in channels { channel.cancel() }
            for _ in 0..<workers { done.wait() }
        }

        // A piece is handed on only once the next one parsed too. A front-to-back read that
        // meets an error stops where libxml2's look-ahead met it, a few kilobytes before the
        // bad bytes, dropping the records parsed but not yet returned; holding one piece back
        // keeps the records handed on before a read again within that, so a rejected file
        // shows the same records either way.
        var delivered = 0
        var newlinesBefore = 0
        var encoding: String?
        var held: (batches: [RecordBatch], records: Int)?
        var observing = RangeObserver(observer: reader.observer, descriptor: descriptor)
        for index in pieces.indices {
            guard case .item(let result) = channels[index % workers].receive(),
                  case .parsed(var batches, let records, let newlines, let pieceEncoding) = result,
                  observing.observe(pieces[index].range) else {
                return .gaveUp(delivered: delivered, observedBytes: observing.observedBytes)
            }
            let shift = newlinesBefore - (index == 0 ? 0 : layout.prologNewlines)
            for batch in batches.indices { batches[batch].shiftLines(by: shift) }
            if let previous = held {
                for batch in previous.batches { try sink.forward(batch) }
                delivered += previous.records
            }
            held = (batches, records)
            newlinesBefore += newlines
            if index == 0 { encoding = pieceEncoding }
        }
        // A file that changed while it was read is reported by the caller.
        var status = stat()
        guard fstat(descriptor, &status) == 0, Int(status.st_size) == file.size else {
            return .gaveUp(delivered: delivered, observedBytes: observing.observedBytes)
        }
        for batch in held?.batches ?? [] { try sink.forward(batch) }
        return .complete(encoding: encoding)
    }

    /// Reads the file's start up to its first record; nil when pieces cannot be used.
    private func probe(_ file: borrowing ChunkedFile) -> Layout? {
        guard let start = try? file.bytes(from: 0, count: min(file.size, Self.maxPrologBytes + 4096)), start.count >= 4 else {
            return nil
        }
        // UTF-16 and UTF-32, with or without a byte order mark: a byte is not a character.
        if start[0] == 0 || start[1] == 0 || (start[0] == 0xFE && start[1] == 0xFF) || (start[0] == 0xFF && start[1] == 0xFE) {
            return nil
        }
        let errors = XMLErrorCollector()
        defer { withExtendedLifetime(errors) {} }
        let input = XMLInputGuard(piece: XMLPieceBytes(prolog: [], range: 0..<file.size, closing: []),
                                  descriptor: file.fileDescriptor, maxFields: reader.spec.limits.maxFields)
        defer { withExtendedLifetime(input) {} }
        guard let xml = LibXML2.textReader(input, errors: errors) else { return nil }
        defer { xmlFreeTextReader(xml) }
        var matcher = XMLRecordMatcher(settings: reader.settings, reader: xml)
        var elementsAtDepth: [Int: Int] = [:]
        while xmlTextReaderRead(xml) == 1, errors.fatal == nil {
            let type = xmlTextReaderNodeType(xml)
            if type == Int32(XML_READER_TYPE_ENTITY_REFERENCE.rawValue) { return nil }
            guard type == Int32(XML_READER_TYPE_ELEMENT.rawValue), let node = xmlTextReaderCurrentNode(xml) else { continue }
            let depth = Int(xmlTextReaderDepth(xml))
            guard matcher.isRecord(node) else {
                elementsAtDepth[depth, default: 0] += 1
                continue
            }
            let encoding = xmlTextReaderConstEncoding(xml).map { String(cString: $0).uppercased() } ?? "UTF-8"
            guard ["UTF-8", "US-ASCII", "ASCII", "ISO-8859-", "WINDOWS-125", "LATIN"].contains(where: { encoding.hasPrefix($0) }),
                  let name = xmlTextReaderConstName(xml) else { return nil }
            let startTag = [UInt8(ascii: "<")] + Self.bytes(name)
            var closing: [UInt8] = []
            var ancestor = node.pointee.parent
            while let element = ancestor, element.pointee.type == XML_ELEMENT_NODE {
                closing += Array("</".utf8)
                if let prefix = element.pointee.ns?.pointee.prefix { closing += Self.bytes(prefix) + [UInt8(ascii: ":")] }
                closing += Self.bytes(element.pointee.name) + [UInt8(ascii: ">")]
                ancestor = element.pointee.parent
            }
            guard let prologEnd = Self.find(startTag, in: start[...]), prologEnd <= Self.maxPrologBytes else { return nil }
            let prolog = Array(start[..<prologEnd])
            let newlines = prolog.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
            // libxml2 gives an element the line its start tag ends on; the cut must not be after it.
            guard newlines + 1 <= XMLRecordMatcher.line(of: node, reader: xml) else { return nil }
            return Layout(prolog: prolog, prologNewlines: newlines, closing: closing, startTag: startTag, recordDepth: depth,
                          elementsBeforeFirst: elementsAtDepth[depth, default: 0])
        }
        return nil
    }

    /// Where pieces start: the file's start, then the first record start tag after every
    /// `pieceBytes`; nil when the file cannot be read.
    private func cuts(_ file: borrowing ChunkedFile, _ layout: Layout) -> [Int]? {
        var cuts = [0]
        var target = layout.prolog.count + pieceBytes
        let window = 1 << 16
        while target < file.size - pieceBytes / 4 {
            var offset = target
            var found: Int?
            while found == nil && offset < file.size {
                guard let bytes = try? file.bytes(from: offset, count: window + layout.startTag.count + 1) else { return nil }
                if bytes.count <= layout.startTag.count { break }
                found = Self.find(layout.startTag, in: bytes[...]).map { offset + $0 }
                offset += window
            }
            guard let cut = found else { break }
            cuts.append(cut)
            target = cut + pieceBytes
        }
        return cuts
    }

    /// The first `<name` followed by what may follow a name in a start tag.
    static func find(_ startTag: [UInt8], in bytes: ArraySlice<UInt8>) -> Int? {
        var from = bytes.startIndex
        while let at = bytes[from...].firstIndex(of: UInt8(ascii: "<")) {
            let end = at + startTag.count
            if end < bytes.endIndex, bytes[at..<end].elementsEqual(startTag) {
                switch bytes[end] {
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: ">"),
                     UInt8(ascii: "/"):
                    return at - bytes.startIndex
                default: break
                }
            }
            from = at + 1
        }
        return nil
    }

    private static func bytes(_ text: UnsafePointer<xmlChar>) -> [UInt8] {
        Array(UnsafeBufferPointer(start: text, count: Int(xmlStrlen(text))))
    }
}

/// Hands the pieces' bytes to the observer in the file's order, as each piece is taken in
/// turn: read again through the file's one descriptor (the pieces were parsed on other threads,
/// in any order, and a digest runs front to back). The bytes are those the piece's parser has
/// just read (the page cache holds them); `ChunkedFile.checkUnchanged` at the end sees a file
/// written meanwhile.
private struct RangeObserver: ~Copyable {
    let observer: (any ByteObserver)?
    let descriptor: Int32
    private(set) var observedBytes = 0
    private let buffer: UnsafeMutableRawBufferPointer

    init(observer: (any ByteObserver)?, descriptor: Int32) {
        self.observer = observer
        self.descriptor = descriptor
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: observer == nil ? 0 : 1 << 20, alignment: 16)
    }

    deinit { buffer.deallocate() }

    /// False when the range cannot be read whole (the file shrank, or a read failed).
    mutating func observe(_ range: Range<Int>) -> Bool {
        guard let observer, let base = buffer.baseAddress else { return true }
        var offset = range.lowerBound
        while offset < range.upperBound {
            let count = pread(descriptor, base, min(buffer.count, range.upperBound - offset), off_t(offset))
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            observer.observe(UnsafeRawBufferPointer(start: base, count: count))
            offset += count
            observedBytes = offset
        }
        return true
    }
}

extension XMLSourceReader {
    /// Parses one piece into batches, or gives up at the first doubt (see `XMLPieces`).
    func parsePiece(_ piece: XMLPieceBytes, last: Bool, layout: XMLPieces.Layout, descriptor: Int32) -> XMLPieces.PieceResult {
        let errors = XMLErrorCollector()
        defer { withExtendedLifetime(errors) {} }
        let input = XMLInputGuard(piece: piece, descriptor: descriptor, maxFields: spec.limits.maxFields)
        defer { withExtendedLifetime(input) {} }
        guard let reader = LibXML2.textReader(input, errors: errors) else { return .doubt }
        defer { xmlFreeTextReader(reader) }

        let collected = PieceBatches()
        var sink = BatchSink { batch, _ in
            collected.batches.append(batch)
            return true
        }
        guard let records = tapeRecords(reader, errors: errors, last: last, layout: layout, into: &sink),
              errors.fatal == nil, input.violation == nil, records > 0 else { return .doubt }
        do { try sink.send() } catch { return .doubt }
        return .parsed(batches: collected.batches, records: records, newlines: input.rangeNewlines,
                       encoding: xmlTextReaderConstEncoding(reader).map { String(cString: $0) })
    }

    /// Reads the piece to its end, taping its records into `sink`; how many, or nil at the
    /// first doubt: a record where the first piece's layout puts none, or anything but records
    /// between them (the last piece excepted), or an entity reference.
    private func tapeRecords(_ reader: xmlTextReaderPtr, errors: XMLErrorCollector, last: Bool, layout: XMLPieces.Layout,
                             into sink: inout BatchSink) -> Int? {
        var matcher = XMLRecordMatcher(settings: settings, reader: reader)
        let element = Int32(XML_READER_TYPE_ELEMENT.rawValue)
        let endElement = Int32(XML_READER_TYPE_END_ELEMENT.rawValue)
        let entityReference = Int32(XML_READER_TYPE_ENTITY_REFERENCE.rawValue)
        var records = 0
        var elementsBeforeFirst = 0
        var leftRecords = false
        var status = xmlTextReaderRead(reader)
        while status == 1 {
            if errors.fatal != nil { return nil }
            let type = xmlTextReaderNodeType(reader)
            if type == element, let node = xmlTextReaderCurrentNode(reader) {
                let depth = Int(xmlTextReaderDepth(reader))
                if matcher.isRecord(node) {
                    guard last || (depth == layout.recordDepth && !leftRecords),
                          records > 0 || elementsBeforeFirst == layout.elementsBeforeFirst,
                          let subtree = xmlTextReaderExpand(reader), errors.fatal == nil else { return nil }
                    let line = XMLRecordMatcher.line(of: subtree, reader: reader)
                    var clean = true
                    do {
                        try sink.tapeRecord(line: line) { batch in
                            clean = matcher.collect(subtree, into: &batch) == nil
                            return clean
                        }
                    } catch {
                        return nil
                    }
                    guard clean else { return nil }
                    records += 1
                    status = xmlTextReaderNext(reader)
                    continue
                }
                if records == 0 {
                    if depth == layout.recordDepth { elementsBeforeFirst += 1 }
                } else if !last {
                    // Between records only records: what follows a piece is parsed as if under
                    // the first record's ancestors. The last piece has the file's own ending
                    // and is read as a front-to-back read would (the pieces before it showed
                    // that its start lies under those ancestors).
                    return nil
                }
            } else if type == endElement {
                if records > 0 && Int(xmlTextReaderDepth(reader)) < layout.recordDepth { leftRecords = true }
            } else if type == entityReference {
                return nil
            }
            status = xmlTextReaderRead(reader)
        }
        return status == 0 ? records : nil
    }

    /// The batches of one piece (the sink's flush is a closure; this holds what it gathers).
    private final class PieceBatches {
        var batches: [RecordBatch] = []
    }
}
