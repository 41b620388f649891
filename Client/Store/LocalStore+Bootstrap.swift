import Foundation
import GRDB

extension LocalStore {
    /// The secondary indexes on records, as the migrations made them. While an empty store takes
    /// its first sync they are dropped, so that each pulled row is written without its index
    /// entries, and each index is built once, sorted, at the end.
    static let secondaryIndexes = [
        "CREATE INDEX IF NOT EXISTS records_by_title ON records(title) WHERE kind = 'article'",
        "CREATE INDEX IF NOT EXISTS records_by_article ON records(article_id) WHERE article_id IS NOT NULL",
        "CREATE INDEX IF NOT EXISTS records_by_kind ON records(kind, created_at)",
        "CREATE INDEX IF NOT EXISTS records_deleted ON records(id) WHERE deleted = 1",
    ]

    /// Drops the secondary indexes if the store holds no record yet; true when it did. Reads and
    /// edits stay correct meanwhile (only slower), and `endBootstrap`, or the next open after a
    /// crash, builds them again.
    func beginBootstrap() throws(StoreError) -> Bool {
        try write { db in
            guard try !Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM records)")! else { return false }
            // records_deleted stays: each page looks for settled tombstones through it (without it,
            // a scan per page), and it holds deleted rows only, so it costs a load next to nothing.
            for name in ["records_by_title", "records_by_article", "records_by_kind"] {
                try db.execute(sql: "DROP INDEX IF EXISTS \(name)")
            }
            return true
        }
    }

    /// Builds the secondary indexes that are missing.
    func endBootstrap() throws(StoreError) {
        try writeUnsynced { db in try Self.ensureIndexes(db) }
    }

    static func ensureIndexes(_ db: Database) throws {
        for sql in secondaryIndexes { try db.execute(sql: sql) }
    }
}
