import Foundation
import NIOConcurrencyHelpers

/// Session tokens the store confirmed recently, so that most requests authenticate without a read.
///
/// What this process revokes (a logout, an account deleted through the store) leaves at once. What
/// another process revokes in the same store (`margin-server user rm` beside a running server) is
/// noticed within `lifetime`; until then the store itself refuses a deleted account's requests.
final class SessionCache: Sendable {
    private struct Entry {
        let user: User
        let confirmed: UInt64
    }

    private struct State {
        var entries: [String: Entry] = [:]
        /// Revocations so far: a read of the store that one overtook may hold a revoked token.
        var revocations: UInt64 = 0
    }

    /// How long a confirmation stands, in nanoseconds.
    let lifetime: UInt64
    /// The most tokens kept; past it the cache starts over.
    let capacity: Int
    private let state = NIOLockedValueBox(State())

    /// A cache whose confirmations stand for `lifetime`.
    init(lifetime: Duration = .seconds(5), capacity: Int = 10_000) {
        let (seconds, attoseconds) = lifetime.components
        self.lifetime = UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000)
        self.capacity = capacity
    }

    /// The user of a token confirmed less than `lifetime` ago, or nil.
    func user(forTokenHash tokenHash: String) -> User? {
        let now = Self.now()
        return state.withLockedValue { state in
            guard let entry = state.entries[tokenHash] else { return nil }
            guard now &- entry.confirmed < lifetime else {
                state.entries[tokenHash] = nil
                return nil
            }
            return entry.user
        }
    }

    /// A mark to take before reading a token from the store, for `confirm`.
    func mark() -> UInt64 {
        state.withLockedValue { $0.revocations }
    }

    /// Records that the store confirmed a token in a read that began at `mark`; ignored when a
    /// revocation came since, as the read may have seen the token just before its logout.
    func confirm(_ user: User, tokenHash: String, readSince mark: UInt64) {
        let now = Self.now()
        state.withLockedValue { state in
            guard state.revocations == mark else { return }
            // Tokens are many only under attack or after a long uptime: dropping them all is fine.
            if state.entries.count >= capacity && state.entries[tokenHash] == nil { state.entries.removeAll() }
            state.entries[tokenHash] = Entry(user: user, confirmed: now)
        }
    }

    /// Forgets one token.
    func revoke(tokenHash: String) {
        state.withLockedValue { state in
            state.revocations += 1
            state.entries[tokenHash] = nil
        }
    }

    /// Forgets every token of an account.
    func revokeAll(userNamed name: String) {
        state.withLockedValue { state in
            state.revocations += 1
            state.entries = state.entries.filter { $0.value.user.name != name }
        }
    }

    private static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
}
