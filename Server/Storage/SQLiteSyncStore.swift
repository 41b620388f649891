import Foundation
import GRDB
import MarginSQLite
import MarginShared

/// The embedded default store: one SQLite file (WAL, through GRDB) in the data directory.
public final class SQLiteSyncStore: SyncStore {
    let pool: DatabasePool
    let checkpointer: Checkpointer
    let limits: RecordLimits
    /// Bytes of records one page holds at most, unless its first record alone is bigger.
    let pageBytes: Int
    /// This store's identity, part of every cursor it issues.
    public let epoch: String

    /// Opens (creating when missing) the store in `directory`; a page holds at most `pageBytes` of
    /// records, or one record when that alone is bigger.
    public init(directory: String, limits: RecordLimits = .default, pageBytes: Int = 16 * 1024 * 1024) throws {
        self.pageBytes = pageBytes
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.label = "margin-server"
        pool = try DatabasePool(path: directory + "/margin-server.sqlite", configuration: configuration)
        // An acknowledged push must survive a power cut (its sender forgets it).
        try pool.syncEveryCommit()
        self.limits = limits
        try Self.migrator.migrate(pool)
        epoch = try pool.write { db in
            if let epoch = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'epoch'") { return epoch }
            let epoch = String(UInt64.random(in: 1...UInt64.max), radix: 36)
            try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('epoch', ?)", arguments: [epoch])
            return epoch
        }
        // Last: nothing after it throws, so `deinit` always takes it off again.
        checkpointer = Checkpointer(pool: pool)
    }

