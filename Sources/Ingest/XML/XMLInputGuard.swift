internal import CLibXML2
#if canImport(Glibc)
import Glibc
#endif

/// The bytes libxml2 reads, passed through a guard against what libxml2 itself does not bound:
/// an element with very many attributes (libxml2 checks each new attribute against all the
/// earlier ones, so 200,000 attributes take minutes). An attribute value cannot hold a '<'
/// in well-formed XML, so a start tag's attributes are at most the '=' signs between one '<'
/// and the next: the guard counts those, and stops at ten times `limits.max_fields` (values
/// may hold '=' too, so the bound is generous; 10,000 attributes cost libxml2 milliseconds). Measured, a state machine over every tag byte cost a
/// tenth of the XML read; this counts '=' per chunk in one vectorised pass and looks closer
/// only at a chunk with more '=' than the limit, so ordinary exports pay almost nothing.
final class XMLInputGuard {
    private let descriptor: Int32
    /// For one piece of a file parsed in pieces (`XMLPieces`): the bytes libxml2 reads are a
    /// copy of the file's prolog, the piece's range of the file, then closing tags.
    private let piece: XMLPieceBytes?
    private let maxAttributes: Int
    /// Why reading stopped (the reader reports it at libxml2's line).
    private(set) var violation: String?
    /// '=' signs since the last '<' of the bytes read so far.
    private var sinceLastTag = 0

    /// The file's size when opened: a file that ends before it, or goes past it, changed while
    /// it was read.
    private let expectedSize: Int
    private var total = 0

    /// A digest the file's first `offset` bytes must have: what pieces parsed before one gave
    /// up observed, checked when the file is read again.
    struct Checkpoint {
        var offset: Int
        var digest: [UInt8]
    }

    private let observer: (any ByteObserver)?
    private let checkpoint: Checkpoint?

    init(descriptor: Int32, maxFields: Int, expectedSize: Int, observer: (any ByteObserver)? = nil,
         checkpoint: Checkpoint? = nil) {
        self.descriptor = descriptor
        maxAttributes = 10 * maxFields
        self.expectedSize = expectedSize
        self.observer = observer
        self.checkpoint = checkpoint
        piece = nil
    }

    init(piece: XMLPieceBytes, descriptor: Int32, maxFields: Int) {
        self.descriptor = descriptor
        maxAttributes = 10 * maxFields
        expectedSize = 0
        self.piece = piece
        observer = nil
        checkpoint = nil
    }

    /// For a part of a workbook: bytes pulled from its inflating stream (`pull` returns the
    /// count, 0 at the end, -1 when the stream failed; the stream keeps why).
    private var pull: ((UnsafeMutableRawBufferPointer) -> Int)?

    /// In a workbook's part a DOCTYPE is refused before libxml2 sees it: no spreadsheet program
    /// writes one, and libxml2 reports an entity bomb's declarations before the DOCTYPE node.
    private var doctype = DoctypeScanner()
    static let doctypeRefused = "has a DOCTYPE: no spreadsheet program writes one, and its entities could attack the reader; "
        + "the file is refused"

    init(maxFields: Int, pull: @escaping (UnsafeMutableRawBufferPointer) -> Int) {
        descriptor = -1
        maxAttributes = 10 * maxFields
        expectedSize = 0
        piece = nil
        observer = nil
        checkpoint = nil
        self.pull = pull
    }

