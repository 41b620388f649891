import Foundation
import Testing

@testable import MarginServer

@Suite struct SessionCacheTests {
    let ann = User(id: 1, name: "ann", createdAt: 0)
    let bob = User(id: 2, name: "bob", createdAt: 0)

    @Test func aConfirmedSessionStandsUntilForgotten() {
        let cache = SessionCache()
        #expect(cache.session(forTokenHash: "a1") == nil)
        cache.confirm(Session(user: ann, tokenHash: "a1"))
        cache.confirm(Session(user: ann, tokenHash: "a2"))
        cache.confirm(Session(user: bob, tokenHash: "b1"))
        #expect(cache.session(forTokenHash: "a1")?.user == ann)
        cache.forget(tokenHash: "a1")
        #expect(cache.session(forTokenHash: "a1") == nil)
        #expect(cache.session(forTokenHash: "a2")?.user == ann)
        #expect(cache.session(forTokenHash: "b1")?.user == bob)
    }

    @Test func aConfirmationLapses() async throws {
        let cache = SessionCache(lifetime: .milliseconds(20))
        cache.confirm(Session(user: ann, tokenHash: "a1"))
        try await Task.sleep(for: .milliseconds(200))
        #expect(cache.session(forTokenHash: "a1") == nil)
    }

    @Test func aFullCacheStartsOver() {
        let cache = SessionCache(capacity: 3)
        for index in 0..<3 { cache.confirm(Session(user: ann, tokenHash: "a\(index)")) }
        cache.confirm(Session(user: ann, tokenHash: "a0"))
        #expect(cache.session(forTokenHash: "a2") != nil, "confirming a held session again drops nothing")
        cache.confirm(Session(user: bob, tokenHash: "b0"))
        #expect(cache.session(forTokenHash: "a0") == nil)
        #expect(cache.session(forTokenHash: "b0")?.user == bob)
    }
}
