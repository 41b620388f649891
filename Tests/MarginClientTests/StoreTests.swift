import Foundation
import GRDB
import MarginShared
import MarginTestSupport
import Testing

@testable import MarginClient

func temporaryHome() -> String {
    Scratch.folder("store")
}

func seedArticles() throws -> [ImportedArticle] {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    return try ArticleImporter.importDocument(
        Data(contentsOf: root.appendingPathComponent("seeds/000_cac94a10d226ae88.txt")))
}

@Suite struct StoreTests {
    @Test func neighbouringIDsAreTheIDsBesideEachInIDOrder() throws {
        let store = try LocalStore(home: temporaryHome())
        _ = try store.importArticles(seedArticles())
        let article = try #require(try store.records(kind: .article).first)
        var notes: [String] = []
        for word in ["Belarus", "diplomat", "quietly", "police", "strongman"] {
            notes.append(try store.addNote(article: article.id, quote: word, body: nil, color: nil, tags: []).id)
        }
        // A deleted record still takes its place: its id is never given to another.
        try store.delete(notes[2])
        let all = try store.allIDs().sorted()
        let shown = [notes[0], notes[4], all[0], all[all.count - 1]]
        let neighbours = try store.neighbouringIDs(shown + [notes[0]])
        #expect(neighbours.count == Set(shown).count)
        for id in shown {
            let index = try #require(all.firstIndex(of: id))
            let expected = [index > 0 ? all[index - 1] : nil, index + 1 < all.count ? all[index + 1] : nil]
            #expect(neighbours[id] == expected.compactMap { $0 }, "\(id)")
        }
    }

    @Test func replicaIDPersistsAcrossOpens() throws {
        let home = temporaryHome()
        let first = try LocalStore(home: home).replicaID
        let second = try LocalStore(home: home).replicaID
        #expect(first == second)
        #expect(try LocalStore(home: temporaryHome()).replicaID != first)
    }

