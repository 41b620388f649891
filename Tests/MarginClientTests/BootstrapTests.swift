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

    static let all: Set<String> = ["records_by_title", "records_by_article", "records_by_kind", "records_deleted"]

    @Test func onlyAnEmptyStoreBootstrapsAndItsIndexesComeBack() throws {
        let home = temporaryHome()
        do {
            let store = try LocalStore(home: home)
            #expect(try Self.indexes(home) == Self.all)
            #expect(try store.beginBootstrap())
            #expect(try Self.indexes(home) == ["records_deleted"])
            try store.endBootstrap()
            #expect(try Self.indexes(home) == Self.all)
            _ = try store.importArticles(try seedArticles())
            #expect(try !store.beginBootstrap(), "a store with records is not bulk-loaded")
            #expect(try Self.indexes(home) == Self.all)
        }
        // Killed between the two: the next open builds them.
        let empty = temporaryHome()
        do { #expect(try LocalStore(home: empty).beginBootstrap()) }
        #expect(try Self.indexes(empty) == ["records_deleted"])
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
        #expect(try store.journalMode() == "delete")
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
}
