import Foundation
import GRDB
import MarginShared

/// A version of a record one side refused to take: a local change the server refused (held back
/// here, unsent) or a pulled version this store could not merge (kept aside here, unapplied).
public struct RefusedRecord: Sendable, Equatable {
    /// The record's id.
    public let id: String
    /// The record's kind, when the record is stored here.
    public let kind: RecordKind?
    /// Why it was refused.
    public let reason: String
}

extension LocalStore {
    /// Holds back one outbox entry the server refused; false when the record was edited since
    /// (the newer version is sent instead).
    @discardableResult
    public func hold(id: String, version: Int64, reason: String) throws(StoreError) -> Bool {
        try write { db in
            try db.execute(
                sql: "UPDATE outbox SET held = ? WHERE record_id = ? AND version = ?",
                arguments: [reason, id, version])
            return db.changesCount > 0
        }
    }

    /// Local changes the server refused, held back here unsent (until edited again or retried),
    /// oldest queued first.
    public func heldChanges() throws(StoreError) -> [RefusedRecord] {
        try read { db in try Self.refused(db, held: true) }
    }

    /// Pulled versions this store could not merge, kept aside with why, newest first.
    public func unappliedRecords() throws(StoreError) -> [RefusedRecord] {
        try read { db in try Self.refused(db, held: false) }
    }

    /// The held changes (`held`) or the unapplied pulled versions.
    static func refused(_ db: Database, held: Bool) throws -> [RefusedRecord] {
        let sql =
            held
            ? "SELECT o.record_id AS id, r.kind AS kind, o.held AS reason FROM outbox o "
                + "LEFT JOIN records r ON r.id = o.record_id WHERE o.held IS NOT NULL ORDER BY o.rowid"
            : "SELECT u.id AS id, r.kind AS kind, u.reason AS reason FROM unapplied u "
                + "LEFT JOIN records r ON r.id = u.id ORDER BY u.received_at DESC, u.id"
        return try Row.fetchAll(db, sql: sql).map { row in
            RefusedRecord(id: row["id"], kind: (row["kind"] as String?).flatMap(RecordKind.init), reason: row["reason"])
        }
    }

    /// Queues every held change to be sent again; returns how many there were.
    @discardableResult
    public func releaseHeld() throws(StoreError) -> Int {
        try write { db in
            try db.execute(sql: "UPDATE outbox SET held = NULL WHERE held IS NOT NULL")
            return db.changesCount
        }
    }

    /// A pulled version kept aside, as the server sent it (canonical JSON), or nil when none is.
    public func unappliedState(id: String) throws(StoreError) -> [UInt8]? {
        try read { db in
            try Data.fetchOne(db, sql: "SELECT state FROM unapplied WHERE id = ?", arguments: [id]).map { [UInt8]($0) }
        }
    }

    /// Drops the pulled version kept aside for `id` (every one when nil), once the user has seen
    /// it; returns how many went.
    @discardableResult
    public func dismissUnapplied(id: String?) throws(StoreError) -> Int {
        try write { db in
            if let id {
                try db.execute(sql: "DELETE FROM unapplied WHERE id = ?", arguments: [id])
            } else {
                try db.execute(sql: "DELETE FROM unapplied")
            }
            return db.changesCount
        }
    }

    /// Keeps a pulled version that cannot merge here, so that nothing the server sent is dropped.
    static func setAside(_ db: Database, id: String, bytes: [UInt8], reason: String) throws {
        try db.cachedStatement(
            sql: "INSERT OR REPLACE INTO unapplied (id, reason, state, received_at) VALUES (?, ?, ?, ?)"
        ).execute(arguments: [id, reason, Data(bytes), HybridLogicalClock.wallNow()])
    }
}
