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

#if canImport(Glibc)
import Glibc
#endif

/// Work that blocks on other threads (a pipeline stage waiting for its consumer) on a thread
/// of its own, started at once: libdispatch's pool adds a thread only after a delay once its
/// threads block, and a parser started a second late.
public enum DedicatedThread {
    private final class Work: @unchecked Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    public static func start(_ body: @escaping @Sendable () -> Void) {
        #if canImport(Glibc)
        let work = Unmanaged.passRetained(Work(body)).toOpaque()
        var thread = pthread_t()
        let started = pthread_create(&thread, nil, { context in
            guard let context else { return nil }
            Unmanaged<Work>.fromOpaque(context).takeRetainedValue().body()
            return nil
        }, work)
        if started == 0 {
            pthread_detach(thread)
            return
        }
        Unmanaged<Work>.fromOpaque(work).release()
        #endif
        DispatchQueue.global().async(execute: body)
    }
}
