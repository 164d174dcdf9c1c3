import Dispatch
import Synchronization

/// A bounded queue of batches from one reader thread to one typing thread. Bounded, so that
/// a reader faster than the typing waits instead of filling memory.
final class BatchChannel: Sendable {
    enum Message: Sendable {
        case batch(RecordBatch, BatchContext)
        case end(ReaderOutcome)
    }

    private struct State {
        var queue: [Message] = []
        var cancelled = false
    }

    private let state = Mutex(State())
    private let available = DispatchSemaphore(value: 0)
    private let space: DispatchSemaphore

    init(capacity: Int = 4) {
        // Created at 0 and raised to `capacity`: libdispatch traps when a semaphore is freed
        // below its initial value, which a cancelled channel may be.
        space = DispatchSemaphore(value: 0)
        for _ in 0..<capacity { space.signal() }
    }

    /// Blocks while the queue is full. Returns false once the consumer has cancelled.
    func send(_ batch: RecordBatch, _ context: BatchContext) -> Bool {
        space.wait()
        let accepted = state.withLock { state -> Bool in
            guard !state.cancelled else { return false }
            state.queue.append(.batch(batch, context))
            return true
        }
        if accepted { available.signal() }
        return accepted
    }

    func finish(_ outcome: ReaderOutcome) {
        state.withLock { $0.queue.append(.end(outcome)) }
        available.signal()
    }

    func receive() -> Message {
        available.wait()
        let message = state.withLock { $0.queue.removeFirst() }
        if case .batch = message { space.signal() }
        return message
    }

    /// The consumer stops: a reader waiting for space wakes and sees it.
    func cancel() {
        state.withLock { $0.cancelled = true }
        space.signal()
    }
}
