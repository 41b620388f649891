import Foundation
import GRDB
import MarginSQLite
import MarginShared

extension LocalStore {
    /// Loads a record's state inside a transaction.
    static func load(_ db: Database, id: String) throws -> RecordState? {
        let statement = try db.cachedStatement(sql: "SELECT state FROM records WHERE id = ?")
        guard let data = try Data.fetchOne(statement, arguments: [id]) else { return nil }
        return try decodeStored(data, id: id)
    }

    /// Decodes a stored state; a failure means the store is damaged.
    static func decodeStored(_ data: Data, id: String) throws(StoreError) -> RecordState {
        do {
            return try WireFormat.decode(data, limits: .unlimited)
        } catch {
            throw StoreError(.corrupt, "record \(id) in the store is damaged: \(error)")
        }
    }

    /// Writes a record's row (from `bytes` when given: its canonical JSON) and its search entry.
    ///
    /// `previous` lets an unchanged text skip re-indexing; `deferIndex` queues the search entry
    /// instead, for bulk applies (the queue is worked off before the next search).
    static func save(
        _ db: Database, _ state: RecordState, bytes: [UInt8]? = nil, previous: RecordState?, conflicts: Int? = nil,
        deferIndex: Bool = false
    ) throws {
        if let previous, Self.sameIndexedColumns(previous, state) {
            // An edit leaves the indexed columns as they were: setting them anyway rewrites an
            // index page per record (one more page in the log for each edit and each pulled change).
            let update = try db.cachedStatement(
                sql: "UPDATE records SET state = ?, conflicts = ? WHERE id = ? RETURNING rowid")
            let blob = Data(bytes ?? WireFormat.bytes(state))
            let rowid = try Int64.fetchOne(
                update, arguments: [blob, conflicts ?? state.conflicts.count, state.id])!
            try reindex(db, rowid: rowid, state, previous: previous, deferIndex: deferIndex)
            return
        }
        let upsert = try db.cachedStatement(
            sql: """
                INSERT INTO records (id, kind, article_id, state, deleted, conflicts, created_at, title)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET state = excluded.state, deleted = excluded.deleted,
                    conflicts = excluded.conflicts, created_at = excluded.created_at, title = excluded.title
                RETURNING rowid
                """)
        let rowid = try Int64.fetchOne(upsert, arguments: rowArguments(state, bytes: bytes, conflicts: conflicts))!
        try reindex(db, rowid: rowid, state, previous: previous, deferIndex: deferIndex)
    }

    /// Whether a record's columns that indexes cover are the same in both states.
    static func sameIndexedColumns(_ old: RecordState, _ new: RecordState) -> Bool {
        old.kind == new.kind && old.articleID == new.articleID && old.isDeleted == new.isDeleted
            && old.createdAt == new.createdAt
            && (new.kind != .article || old.string("title") == new.string("title"))
    }

    /// Writes (or queues) a saved record's search entry, unless its text stayed the same.
    private static func reindex(
        _ db: Database, rowid: Int64, _ state: RecordState, previous: RecordState?, deferIndex: Bool
    ) throws {
        let text = state.isDeleted ? nil : state.searchText
        let oldText = previous.flatMap { $0.isDeleted ? nil : $0.searchText }
        guard previous == nil || text?.title != oldText?.title || text?.body != oldText?.body else { return }
        if deferIndex {
            try queueIndex(db, rowid: rowid)
        } else {
            try index(db, rowid: rowid, id: state.id, text: text, replacing: previous != nil)
        }
    }

    /// Inserts a record this store does not hold yet, as its canonical `bytes`, queueing its
    /// search entry unless `queueing` is false (a first sync queues them all at its end); returns
    /// false (writing nothing) when the store already holds it.
    static func insertIfNew(_ db: Database, _ row: RecordRow, bytes: [UInt8], queueing: Bool) throws -> Bool {
        try bytes.withUnsafeBytes { blob in
            try insertIfNew(db, queueing: queueing) { bind in
                bind.text(1, row.id)
                bind.text(2, row.kind.rawValue)
                bind.text(3, row.articleID)
                bind.blob(4, blob)
                bind.int(5, row.isDeleted ? 1 : 0)
                bind.int(6, Int64(row.conflicts))
                bind.int(7, row.createdAt)
                bind.text(8, row.title)
            }
        }
    }

    /// Inserts a record read in place from `body` (see `RecordSummary`: not deleted, no
    /// conflict), as `insertIfNew` above does.
    static func insertIfNew(
        _ db: Database, _ summary: RecordSummary, in body: UnsafeRawBufferPointer, queueing: Bool
    ) throws -> Bool {
        try insertIfNew(db, queueing: queueing) { bind in
            bind.text(1, utf8: UnsafeRawBufferPointer(rebasing: body[summary.id]))
            bind.text(2, summary.kind.rawValue)
            if let articleID = summary.articleID {
                bind.text(3, utf8: UnsafeRawBufferPointer(rebasing: body[articleID]))
            } else {
                bind.text(3, nil)
            }
            bind.blob(4, UnsafeRawBufferPointer(rebasing: body[summary.bytes]))
            bind.int(5, 0)
            bind.int(6, 0)
            bind.int(7, summary.createdAt)
            bind.text(8, summary.title)
        }
    }

