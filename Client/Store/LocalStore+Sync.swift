import Foundation
import GRDB
import MarginSQLite
import MarginShared

/// What applying a page of remote states did.
public struct ApplyOutcome: Sendable, Equatable {
    /// Records whose stored state changed.
    public var changed = 0
    /// Records already holding everything the page brought.
    public var unchanged = 0
    /// Conflicting fields that did not exist before the page.
    public var newConflicts = 0
    /// Records refused, with why (a different article id, say), kept aside whole (see
    /// `LocalStore.unappliedRecords()`); the rest of the page still applies.
    public var rejected: [String: String] = [:]
    /// Whether local changes still wait in the outbox once the page is applied.
    public var pendingLeft = false
    /// Whether the page was left unapplied because another sync had moved the cursor since it
    /// was asked for (its acknowledgements still counted).
    public var stale = false
}

/// Where a sync starts: the cursor and the first batch of the outbox, read together.
public struct SyncPlan: Sendable {
    /// The cursor of the last applied page, or nil before the first sync.
    public var cursor: String?
    /// The oldest queued local changes, up to the batch size.
    public var pending: [PendingChange]
    /// How many local changes wait in all.
    public var pendingCount: Int
}

/// A local change waiting to be pushed: the record as stored and the outbox version it had.
public struct PendingChange: Sendable, Equatable {
    /// The record's id.
    public let id: String
    /// The outbox version; acknowledging an older version keeps the entry.
    public let version: Int64
    /// The record's canonical JSON as it is now, sent as it is.
    public let json: [UInt8]
    /// Where the entry sits in the outbox queue.
    let position: Int64

    /// The record's state.
    public func state() throws(StoreError) -> RecordState {
        do {
            return try WireFormat.decode(json, limits: .unlimited)
        } catch {
            throw StoreError(.corrupt, "record \(id) in the store is damaged: \(error)")
        }
    }
}

extension LocalStore {
    /// Merges remote states into the store and moves the cursor, all in one transaction.
    ///
    /// Local edits not yet pushed are merged, never overwritten.
    @discardableResult
    public func apply(_ states: [RecordState], cursor: String?) throws(StoreError) -> ApplyOutcome {
        try apply(states.map(DecodedRecord.init), cursor: cursor)
    }

    /// Merges decoded remote states into the store and moves the cursor, all in one transaction.
    @discardableResult
    public func apply(_ records: [DecodedRecord], cursor: String?) throws(StoreError) -> ApplyOutcome {
        let pulled = PulledRecords(records)
        return try writeUnsynced { db in try apply(db, pulled, cursor: cursor, acknowledging: []) }
    }

    /// Applies a pulled page and clears the outbox entries it acknowledges, in one transaction.
    ///
    /// The page applies only when the stored cursor still is `since`: else another sync moved it
    /// meanwhile, and this older page could bring back what that one settled (a deleted record it
    /// dropped, say). Its acknowledgements still count, as each names the exact version the server
    /// took; what it held is pulled again from the stored cursor.
    @discardableResult
    public func apply(
        _ records: [DecodedRecord], cursor: String, since: String?, acknowledging pushed: [PendingChange]
    ) throws(StoreError) -> ApplyOutcome {
        try apply(PulledRecords(records), cursor: cursor, since: since, acknowledging: pushed)
    }

    /// Applies a pulled page whose records were read where it was decoded (see the one above).
    @discardableResult
    func apply(
        _ records: PulledRecords, cursor: String, since: String?, acknowledging pushed: [PendingChange]
    ) throws(StoreError) -> ApplyOutcome {
        try apply(pages: [(records, cursor)], since: since, acknowledging: pushed)[0]
    }

    /// Applies pulled pages that follow one another, the first from `since`, in one transaction:
    /// each moves the cursor as if applied alone, and `pushed` is what the first acknowledges.
    /// Returns an outcome per page; when the stored cursor is not `since`, one stale outcome.
    ///
    /// A commit under a first sync's rollback journal waits for the disk three times: pages that
    /// are ready together share one.
    func apply(
        pages: [(records: PulledRecords, cursor: String)], since: String?, acknowledging pushed: [PendingChange]
    ) throws(StoreError) -> [ApplyOutcome] {
        try writeUnsynced { db in
            let current = try String.fetchOne(db.cachedStatement(sql: "SELECT cursor FROM sync_state WHERE id = 1"))
            guard current == since else {
                var outcome = try apply(db, PulledRecords([]), cursor: nil, acknowledging: pushed)
                outcome.stale = true
                return [outcome]
            }
            return try pages.enumerated().map { index, page in
                try apply(db, page.records, cursor: page.cursor, acknowledging: index == 0 ? pushed : [])
            }
        }
    }

