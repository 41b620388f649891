import Foundation
import GRDB

extension LocalStore {
    /// The secondary indexes on records, as the migrations made them. While an empty store takes
    /// its first sync the two over every record are dropped, so that each pulled row is written
    /// without their entries, and each is built once, sorted, at the end.
    static let secondaryIndexes = [
        "CREATE INDEX IF NOT EXISTS records_by_title ON records(title) WHERE kind = 'article'",
        "CREATE INDEX IF NOT EXISTS records_by_article ON records(article_id) WHERE article_id IS NOT NULL",
        "CREATE INDEX IF NOT EXISTS records_by_kind ON records(kind, created_at)",
        "CREATE INDEX IF NOT EXISTS records_deleted ON records(id) WHERE deleted = 1",
    ]

    /// Readies an empty store for its first sync; false (and nothing changed) when it holds a
    /// record already.
    ///
    /// The indexes over every record are dropped, so that each pulled row is written without their
    /// entries and each is built once, sorted, at the end, when the pulled records are also
    /// queued for search in one pass. And when no other connection has the file open, the store
    /// leaves WAL for a rollback journal: a write-ahead log writes every new page twice (into the
    /// log, then into the file), while a rollback journal keeps only the few pages a commit changes
    /// in place, and the appended ones go straight into the file. Each page still commits on its
    /// own, so a crash loses at most the page in flight. The journal is truncated at each commit,
    /// not deleted: creating and deleting it for each of 100 commits of 1,000 rows made such a load
    /// ≈ 15% slower (SQLite alone, through Python's sqlite3 module). Reads and edits stay correct meanwhile
    /// (only slower); another process that opens the store puts it back in WAL, as every open does,
    /// and this connection follows. `endBootstrap`, or the next open after a crash, builds the
    /// indexes again, queues the search entries and returns to WAL.
    func beginBootstrap() throws(StoreError) -> Bool {
        let empty = try write { db in
            guard try !Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM records)")! else { return false }
            // records_deleted stays: each page looks for settled tombstones through it (without it,
            // a scan per page). It and records_by_title hold deleted rows and articles only, so they
            // cost a load next to nothing, while building either at the end reads the whole table.
            for name in ["records_by_article", "records_by_kind"] {
                try db.execute(sql: "DROP INDEX IF EXISTS \(name)")
            }
            return true
        }
        guard empty else { return false }
        // Leaving WAL needs the only connection to the file: this process's idle readers and a
        // background checkpoint are let go first.
        pool.invalidateReadOnlyConnections()
        checkpointer.drain()
        try mapped {
            try pool.writeWithoutTransaction { db in
                // Another process holding the store open keeps it in WAL: no waiting for it.
                try db.execute(sql: "PRAGMA busy_timeout = 0")
                defer { try? db.execute(sql: "PRAGMA busy_timeout = \(Self.busyTimeoutMilliseconds)") }
                do {
                    try db.execute(sql: "PRAGMA journal_mode = TRUNCATE")
                } catch let error as DatabaseError where error.resultCode.primaryResultCode == .SQLITE_BUSY {
                    return
                }
            }
        }
        return true
    }

    /// Builds the secondary indexes that are missing and puts the store back in WAL.
    func endBootstrap() throws(StoreError) {
        try writeUnsynced { db in
            // SQLite sorts index entries in memory up to the page cache's size, then in runs on
            // disk: a small cache while they are built keeps a first sync's peak memory from
            // growing with the library (README gives the peaks measured with it).
            try db.execute(sql: "PRAGMA cache_size = -4096")
            defer { try? db.execute(sql: "PRAGMA cache_size = \(Self.cacheKibibytes)") }
            try Self.ensureIndexes(db)
        }
        try mapped { try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") } }
    }

    /// The store's journal mode: `wal`, or `truncate` during a first sync.
    func journalMode() throws(StoreError) -> String {
        try mapped {
            try pool.writeWithoutTransaction { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
        }
    }

    /// Builds the secondary indexes that are missing; after a first sync (ended, or killed and the
    /// store opened again), first queues the search entries of every record it inserted.
    static func ensureIndexes(_ db: Database) throws {
        let bulkLoaded = try isBulkLoading(db)
        for sql in secondaryIndexes { try db.execute(sql: sql) }
        if bulkLoaded {
            // One range of rowids instead of a backlog row beside every pulled record (a record
            // edited here meanwhile, and queued, is only indexed again).
            try queueAllForSearch(db)
        }
    }

    /// Whether a first sync is filling the store: its indexes are dropped until it ends.
    static func isBulkLoading(_ db: Database) throws -> Bool {
        let sql = "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'records_by_kind')"
        return try Bool.fetchOne(db.cachedStatement(sql: sql)) == false
    }
}