    /// libxml2's read callback: fills `buffer`, returns the bytes read, 0 at the end, -1 to stop.
    func read(_ buffer: UnsafeMutablePointer<CChar>, _ length: Int32) -> Int32 {
        guard violation == nil else { return -1 }
        if piece != nil { return readPiece(buffer, length) }
        if let pull {
            let count = pull(UnsafeMutableRawBufferPointer(start: buffer, count: Int(length)))
            if count > 0 {
                let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self), count: count)
                if doctype.found(in: bytes) { violation = Self.doctypeRefused }
                check(UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self), count)
            }
            return count < 0 || violation != nil ? -1 : Int32(count)
        }
        let count = Glibc.read(descriptor, buffer, Int(length))
        if count == 0 && total < expectedSize {
            violation = ChunkedFile.changedWhileRead(opened: expectedSize, now: total)
            return -1
        }
        guard count > 0 else { return Int32(count) }
        total += count
        if total > expectedSize && expectedSize > 0 {
            violation = ChunkedFile.changedWhileRead(opened: expectedSize, now: total)
            return -1
        }
        if observer != nil { observe(UnsafeRawPointer(buffer), count) }
        check(UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self), count)
        return violation == nil ? Int32(count) : -1
    }

    /// Hands the bytes just read to the observer; where they pass the checkpoint's offset, the
    /// digest so far must be the checkpoint's.
    private func observe(_ bytes: UnsafeRawPointer, _ count: Int) {
        guard let observer else { return }
        let start = total - count
        guard let checkpoint, start < checkpoint.offset, total >= checkpoint.offset else {
            observer.observe(UnsafeRawBufferPointer(start: bytes, count: count))
            return
        }
        let head = checkpoint.offset - start
        observer.observe(UnsafeRawBufferPointer(start: bytes, count: head))
        guard observer.digestSoFar() == checkpoint.digest else {
            violation = "the file changed while it was read: its first \(checkpoint.offset) bytes differ between two reads; "
                + "is another program writing it?"
            return
        }
        observer.observe(UnsafeRawBufferPointer(start: bytes + head, count: count - head))
    }

    private var pieceOffset = 0
    /// Line breaks in the piece's range of the file (not in its prolog or closing tags).
    private(set) var rangeNewlines = 0

    /// A piece: prolog, the file's range (read with pread, so pieces share one descriptor),
    /// closing tags. A file that ends early changed while it was read: the reader stops, and
    /// the caller reads the file whole, which reports it.
    private func readPiece(_ buffer: UnsafeMutablePointer<CChar>, _ length: Int32) -> Int32 {
        guard let piece else { return -1 }
        let target = UnsafeMutableBufferPointer(start: UnsafeMutableRawPointer(buffer).assumingMemoryBound(to: UInt8.self),
                                                count: Int(length))
        var count = 0
        let prologEnd = piece.prolog.count, rangeEnd = prologEnd + piece.range.count
        if pieceOffset < prologEnd {
            count = min(target.count, prologEnd - pieceOffset)
            _ = target.update(fromContentsOf: piece.prolog[pieceOffset..<pieceOffset + count])
        } else if pieceOffset < rangeEnd {
            let wanted = min(target.count, rangeEnd - pieceOffset)
            var got = -1
            repeat {
                got = pread(descriptor, target.baseAddress, wanted, off_t(piece.range.lowerBound + pieceOffset - prologEnd))
            } while got < 0 && errno == EINTR
            guard got > 0 else {
                violation = "the file shrank while it was read"
                return -1
            }
            count = got
            if let base = target.baseAddress { rangeNewlines += Self.count(UInt8(ascii: "\n"), in: base, got) }
        } else if pieceOffset < rangeEnd + piece.closing.count {
            count = min(target.count, rangeEnd + piece.closing.count - pieceOffset)
            let start = pieceOffset - rangeEnd
            _ = target.update(fromContentsOf: piece.closing[start..<start + count])
        }
        pieceOffset += count
        if count > 0, let base = target.baseAddress { check(base, count) }
        return violation == nil ? Int32(count) : -1
    }

    /// Occurrences of `byte`, 16 bytes at a time (the byte is rare, so most blocks cost one
    /// vector compare).
    static func count(_ byte: UInt8, in bytes: UnsafePointer<UInt8>, _ length: Int) -> Int {
        var total = 0
        var index = 0
        let target = SIMD16<UInt8>(repeating: byte)
        let raw = UnsafeRawPointer(bytes)
        while index + 16 <= length {
            let block = raw.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self)
            let hits = block .== target
            if any(hits) { total &+= Int(SIMD16<UInt8>(repeating: 0).replacing(with: 1, where: hits).wrappedSum()) }
            index += 16
        }
        while index < length {
            if bytes[index] == byte { total &+= 1 }
            index += 1
        }
        return total
    }

    private func check(_ bytes: UnsafePointer<UInt8>, _ length: Int) {
        let equals = Self.count(UInt8(ascii: "="), in: bytes, length)
        if sinceLastTag + equals <= maxAttributes {
            // No tag can break the limit inside this chunk; carry the '=' after its last '<'.
            var last = length - 1
            while last >= 0 && bytes[last] != UInt8(ascii: "<") { last -= 1 }
            if last >= 0 {
                sinceLastTag = Self.count(UInt8(ascii: "="), in: bytes + last, length - last)
            } else {
                sinceLastTag += equals
            }
            return
        }
        // Rare: walk the chunk tag by tag.
        for index in 0..<length {
            switch bytes[index] {
            case UInt8(ascii: "<"): sinceLastTag = 0
            case UInt8(ascii: "="):
                sinceLastTag += 1
                if sinceLastTag > maxAttributes {
                    violation = "an element with more than \(maxAttributes) '=' signs, i.e. attributes, between two tags "
                        + "(10 × limits.max_fields): an attribute flood"
                    return
                }
            default: break
            }
        }
    }
}

/// What one piece of a file parsed in pieces reads (see `XMLPieces`).
struct XMLPieceBytes: Sendable {
    /// The file's bytes before its first record (declaration, DOCTYPE, the records' ancestors'
    /// start tags); empty for the first piece, which starts at the file's start.
    var prolog: [UInt8]
    var range: Range<Int>
    /// End tags of the records' ancestors, innermost first; empty for the last piece.
    var closing: [UInt8]
}

/// The C callbacks libxml2 calls with the guard as context.
func xmlInputGuardRead(_ context: UnsafeMutableRawPointer?, _ buffer: UnsafeMutablePointer<CChar>?, _ length: Int32) -> Int32 {
    guard let context, let buffer else { return -1 }
    return Unmanaged<XMLInputGuard>.fromOpaque(context).takeUnretainedValue().read(buffer, length)
}

func xmlInputGuardClose(_ context: UnsafeMutableRawPointer?) -> Int32 { 0 }

/// Finds `<!DOCTYPE` in bytes read chunk by chunk (also across two chunks). Only a `!` is looked
/// at closely, 16 bytes at a time: sheets have few.
struct DoctypeScanner {
    private static let marker = Array("<!DOCTYPE".utf8)
    /// The previous chunk's last bytes.
    private var tail: [UInt8] = []

    mutating func found(in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let marker = Self.marker
        let window = tail + bytes.prefix(marker.count - 1)
        defer { tail = Array(bytes.suffix(marker.count - 1)) }
        if window.count >= marker.count {
            for start in 0...(window.count - marker.count) where window[start..<start + marker.count].elementsEqual(marker) { return true }
        }
        guard let base = bytes.baseAddress, XMLInputGuard.count(UInt8(ascii: "!"), in: base, bytes.count) > 0 else { return false }
        var index = 1
        while index + marker.count - 1 <= bytes.count {
            if bytes[index] == UInt8(ascii: "!"), bytes[index - 1] == UInt8(ascii: "<"),
               bytes[(index - 1)..<(index - 1 + marker.count)].elementsEqual(marker) {
                return true
            }
            index += 1
        }
        return false
    }
}
