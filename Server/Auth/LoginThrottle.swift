import Foundation
import NIOConcurrencyHelpers

/// Counts failed logins per username and per client address in a fixed window, and says when a
/// key has failed too often to try again yet.
final class LoginThrottle: Sendable {
    /// The limits of one kind of key.
    struct Rule: Sendable {
        /// Failures allowed per window.
        var failures: Int
        /// The window's length, in seconds.
        var window: Int64
    }

    private struct Count {
        var failures = 0
        var windowStart: Int64
    }

    private struct State {
        var users: [String: Count] = [:]
        var addresses: [String: Count] = [:]
    }

    let perUser: Rule
    let perAddress: Rule
    /// The most keys of each kind remembered; past it the oldest windows are dropped.
    let capacity: Int
    private let state = NIOLockedValueBox(State())
    private let now: @Sendable () -> Int64

    /// A throttle; `now` gives seconds (a test can move it).
    init(
        perUser: Rule = Rule(failures: 10, window: 60), perAddress: Rule = Rule(failures: 30, window: 60),
        capacity: Int = 100_000, now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) {
        self.perUser = perUser
        self.perAddress = perAddress
        self.capacity = capacity
        self.now = now
    }

    /// Seconds until `user` (when given) from `address` may try again, or nil when it may now.
    func retryAfter(user: String?, address: String) -> Int64? {
        let time = now()
        return state.withLockedValue { state in
            let waits = [
                user.flatMap { Self.wait(state.users[$0], rule: perUser, at: time) },
                Self.wait(state.addresses[address], rule: perAddress, at: time),
            ].compactMap { $0 }
            return waits.max()
        }
    }

    /// Counts a failed login against `user` (when given) and `address`.
    func failed(user: String?, address: String) {
        let time = now()
        state.withLockedValue { state in
            if let user { Self.count(&state.users, user, rule: perUser, at: time, capacity: capacity) }
            Self.count(&state.addresses, address, rule: perAddress, at: time, capacity: capacity)
        }
    }

    /// Forgets a user's failures after a login that succeeded.
    func succeeded(user: String) {
        _ = state.withLockedValue { $0.users.removeValue(forKey: user) }
    }

    private static func wait(_ count: Count?, rule: Rule, at time: Int64) -> Int64? {
        guard let count, count.failures >= rule.failures else { return nil }
        let end = count.windowStart + rule.window
        return end > time ? end - time : nil
    }

    private static func count(
        _ counts: inout [String: Count], _ key: String, rule: Rule, at time: Int64, capacity: Int
    ) {
        if counts.count >= capacity && counts[key] == nil {
            // Under a flood of keys: keep only the windows still open.
            counts = counts.filter { $0.value.windowStart + rule.window > time }
            if counts.count >= capacity { counts.removeAll() }
        }
        var entry = counts[key] ?? Count(windowStart: time)
        if entry.windowStart + rule.window <= time { entry = Count(windowStart: time) }
        entry.failures += 1
        counts[key] = entry
    }
}
