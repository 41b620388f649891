import Foundation
import GRDB
import MarginShared

/// One search result.
public struct SearchHit: Sendable, Equatable {
    /// The matching record.
    public let record: RecordState
    /// The matching passage with matches between `[` and `]`.
    public let snippet: String
    /// BM25 rank: lower is better.
    public let rank: Double
}

/// Counts that describe a store at a glance.
public struct StoreStatus: Sendable, Equatable {
    /// This store's replica id.
    public let replicaID: ReplicaID
    /// Live records by kind.
    public let counts: [RecordKind: Int]
    /// Deleted records still kept as tombstones.
    public let deleted: Int
    /// Records changed locally and not yet acknowledged by a server (held ones not counted).
    public let pending: Int
    /// Local changes the server refused for good, kept here unsent.
    public let held: [RefusedRecord]
    /// Pulled versions this store could not merge, kept aside unapplied.
    public let unapplied: [RefusedRecord]
    /// Fields that hold conflicting siblings.
    public let conflicts: Int
    /// Notes and bookmarks whose quote is gone from their article.
    public let orphaned: Int
    /// Pulled records whose search entry waits for the next search.
    public let searchBacklog: Int
    /// The sync server, when logged in.
    public let server: String?
    /// The user on that server.
    public let user: String?
    /// When the last sync finished, in milliseconds since 1970.
    public let lastSync: Int64?
    /// The last sync error, when the last sync failed.
    public let lastError: String?
}

extension LocalStore {
    /// The record with exactly this id.
    public func record(_ id: String) throws(StoreError) -> RecordState {
        let state = try read { db in try Self.load(db, id: id) }
        guard let state else { throw StoreError(.notFound, "no record \(id)") }
        return state
    }

    /// The full id of the one live record whose id starts with `prefix` (an article's `a-` may be left out).
    public func resolveID(_ prefix: String, kind: RecordKind? = nil) throws(StoreError) -> String {
        guard !prefix.isEmpty else { throw StoreError(.invalidInput, "an id cannot be empty") }
        let escaped = prefix.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
        let matches = try read { db in
            var ids: [String] = []
            for pattern in [escaped, "a-" + escaped] where ids.isEmpty {
                ids = try String.fetchAll(
                    db,
                    sql: """
                        SELECT id FROM records WHERE id LIKE ? ESCAPE '\\' AND deleted = 0
                        AND (? IS NULL OR kind = ?) LIMIT 2
                        """,
                    arguments: [pattern + "%", kind?.rawValue, kind?.rawValue])
            }
            return ids
        }
        let what = kind?.rawValue ?? "record"
        switch matches.count {
        case 0: throw StoreError(.notFound, "no \(what) matches '\(prefix)'")
        case 1: return matches[0]
        default: throw StoreError(.ambiguous, "'\(prefix)' matches more than one \(what); give more of the id")
        }
    }

    /// Live records of a kind, oldest first, optionally only those of one article.
    public func records(kind: RecordKind, article: String? = nil) throws(StoreError) -> [RecordState] {
        try read { db in
            let data = try Data.fetchAll(
                db,
                sql: """
                    SELECT state FROM records WHERE kind = ? AND deleted = 0 AND (? IS NULL OR article_id = ?)
                    ORDER BY created_at, id
                    """,
                arguments: [kind.rawValue, article, article])
            return try data.map { try WireFormat.decode($0, limits: .unlimited) }
        }
    }

    /// Ids of notes and bookmarks marked orphaned.
    public func orphanedIDs() throws(StoreError) -> Set<String> {
        try read { db in Set(try String.fetchAll(db, sql: "SELECT id FROM records WHERE orphaned = 1 AND deleted = 0"))
        }
    }

    /// The ids just before and just after each of `ids` in id order, among all records (deleted
    /// ones included): what tells how much of an id sets it apart, read for the ids shown rather
    /// than by sorting every id the store holds.
    public func neighbouringIDs(_ ids: some Sequence<String>) throws(StoreError) -> [String: [String]] {
        try read { db in
            let before = try db.cachedStatement(sql: "SELECT id FROM records WHERE id < ? ORDER BY id DESC LIMIT 1")
            let after = try db.cachedStatement(sql: "SELECT id FROM records WHERE id > ? ORDER BY id LIMIT 1")
            var neighbours: [String: [String]] = [:]
            for id in ids where neighbours[id] == nil {
                neighbours[id] =
                    [try String.fetchOne(before, arguments: [id]), try String.fetchOne(after, arguments: [id])]
                    .compactMap { $0 }
            }
            return neighbours
        }
    }

