internal import CLibXML2

/// The boundary to libxml2: its one-time set-up and its errors, translated into ours.
enum LibXML2 {
    /// Runs once per process (a Swift global is initialised exactly once, thread-safely).
    static func setUp() { _ = initialised }

    private static let initialised: Bool = {
        xmlInitParser()
        // Defence in depth: even if some path asked for an external DTD or entity, nothing is
        // ever read from a file or the network.
        xmlSetExternalEntityLoader(refuseExternalEntity)
        return true
    }()
}

extension LibXML2 {
    /// A streaming reader over `input`, its errors going to `errors`; nil when libxml2 cannot
    /// start one. libxml2 holds both unretained: the caller keeps them alive until it frees
    /// the reader.
    static func textReader(_ input: XMLInputGuard, errors: XMLErrorCollector,
                           options: Int32 = XMLSourceReader.parseOptions) -> xmlTextReaderPtr? {
        setUp()
        guard let reader = xmlReaderForIO(xmlInputGuardRead, xmlInputGuardClose, Unmanaged.passUnretained(input).toOpaque(),
                                          nil, nil, options) else { return nil }
        xmlTextReaderSetStructuredErrorHandler(reader, xmlStructuredErrorHandler, Unmanaged.passUnretained(errors).toOpaque())
        return reader
    }
}

private func refuseExternalEntity(_ url: UnsafePointer<CChar>?, _ id: UnsafePointer<CChar>?,
                                  _ context: xmlParserCtxtPtr?) -> xmlParserInputPtr? {
    nil
}

/// Collects libxml2's structured errors for one reader; the first error or fatal error wins.
final class XMLErrorCollector {
    struct Entry {
        var line: Int
        var column: Int?
        var message: String
        /// libxml2's error code (`xmlParserErrors`).
        var code: Int32 = 0
    }

    var fatal: Entry?
}

let xmlStructuredErrorHandler: xmlStructuredErrorFunc = { context, error in
    guard let context, let error else { return }
    let collector = Unmanaged<XMLErrorCollector>.fromOpaque(context).takeUnretainedValue()
    let level = error.pointee.level
    guard level == XML_ERR_ERROR || level == XML_ERR_FATAL, collector.fatal == nil else { return }
    var message = error.pointee.message.map { String(cString: $0) } ?? "unknown error"
    while message.last == "\n" || message.last == " " { message.removeLast() }
    let column = Int(error.pointee.int2)
    collector.fatal = XMLErrorCollector.Entry(line: max(Int(error.pointee.line), 1), column: column > 0 ? column : nil,
                                              message: message, code: error.pointee.code)
}

/// The libxml2 version stagebalans was built against, for the manifest.
public enum LibXML2Version {
    public static let dotted: String = LIBXML_DOTTED_VERSION
}
