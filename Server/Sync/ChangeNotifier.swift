import Foundation
import NIOConcurrencyHelpers
import ServiceLifecycle

/// Wakes long-polls when a user's records change.
public final class ChangeNotifier: Sendable {
    private let state = NIOLockedValueBox([Int64: [UUID: AsyncStream<Void>.Continuation]]())

    /// A notifier with no waiters.
    public init() {}

    /// Registers interest in `user`'s changes; register before reading, so no change slips between.
    func subscribe(user: Int64) -> Subscription {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let id = UUID()
        state.withLockedValue { $0[user, default: [:]][id] = continuation }
        if Task.isShuttingDownGracefully { continuation.finish() }
        return Subscription(stream: stream, finish: { continuation.finish() }) { [self] in
            state.withLockedValue { state in
                state[user]?.removeValue(forKey: id)
                if state[user]?.isEmpty == true { state[user] = nil }
            }
        }
    }

    /// Subscriptions registered and not yet cancelled or woken.
    var count: Int {
        state.withLockedValue { $0.values.reduce(0) { $0 + $1.count } }
    }

    /// Wakes every waiter of every user (changes may have been missed: each reads its feed again).
    func notifyAll() {
        let waiters = state.withLockedValue { state in
            defer { state.removeAll() }
            return state.values.flatMap(\.values)
        }
        for continuation in waiters {
            continuation.yield()
            continuation.finish()
        }
    }

    /// Wakes everyone waiting on `user`.
    func notify(user: Int64) {
        let waiters = state.withLockedValue { $0.removeValue(forKey: user) } ?? [:]
        for continuation in waiters.values {
            continuation.yield()
            continuation.finish()
        }
    }

    /// One registered interest.
    struct Subscription: Sendable {
        let stream: AsyncStream<Void>
        let finish: @Sendable () -> Void
        let cancel: @Sendable () -> Void

        /// Waits until notified, the timeout passes, the task is cancelled or the server shuts down.
        func wait(seconds: Int) async {
            await withGracefulShutdownHandler {
                await withTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for await _ in stream { return }
                    }
                    group.addTask { try? await Task.sleep(for: .seconds(seconds)) }
                    await group.next()
                    group.cancelAll()
                }
            } onGracefulShutdown: {
                finish()
            }
            cancel()
        }
    }
}
