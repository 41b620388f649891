import Foundation
import MarginShared
import Testing

@testable import MarginClient

/// The outbox and the cursor stay right when two syncs of one store overlap, lock or no lock.
@Suite struct OutboxTests {
    /// An acknowledgement that arrives after its entry was cleared and the record edited again
    /// must not clear the new entry: positions and versions are never reused.
    @Test func aLateAcknowledgementNeverClearsANewerEdit() throws {
        let store = try LocalStore(home: temporaryHome())
        let article = try seedArticles()[0]
        _ = try store.importArticles([article])
        let note = try store.addNote(article: article.id, quote: "potash", body: "b0", color: nil, tags: [])
        try store.acknowledge(try store.pendingChanges())
        _ = try store.update(note.id, [.set("body", .string("b1"))])
        let sentByTheFirstSync = try #require(try store.pendingChanges().first { $0.id == note.id })
        // A second sync sends b1 too and clears it; then the record is edited again.
        try store.acknowledge([sentByTheFirstSync])
        _ = try store.update(note.id, [.set("body", .string("b2"))])
        let queued = try #require(try store.pendingChanges().first { $0.id == note.id })
        #expect(queued.position != sentByTheFirstSync.position, "a position is never handed out twice")
        #expect(queued.version != sentByTheFirstSync.version, "a version is never handed out twice")
        // The first sync's answer arrives late: it names b1's entry, which is gone.
        try store.acknowledge([sentByTheFirstSync])
        #expect(try store.pendingCount() == 1, "b2 still waits to be sent")
        #expect(try store.pendingChanges().first?.state().string("body") == "b2")
    }

    /// A page asked for from a cursor that another sync has moved since is not applied: it could
    /// bring back a record that sync saw deleted and dropped.
    @Test func aPageFromAnOldCursorIsNotApplied() throws {
        let store = try LocalStore(home: temporaryHome())
        let replica = ReplicaID("elsewhere")!
        var clock = HybridLogicalClock(replica: replica)
        var note = RecordState(id: "n-1", kind: .note, articleID: "a-1")
        try note.edit([.set("body", .string("alive"))], by: replica, at: clock.tick())
        try store.apply([DecodedRecord(note)], cursor: "e.1", since: nil, acknowledging: [])
        var deleted = note
        deleted.delete(by: replica, at: clock.tick())
        // The second sync pulls the delete (from e.1) and drops the settled tombstone...
        let second = try store.apply([DecodedRecord(deleted)], cursor: "e.3", since: "e.1", acknowledging: [])
        #expect(!second.stale)
        #expect((try? store.record("n-1")) == nil, "a settled tombstone is dropped")
        // ...then the first sync's older page, asked for from e.1 too, arrives with the note alive.
        let first = try store.apply([DecodedRecord(note)], cursor: "e.2", since: "e.1", acknowledging: [])
        #expect(first.stale)
        #expect((try? store.record("n-1")) == nil, "the note stays deleted")
        #expect(try store.cursor() == "e.3", "the cursor does not move back")
    }
}
