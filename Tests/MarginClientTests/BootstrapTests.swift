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
}
