import Foundation
import GRDB
import MarginTestSupport
import Testing

@testable import MarginServer

@Suite struct DurabilityTests {
    /// A pool's writer defaults to `synchronous = NORMAL`, where a commit reaches the disk only at the
    /// next checkpoint: a power cut could then lose pushes the server had acknowledged.
    @Test func everyCommitWaitsForTheDisk() async throws {
        let directory = Scratch.folder("durable")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteSyncStore(directory: directory)
        let user = try await store.createUser(name: "ann", passwordHash: "x")
        try await store.createSession(userID: user.id, tokenHash: "t", device: nil)
        _ = try await store.sync(session: Session(user: user, tokenHash: "t"), pushed: [], since: nil, limit: 10)
        let synchronous = try await store.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(synchronous == 2, "2 is FULL")
    }
}
