import GRDB
import MarginShared

extension LocalStore {
    /// The store's named migrations, oldest first.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-records") { db in
            try db.execute(
                sql: """
                    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                    CREATE TABLE records (
                        rowid INTEGER PRIMARY KEY,
                        id TEXT NOT NULL UNIQUE,
                        kind TEXT NOT NULL,
                        article_id TEXT,
                        state BLOB NOT NULL,
                        deleted INTEGER NOT NULL DEFAULT 0,
                        conflicts INTEGER NOT NULL DEFAULT 0,
                        orphaned INTEGER NOT NULL DEFAULT 0,
                        created_at INTEGER NOT NULL DEFAULT 0,
                        title TEXT
                    );
                    CREATE INDEX records_by_title ON records(title) WHERE kind = 'article';
                    CREATE INDEX records_by_article ON records(article_id) WHERE article_id IS NOT NULL;
                    CREATE INDEX records_by_kind ON records(kind, created_at);
                    CREATE TABLE outbox (
                        record_id TEXT PRIMARY KEY,
                        version INTEGER NOT NULL
                    );
                    CREATE TABLE sync_state (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        server TEXT,
                        user TEXT,
                        cursor TEXT,
                        last_sync INTEGER,
                        last_error TEXT
                    );
                    INSERT INTO sync_state (id) VALUES (1);
                    CREATE VIRTUAL TABLE search USING fts5(
                        record_id UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 2'
                    );
                    """)
        }
        migrator.registerMigration("v2-search-backlog") { db in
            // Records whose search entry is stale: bulk applies queue them here instead of
            // indexing inline, which made a first sync several times slower.
            try db.execute(sql: "CREATE TABLE search_backlog (rowid INTEGER PRIMARY KEY)")
        }
        migrator.registerMigration("v3-refused-records") { db in
            // Why the server refused an entry for good (NULL: still to send). A held entry stays
            // here, unsent, until its record is edited again or the user asks to retry.
            try db.execute(sql: "ALTER TABLE outbox ADD COLUMN held TEXT")
            // Deleted records, found without a scan: those the server holds are dropped here.
            try db.execute(sql: "CREATE INDEX records_deleted ON records(id) WHERE deleted = 1")
            // Pulled versions that cannot merge here (a changed article id, say), kept whole.
            try db.execute(
                sql: """
                    CREATE TABLE unapplied (
                        id TEXT PRIMARY KEY, reason TEXT NOT NULL, state BLOB NOT NULL, received_at INTEGER NOT NULL
                    )
                    """)
        }
        migrator.registerMigration("v4-search-hash-size") { db in
            // FTS5 writes its pending terms out as a new segment each time they pass 1 MB, then
            // merges the segments. With 32 MB, the backlog of 100k pulled notes indexes in less
            // time (17.0-18.4k -> 18.3-24.3k notes/s in the store benchmark), for at most 32 MB
            // more memory while a backlog is indexed (29 MB there).
            try db.execute(sql: "INSERT INTO search (search, rank) VALUES ('hashsize', 33554432)")
        }
        migrator.registerMigration("v5-devices") { db in
            // What the account's other machines are called (from the server), so that conflicts
            // name the machine that wrote each version, offline too.
            try db.execute(sql: "CREATE TABLE devices (replica TEXT PRIMARY KEY, name TEXT NOT NULL)")
        }
        migrator.registerMigration("v6-outbox-never-reused") { db in
            // Positions and versions were per record and the queue a rowid table: SQLite handed
            // a freed position to the next entry and versions restarted at 1, so a late
            // acknowledgement could clear an edit it never carried. Positions now never repeat
            // (AUTOINCREMENT) and versions come from one counter for the whole store.
            try db.execute(
                sql: """
                    CREATE TABLE outbox_new (
                        position INTEGER PRIMARY KEY AUTOINCREMENT,
                        record_id TEXT NOT NULL UNIQUE,
                        version INTEGER NOT NULL,
                        held TEXT
                    );
                    INSERT INTO outbox_new (position, record_id, version, held)
                        SELECT rowid, record_id, version, held FROM outbox ORDER BY rowid;
                    DROP TABLE outbox;
                    ALTER TABLE outbox_new RENAME TO outbox;
                    INSERT INTO meta (key, value) VALUES ('outbox_version', (SELECT coalesce(max(version), 0) FROM outbox));
                    """)
        }
        return migrator
    }

    /// Refuses a store that a newer Margin has migrated past what this build knows.
    static func checkNotNewer(_ pool: DatabasePool, path: String) throws {
        let superseded = try pool.read { db in
            try db.tableExists("grdb_migrations") && migrator.hasBeenSuperseded(db)
        }
        if superseded {
            throw StoreError(.newerSchema, "\(path) was written by a newer Margin; upgrade margin to open it")
        }
    }

    static func loadOrCreateReplica(_ db: Database) throws -> ReplicaID {
        if let raw = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'replica'") {
            guard let replica = ReplicaID(raw) else { throw StoreError(.corrupt, "the store's replica id is damaged") }
            return replica
        }
        let replica = ReplicaID.random()
        try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('replica', ?)", arguments: [replica.rawValue])
        return replica
    }
}
