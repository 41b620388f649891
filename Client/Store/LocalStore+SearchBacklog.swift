import Foundation
import GRDB
import MarginShared

/// Records whose search entry is still to write: the rows of `search_backlog`, and after a first
/// sync every record it inserted, kept as one range of rowids (a row per record cost a first sync
/// of 100k notes ≈ 20 ms, and a million ten times that).
extension LocalStore {
    /// How many records wait for their search entry.
    public func searchBacklog() throws(StoreError) -> Int {
        try read { db in try Self.searchBacklog(db) }
    }

    static func searchBacklog(_ db: Database) throws -> Int {
        guard let range = try bulkBacklog(db) else {
            return try Int.fetchOne(db, sql: "SELECT count(*) FROM search_backlog") ?? 0
        }
        // Records queued in both ways count once. The range is counted as all records but those
        // outside it: SQLite counts a whole table through its smallest index, while a count over a
        // range of rowids reads the table itself (0.7 s for a million notes, against 0.02 s).
        let all = try Int.fetchOne(db, sql: "SELECT count(*) FROM records") ?? 0
        let outside = try Int.fetchOne(
            db, sql: "SELECT count(*) FROM records WHERE rowid <= ? OR rowid > ?",
            arguments: [range.after, range.through])
        let queued = try Int.fetchOne(
            db, sql: "SELECT count(*) FROM search_backlog WHERE rowid <= ? OR rowid > ?",
            arguments: [range.after, range.through])
        return all - (outside ?? 0) + (queued ?? 0)
    }

    /// Queues every record the store holds for its search entry, as one range.
    static func queueAllForSearch(_ db: Database) throws {
        guard let last = try Int64.fetchOne(db, sql: "SELECT max(rowid) FROM records") else { return }
        try setBulkBacklog(db, (after: 0, through: last))
    }

    /// The rowids a first sync queued for search and that are not indexed yet: (after, through].
    private static func bulkBacklog(_ db: Database) throws -> (after: Int64, through: Int64)? {
        guard let text = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'search_backlog_range'")
        else { return nil }
        let bounds = text.split(separator: ":").compactMap { Int64($0) }
        guard bounds.count == 2 else { throw StoreError(.corrupt, "the store's search backlog is damaged") }
        return (bounds[0], bounds[1])
    }

    private static func setBulkBacklog(_ db: Database, _ range: (after: Int64, through: Int64)?) throws {
        guard let range, range.after < range.through else {
            try db.execute(sql: "DELETE FROM meta WHERE key = 'search_backlog_range'")
            return
        }
        try db.execute(
            sql: """
                INSERT INTO meta (key, value) VALUES ('search_backlog_range', ?)
                ON CONFLICT (key) DO UPDATE SET value = excluded.value
                """, arguments: ["\(range.after):\(range.through)"])
    }

    /// Writes the search entries that bulk applies queued; returns how many records it indexed.
    /// `progress` hears how many are done, of how many, after each batch.
    ///
    /// In transactions of `indexBatch` records: the backlog after a first sync can be every
    /// record, and one transaction for all of it would keep every other writer out until it ends
    /// (a minute for a million notes, against their 3 s busy timeout).
    @discardableResult
    public func indexBacklog(progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws(StoreError) -> Int {
        try indexBacklog(batch: Self.indexBatch, progress: progress)
    }

    @discardableResult
    func indexBacklog(batch: Int, progress: (Int, Int) -> Void = { _, _ in }) throws(StoreError) -> Int {
        let total = try searchBacklog()
        guard total > 0 else { return 0 }
        var count = 0
        while true {
            let indexed = try write { db in try Self.indexBulkBacklog(db, batch: batch) ?? Self.indexQueued(db, batch) }
            count += indexed.count
            progress(min(count, total), max(total, count))
            if indexed.done { return count }
        }
    }

    /// Indexes the next `batch` records of the range a first sync queued; nil when there is none.
    private static func indexBulkBacklog(_ db: Database, batch: Int) throws -> (count: Int, done: Bool)? {
        guard let range = try bulkBacklog(db) else { return nil }
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: "SELECT rowid, id, state FROM records WHERE rowid > ? AND rowid <= ? ORDER BY rowid LIMIT ?"),
            arguments: [range.after, range.through, batch])
        for row in rows {
            try index(db, rowid: row[0], stored: row[2], id: row[1])
        }
        // Past the range's last record: nothing is left of it.
        let reached = rows.count < batch ? range.through : rows.last![0] as Int64
        try db.execute(
            sql: "DELETE FROM search_backlog WHERE rowid > ? AND rowid <= ?", arguments: [range.after, reached])
        try setBulkBacklog(db, (reached, range.through))
        return (rows.count, false)
    }

    /// Indexes the next `batch` records of `search_backlog`.
    private static func indexQueued(_ db: Database, _ batch: Int) throws -> (count: Int, done: Bool) {
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT b.rowid AS rowid, r.id AS id, r.state AS state FROM search_backlog b
                    LEFT JOIN records r ON r.rowid = b.rowid ORDER BY b.rowid LIMIT ?
                    """), arguments: [batch])
        for row in rows {
            let rowid: Int64 = row["rowid"]
            guard let data = row["state"] as Data? else {
                try db.execute(sql: "DELETE FROM search WHERE rowid = ?", arguments: [rowid])
                continue
            }
            try index(db, rowid: rowid, stored: data, id: row["id"])
        }
        if let last = rows.last?["rowid"] as Int64? {
            try db.execute(sql: "DELETE FROM search_backlog WHERE rowid <= ?", arguments: [last])
        }
        return (rows.count, rows.count < batch)
    }

    /// Writes the search entry of a stored record, replacing any it had.
    private static func index(_ db: Database, rowid: Int64, stored data: Data, id: String) throws {
        let state = try decodeStored(data, id: id)
        try index(db, rowid: rowid, id: state.id, text: state.isDeleted ? nil : state.searchText, replacing: true)
    }

    /// Records indexed per transaction by `indexBacklog`.
    static let indexBatch = 5_000
}
