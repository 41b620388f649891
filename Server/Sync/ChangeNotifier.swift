import Foundation
import NIOConcurrencyHelpers

/// Wakes long-polls when a user's records change.
public final class ChangeNotifier: Sendable {
    private struct State {
        var waiters: [Int64: [UUID: AsyncStream<Void>.Continuation]] = [:]
        var closed = false
    }

    private let state = NIOLockedValueBox(State())

    /// A notifier with no waiters.
    public init() {}

    /// Registers interest in `user`'s changes; register before reading, so no change slips between.
    func subscribe(user: Int64) -> Subscription {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let id = UUID()
        let closed = state.withLockedValue { state in
            if !state.closed { state.waiters[user, default: [:]][id] = continuation }
            return state.closed
        }
        if closed { continuation.finish() }
        return Subscription(stream: stream) { [self] in
            _ = state.withLockedValue { $0.waiters[user]?.removeValue(forKey: id) }
        }
    }

    /// Wakes everyone waiting on `user`.
    func notify(user: Int64) {
        let waiters = state.withLockedValue { $0.waiters.removeValue(forKey: user) } ?? [:]
        for continuation in waiters.values {
            continuation.yield()
            continuation.finish()
        }
    }

    /// Wakes every waiter and refuses new ones: the server is shutting down.
    func close() {
        let all = state.withLockedValue { state in
            state.closed = true
            defer { state.waiters = [:] }
            return state.waiters.values.flatMap(\.values)
        }
        for continuation in all { continuation.finish() }
    }

    /// One registered interest.
    struct Subscription: Sendable {
        let stream: AsyncStream<Void>
        let cancel: @Sendable () -> Void

        /// Waits until notified, the timeout passes, or the task is cancelled.
        func wait(seconds: Int) async {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await _ in stream { return }
                }
                group.addTask { try? await Task.sleep(for: .seconds(seconds)) }
                await group.next()
                group.cancelAll()
            }
            cancel()
        }
    }
}