    private static func insertIfNew(_ db: Database, queueing: Bool, _ bind: (ParameterBinder) -> Void) throws -> Bool {
        let insert = try db.cachedStatement(
            sql: """
                INSERT INTO records (id, kind, article_id, state, deleted, conflicts, created_at, title)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO NOTHING
                """)
        // The hot path of a first sync: bound through the C API, the bytes read in place.
        guard let rowid = try insert.insertedRowID(db, bind) else { return false }
        if queueing { try queueIndex(db, rowid: rowid) }
        return true
    }

    /// Decodes a pulled record's bytes (valid, as they were read once already).
    static func decodePulled(_ bytes: UnsafeRawBufferPointer) throws(StoreError) -> DecodedRecord {
        do {
            return try WireFormat.decodeRecord(bytes, limits: .pulled)
        } catch {
            throw StoreError(.corrupt, "a pulled record no longer reads: \(error)")
        }
    }

    static func rowArguments(_ state: RecordState, bytes: [UInt8]?, conflicts: Int?) -> StatementArguments {
        let row = RecordRow(state, conflicts: conflicts)
        return [
            row.id, row.kind.rawValue, row.articleID, Data(bytes ?? WireFormat.bytes(state)), row.isDeleted,
            row.conflicts, row.createdAt, row.title,
        ]
    }

    /// Writes one record's search entry.
    static func index(
        _ db: Database, rowid: Int64, id: String, text: (title: String, body: String)?, replacing: Bool
    ) throws {
        if replacing {
            try db.cachedStatement(sql: "DELETE FROM search WHERE rowid = ?").execute(arguments: [rowid])
        }
        if let text {
            try db.cachedStatement(sql: "INSERT INTO search (rowid, record_id, title, body) VALUES (?, ?, ?, ?)")
                .execute(arguments: [rowid, id, text.title, text.body])
        }
    }

    static func queueIndex(_ db: Database, rowid: Int64) throws {
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO search_backlog (rowid) VALUES (?)").stepOnce(db) {
            $0.int(1, rowid)
        }
    }

    /// Queues a record for the next sync; a newer version supersedes an unsent one, and is sent
    /// even when the server refused the one before it.
    static func enqueue(_ db: Database, id: String) throws {
        // Every enqueue takes a version no entry ever had: an acknowledgement names exactly one.
        let version =
            try Int64.fetchOne(
                db.cachedStatement(
                    sql: """
                        UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'outbox_version'
                        RETURNING CAST(value AS INTEGER)
                        """)) ?? 1
        try db.cachedStatement(
            sql: """
                INSERT INTO outbox (record_id, version) VALUES (?, ?)
                ON CONFLICT (record_id) DO UPDATE SET version = excluded.version, held = NULL
                """
        ).execute(arguments: [id, version])
    }

    static func loadClock(_ db: Database, replica: ReplicaID) throws -> HybridLogicalClock {
        let select = try db.cachedStatement(sql: "SELECT value FROM meta WHERE key = 'clock'")
        guard let raw = try String.fetchOne(select) else { return HybridLogicalClock(replica: replica) }
        let parts = raw.split(separator: ".").compactMap { Int64($0) }
        guard parts.count == 2 else { return HybridLogicalClock(replica: replica) }
        return HybridLogicalClock(replica: replica, wallMillis: parts[0], logical: UInt32(clamping: parts[1]))
    }

    static func saveClock(_ db: Database, _ clock: HybridLogicalClock) throws {
        // An upsert, not a REPLACE: that deletes and reinserts the row, writing its key's index page too
        // (one more page in the log for every edit and every applied page).
        try db.cachedStatement(
            sql:
                "INSERT INTO meta (key, value) VALUES ('clock', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        ).execute(arguments: ["\(clock.last.wallMillis).\(clock.last.logical)"])
    }

    /// Applies a local edit to one record (creating it when `create` is given) with its outbox entry,
    /// in one transaction.
    @discardableResult
    func mutate(
        _ id: String, create: RecordState? = nil,
        _ body: (inout RecordState, _ stamp: () -> Timestamp) throws -> Void
    ) throws(StoreError) -> RecordState {
        try write { db in try self.mutate(db, id, create: create, body) }
    }

    @discardableResult
    func mutate(
        _ db: Database, _ id: String, create: RecordState? = nil,
        _ body: (inout RecordState, _ stamp: () -> Timestamp) throws -> Void
    ) throws -> RecordState {
        let previous = try Self.load(db, id: id)
        guard var state = previous ?? create else { throw StoreError(.notFound, "no record \(id)") }
        var clock = try Self.loadClock(db, replica: replicaID)
        if let latest = state.latestStamp { clock.observe(latest) }
        try body(&state) { clock.tick() }
        do {
            try state.validateEdit(of: previous, limits: limits)
        } catch {
            throw StoreError(.invalidInput, "\(error)")
        }
        guard state != previous else { return state }
        try Self.saveClock(db, clock)
        try Self.save(db, state, previous: previous, deferIndex: true)
        try Self.enqueue(db, id: id)
        return state
    }
}
