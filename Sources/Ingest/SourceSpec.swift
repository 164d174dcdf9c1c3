import Domain

/// How to read one source: everything a pipeline definition says about it, as plain values.
/// The pipeline module builds these from YAML; ingest never sees the YAML.
public struct SourceSpec: Sendable {
    public enum InputFormat: Sendable {
        case csv(CSVSettings)
        case xml(XMLSettings)
        case xlsx(XLSXSettings)
    }

    public var name: String
    public var kind: SourceKind
    /// The files, as they should appear in messages (relative to the working folder where possible).
    public var files: [String]
    public var format: InputFormat
    /// Header names (CSV, XLSX) per logical field that replace the defaults for that field.
    public var columns: [LogicalField: [String]]
    public var dates: DateParser
    public var decimal: DecimalSeparator
    public var valueMaps: ValueMaps
    public var limits: Limits

    public init(name: String, kind: SourceKind, files: [String], format: InputFormat, columns: [LogicalField: [String]] = [:],
                dates: DateParser = .standard, decimal: DecimalSeparator = .auto, valueMaps: ValueMaps = .defaults,
                limits: Limits = Limits()) {
        self.name = name
        self.kind = kind
        self.files = files
        self.format = format
        self.columns = columns
        self.dates = dates
        self.decimal = decimal
        self.valueMaps = valueMaps
        self.limits = limits
    }
}

public enum EncodingChoice: Sendable, Hashable {
    /// A UTF-8 BOM says UTF-8; without one, the file is checked to be valid UTF-8 throughout,
    /// and otherwise rejected with a request to name the encoding.
    case auto
    case fixed(TextEncoding)
}

public enum DelimiterChoice: Sendable, Hashable {
    /// Taken from the header line when exactly one of `;`, `,` and tab splits it into the
    /// expected columns.
    case auto
    case fixed(UInt8)
}

public struct CSVSettings: Sendable, Hashable {
    public var encoding: EncodingChoice
    public var delimiter: DelimiterChoice
    public var quote: UInt8

    public init(encoding: EncodingChoice = .auto, delimiter: DelimiterChoice = .auto, quote: UInt8 = UInt8(ascii: "\"")) {
        self.encoding = encoding
        self.delimiter = delimiter
        self.quote = quote
    }
}

/// A qualified name as written in a definition: `prefix:local` or `local`. Without a prefix
/// it matches that local name in any namespace (exports move their default namespace between
/// versions); with one, only in the namespace the definition binds that prefix to.
public struct XMLName: Sendable, Hashable, CustomStringConvertible {
    public var namespaceURI: String?
    public var localName: String

    public init(namespaceURI: String?, localName: String) {
        self.namespaceURI = namespaceURI
        self.localName = localName
    }

    public var description: String {
        namespaceURI.map { "{\($0)}\(localName)" } ?? localName
    }

    func matches(namespaceURI uri: String?, localName name: String) -> Bool {
        guard name == localName else { return false }
        guard let namespaceURI else { return true }
        return namespaceURI == (uri ?? "")
    }
}

/// One element step of a path, optionally narrowed by an attribute's value
/// (`criterium[@naam='kennis']`), for exports that tell sibling values apart by an attribute.
public struct XMLStep: Sendable, Hashable {
    public var name: XMLName
    public var predicate: (attribute: XMLName, value: String)?

    public init(name: XMLName, predicate: (attribute: XMLName, value: String)? = nil) {
        self.name = name
        self.predicate = predicate
    }

    public static func == (lhs: XMLStep, rhs: XMLStep) -> Bool {
        lhs.name == rhs.name && lhs.predicate?.attribute == rhs.predicate?.attribute && lhs.predicate?.value == rhs.predicate?.value
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(predicate?.attribute)
        hasher.combine(predicate?.value)
    }
}

/// Where a field's value sits relative to the record element: child element steps, then
/// optionally an attribute (`plaats/naam`, `@id`, `periode/@van`); `.` is the record's own text.
public struct XMLPath: Sendable, Hashable, CustomStringConvertible {
    public var elements: [XMLStep]
    public var attribute: XMLName?
    public var text: String

    public init(elements: [XMLStep], attribute: XMLName?, text: String) {
        self.elements = elements
        self.attribute = attribute
        self.text = text
    }

    public var description: String { text }
}

public struct XMLSettings: Sendable, Hashable {
    public var record: XMLName
    public var fields: [LogicalField: XMLPath]

    public init(record: XMLName, fields: [LogicalField: XMLPath]) {
        self.record = record
        self.fields = fields
    }
}

/// Bounds that keep a hostile or broken file from taking the machine's memory.
public struct Limits: Sendable, Hashable {
    public var maxFieldBytes: Int
    public var maxRecordBytes: Int
    public var maxFields: Int
    /// .xlsx: the most bytes one part of the workbook (a sheet) may inflate to.
    public var maxInflatedPartBytes = 2 << 30
    /// .xlsx: the most bytes the parts read from one workbook may inflate to together.
    public var maxInflatedBytes = 4 << 30
    /// .xlsx: the most bytes a part may inflate to per compressed byte (past its first MB).
    public var maxCompressionRatio = 200
    /// .xlsx: the shared-strings table in memory: its text plus 8 bytes per string.
    public var maxSharedStringsBytes = 256 << 20

    public init(maxFieldBytes: Int = 64 * 1024, maxRecordBytes: Int = 1 << 20, maxFields: Int = 1_000) {
        self.maxFieldBytes = maxFieldBytes
        self.maxRecordBytes = maxRecordBytes
        self.maxFields = maxFields
    }
}