    /// Every record id, deleted ones included.
    public func allIDs() throws(StoreError) -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT id FROM records") }
    }

    /// The records of one article (or all) and of some kinds (a parameter for each kind), in id
    /// order. `+kind`: through the index on kind, SQLite would sort every record it read in
    /// memory; in id order through the id's own index, it holds one at a time.
    static let recordsInIDOrder = """
        SELECT id, state FROM records
        WHERE (? IS NULL OR id = ? OR article_id = ?)
        AND +kind IN (\(RecordKind.allCases.map { _ in "?" }.joined(separator: ", "))) ORDER BY id
        """

    /// Every record of `kinds` in id order, or with `article` that article's and its notes' and
    /// bookmarks', each decoded only when `body` takes it: an export of any size holds one at a time.
    public func forEachRecord(
        article: String? = nil, kinds: Set<RecordKind> = Set(RecordKind.allCases),
        _ body: (RecordState) throws(StoreError) -> Void
    ) throws(StoreError) {
        try read { db in
            let rows = try Row.fetchCursor(
                db, sql: Self.recordsInIDOrder,
                arguments: StatementArguments(
                    [article, article, article] + RecordKind.allCases.map { kinds.contains($0) ? $0.rawValue : nil }))
            while let row = try rows.next() {
                let id: String = row[0]
                let state: Data = row[1]
                try body(try Self.decodeStored(state, id: id))
            }
        }
    }

    /// Hands over each article (deleted ones included, or only `article`), oldest added first,
    /// with its notes and bookmarks in id order: one article's records in memory at a time.
    public func forEachArticle(
        _ article: String? = nil, _ body: (RecordState, [RecordState]) throws(StoreError) -> Void
    ) throws(StoreError) {
        try read { db in
            // Through records_by_kind, and records_by_article for each article's records.
            let articles = try Row.fetchCursor(
                db,
                sql: """
                    SELECT id, state FROM records WHERE kind = 'article' AND (? IS NULL OR id = ?)
                    ORDER BY created_at, id
                    """,
                arguments: [article, article])
            let annotations = try db.makeStatement(
                sql: "SELECT id, state FROM records WHERE article_id = ? ORDER BY id")
            while let row = try articles.next() {
                let id: String = row[0]
                let state = try Self.decodeStored(row[1], id: id)
                var records: [RecordState] = []
                let rows = try Row.fetchCursor(annotations, arguments: [id])
                while let annotation = try rows.next() {
                    records.append(try Self.decodeStored(annotation[1], id: annotation[0]))
                }
                try body(state, records)
            }
        }
    }

    /// Every record, deleted ones included, sorted by id: the complete state.
    public func allRecords() throws(StoreError) -> [RecordState] {
        try read { db in
            try Data.fetchAll(db, sql: "SELECT state FROM records ORDER BY id").map {
                try WireFormat.decode($0, limits: .unlimited)
            }
        }
    }

    /// Full-text search over article titles and text and note bodies, best first.
    public func search(_ query: String, limit: Int = 20) throws(StoreError) -> [SearchHit] {
        let terms = query.split(whereSeparator: { $0.isWhitespace || $0 == "\"" }).map { "\"\($0)\"" }
        guard !terms.isEmpty else { throw StoreError(.invalidInput, "the search query is empty") }
        try indexBacklog()
        return try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT r.state AS state, snippet(search, -1, '[', ']', '…', 12) AS snippet, bm25(search, 5.0, 1.0) AS rank
                    FROM search JOIN records r ON r.rowid = search.rowid
                    WHERE search MATCH ? ORDER BY rank LIMIT ?
                    """,
                arguments: [terms.joined(separator: " "), limit])
            return try rows.map { row in
                SearchHit(
                    record: try WireFormat.decode(row["state"] as Data, limits: .unlimited),
                    snippet: row["snippet"], rank: row["rank"])
            }
        }
    }

    /// Every live record with at least one conflicting field.
    public func conflictedRecords() throws(StoreError) -> [RecordState] {
        try read { db in
            try Data.fetchAll(db, sql: "SELECT state FROM records WHERE conflicts > 0 AND deleted = 0 ORDER BY id").map
            {
                try WireFormat.decode($0, limits: .unlimited)
            }
        }
    }

    /// Counts of records, pending changes and conflicts, and the sync state.
    public func status() throws(StoreError) -> StoreStatus {
        try read { db in
            var counts: [RecordKind: Int] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT kind, count(*) AS n FROM records WHERE deleted = 0 GROUP BY kind")
            {
                if let kind = RecordKind(rawValue: row["kind"]) { counts[kind] = row["n"] }
            }
            let sync = try Row.fetchOne(
                db, sql: "SELECT server, user, last_sync, last_error FROM sync_state WHERE id = 1")
            return StoreStatus(
                replicaID: replicaID, counts: counts,
                deleted: try Int.fetchOne(db, sql: "SELECT count(*) FROM records WHERE deleted = 1") ?? 0,
                pending: try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE held IS NULL") ?? 0,
                held: try Self.refused(db, held: true),
                unapplied: try Self.refused(db, held: false),
                conflicts: try Int.fetchOne(
                    db, sql: "SELECT coalesce(sum(conflicts), 0) FROM records WHERE deleted = 0") ?? 0,
                orphaned: try Int.fetchOne(db, sql: "SELECT count(*) FROM records WHERE orphaned = 1 AND deleted = 0")
                    ?? 0,
                searchBacklog: try Self.searchBacklog(db),
                server: sync?["server"], user: sync?["user"], lastSync: sync?["last_sync"],
                lastError: sync?["last_error"])
        }
    }
}