    deinit {
        checkpointer.uninstall(from: pool)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-accounts-records") { db in
            try db.execute(
                sql: """
                    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                    CREATE TABLE users (
                        id INTEGER PRIMARY KEY,
                        name TEXT NOT NULL UNIQUE,
                        password_hash TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        seq INTEGER NOT NULL DEFAULT 0,
                        purged_seq INTEGER NOT NULL DEFAULT 0
                    );
                    CREATE TABLE sessions (
                        token_hash TEXT PRIMARY KEY,
                        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                        device TEXT,
                        created_at INTEGER NOT NULL
                    );
                    CREATE INDEX sessions_by_user ON sessions(user_id);
                    CREATE TABLE records (
                        rowid INTEGER PRIMARY KEY,
                        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                        id TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        state BLOB NOT NULL,
                        seq INTEGER NOT NULL,
                        deleted INTEGER NOT NULL,
                        updated_at INTEGER NOT NULL,
                        UNIQUE (user_id, id)
                    );
                    CREATE UNIQUE INDEX records_by_seq ON records(user_id, seq);
                    CREATE INDEX records_deleted ON records(updated_at) WHERE deleted = 1;
                    """)
        }
        migrator.registerMigration("v2-devices") { db in
            // What each replica id's machine is called, so that conflicts can name the other machine.
            try db.execute(
                sql: """
                    CREATE TABLE devices (
                        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                        replica TEXT NOT NULL,
                        name TEXT NOT NULL,
                        seen_at INTEGER NOT NULL,
                        PRIMARY KEY (user_id, replica)
                    )
                    """)
        }
        migrator.registerMigration("v3-ids-never-reused") { db in
            // Without AUTOINCREMENT SQLite hands the highest freed id to the next account, and a
            // token cached for a deleted account would then read and write the new one. The
            // migrator turns foreign keys off while it runs, so the rebuild cascades nothing.
            try db.execute(
                sql: """
                    CREATE TABLE users_new (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        name TEXT NOT NULL UNIQUE,
                        password_hash TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        seq INTEGER NOT NULL DEFAULT 0,
                        purged_seq INTEGER NOT NULL DEFAULT 0
                    );
                    INSERT INTO users_new SELECT id, name, password_hash, created_at, seq, purged_seq FROM users;
                    DROP TABLE users;
                    ALTER TABLE users_new RENAME TO users;
                    """)
        }
        return migrator
    }

    static func now() -> Int64 { HybridLogicalClock.wallNow() }

    /// A read on the calling thread (the synchronous GRDB call), for short reads.
    func readInPlace<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.read(body)
    }

    /// Creates an account with an already-hashed password.
    public func createUser(name: String, passwordHash: String) async throws -> User {
        let createdAt = Self.now()
        return try await pool.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM users WHERE name = ?", arguments: [name]) == true {
                throw SyncStoreError.userExists(name)
            }
            try db.execute(
                sql: "INSERT INTO users (name, password_hash, created_at) VALUES (?, ?, ?)",
                arguments: [name, passwordHash, createdAt])
            return User(id: db.lastInsertedRowID, name: name, createdAt: createdAt)
        }
    }

    /// The account and its password hash, or nil.
    public func user(named name: String) async throws -> (User, passwordHash: String)? {
        try await pool.read { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT id, name, created_at, password_hash FROM users WHERE name = ?", arguments: [name])
            else {
                return nil
            }
            return (User(id: row["id"], name: row["name"], createdAt: row["created_at"]), row["password_hash"])
        }
    }

    /// Every account, by name.
    public func users() async throws -> [User] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, name, created_at FROM users ORDER BY name").map {
                User(id: $0["id"], name: $0["name"], createdAt: $0["created_at"])
            }
        }
    }

    /// Deletes an account with its sessions and records.
    public func deleteUser(named name: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM users WHERE name = ?", arguments: [name])
            if db.changesCount == 0 { throw SyncStoreError.noSuchUser(name) }
        }
    }

    /// Stores a new session token's hash for a user.
    public func createSession(userID: Int64, tokenHash: String, device: String?) async throws {
        let createdAt = Self.now()
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO sessions (token_hash, user_id, device, created_at) VALUES (?, ?, ?, ?)",
                arguments: [tokenHash, userID, device, createdAt])
        }
    }

    /// The user a session token hash belongs to, or nil when unknown or revoked.
    public func user(forTokenHash tokenHash: String) async throws -> User? {
        // A short indexed read: run in place rather than hopping to a reader queue and back,
        // which costs more than the read itself.
        try readInPlace { db in
            let statement = try db.cachedStatement(
                sql:
                    "SELECT u.id, u.name, u.created_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?"
            )
            return try Row.fetchOne(statement, arguments: [tokenHash]).map {
                User(id: $0["id"], name: $0["name"], createdAt: $0["created_at"])
            }
        }
    }

    /// Revokes a session; throws `noSuchSession` when it was not there (revoked or its account deleted).
    public func deleteSession(tokenHash: String) async throws {
        let deleted = try await pool.write { db in
            try db.execute(sql: "DELETE FROM sessions WHERE token_hash = ?", arguments: [tokenHash])
            return db.changesCount
        }
        if deleted == 0 { throw SyncStoreError.noSuchSession }
    }

    /// Remembers the name of the user's machine whose edits carry `replica` (the newest name wins).
    public func nameDevice(userID: Int64, replica: ReplicaID, name: String) async throws {
        let seenAt = Self.now()
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO devices (user_id, replica, name, seen_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (user_id, replica) DO UPDATE SET name = excluded.name, seen_at = excluded.seen_at
                    """,
                arguments: [userID, replica.rawValue, name, seenAt])
        }
    }

    /// The user's named machines, by name.
    public func devices(session: Session) async throws -> [Device] {
        let userID = session.user.id
        return try await pool.read { db in
            try Self.latestSequence(db, session: session, checking: nil, epoch: "")
            return try Row.fetchAll(
                db, sql: "SELECT replica, name, seen_at FROM devices WHERE user_id = ? ORDER BY name, replica",
                arguments: [userID]
            ).compactMap { row in
                ReplicaID(row["replica"]).map { Device(replica: $0, name: row["name"], seenAt: row["seen_at"]) }
            }
        }
    }

    /// Merges pushed states, then reads the changes after `since`, in one write transaction.
    public func sync(
        session: Session, pushed: [DecodedRecord], since: Cursor?, limit: Int
    ) async throws -> (PushOutcome, ChangePage) {
        // Nothing pushed: a read transaction serves it without waiting for the writer.
        if pushed.isEmpty && limit > 0 {
            return (PushOutcome(), try await changes(session: session, since: since, limit: limit))
        }
        let userID = session.user.id
        let now = Self.now()
        let epoch = epoch
        // Counted here, beside the other requests' writes, rather than on the one writer thread.
        let conflictCounts = pushed.map(\.state.conflicts.count)
        // One write transaction per request: SQLite runs one writer at a time, so sequence numbers
        // commit in order and no reader can pass a change that commits later.
        return try await pool.write { db in
            var sequence = try Self.latestSequence(db, session: session, checking: since, epoch: epoch)
            let startSequence = sequence
            var outcome = PushOutcome()
            // Written states that differ from what was pushed: the pusher must get them back.
            var echoes: [[UInt8]] = []
            let select = try db.cachedStatement(sql: "SELECT state FROM records WHERE user_id = ? AND id = ?")
            let upsert = try db.cachedStatement(
                sql: """
                    INSERT INTO records (user_id, id, kind, state, seq, deleted, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (user_id, id) DO UPDATE SET state = excluded.state, seq = excluded.seq,
                        deleted = excluded.deleted, updated_at = excluded.updated_at
                    """)
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO records (user_id, id, kind, state, seq, deleted, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (user_id, id) DO NOTHING
                    """)
            for (index, record) in pushed.enumerated() {
                let state = record.state
                // A record new to the server (the usual push): one insert, no read, no merge, its
                // bytes bound in place.
                let inserted = try record.bytes.withUnsafeBytes { blob in
                    try insert.insertedRowID(db) { bind in
                        bind.int(1, userID)
                        bind.text(2, state.id)
                        bind.text(3, state.kind.rawValue)
                        bind.blob(4, blob)
                        bind.int(5, sequence + 1)
                        bind.int(6, state.isDeleted ? 1 : 0)
                        bind.int(7, now)
                    }
                }
                if inserted != nil {
                    sequence += 1
                    outcome.merged += 1
                    outcome.conflictsCreated += conflictCounts[index]
                    continue
                }
                let stored = try Data.fetchOne(select, arguments: [userID, state.id])
                let step = try record.mergeStep(over: stored) { data throws(MarginShared.RecordError) in
                    try WireFormat.decode(data, limits: .unlimited)
                }
                // (An insert is not reached: the insert above found a row, read in this same
                // transaction; storing the state as it came is what an insert would have done.)
                guard let write = try step.write(of: record, at: index) else { continue }
                // What the pusher does not hold yet must go back to it.
                if write.echoes { echoes.append(write.bytes) }
                sequence += 1
                outcome.merged += 1
                outcome.conflictsCreated += write.conflictsCreated
                let merged = write.state
                try upsert.execute(arguments: [
                    userID, merged.id, merged.kind.rawValue, Data(write.bytes), sequence, merged.isDeleted, now,
                ])
            }
            if outcome.merged > 0 {
                try db.cachedStatement(sql: "UPDATE users SET seq = ? WHERE id = ?").execute(arguments: [
                    sequence, userID,
                ])
            }
            // Push only: what this request stored differently, and the span its writes took.
            if let page = ChangePage.afterPush(
                echoes: echoes, from: startSequence, to: sequence, since: since, limit: limit,
                merged: outcome.merged, pageBytes: pageBytes, epoch: epoch)
            {
                return (outcome, page)
            }
            // What the pusher already holds is left out of its page (built only here: the fast
            // paths above do not need it).
            let pushedBytes = Dictionary(pushed.map { ($0.state.id, $0.bytes) }) { _, last in last }
            let page = try Self.changes(
                db, userID: userID, after: since?.sequence ?? 0, latest: sequence, limit: limit, maxBytes: pageBytes,
                epoch: epoch, skip: pushedBytes)
            return (outcome, page)
        }
    }

    /// The account's newest sequence number, after checking that the session still stands and
    /// that `since` is a cursor this store can still continue (same store, not before forgotten
    /// tombstones, not from the future).
    @discardableResult
    static func latestSequence(_ db: Database, session: Session, checking since: Cursor?, epoch: String) throws
        -> Int64
    {
        let statement = try db.cachedStatement(
            sql: """
                SELECT u.seq, u.purged_seq FROM users u JOIN sessions s ON s.user_id = u.id
                WHERE u.id = ? AND s.token_hash = ?
                """)
        guard let user = try Row.fetchOne(statement, arguments: [session.user.id, session.tokenHash]) else {
            throw SyncStoreError.noSuchSession
        }
        let sequence: Int64 = user["seq"]
        try Cursor.check(since, epoch: epoch, latest: sequence, purged: user["purged_seq"])
        return sequence
    }

    /// Up to `limit` changes after `after`, within `maxBytes` of records (at least one record, so
    /// that a record bigger than any page still travels, alone).
    static func changes(
        _ db: Database, userID: Int64, after: Int64, latest: Int64, limit: Int, maxBytes: Int, epoch: String,
        skip: [String: [UInt8]]
    ) throws -> ChangePage {
        let statement = try db.cachedStatement(
            sql: "SELECT id, state, seq FROM records WHERE user_id = ? AND seq > ? ORDER BY seq LIMIT ?")
        let rows = try Row.fetchCursor(statement, arguments: [userID, after, limit + 1])
        var builder = PageBuilder(after: after, limit: limit, maxBytes: maxBytes, skip: skip)
        // Each state is copied once, from SQLite's row into its array, by its buffer: an array made
        // from `Data` itself walks it byte by byte.
        while let row = try rows.next(),
            builder.take(
                id: row["id"], state: try row.withUnsafeData(atIndex: 1) { $0?.withUnsafeBytes { [UInt8]($0) } ?? [] },
                sequence: row["seq"])
        {}
        return builder.page(latest: latest, epoch: epoch)
    }

    /// The changes after `since` without pushing anything (a read-only transaction).
    public func changes(session: Session, since: Cursor?, limit: Int) async throws -> ChangePage {
        let epoch = epoch
        let userID = session.user.id
        // Reads never wait for the writer (WAL): run in place, without a hop to a reader queue.
        return try readInPlace { db in
            let sequence = try Self.latestSequence(db, session: session, checking: since, epoch: epoch)
            return try Self.changes(
                db, userID: userID, after: since?.sequence ?? 0, latest: sequence, limit: limit, maxBytes: pageBytes,
                epoch: epoch, skip: [:])
        }
    }

    /// Forgets deleted records last changed before `cutoff`; cursors from before them get 410.
    public func purgeTombstones(before cutoff: Int64) async throws -> Int {
        try await pool.write { db in
            let rows = try Row.fetchAll(
                db,
                sql:
                    "SELECT user_id, max(seq) AS seq, count(*) AS n FROM records WHERE deleted = 1 AND updated_at < ? GROUP BY user_id",
                arguments: [cutoff])
            var purged = 0
            for row in rows {
                // A cursor from before the newest forgotten delete could miss it: such cursors get 410.
                try db.execute(
                    sql: "UPDATE users SET purged_seq = max(purged_seq, ?) WHERE id = ?",
                    arguments: [row["seq"] as Int64, row["user_id"] as Int64])
                purged += row["n"] as Int
            }
            try db.execute(sql: "DELETE FROM records WHERE deleted = 1 AND updated_at < ?", arguments: [cutoff])
            return purged
        }
    }
}
