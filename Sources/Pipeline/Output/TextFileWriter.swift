import Foundation

/// Why an output could not be written.
public struct OutputError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String

    public var description: String { "\(path): error: \(message)" }
}

/// A buffered writer to a temporary file beside the target, renamed onto the target on
/// `commit()`, so that a reader never sees half a file.
final class TextFileWriter {
    let path: String
    private let temporaryPath: String
    private let handle: UnsafeMutablePointer<FILE>

    init(path: String) throws(OutputError) {
        self.path = path
        temporaryPath = path + ".partial-\(getpid())"
        guard let handle = fopen(temporaryPath, "w") else {
            throw OutputError(path: path, message: "cannot create: " + String(cString: strerror(errno)))
        }
        self.handle = handle
        setvbuf(handle, nil, _IOFBF, 1 << 16)
    }

    deinit {
        fclose(handle)
        unlink(temporaryPath)
    }

    func write(_ text: String) throws(OutputError) {
        var text = text
        let written = text.withUTF8 { fwrite($0.baseAddress, 1, $0.count, handle) }
        if written != text.utf8.count {
            throw OutputError(path: path, message: "write failed: " + String(cString: strerror(errno)))
        }
    }

    func commit() throws(OutputError) {
        guard fflush(handle) == 0, fsync(fileno(handle)) == 0 else {
            throw OutputError(path: path, message: "write failed: " + String(cString: strerror(errno)))
        }
        guard rename(temporaryPath, path) == 0 else {
            throw OutputError(path: path, message: "cannot publish: " + String(cString: strerror(errno)))
        }
    }
}

enum TextEscaping {
    /// RFC 4180: quoted when it holds a delimiter, a quote or a line break; quotes doubled.
    static func csvField(_ value: String, delimiter: Character = ",") -> String {
        guard value.contains(where: { $0 == delimiter || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func jsonString(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
