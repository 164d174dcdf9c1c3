/// Sees every byte of one input once, in the file's order, as ingest reads it. The Pipeline
/// module hashes them: Ingest imports libxml2's headers, and with them neither Foundation nor
/// swift-crypto may be imported (ICU's `UErrorCode` would be defined twice).
public protocol ByteObserver: AnyObject, Sendable {
    func observe(_ bytes: UnsafeRawBufferPointer)
    /// A digest of the bytes observed so far; observing goes on after it.
    func digestSoFar() -> [UInt8]
    /// Forgets what was observed: the file is read again from its start.
    func restart()
}

/// How ingest opens its inputs, besides reading regular files only.
public struct InputPolicy: Sendable {
    /// With `confine_paths`: the real path of the folder every opened input must lie in.
    public var confinedTo: String?
    /// For tests only: called with an input's path once it is open and checked, before a byte
    /// is read (to replace files under a running ingest).
    public var onOpened: (@Sendable (String) -> Void)?

    public init(confinedTo: String? = nil, onOpened: (@Sendable (String) -> Void)? = nil) {
        self.confinedTo = confinedTo
        self.onOpened = onOpened
    }
}
