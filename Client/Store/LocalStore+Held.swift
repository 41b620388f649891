import GRDB
import MarginShared

/// A local change the server refused for good: kept unsent until its record is edited again or
/// the user retries, so that one bad record does not stop every later sync.
public struct HeldChange: Sendable, Equatable {
    /// The record's id.
    public let id: String
    /// The record's kind, when the record is still stored.
    public let kind: RecordKind?
    /// Why the server refused it, as it said.
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

    /// The held changes, oldest queued first.
    public func heldChanges() throws(StoreError) -> [HeldChange] {
        try read { db in try Self.heldChanges(db) }
    }

    static func heldChanges(_ db: Database) throws -> [HeldChange] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT o.record_id AS id, r.kind AS kind, o.held AS reason
                FROM outbox o LEFT JOIN records r ON r.id = o.record_id WHERE o.held IS NOT NULL ORDER BY o.rowid
                """
        ).map { row in
            HeldChange(id: row["id"], kind: (row["kind"] as String?).flatMap(RecordKind.init), reason: row["reason"])
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
}
