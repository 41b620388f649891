import Foundation
import GRDB
import MarginShared

/// What applying a page of remote states did.
public struct ApplyOutcome: Sendable, Equatable {
    /// Records whose stored state changed.
    public var changed = 0
    /// Records already holding everything the page brought.
    public var unchanged = 0
    /// Conflicting fields that did not exist before the page.
    public var newConflicts = 0
    /// Records refused, with why (a different article id, say); the rest of the page still applies.
    public var rejected: [String: String] = [:]
}

/// A local change waiting to be pushed: the record's state and the outbox version it had.
public struct PendingChange: Sendable, Equatable {
    /// The record as it is now.
    public let state: RecordState
    /// The outbox version; acknowledging an older version keeps the entry.
    public let version: Int64
}

extension LocalStore {
    /// Merges remote states into the store and moves the cursor, all in one transaction.
    ///
    /// Local edits not yet pushed are merged, never overwritten.
    @discardableResult
    public func apply(_ states: [RecordState], cursor: String?) throws(StoreError) -> ApplyOutcome {
        try write { db in
            var outcome = ApplyOutcome()
            var latest: Timestamp?
            var reanchorArticles: [String: String] = [:]
            for remote in states {
                let previous = try Self.load(db, id: remote.id)
                let merged: RecordState
                do {
                    merged = try previous.map { try RecordState.merge($0, remote) } ?? remote
                } catch {
                    outcome.rejected[remote.id] = "\(error)"
                    continue
                }
                if merged == previous {
                    outcome.unchanged += 1
                    continue
                }
                outcome.changed += 1
                let conflicts = merged.conflicts.count
                outcome.newConflicts += max(0, conflicts - (previous?.conflicts.count ?? 0))
                if let stamp = remote.latestStamp, latest.map({ stamp > $0 }) ?? true { latest = stamp }
                try Self.save(db, merged, previous: previous, conflicts: conflicts)
                if merged.kind == .article, let previous, previous.string("content") != merged.string("content") {
                    reanchorArticles[merged.id] = merged.string("content") ?? ""
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
                try db.cachedStatement(sql: "UPDATE sync_state SET cursor = ? WHERE id = 1").execute(arguments: [cursor]
                )
            }
            return outcome
        }
    }

    /// Local changes not yet acknowledged, oldest queued first.
    public func pendingChanges(limit: Int = 1_000) throws(StoreError) -> [PendingChange] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT r.state AS state, o.version AS version FROM outbox o JOIN records r ON r.id = o.record_id
                    ORDER BY o.rowid LIMIT ?
                    """,
                arguments: [limit]
            ).map { row in
                PendingChange(
                    state: try WireFormat.decode(row["state"] as Data, limits: .unlimited), version: row["version"])
            }
        }
    }

    /// Clears outbox entries the server acknowledged, unless the record was edited again since.
    public func acknowledge(_ changes: [PendingChange]) throws(StoreError) {
        try write { db in
            let statement = try db.cachedStatement(sql: "DELETE FROM outbox WHERE record_id = ? AND version = ?")
            for change in changes { try statement.execute(arguments: [change.state.id, change.version]) }
        }
    }

    /// The cursor of the last applied page, or nil before the first sync.
    public func cursor() throws(StoreError) -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT cursor FROM sync_state WHERE id = 1") }
    }
}