    /// A pulled stamp from a clock running ahead moves this store's clock, and the move survives a
    /// reopen: an edit made after it, of any record, is stamped after it (causality, not only per record).
    @Test func theClockKeepsAheadOfWhatItSawAcrossOpens() throws {
        let home = temporaryHome()
        let article = try seedArticles()[0]
        let (pulled, other): (RecordState, RecordState)
        let ahead: Timestamp
        do {
            let store = try LocalStore(home: home)
            _ = try store.importArticles([article])
            pulled = try store.addNote(article: article.id, quote: "potash", body: "one", color: nil, tags: [])
            other = try store.addNote(article: article.id, quote: "potash", body: "two", color: nil, tags: [])
            var remote = pulled
            var clock = HybridLogicalClock(replica: ReplicaID("other")!)
            ahead = clock.tick(wallMillis: HybridLogicalClock.wallNow() + 3_600_000)
            try remote.edit([.set("color", .string("blue"))], by: ReplicaID("other")!, at: ahead)
            try store.apply([DecodedRecord(remote)], cursor: "c1", since: nil, acknowledging: [])
        }
        let store = try LocalStore(home: home)
        let edited = try store.update(other.id, [.set("color", .string("green"))])
        #expect(try #require(edited.latestStamp) > ahead)
        let clocks = try store.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM meta WHERE key = 'clock'")
        }
        #expect(clocks == 1)
    }

    /// A pool's writer defaults to `synchronous = NORMAL` (a commit reaches the disk only at the next
    /// checkpoint): local edits must wait for the disk, and a pulled page may skip it only for itself.
    @Test func localEditsWaitForTheDisk() throws {
        let store = try LocalStore(home: temporaryHome())
        func synchronous() throws -> Int? {
            try store.pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        }
        #expect(try synchronous() == 2, "2 is FULL")
        try store.apply([RecordState](), cursor: "c1")
        #expect(try synchronous() == 2, "a pulled page's NORMAL ends with it")
    }

    @Test func anAppliedPageTellsWhetherLocalChangesAreLeft() throws {
        let store = try LocalStore(home: temporaryHome())
        let article = try store.importArticles(seedArticles())[0].article
        let note = try store.addNote(article: article.id, quote: "potash", body: "hi", color: nil, tags: [])
        let pending = try store.pendingChanges()
        let sentNote = pending.first { $0.id == note.id }!
        let others = pending.filter { $0.id != note.id }
        var outcome = try store.apply([], cursor: "c1", since: nil, acknowledging: others)
        #expect(outcome.pendingLeft)
        // Edited after it was sent: acknowledging the old version leaves the new one queued.
        try store.update(note.id, [.set("body", .string("edited"))])
        outcome = try store.apply([], cursor: "c2", since: "c1", acknowledging: [sentNote])
        #expect(outcome.pendingLeft)
        outcome = try store.apply([], cursor: "c3", since: "c2", acknowledging: try store.pendingChanges())
        #expect(!outcome.pendingLeft)
        #expect(try store.pendingCount() == 0)
    }

    @Test func aLocalEditAndItsOutboxEntryCommitTogether() throws {
        let store = try LocalStore(home: temporaryHome())
        let article = try store.importArticles(seedArticles())[0].article
        let note = try store.addNote(article: article.id, quote: "potash", body: "hi", color: nil, tags: ["x"])
        let pending = try store.pendingChanges()
        #expect(Set(pending.map(\.id)) == Set([article.id, note.id, try seedArticles()[1].id]))
        #expect(try pending.first { $0.id == note.id }?.state() == note)

        // Acknowledging a version that was edited since keeps the entry.
        let sent = pending.first { $0.id == note.id }!
        try store.update(note.id, [.set("body", .string("edited after sending"))])
        try store.acknowledge([sent])
        #expect(try store.pendingChanges().contains { $0.id == note.id })
        let resent = try store.pendingChanges().first { $0.id == note.id }!
        try store.acknowledge([resent])
        #expect(!(try store.pendingChanges().contains { $0.id == note.id }))
    }

    @Test func applyMergesRemoteStatesAndKeepsUnsentEdits() throws {
        let laptop = try LocalStore(home: temporaryHome())
        let desktop = try LocalStore(home: temporaryHome())
        let articles = try seedArticles()
        _ = try laptop.importArticles(articles)
        _ = try desktop.importArticles(articles)
        let article = articles[0].id
        let note = try laptop.addNote(article: article, quote: "potash", body: "from laptop", color: nil, tags: ["a"])

        // The desktop gets the note, then both edit it while apart.
        let outcome = try desktop.apply(try laptop.pendingChanges().map { try $0.state() }, cursor: "c1")
        #expect(outcome.changed >= 1)
        #expect(try desktop.cursor() == "c1")
        #expect(try desktop.records(kind: .article).count == 2, "one record per article, not two")
        try laptop.update(note.id, [.set("body", .string("laptop edit")), .addTag("l")])
        try desktop.update(note.id, [.set("body", .string("desktop edit")), .addTag("d")])

        try desktop.apply([try laptop.record(note.id)], cursor: "c2")
        try laptop.apply([try desktop.record(note.id)], cursor: "c2")
        let left = try laptop.record(note.id)
        let right = try desktop.record(note.id)
        #expect(left == right)
        #expect(left.tagNames == ["a", "d", "l"])
        #expect(Set(left.siblings("body").map(\.value)) == [.string("laptop edit"), .string("desktop edit")])
        #expect(try desktop.conflictedRecords().map(\.id) == [note.id])
        // A store new to the note takes it in whole, conflict and all (an insert, not a merge).
        let phone = try LocalStore(home: temporaryHome())
        let taken = try phone.apply([right], cursor: "c2")
        #expect(taken.newConflicts == 1)
        #expect(try phone.conflictedRecords().map(\.id) == [note.id])
        // The desktop's own edit is still queued: it merged, it was not overwritten.
        #expect(try desktop.pendingChanges().contains { $0.id == note.id })

        try desktop.resolve(note.id, field: "body", value: .string("laptop edit"))
        try laptop.apply([try desktop.record(note.id)], cursor: "c3")
        #expect(try laptop.conflictedRecords().isEmpty)
        #expect(try laptop.record(note.id).string("body") == "laptop edit")
    }

    @Test func applyRejectsABadRecordButKeepsTheRestOfThePage() throws {
        let store = try LocalStore(home: temporaryHome())
        let articles = try seedArticles()
        _ = try store.importArticles(articles)
        let note = try store.addNote(article: articles[0].id, quote: "potash", body: "x", color: nil, tags: [])
        var writer = HybridLogicalClock(replica: ReplicaID("other")!)
        var moved = RecordState(id: note.id, kind: .note, articleID: articles[1].id)
        try moved.edit([.set("body", .string("moved"))], by: ReplicaID("other")!, at: writer.tick())
        var fresh = RecordState(id: "n-fresh", kind: .note, articleID: articles[0].id)
        try fresh.edit([.set("body", .string("fresh"))], by: ReplicaID("other")!, at: writer.tick())
        let outcome = try store.apply([moved, fresh], cursor: "c9")
        #expect(outcome.rejected.keys.sorted() == [note.id])
        #expect(outcome.changed == 1)
        // Not dropped: kept aside whole, with why, and shown by the status.
        let aside = try store.unappliedRecords()
        #expect(aside.map(\.id) == [note.id])
        #expect(aside.first?.reason.contains("article") == true, "\(aside)")
        #expect(try store.status().unapplied == aside)
        #expect(try store.record(note.id).string("body") == "x")
        #expect(try store.record("n-fresh").string("body") == "fresh")
        // A later version that merges (it went back to the note's article) clears it.
        var back = RecordState(id: note.id, kind: .note, articleID: articles[0].id)
        try back.edit([.set("body", .string("back"))], by: ReplicaID("other")!, at: writer.tick())
        try store.apply([back], cursor: "c10")
        #expect(try store.unappliedRecords().isEmpty)
    }

    @Test func remoteContentChangeReanchorsLocalNotes() throws {
        let laptop = try LocalStore(home: temporaryHome())
        let desktop = try LocalStore(home: temporaryHome())
        let articles = try seedArticles()
        _ = try laptop.importArticles(articles)
        _ = try desktop.apply(try laptop.pendingChanges().map { try $0.state() }, cursor: nil)
        let note = try desktop.addNote(article: articles[0].id, quote: "Viasna", body: "ngo", color: nil, tags: [])
        var edited = articles[0]
        edited.content = "A new first paragraph.\n\n" + edited.content
        _ = try laptop.importArticles([edited])
        try desktop.apply([try laptop.record(articles[0].id)], cursor: nil)
        let anchor = try #require(try desktop.record(note.id).anchor())
        #expect(anchor.start == note.anchor()!.start + 24)
        #expect(try desktop.orphanedIDs().isEmpty)
    }

    @Test func searchRanksAndSnippets() throws {
        let store = try LocalStore(home: temporaryHome())
        let articles = try seedArticles()
        _ = try store.importArticles(articles)
        _ = try store.addNote(
            article: articles[0].id, quote: "potash", body: "fertilizer exports matter", color: nil, tags: [])
        let hits = try store.search("fertilizer")
        #expect(hits.count == 2)
        #expect(hits.allSatisfy { $0.snippet.contains("[fertilizer]") })
        #expect(try store.search("Lukashenko").first?.record.id == articles[0].id)
        #expect(try store.search("displacement").first?.record.id == articles[1].id)
        #expect(try store.search("zebra").isEmpty)
        // FTS syntax in a query is taken as words, not as an error.
        let odd = try store.search("potash AND OR (\"")
        #expect(odd.contains { $0.record.id == articles[0].id })
    }

    /// A local edit queues its search entry too (the edit commits sooner); the next search works
    /// the queue off, so it finds the new text and not the old.
    @Test func localEditsAreSearchableOnceTheQueueIsWorkedOff() throws {
        let store = try LocalStore(home: temporaryHome())
        let articles = try seedArticles()
        _ = try store.importArticles(articles)
        let note = try store.addNote(
            article: articles[0].id, quote: "potash", body: "zeppelin sightings", color: nil, tags: [])
        #expect(try store.search("zeppelin").map(\.record.id) == [note.id])
        try store.update(note.id, [.set("body", .string("airship sightings"))])
        #expect(try store.searchBacklog() == 1)
        #expect(try store.search("zeppelin").isEmpty)
        #expect(try store.search("airship").map(\.record.id) == [note.id])
        try store.delete(note.id)
        #expect(try store.search("airship").isEmpty)
        #expect(try store.searchBacklog() == 0)
    }

    /// The queue is worked off in transactions of a few records each, every record indexed once;
    /// a record queued again later is indexed again.
    @Test func theQueueIsWorkedOffInBatches() throws {
        let laptop = try LocalStore(home: temporaryHome())
        let desktop = try LocalStore(home: temporaryHome())
        let articles = try seedArticles()
        _ = try laptop.importArticles(articles)
        let notes = try (0..<5).map { index in
            try laptop.addNote(
                article: articles[0].id, quote: "potash", body: "zeppelin \(index)", color: nil, tags: [])
        }
        try desktop.apply(try laptop.pendingChanges().map { try $0.state() }, cursor: "c1")
        let queued = try desktop.searchBacklog()
        #expect(queued == articles.count + notes.count)
        var heard: [[Int]] = []
        #expect(try desktop.indexBacklog(batch: 2) { heard.append([$0, $1]) } == queued)
        // After each batch: how many are done, of how many there were.
        #expect(heard == stride(from: 2, through: queued + 1, by: 2).map { [min($0, queued), queued] })
        #expect(try desktop.searchBacklog() == 0)
        #expect(Set(try desktop.search("zeppelin").map(\.record.id)) == Set(notes.map(\.id)))
        try laptop.update(notes[0].id, [.set("body", .string("airship"))])
        try desktop.apply([try laptop.record(notes[0].id)], cursor: "c2")
        #expect(try desktop.indexBacklog(batch: 2) == 1)
        #expect(try desktop.search("airship").map(\.record.id) == [notes[0].id])
    }

    /// A pulled page queues its search entries; the next search works them off first, so nothing
    /// pulled is missing from search, and edits or deletes that follow replace the entries.
    @Test func pulledRecordsAreSearchableOnceTheQueueIsWorkedOff() throws {
        let laptop = try LocalStore(home: temporaryHome())
        let desktop = try LocalStore(home: temporaryHome())
        let articles = try seedArticles()
        _ = try laptop.importArticles(articles)
        let note = try laptop.addNote(
            article: articles[0].id, quote: "potash", body: "zeppelin sightings", color: nil, tags: [])
        try desktop.apply(try laptop.pendingChanges().map { try $0.state() }, cursor: "c1")
        #expect(try desktop.searchBacklog() == 3)
        #expect(try desktop.search("zeppelin").map(\.record.id) == [note.id])
        #expect(try desktop.searchBacklog() == 0)
        #expect(try desktop.search("Lukashenko").first?.record.id == articles[0].id)

        // A remote edit replaces the entry; a remote delete removes it.
        try laptop.update(note.id, [.set("body", .string("airship sightings"))])
        try desktop.apply([try laptop.record(note.id)], cursor: "c2")
        #expect(try desktop.search("zeppelin").isEmpty)
        #expect(try desktop.search("airship").map(\.record.id) == [note.id])
        try laptop.delete(note.id)
        try desktop.apply([try laptop.record(note.id)], cursor: "c3")
        #expect(try desktop.search("airship").isEmpty)
        // The desktop has nothing to send for the deleted note, so it does not keep it.
        #expect(throws: StoreError.self) { try desktop.record(note.id) }
    }

    /// A deleted record is kept while its deletion is unsent, and dropped (with its search entry)
    /// once the server holds it; a concurrent edit from elsewhere brings the whole record back.
    @Test func aDeletionTheServerHoldsIsDroppedHere() throws {
        let store = try LocalStore(home: temporaryHome())
        let articles = try seedArticles()
        _ = try store.importArticles(articles)
        let note = try store.addNote(
            article: articles[0].id, quote: "potash", body: "zeppelin", color: nil, tags: ["t"])
        try store.apply([], cursor: "c1", since: nil, acknowledging: try store.pendingChanges())
        try store.delete(note.id)
        try store.apply([], cursor: "c2", since: "c1", acknowledging: [])
        let tombstone = try store.record(note.id)
        #expect(tombstone.isDeleted, "kept while its deletion is unsent")
        #expect(try store.status().deleted == 1)

        try store.apply([], cursor: "c3", since: "c2", acknowledging: try store.pendingChanges())
        #expect(throws: StoreError.self) { try store.record(note.id) }
        #expect(try store.status().deleted == 0)
        #expect(try store.search("zeppelin").isEmpty)

        // Another machine edited the note without having seen the delete: the server's merge keeps
        // it alive, and this store takes it back as a new record, every field there.
        let other = ReplicaID("other")!
        var clock = HybridLogicalClock(replica: other)
        var edited = note
        try edited.edit([.set("body", .string("zeppelin, seen again"))], by: other, at: clock.tick())
        let merged = try RecordState.merge(tombstone, edited)
        #expect(!merged.isDeleted)
        try store.apply([DecodedRecord(merged)], cursor: "c4", since: "c3", acknowledging: [])
        #expect(try store.record(note.id).string("body") == "zeppelin, seen again")
        #expect(try store.record(note.id).tagNames == ["t"])
        #expect(try store.search("seen").map(\.record.id) == [note.id])
    }

    /// The columns that indexes cover follow every write, whether it sets them again or (an edit
    /// that leaves them as they were) writes only the state.
    @Test func indexedColumnsFollowEveryWrite() throws {
        let store = try LocalStore(home: temporaryHome())
        var article = ImportedArticle(
            url: "https://example.com/a", title: "First title", source: "Example",
            content: "Some text about potash and what it is for.")
        _ = try store.importArticles([article])
        let note = try store.addNote(article: article.id, quote: "potash", body: "one", color: nil, tags: [])
        try store.update(note.id, [.set("body", .string("two"))])
        article.title = "Second title"
        _ = try store.importArticles([article])
        #expect(try title(of: article.id, in: store) == "Second title", "a local retitle")
        var remote = try store.record(article.id)
        var clock = HybridLogicalClock(replica: ReplicaID("other")!)
        try remote.edit([.set("title", .string("Third title"))], by: ReplicaID("other")!, at: clock.tick())
        try store.apply([DecodedRecord(remote)], cursor: "c1", since: nil, acknowledging: [])
        #expect(try title(of: article.id, in: store) == "Third title", "a pulled retitle")
        try store.delete(note.id)
        let rows = try store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, kind, article_id, deleted, created_at, title, state FROM records")
        }
        #expect(rows.count == 2)
        for row in rows {
            let state: RecordState = try WireFormat.decode(row["state"] as Data, limits: .unlimited)
            #expect(row["kind"] == state.kind.rawValue)
            #expect(row["article_id"] == state.articleID)
            #expect(row["deleted"] == state.isDeleted, "\(state.id)")
            #expect(row["created_at"] == state.createdAt)
            #expect(row["title"] == (state.kind == .article ? state.string("title") : nil))
        }
    }

    func title(of id: String, in store: LocalStore) throws -> String? {
        try store.pool.read { db in
            try String.fetchOne(db, sql: "SELECT title FROM records WHERE id = ?", arguments: [id])
        }
    }
}
