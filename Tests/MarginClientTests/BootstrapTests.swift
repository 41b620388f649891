import Foundation
import GRDB
import MarginShared
import Testing

@testable import MarginClient

/// An empty store's first sync drops the secondary indexes and builds them once at the end; a
/// store left without them (a first sync killed in between) gets them back when opened.
struct BootstrapTests {
    static func indexes(_ home: String) throws -> Set<String> {
        let queue = try DatabaseQueue(path: home + "/margin.sqlite")
        return try queue.read { db in
            Set(
                try String.fetchAll(
                    db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'records_%'"))
        }
    }

    /// A note as another machine wrote it, quoting 300 characters.
    static func note(_ id: String, body: String) throws -> RecordState {
        let replica = ReplicaID("elsewhere")!
        var note = RecordState(id: id, kind: .note, articleID: "a-1")
        let quote = String(repeating: "quoted text ", count: 25)
        try note.edit(
            [
                .set("anchor", .anchor(Anchor(exact: quote, prefix: "", suffix: "", start: 0, end: 300))),
                .set("body", .string(body)),
            ],
            by: replica, at: Timestamp(wallMillis: 1_700_000_000_000, logical: 0, replica: replica))
        return note
    }

    static let all: Set<String> = ["records_by_title", "records_by_article", "records_by_kind", "records_deleted"]
    /// The partial indexes a first sync keeps: they hold articles and deleted records only.
    static let kept: Set<String> = ["records_by_title", "records_deleted"]

    @Test func onlyAnEmptyStoreBootstrapsAndItsIndexesComeBack() throws {
        let home = temporaryHome()
        do {
            let store = try LocalStore(home: home)
            #expect(try Self.indexes(home) == Self.all)
            #expect(try store.beginBootstrap())
            #expect(try Self.indexes(home) == Self.kept)
            try store.endBootstrap()
            #expect(try Self.indexes(home) == Self.all)
            _ = try store.importArticles(try seedArticles())
            #expect(try !store.beginBootstrap(), "a store with records is not bulk-loaded")
            #expect(try Self.indexes(home) == Self.all)
        }
        // Killed between the two: the next open builds them.
        let empty = temporaryHome()
        do { #expect(try LocalStore(home: empty).beginBootstrap()) }
        #expect(try Self.indexes(empty) == Self.kept)
        _ = try LocalStore(home: empty)
        #expect(try Self.indexes(empty) == Self.all)
    }

    /// While an empty store fills it leaves WAL for a rollback journal, and goes back after; with
    /// another connection holding the file open it stays in WAL, which is only slower.
    @Test func aFirstSyncWritesWithARollbackJournalOnlyWhenAlone() throws {
        let home = temporaryHome()
        let store = try LocalStore(home: home)
        #expect(try store.journalMode() == "wal")
        #expect(try store.beginBootstrap())
        #expect(try store.journalMode() == "truncate")
        try store.apply([RecordState(id: "n-1", kind: .note, articleID: "a-1")], cursor: "e.1")
        try store.endBootstrap()
        #expect(try store.journalMode() == "wal")
        #expect(try store.allIDs() == ["n-1"])

        let shared = temporaryHome()
        let other = try LocalStore(home: shared)
        _ = try other.cursor()
        let sharedStore = try LocalStore(home: shared)
        #expect(try sharedStore.beginBootstrap(), "still a bootstrap, its indexes dropped")
        #expect(try sharedStore.journalMode() == "wal", "another connection keeps the store in WAL")
        try sharedStore.endBootstrap()
        #expect(try Self.indexes(shared) == Self.all)
    }

    /// A new store is made with 8 KB pages, which hold five or six notes where 4 KB held two; a
    /// store made with SQLite's 4 KB pages opens, keeps them and takes records as before.
    @Test func aNewStoreHasLargePagesAndAnOldOneKeepsItsOwn() throws {
        let notes = try (0..<500).map {
            try Self.note("n-\($0)", body: String(repeating: "a comment on it ", count: 19))
        }
        let fresh = temporaryHome()
        do {
            let store = try LocalStore(home: fresh)
            #expect(try store.beginBootstrap())
            try store.apply(notes, cursor: "e.1")
            try store.endBootstrap()
        }
        let old = temporaryHome()
        try FileManager.default.createDirectory(atPath: old, withIntermediateDirectories: true)
        do {
            var configuration = Configuration()
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA page_size = 4096") }
            _ = try DatabasePool(path: old + "/margin.sqlite", configuration: configuration)
        }
        do {
            let store = try LocalStore(home: old)
            try store.apply(notes, cursor: "e.1")
        }
        func pages(_ home: String) throws -> (size: Int, records: Int) {
            try DatabaseQueue(path: home + "/margin.sqlite").read { db in
                (
                    try Int.fetchOne(db, sql: "PRAGMA page_size")!,
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM records")!
                )
            }
        }
        #expect(try pages(fresh).size == 8_192)
        #expect(try pages(old).size == 4_096)
        #expect(try pages(fresh).records == 500 && pages(old).records == 500)
    }

    /// A first sync queues its records for search only at its end, or when the store is opened
    /// after it died: either way every pulled note is found.
    @Test func pulledNotesAreFoundOnceAFirstSyncEndsOrDies() throws {
        for ends in [true, false] {
            let home = temporaryHome()
            do {
                let store = try LocalStore(home: home)
                #expect(try store.beginBootstrap())
                try store.apply(
                    [try Self.note("n-1", body: "potash mines"), try Self.note("n-2", body: "potash fertiliser")],
                    cursor: "e.1")
                #expect(try store.searchBacklog() == 0, "nothing is queued row by row")
                if ends { try store.endBootstrap() }
            }
            let store = try LocalStore(home: home)
            #expect(try Set(store.search("potash").map(\.record.id)) == ["n-1", "n-2"], "ended: \(ends)")
            // A store that was never bulk-loaded queues nothing more when opened again.
            #expect(try store.searchBacklog() == 0)
            _ = try LocalStore(home: home)
            #expect(try store.searchBacklog() == 0)
        }
    }

    @Test func aFirstSyncQueuesItsRecordsForSearchAsOneRange() throws {
        let home = temporaryHome()
        let store = try LocalStore(home: home)
        #expect(try store.beginBootstrap())
        try store.apply((1...5).map { try Self.note("n-\($0)", body: "potash \($0)") }, cursor: "e.1")
        try store.endBootstrap()
        #expect(try store.searchBacklog() == 5)
        // Queued by a row as well (an edit): counted and indexed once. A record after the range too.
        try store.update("n-2", [.set("body", .string("potash edited"))])
        try store.apply([try Self.note("n-6", body: "potash 6")], cursor: "e.2")
        #expect(try store.searchBacklog() == 6)
        var heard: [[Int]] = []
        #expect(try store.indexBacklog(batch: 2) { heard.append([$0, $1]) } == 6)
        #expect(heard == [[2, 6], [4, 6], [5, 6], [6, 6]], "the range in batches, then the queued rows")
        #expect(try store.searchBacklog() == 0)
        #expect(try store.search("potash").count == 6)
        #expect(try store.search("edited").map(\.record.id) == ["n-2"])
        #expect(try LocalStore(home: home).searchBacklog() == 0, "nothing is queued again")
    }
}
