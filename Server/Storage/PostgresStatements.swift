import PostgresNIO

// The feed's statements, prepared once per connection: every round of every client runs them, and
// parsing and planning each anew cost more server time than executing it.

/// The push's read: the account's feed position and tombstone horizon, and the stored states of
/// the pushed ids, if the session stands (no row when not).
struct StoredStatesStatement: PostgresPreparedStatement {
    static let sql = """
        SELECT u.seq, u.purged_seq, r.id, r.state
        FROM users u JOIN sessions s ON s.user_id = u.id AND s.token_hash = $2
        LEFT JOIN records r ON r.user_id = u.id AND r.id = ANY($3)
        WHERE u.id = $1
        """
    typealias Row = (Int64, Int64, String?, String?)
    var userID: Int64
    var tokenHash: String
    var ids: [String]

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 3)
        bindings.append(userID)
        bindings.append(tokenHash)
        bindings.append(ids)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

/// The push's write, if the session stands and the account's feed is still at `start` once its
/// row is locked: the rows, the feed position, and the NOTIFY; one row when written, none when not.
/// Data-modifying CTEs run exactly once, referenced or not.
struct WriteStatement: PostgresPreparedStatement {
    static let sql = """
        WITH locked AS MATERIALIZED (
            SELECT u.id FROM users u JOIN sessions s ON s.user_id = u.id AND s.token_hash = $2
            WHERE u.id = $1 AND u.seq = $3 FOR UPDATE OF u
        ), written AS (
            INSERT INTO records (user_id, id, kind, state, seq, deleted, updated_at)
            SELECT $1, id, kind, state, seq, deleted, $9
            FROM unnest($4::text[], $5::text[], $6::text[], $7::int8[], $8::bool[])
                AS pushed (id, kind, state, seq, deleted)
            WHERE EXISTS (SELECT 1 FROM locked)
            ON CONFLICT (user_id, id) DO UPDATE SET state = excluded.state, seq = excluded.seq,
                deleted = excluded.deleted, updated_at = excluded.updated_at
        ), advanced AS (
            UPDATE users SET seq = $10 WHERE id IN (SELECT id FROM locked)
        )
        SELECT id, pg_notify($11, $1::text) FROM locked
        """
    typealias Row = Int64
    var userID: Int64
    var tokenHash: String
    var start: Int64
    var ids: [String]
    var kinds: [String]
    var states: [String]
    var sequences: [Int64]
    var deleted: [Bool]
    var now: Int64
    var sequence: Int64
    var channel: String

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 11)
        bindings.append(userID)
        bindings.append(tokenHash)
        bindings.append(start)
        bindings.append(ids)
        bindings.append(kinds)
        bindings.append(states)
        bindings.append(sequences)
        bindings.append(deleted)
        bindings.append(now)
        bindings.append(sequence)
        bindings.append(channel)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.makeRandomAccess()[0].decode(Int64.self) }
}

/// A pull: the account's feed position and tombstone horizon, and up to `limit` changes after
/// `after`, if the session stands (no row when not; one row of nulls when nothing follows). One
/// statement sees one snapshot, so the position and the page agree.
struct PullStatement: PostgresPreparedStatement {
    static let sql = """
        SELECT u.seq, u.purged_seq, r.id, r.state, r.seq
        FROM users u JOIN sessions s ON s.user_id = u.id AND s.token_hash = $2
        LEFT JOIN LATERAL (
            SELECT id, state, seq FROM records WHERE user_id = u.id AND seq > $3 ORDER BY seq LIMIT $4
        ) r ON true
        WHERE u.id = $1
        """
    typealias Row = (Int64, Int64, String?, String?, Int64?)
    var userID: Int64
    var tokenHash: String
    var after: Int64
    var limit: Int64

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 4)
        bindings.append(userID)
        bindings.append(tokenHash)
        bindings.append(after)
        bindings.append(limit)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}
