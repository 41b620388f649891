import Foundation
import NIOConcurrencyHelpers

/// Sessions the store confirmed recently, so that most requests find their account without a read.
///
/// A cached session is a lookup, not a grant: each store checks the session again inside the
/// request's own transaction, so a logout or `user rm` made by any process (another instance, the
/// CLI) is refused at the next request, cache or not. The lifetime only bounds how long a revoked
/// entry takes memory before a request finds it gone.
final class SessionCache: Sendable {
    private struct Entry {
        let session: Session
        let confirmed: UInt64
    }

    /// How long a confirmation stands, in nanoseconds.
    let lifetime: UInt64
    /// The most sessions kept; past it the cache starts over.
    let capacity: Int
    private let entries = NIOLockedValueBox([String: Entry]())

    /// A cache whose confirmations stand for `lifetime`.
    init(lifetime: Duration = .seconds(60), capacity: Int = 10_000) {
        let (seconds, attoseconds) = lifetime.components
        self.lifetime = UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000)
        self.capacity = capacity
    }

    /// The session of a token confirmed less than `lifetime` ago, or nil.
    func session(forTokenHash tokenHash: String) -> Session? {
        let now = Self.now()
        return entries.withLockedValue { entries in
            guard let entry = entries[tokenHash] else { return nil }
            guard now &- entry.confirmed < lifetime else {
                entries[tokenHash] = nil
                return nil
            }
            return entry.session
        }
    }

    /// Records that the store just confirmed `session`.
    func confirm(_ session: Session) {
        let now = Self.now()
        entries.withLockedValue { entries in
            // Sessions are many only under attack or after a long uptime: dropping them all is fine.
            if entries.count >= capacity && entries[session.tokenHash] == nil { entries.removeAll() }
            entries[session.tokenHash] = Entry(session: session, confirmed: now)
        }
    }

    /// Forgets one token (revoked, or refused by the store).
    func forget(tokenHash: String) {
        _ = entries.withLockedValue { $0.removeValue(forKey: tokenHash) }
    }

    private static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
}
