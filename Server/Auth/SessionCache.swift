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

    /// How long a confirmation stands, in nanoseconds.
    let lifetime: UInt64
    /// The most tokens kept; past it the cache starts over.
    let capacity: Int
    private let entries = NIOLockedValueBox<[String: Entry]>([:])

    /// A cache whose confirmations stand for `lifetime`.
    init(lifetime: Duration = .seconds(5), capacity: Int = 10_000) {
        let (seconds, attoseconds) = lifetime.components
        self.lifetime = UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000)
        self.capacity = capacity
    }

    /// The user of a token confirmed less than `lifetime` ago, or nil.
    func user(forTokenHash tokenHash: String) -> User? {
        let now = Self.now()
        return entries.withLockedValue { entries in
            guard let entry = entries[tokenHash] else { return nil }
            guard now &- entry.confirmed < lifetime else {
                entries[tokenHash] = nil
                return nil
            }
            return entry.user
        }
    }

    /// Records that the store just confirmed a token.
    func confirm(_ user: User, tokenHash: String) {
        let now = Self.now()
        entries.withLockedValue { entries in
            // Tokens are many only under attack or after a long uptime: dropping them all is fine.
            if entries.count >= capacity && entries[tokenHash] == nil { entries.removeAll() }
            entries[tokenHash] = Entry(user: user, confirmed: now)
        }
    }

    /// Forgets one token.
    func revoke(tokenHash: String) {
        _ = entries.withLockedValue { $0.removeValue(forKey: tokenHash) }
    }

    /// Forgets every token of an account.
    func revokeAll(userNamed name: String) {
        entries.withLockedValue { entries in entries = entries.filter { $0.value.user.name != name } }
    }

    private static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
}