    private func apply(
        _ db: Database, _ records: PulledRecords, cursor: String?, acknowledging pushed: [PendingChange]
    ) throws -> ApplyOutcome {
        do {
            var outcome = ApplyOutcome()
            var latest: Timestamp?
            var reanchorArticles: [String: String] = [:]
            // A version kept aside earlier is dropped once a later one merges.
            let anyAside =
                try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM unapplied)")) ?? false
            // A first sync queues the search entries of the records it inserts all at once, at its end.
            let queueing = try !Self.isBulkLoading(db)
            // The store's clock observes the latest stamp of what the page changed.
            func observe(_ stamp: Timestamp?) {
                if let stamp, latest.map({ stamp > $0 }) ?? true { latest = stamp }
            }
            // A pulled record the store holds already: merged with what it holds.
            func merge(_ record: DecodedRecord) throws {
                let remote = record.state
                let stored = try Data.fetchOne(
                    db.cachedStatement(sql: "SELECT state FROM records WHERE id = ?"), arguments: [remote.id])
                let step = try record.mergeStep(over: stored) { data throws(StoreError) in
                    try Self.decodeStored(data, id: remote.id)
                }
                let merged: RecordState
                let previous: RecordState?
                let bytes: [UInt8]
                switch step {
                case .unchanged:
                    // Holding every write already (a repeated page, a full resync): nothing to do.
                    if anyAside, stored.map(record.isStored) == false {
                        try db.cachedStatement(sql: "DELETE FROM unapplied WHERE id = ?").execute(arguments: [remote.id]
                        )
                    }
                    outcome.unchanged += 1
                    return
                case .refused(let error):
                    outcome.rejected[remote.id] = "\(error)"
                    try Self.setAside(db, id: remote.id, bytes: record.bytes, reason: "\(error)")
                    return
                case .insert:
                    (merged, previous, bytes) = (remote, nil, record.bytes)
                case .merged(let state, let mergedBytes, let before, _):
                    (merged, previous, bytes) = (state, before, mergedBytes)
                }
                if anyAside {
                    try db.cachedStatement(sql: "DELETE FROM unapplied WHERE id = ?").execute(arguments: [remote.id])
                }
                outcome.changed += 1
                let conflicts = merged.conflicts.count
                outcome.newConflicts += max(0, conflicts - (previous?.conflicts.count ?? 0))
                observe(remote.latestStamp)
                try Self.save(db, merged, bytes: bytes, previous: previous, conflicts: conflicts, deferIndex: true)
                if merged.kind == .article, let previous, previous.string("content") != merged.string("content") {
                    reanchorArticles[merged.id] = merged.string("content") ?? ""
                }
            }
            try records.body.withUnsafeBytes { body in
                for item in records.items {
                    // Most records of a big pull are new here: one insert, no read, no merge.
                    let record: DecodedRecord
                    switch item {
                    case .summary(let summary):
                        if try Self.insertIfNew(db, summary, in: body, queueing: queueing) {
                            outcome.changed += 1
                            observe(summary.latestStamp)
                            continue
                        }
                        record = try Self.decodePulled(UnsafeRawBufferPointer(rebasing: body[summary.bytes]))
                    case .decoded(let decoded, let row):
                        if try Self.insertIfNew(db, row, bytes: decoded.bytes, queueing: queueing) {
                            outcome.changed += 1
                            outcome.newConflicts += row.conflicts
                            observe(row.latestStamp)
                            continue
                        }
                        record = decoded
                    }
                    try merge(record)
                }
            }
            if let latest {
                var clock = try Self.loadClock(db, replica: replicaID)
                clock.observe(latest)
                try Self.saveClock(db, clock)
            }
            for (articleID, content) in reanchorArticles.sorted(by: { $0.key < $1.key }) {
                _ = try reanchor(db, articleID: articleID, content: content)
            }
            if let cursor {
                try db.cachedStatement(sql: "UPDATE sync_state SET cursor = ? WHERE id = 1")
                    .execute(arguments: [cursor])
            }
            try Self.acknowledge(db, pushed)
            try Self.dropSettledTombstones(db)
            // Whether anything is left, not how much: a count would read the whole outbox per page.
            outcome.pendingLeft =
                try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM outbox WHERE held IS NULL)"))
                ?? false
            // A page applied is a sync that worked, as far as it went.
            try db.cachedStatement(sql: "UPDATE sync_state SET last_sync = ?, last_error = NULL WHERE id = 1")
                .execute(arguments: [HybridLogicalClock.wallNow()])
            return outcome
        }
    }

    /// Drops deleted records this store has nothing left to send for, with their search entries.
    ///
    /// The server holds their deletion (it forgets it after its retention window); should another
    /// machine's concurrent edit bring one back, the server sends the merged record, which is stored
    /// as new. So a store's tombstones do not pile up forever.
    static func dropSettledTombstones(_ db: Database) throws {
        // Through the partial index on deleted rows: usually none, so one cheap read per page.
        let settled = try Int64.fetchAll(
            db.cachedStatement(
                sql: "SELECT rowid FROM records WHERE deleted = 1 AND id NOT IN (SELECT record_id FROM outbox)"))
        for rowid in settled {
            for table in ["search", "search_backlog", "records"] {
                try db.cachedStatement(sql: "DELETE FROM \(table) WHERE rowid = ?").execute(arguments: [rowid])
            }
        }
    }

    /// The cursor and the outbox's first `limit` changes, in one read.
    public func syncPlan(limit: Int) throws(StoreError) -> SyncPlan {
        try readOnWriter { db in
            SyncPlan(
                cursor: try String.fetchOne(db.cachedStatement(sql: "SELECT cursor FROM sync_state WHERE id = 1")),
                pending: try Self.pendingChanges(db, limit: limit),
                pendingCount: try Int.fetchOne(
                    db.cachedStatement(sql: "SELECT count(*) FROM outbox WHERE held IS NULL")) ?? 0)
        }
    }

    /// Local changes not yet acknowledged and not held, oldest queued first.
    public func pendingChanges(limit: Int = 1_000) throws(StoreError) -> [PendingChange] {
        try read { db in try Self.pendingChanges(db, limit: limit) }
    }

    /// The queued changes after `change` in the outbox (the next batch while `change`'s is in flight).
    func pendingChanges(after change: PendingChange, limit: Int) throws(StoreError) -> [PendingChange] {
        try read { db in try Self.pendingChanges(db, after: change.position, limit: limit) }
    }

    static func pendingChanges(_ db: Database, after position: Int64 = 0, limit: Int) throws -> [PendingChange] {
        let rows = try Row.fetchCursor(
            db.cachedStatement(
                sql: """
                    SELECT o.record_id, r.state, o.version, o.rowid
                    FROM outbox o JOIN records r ON r.id = o.record_id WHERE o.rowid > ? AND o.held IS NULL
                    ORDER BY o.rowid LIMIT ?
                    """),
            arguments: [position, limit])
        var changes: [PendingChange] = []
        // Read in place from the cursor: each state is copied once, into its change.
        while let row = try rows.next() {
            let json = try row.withUnsafeData(atIndex: 1) { $0?.withUnsafeBytes { [UInt8]($0) } ?? [] }
            changes.append(PendingChange(id: row[0], version: row[2], json: json, position: row[3]))
        }
        return changes
    }

    /// Clears outbox entries the server acknowledged, unless the record was edited again since.
    public func acknowledge(_ changes: [PendingChange]) throws(StoreError) {
        try write { db in try Self.acknowledge(db, changes) }
    }

    static func acknowledge(_ db: Database, _ changes: [PendingChange]) throws {
        // Found by queue position (the table's own key); the id guards against a reused position,
        // the version against an edit made since it was sent.
        let statement = try db.cachedStatement(
            sql: "DELETE FROM outbox WHERE rowid = ? AND record_id = ? AND version = ?")
        for change in changes {
            try statement.stepOnce(db) { bind in
                bind.int(1, change.position)
                bind.text(2, change.id)
                bind.int(3, change.version)
            }
        }
    }

    /// How many records wait in the outbox to be sent (held ones not counted).
    public func pendingCount() throws(StoreError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE held IS NULL") ?? 0 }
    }

    /// Forgets the cursor, so the next sync pulls everything again.
    public func resetCursor() throws(StoreError) {
        try write { db in try db.execute(sql: "UPDATE sync_state SET cursor = NULL WHERE id = 1") }
    }

    /// After a full resync: drops records the server no longer has and that hold no unsent change
    /// here (deleted elsewhere, and their tombstones since forgotten).
    public func forgetRecords(notIn kept: Set<String>) throws(StoreError) {
        try write { db in
            let ids = try String.fetchAll(
                db, sql: "SELECT id FROM records WHERE id NOT IN (SELECT record_id FROM outbox)")
            for id in ids where !kept.contains(id) {
                try db.execute(
                    sql: "DELETE FROM search WHERE rowid = (SELECT rowid FROM records WHERE id = ?)", arguments: [id])
                try db.execute(sql: "DELETE FROM records WHERE id = ?", arguments: [id])
            }
        }
    }

    /// Records that a sync finished (with no error) or failed (with one).
    public func recordSync(error: String?) throws(StoreError) {
        try writeUnsynced { db in
            if let error {
                try db.execute(sql: "UPDATE sync_state SET last_error = ? WHERE id = 1", arguments: [error])
            } else {
                try db.execute(
                    sql: "UPDATE sync_state SET last_sync = ?, last_error = NULL WHERE id = 1",
                    arguments: [HybridLogicalClock.wallNow()])
            }
        }
    }

    /// The server and user this store syncs with, or nil when never logged in.
    public func account() throws(StoreError) -> (server: String, user: String)? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT server, user FROM sync_state WHERE id = 1"),
                let server = row["server"] as String?, let user = row["user"] as String?
            else { return nil }
            return (server, user)
        }
    }

    /// Sets the server and user; switching to another one forgets the cursor of the old one.
    public func setAccount(server: String, user: String) throws(StoreError) {
        try write { db in
            let row = try Row.fetchOne(db, sql: "SELECT server, user FROM sync_state WHERE id = 1")
            let same = row?["server"] as String? == server && row?["user"] as String? == user
            try db.execute(
                sql:
                    "UPDATE sync_state SET server = ?, user = ?, cursor = CASE WHEN ? THEN cursor ELSE NULL END WHERE id = 1",
                arguments: [server, user, same])
        }
    }

    /// The cursor of the last applied page, or nil before the first sync.
    public func cursor() throws(StoreError) -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT cursor FROM sync_state WHERE id = 1") }
    }
}
