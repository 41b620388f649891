import Foundation
import Testing

@testable import MarginServer

@Suite struct SessionCacheTests {
    let ann = User(id: 1, name: "ann", createdAt: 0)
    let bob = User(id: 2, name: "bob", createdAt: 0)

    @Test func aConfirmedTokenStandsUntilRevoked() {
        let cache = SessionCache()
        #expect(cache.user(forTokenHash: "a1") == nil)
        cache.confirm(ann, tokenHash: "a1", readSince: cache.mark())
        cache.confirm(ann, tokenHash: "a2", readSince: cache.mark())
        cache.confirm(bob, tokenHash: "b1", readSince: cache.mark())
        #expect(cache.user(forTokenHash: "a1") == ann)
        cache.revoke(tokenHash: "a1")
        #expect(cache.user(forTokenHash: "a1") == nil)
        #expect(cache.user(forTokenHash: "a2") == ann)
        cache.revokeAll(userNamed: "ann")
        #expect(cache.user(forTokenHash: "a2") == nil)
        #expect(cache.user(forTokenHash: "b1") == bob)
    }

    @Test func aConfirmationLapses() async throws {
        let cache = SessionCache(lifetime: .milliseconds(20))
        cache.confirm(ann, tokenHash: "a1", readSince: cache.mark())
        try await Task.sleep(for: .milliseconds(200))
        #expect(cache.user(forTokenHash: "a1") == nil)
    }

    @Test func aFullCacheStartsOver() {
        let cache = SessionCache(capacity: 3)
        for index in 0..<3 { cache.confirm(ann, tokenHash: "a\(index)", readSince: cache.mark()) }
        cache.confirm(ann, tokenHash: "a0", readSince: cache.mark())
        #expect(cache.user(forTokenHash: "a2") == ann, "confirming a held token again drops nothing")
        cache.confirm(bob, tokenHash: "b0", readSince: cache.mark())
        #expect(cache.user(forTokenHash: "a0") == nil)
        #expect(cache.user(forTokenHash: "b0") == bob)
    }

    @Test func aReadOvertakenByARevocationIsNotKept() {
        let cache = SessionCache()
        // A lookup reads the token from the store; a logout deletes it and revokes before the
        // lookup's answer reaches the cache.
        let mark = cache.mark()
        cache.revoke(tokenHash: "a1")
        cache.confirm(ann, tokenHash: "a1", readSince: mark)
        #expect(cache.user(forTokenHash: "a1") == nil)
        let later = cache.mark()
        cache.revokeAll(userNamed: "bob")
        cache.confirm(ann, tokenHash: "a1", readSince: later)
        #expect(cache.user(forTokenHash: "a1") == nil, "any revocation in between counts")
        cache.confirm(ann, tokenHash: "a1", readSince: cache.mark())
        #expect(cache.user(forTokenHash: "a1") == ann)
    }
}
