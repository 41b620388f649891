import Foundation
import Logging
import MarginShared
import PostgresNIO

extension PostgresSyncStore {
    /// Merges pushed states, then reads the changes after `since`.
    ///
    /// A push reads what it touches, merges, then writes in one statement that first checks, under
    /// the account's row lock (which every write of the user takes), that the account's feed has
    /// not moved since the read: two round trips, each its own transaction, where a transaction
    /// held across the merge takes five. A push that lost the race to another of the user's
    /// devices reads again; after `optimisticAttempts` such rounds it locks before it reads, so it cannot
    /// starve.
    public func sync(
        session: Session, pushed: [DecodedRecord], since: Cursor?, limit: Int
    ) async throws -> (PushOutcome, ChangePage) {
        if pushed.isEmpty && limit > 0 {
            return (PushOutcome(), try await changes(session: session, since: since, limit: limit))
        }
        let now = Self.now()
        let epoch = epoch
        let pageBytes = pageBytes
        let logger = logger
        let ids = Array(Set(pushed.map(\.state.id)))
        // One round: read, merge, write if the feed has not moved; nil when it had.
        let round: @Sendable (PostgresConnection) async throws -> (PushPlan, start: Int64)? = { connection in
            let (start, purged, stored) = try await Self.stored(connection, ids: ids, session: session, logger: logger)
            try Cursor.check(since, epoch: epoch, latest: start, purged: purged)
            let plan = try PushPlan(pushed: pushed, over: stored)
            if plan.isEmpty { return (plan, start) }
            let written = try await Self.write(plan, session: session, expecting: start, now: now, connection, logger)
            return written ? (plan, start) : nil
        }
        let attempts = optimisticAttempts
        var retries = 0
        var done: (PushPlan, start: Int64)? = nil
        if attempts > 0 {
            (done, retries) = try await withConnection { connection in
                for attempt in 0..<attempts {
                    if let done = try await round(connection) { return (done, attempt) }
                }
                return (nil, attempts)
            }
        }
        if done == nil {
            done = try await transaction { connection in
                try await Self.lock(connection, session: session, logger: logger)
                // The session stands and the row is held: only a revocation since can stop the write.
                guard let done = try await round(connection) else { throw SyncStoreError.noSuchSession }
                return done
            }
        }
        guard let (read, start) = done else { throw SyncStoreError.noSuchSession }
        var plan = read
        plan.outcome.retries = retries
        let sequence = start + Int64(plan.order.count)
        if let page = ChangePage.afterPush(
            echoes: plan.echoes, from: start, to: sequence, since: since, limit: limit,
            merged: plan.outcome.merged, pageBytes: pageBytes, epoch: epoch)
        {
            return (plan.outcome, page)
        }
        let skip = Dictionary(pushed.map { ($0.state.id, $0.bytes) }) { _, last in last }
        let page = try await withConnection { connection in
            try await Self.pull(
                connection, session: session, since: since, limit: limit, maxBytes: pageBytes, epoch: epoch,
                skip: skip, logger: logger)
        }
        return (plan.outcome, page)
    }

    /// The changes after `since`, read in one snapshot.
    public func changes(session: Session, since: Cursor?, limit: Int) async throws -> ChangePage {
        let epoch = epoch
        let pageBytes = pageBytes
        let logger = logger
        return try await withConnection { connection in
            try await Self.pull(
                connection, session: session, since: since, limit: limit, maxBytes: pageBytes, epoch: epoch,
                skip: [:], logger: logger)
        }
    }

    /// The account's feed position, tombstone horizon, and the stored states of `ids`, in one
    /// statement (one snapshot); `noSuchSession` when the session no longer stands.
    static func stored(
        _ connection: PostgresConnection, ids: [String], session: Session, logger: Logger
    ) async throws -> (sequence: Int64, purged: Int64, stored: [String: Data]) {
        let rows = try await connection.execute(
            StoredStatesStatement(userID: session.user.id, tokenHash: session.tokenHash, ids: ids), logger: logger)
        var position: (Int64, Int64)?
        var stored: [String: Data] = [:]
        for try await (sequence, purged, id, state) in rows {
            position = (sequence, purged)
            if let id, let state { stored[id] = Data(state.utf8) }
        }
        guard let (sequence, purged) = position else { throw SyncStoreError.noSuchSession }
        return (sequence, purged, stored)
    }

