import Dispatch

/// A bounded queue from one producing thread to one consuming thread (reader → typist →
/// the caller). Bounded, so that a producer faster than its consumer waits instead of
/// filling memory.
final class Channel<Item: Sendable>: @unchecked Sendable {
    enum Message: Sendable {
        case item(Item)
        case end(ReaderOutcome)
    }

    private struct State {
        var queue: [Message] = []
        var cancelled = false
    }

    // Guarded by `lock`: a semaphore rather than Synchronization's Mutex, whose lock lives in
    // the uninstrumented standard library, so ThreadSanitizer could not see it and reported
    // the queue as raced.
    private var unguarded = State()
    private let lock = DispatchSemaphore(value: 1)
    private let available = DispatchSemaphore(value: 0)
    private let space: DispatchSemaphore

    init(capacity: Int = 4) {
        // Created at 0 and raised to `capacity`: libdispatch traps when a semaphore is freed
        // below its initial value, which a cancelled channel may be.
        space = DispatchSemaphore(value: 0)
        for _ in 0..<capacity { space.signal() }
    }

    /// Blocks while the queue is full. Returns false once the consumer has cancelled.
    func send(_ item: Item) -> Bool {
        space.wait()
        let accepted = withState { state -> Bool in
            guard !state.cancelled else { return false }
            state.queue.append(.item(item))
            return true
        }
        if accepted { available.signal() }
        return accepted
    }

    func finish(_ outcome: ReaderOutcome) {
        withState { $0.queue.append(.end(outcome)) }
        available.signal()
    }

    func receive() -> Message {
        available.wait()
        let message = withState { $0.queue.removeFirst() }
        if case .item = message { space.signal() }
        return message
    }

    /// The consumer stops: a reader waiting for space wakes and sees it.
    func cancel() {
        withState { $0.cancelled = true }
        space.signal()
    }

    private func withState<Result>(_ body: (inout State) -> Result) -> Result {
        lock.wait()
        defer { lock.signal() }
        return body(&unguarded)
    }
}
