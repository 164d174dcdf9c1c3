import Crypto
import Foundation
import Report

/// Why an output could not be written.
public struct OutputError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String

    public var description: String { "\(path): error: \(message)" }
}

/// A buffered writer to a temporary file beside the target, renamed onto the target on
/// `commit()`, so that a reader never sees half a file. It hashes what it writes (SHA-256) for
/// the manifest, so that no output is read back. Made with `replacing: false` it never
/// replaces anything at the target, a link included: `commit()` links the file in, which fails
/// when the name exists (what `init` needs without `--force`).
final class TextFileWriter {
    let path: String
    private let replacing: Bool
    private let temporaryPath: String
    private let handle: UnsafeMutablePointer<FILE>
    private var buffer: [UInt8] = []
    private var hasher = SHA256()
    private(set) var bytesWritten = 0
    /// Hex SHA-256 of the whole file, set by `commit()`.
    private(set) var sha256 = ""
    private static let bufferSize = 1 << 16

    init(path: String, replacing: Bool = true) throws(OutputError) {
        self.path = path
        self.replacing = replacing
        temporaryPath = path + ".partial-\(getpid())"
        // O_NOFOLLOW: a link planted under the temporary name is refused, not written through
        // (the rename onto `path` replaces a link there without following it).
        let descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o666)
        guard descriptor >= 0, let handle = fdopen(descriptor, "w") else {
            let message = String(cString: strerror(errno))
            if descriptor >= 0 { close(descriptor) }
            throw OutputError(path: path, message: "cannot create: " + message)
        }
        self.handle = handle
        buffer.reserveCapacity(Self.bufferSize + 4096)
    }

    deinit {
        fclose(handle)
        unlink(temporaryPath)
    }

    func write(_ text: String) throws(OutputError) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= Self.bufferSize { try flush() }
    }

    func write(bytes: [UInt8]) throws(OutputError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.bufferSize { try flush() }
    }

    private func flush() throws(OutputError) {
        guard !buffer.isEmpty else { return }
        try put(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    private func put(_ bytes: [UInt8]) throws(OutputError) {
        hasher.update(data: bytes)
        let written = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, handle) }
        guard written == bytes.count else {
            throw OutputError(path: path, message: "write failed: " + String(cString: strerror(errno)))
        }
        bytesWritten += written
    }

    func commit() throws(OutputError) {
        try flush()
        guard fflush(handle) == 0, fsync(fileno(handle)) == 0 else {
            throw OutputError(path: path, message: "write failed: " + String(cString: strerror(errno)))
        }
        guard replacing ? rename(temporaryPath, path) == 0 : link(temporaryPath, path) == 0 else {
            throw OutputError(path: path, message: "cannot publish: " + String(cString: strerror(errno)))
        }
        sha256 = hasher.finalize().hexDigits
    }
}

/// Rendered pieces go straight to the file, after what was buffered.
extension TextFileWriter: ByteSink {
    func drain(_ rendered: inout TextBuffer) throws(OutputError) {
        try flush()
        guard !rendered.bytes.isEmpty else { return }
        try put(rendered.bytes)
        rendered.bytes.removeAll(keepingCapacity: true)
    }
}

extension Sequence<UInt8> {
    /// Lower-case hex, two digits per byte (digests in the manifest and the history).
    var hexDigits: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Escaping as strings, for the few outputs written line by line; the one implementation is
/// the report formats' (`TableFormats`).
enum TextEscaping {
    /// RFC 4180: quoted when it holds a delimiter, a quote or a line break; quotes doubled.
    static func csvField(_ value: String) -> String {
        var out = TextBuffer()
        TableFormats.appendCSVField(value, to: &out, delimiter: UInt8(ascii: ","))
        return String(decoding: out.bytes, as: UTF8.self)
    }

    /// A JSON string literal: only `"`, `\\` and control characters change.
    static func jsonString(_ value: String) -> String {
        var out = TextBuffer()
        TableFormats.appendJSONString(value, to: &out)
        return String(decoding: out.bytes, as: UTF8.self)
    }
}