    /// Locks the account's row for the transaction, after checking that the session stands.
    static func lock(_ connection: PostgresConnection, session: Session, logger: Logger) async throws {
        let rows = try await connection.query(
            """
            SELECT u.seq FROM users u JOIN sessions s ON s.user_id = u.id AND s.token_hash = \(session.tokenHash)
            WHERE u.id = \(session.user.id) FOR UPDATE OF u
            """, logger: logger)
        var found = false
        for try await _ in rows.decode(Int64.self) { found = true }
        guard found else { throw SyncStoreError.noSuchSession }
    }

    /// Writes `plan` after the feed position `start`, in one statement, only if the session still
    /// stands and the account's feed is still at `start` once its row is locked; false when not.
    ///
    /// One statement, so one round trip: the check, the rows, the account's feed position, and
    /// the NOTIFY (delivered at commit, to every instance's listener: a hint to look, nothing
    /// more). Data-modifying CTEs run exactly once, referenced or not.
    static func write(
        _ plan: PushPlan, session: Session, expecting start: Int64, now: Int64, _ connection: PostgresConnection,
        _ logger: Logger
    ) async throws -> Bool {
        let userID = session.user.id
        let sequences = plan.order.indices.map { start + 1 + Int64($0) }
        let sequence = start + Int64(plan.order.count)
        let rows = try await connection.execute(
            WriteStatement(
                userID: userID, tokenHash: session.tokenHash, start: start, ids: plan.order, kinds: plan.kinds,
                states: plan.states, sequences: sequences, deleted: plan.deleted, now: now, sequence: sequence,
                channel: Self.channel), logger: logger)
        var written = false
        for try await _ in rows { written = true }
        return written
    }

    /// Up to `limit` changes after `since`, within `maxBytes` (at least one record), leaving out
    /// what `skip` shows the pusher holds.
    ///
    /// One statement, so one round trip: the session check, the account's feed position and the
    /// page together; a single statement sees one snapshot, so the position and the page agree.
    static func pull(
        _ connection: PostgresConnection, session: Session, since: Cursor?, limit: Int, maxBytes: Int,
        epoch: String, skip: [String: [UInt8]], logger: Logger
    ) async throws -> ChangePage {
        let after = since?.sequence ?? 0
        let rows = try await connection.execute(
            PullStatement(
                userID: session.user.id, tokenHash: session.tokenHash, after: after, limit: Int64(limit) + 1),
            logger: logger)
        var builder = PageBuilder(after: after, limit: limit, maxBytes: maxBytes, skip: skip)
        var latest: Int64?
        var full = false
        for try await (sequence, purged, id, state, seq) in rows {
            if latest == nil {
                try Cursor.check(since, epoch: epoch, latest: sequence, purged: purged)
                latest = sequence
            }
            // Past a full page the rest of the rows (one at most) are read and dropped.
            if let id, let state, let seq, !full {
                full = !builder.take(id: id, state: Array(state.utf8), sequence: seq)
            }
        }
        guard let latest else { throw SyncStoreError.noSuchSession }
        return builder.page(latest: latest, epoch: epoch)
    }
}

/// What a push writes: the merge step's answer for each pushed state over the stored ones.
struct PushPlan: Sendable {
    var outcome = PushOutcome()
    /// Merged states the pusher has not seen, to send back to it.
    private(set) var echoes: [[UInt8]] = []
    /// The ids written, in the order their sequence numbers follow.
    private(set) var order: [String] = []
    private var writes: [String: RecordWrite] = [:]

    /// The plan for `pushed` over `stored` (bytes by id); throws the first state that cannot merge.
    init(pushed: [DecodedRecord], over stored: [String: Data]) throws {
        var stored = stored
        for (index, record) in pushed.enumerated() {
            let state = record.state
            let step = try record.mergeStep(over: stored[state.id]) { data throws(MarginShared.RecordError) in
                try WireFormat.decode(data, limits: .unlimited)
            }
            guard let write = try step.write(of: record, at: index) else { continue }
            if write.echoes { echoes.append(write.bytes) }
            outcome.merged += 1
            outcome.conflictsCreated += write.conflictsCreated
            // The last write of each record counts (a push may carry one record twice).
            if writes[write.state.id] == nil { order.append(write.state.id) }
            writes[write.state.id] = write
            stored[write.state.id] = Data(write.bytes)
        }
    }

    /// True when the push changes nothing stored.
    var isEmpty: Bool { order.isEmpty }
    var kinds: [String] { order.map { writes[$0]!.state.kind.rawValue } }
    var states: [String] { order.map { String(decoding: writes[$0]!.bytes, as: UTF8.self) } }
    var deleted: [Bool] { order.map { writes[$0]!.state.isDeleted } }
}
