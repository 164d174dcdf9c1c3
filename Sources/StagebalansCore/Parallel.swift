import Dispatch
// No Foundation here: Ingest imports this module beside libxml2's headers, and Foundation's
// ICU module and the system's ICU headers (through libxml2) define `UErrorCode` twice.

/// Independent pieces of work run on as many cores as there are, their results in the order of
/// the pieces: what runs beside a piece never changes its result.
public enum Parallel {
    public static func map<Result: Sendable>(_ count: Int, _ piece: @Sendable (Int) -> Result) -> [Result] {
        let slots = Slots<Result>(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { index in slots.set(index, piece(index)) }
        return slots.values
    }

    /// Each slot is written by one piece; the lock makes the writes visible to the caller.
    private final class Slots<Value: Sendable>: @unchecked Sendable {
        // Guarded by `lock` (a semaphore: ThreadSanitizer sees libdispatch's).
        private let lock = DispatchSemaphore(value: 1)
        private var storage: [Value?]

        init(count: Int) { storage = Array(repeating: nil, count: count) }

        func set(_ index: Int, _ value: Value) {
            lock.wait()
            storage[index] = value
            lock.signal()
        }

        var values: [Value] {
            lock.wait()
            defer { lock.signal() }
            return storage.compactMap { $0 }
        }
    }
}
