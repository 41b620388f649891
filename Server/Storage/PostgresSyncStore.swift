import Foundation
import Logging
import MarginShared
import PostgresNIO
import ServiceLifecycle

/// The store for running several `margin-server` instances: one PostgreSQL database that any
/// instance serves any user from. A user's writes serialise on their row of `users`; a push wakes
/// long-polls on other instances through NOTIFY, which only hints: the feed stays the truth.
public final class PostgresSyncStore: SyncStore, Service {
    let client: PostgresClient
    let address: PostgresDatabaseURL
    let logger: Logger
    /// Bytes of records one page holds at most, unless its first record alone is bigger.
    let pageBytes: Int
    /// How long a request waits for a pooled connection before it is told the database is away.
    let leaseTimeout: Duration
    /// Rounds a push tries without holding its account's row lock before it holds it from its read
    /// to its write.
    let optimisticAttempts: Int
    /// The NOTIFY channel pushes announce themselves on.
    static let channel = "margin_changes"
    private let epochBox = EpochBox()

    /// A store on `address` with at most `poolSize` connections; `run()` must be running (it is
    /// a service) for it to reach the database, and `migrate()` must have succeeded. A push that
    /// loses `optimisticAttempts` races to its account's other writers locks the account first.
    public init(
        address: PostgresDatabaseURL, poolSize: Int = 16, pageBytes: Int = 16 * 1024 * 1024,
        leaseTimeout: Duration = .seconds(3), optimisticAttempts: Int = 2
    ) {
        self.address = address
        self.optimisticAttempts = max(0, optimisticAttempts)
        self.leaseTimeout = leaseTimeout
        self.pageBytes = pageBytes
        var logger = Logger(label: "margin-server.postgres")
        logger.logLevel = .warning
        self.logger = logger
        var configuration = PostgresClient.Configuration(
            host: address.host, port: address.port, username: address.user, password: address.password,
            database: address.database, tls: .disable)
        configuration.options.maximumConnections = max(1, poolSize)
        configuration.options.minimumConnections = 0
        configuration.options.connectTimeout = .seconds(3)
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
    }

    /// Keeps the connection pool running until cancelled.
    public func run() async throws {
        await client.run()
    }

    /// This store's identity, part of every cursor it issues (read at `migrate()`).
    public var epoch: String { epochBox.value }

    // MARK: - Schema

    /// The versioned migrations, oldest first: each runs once, in its own transaction.
    static let migrations: [(version: Int, sql: [String])] = [
        (
            1,
            [
                "CREATE TABLE margin_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
                // IDENTITY draws from a sequence: an id is never handed out twice, even after a delete.
                """
                CREATE TABLE users (
                    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name TEXT NOT NULL UNIQUE,
                    password_hash TEXT NOT NULL, created_at BIGINT NOT NULL,
                    seq BIGINT NOT NULL DEFAULT 0, purged_seq BIGINT NOT NULL DEFAULT 0)
                """,
                """
                CREATE TABLE sessions (
                    token_hash TEXT PRIMARY KEY, user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    device TEXT, created_at BIGINT NOT NULL)
                """,
                "CREATE INDEX sessions_by_user ON sessions (user_id)",
                // Keyed by user first, so that users can later be spread over several databases.
                """
                CREATE TABLE records (
                    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE, id TEXT NOT NULL,
                    kind TEXT NOT NULL, state TEXT NOT NULL, seq BIGINT NOT NULL, deleted BOOLEAN NOT NULL,
                    updated_at BIGINT NOT NULL, PRIMARY KEY (user_id, id))
                """,
                "CREATE UNIQUE INDEX records_by_seq ON records (user_id, seq)",
                "CREATE INDEX records_deleted ON records (updated_at) WHERE deleted",
                """
                CREATE TABLE devices (
                    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE, replica TEXT NOT NULL,
                    name TEXT NOT NULL, seen_at BIGINT NOT NULL, PRIMARY KEY (user_id, replica))
                """,
            ]
        )
    ]

    /// The advisory lock migrations run under: instances starting together on an empty database
    /// take turns, and the later ones find the work done.
    static let migrationLock: Int64 = 0x6D61_7267_696E  // "margin"

    /// Connects, applies the migrations not yet applied, and reads the store's epoch. Throws
    /// `SyncStoreError.unavailable` with one line of why when the database cannot be reached.
    public func migrate(timeout: Duration = .seconds(15)) async throws {
        // A direct connection first: a pool would wait for ever on a database that is not there.
        let connection: PostgresConnection
        do {
            connection = try await withThrowingTaskGroup(of: PostgresConnection.self) { group in
                group.addTask {
                    try await PostgresConnection.connect(
                        configuration: .init(
                            host: self.address.host, port: self.address.port, username: self.address.user,
                            password: self.address.password, database: self.address.database, tls: .disable),
                        id: 0, logger: self.logger)
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw SyncStoreError.unavailable("no answer from \(self.address) in \(timeout)")
                }
                defer { group.cancelAll() }
                return try await group.next()!
            }
        } catch let error as SyncStoreError {
            throw error
        } catch {
            throw SyncStoreError.unavailable("cannot connect to \(address): \(Self.describe(error))")
        }
        do {
            try await connection.query("SELECT pg_advisory_lock(\(Self.migrationLock))", logger: logger)
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS margin_migrations (version INT PRIMARY KEY, applied_at BIGINT NOT NULL)",
                logger: logger)
            var applied = Set<Int>()
            for try await version in try await connection.query(
                "SELECT version FROM margin_migrations", logger: logger
            ).decode(Int.self) {
                applied.insert(version)
            }
            for migration in Self.migrations where !applied.contains(migration.version) {
                try await connection.query("BEGIN", logger: logger)
                for statement in migration.sql {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO margin_migrations (version, applied_at) VALUES (\(migration.version), \(Self.now()))",
                    logger: logger)
                try await connection.query("COMMIT", logger: logger)
            }
            let fresh = String(UInt64.random(in: 1...UInt64.max), radix: 36)
            try await connection.query(
                "INSERT INTO margin_meta (key, value) VALUES ('epoch', \(fresh)) ON CONFLICT (key) DO NOTHING",
                logger: logger)
            for try await value in try await connection.query(
                "SELECT value FROM margin_meta WHERE key = 'epoch'", logger: logger
            ).decode(String.self) {
                epochBox.value = value
            }
            try await connection.query("SELECT pg_advisory_unlock(\(Self.migrationLock))", logger: logger)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw SyncStoreError.unavailable("cannot prepare \(address): \(Self.describe(error))")
        }
    }

    static func now() -> Int64 { HybridLogicalClock.wallNow() }

    /// A short reason from a PostgresNIO error (its description hides the server's message).
    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return message }
            if let underlying = error.underlying { return "\(underlying)" }
            return "\(error.code)"
        }
        return "\(error)"
    }

    /// Runs `body` on a pooled connection, mapping a lost or unreachable database to `unavailable`.
    ///
    /// The pool waits for ever for a connection while the database is away (it keeps dialling):
    /// a request that has none after `leaseTimeout` gets `unavailable` (503) instead.
    @discardableResult
    func withConnection<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws
        -> T
    {
        let leased = LeaseFlag()
        let client = client
        let leaseTimeout = leaseTimeout
        do {
            return try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask {
                    try await client.withConnection { connection in
                        leased.set()
                        // On the connection's own event loop: each query's answer resumes the request
                        // there, not through a wake-up of a cooperative-pool thread (which cost more
                        // than the query itself on this machine).
                        return try await withTaskExecutorPreference(EventLoopExecutor(connection.eventLoop)) {
                            try await body(connection)
                        }
                    }
                }
                group.addTask {
                    try await Task.sleep(for: leaseTimeout)
                    guard leased.isSet else {
                        throw SyncStoreError.unavailable("no database connection within \(leaseTimeout)")
                    }
                    return nil  // leased in time: the query may take as long as it takes
                }
                defer { group.cancelAll() }
                while let result = try await group.next() {
                    if let value = result { return value }
                }
                throw SyncStoreError.unavailable("the database request ended without an answer")
            }
        } catch let error as SyncStoreError {
            throw error
        } catch let error as PSQLError where !Self.isUnavailable(error) {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            // The connection broke, or the pool could not make one: the database is away.
            throw SyncStoreError.unavailable(Self.describe(error))
        }
    }

    /// Runs `body` in a transaction (rolled back when it throws), mapping a lost or unreachable
    /// database to `unavailable`.
    @discardableResult
    func transaction<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T
    {
        let logger = logger
        return try await withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            let result: T
            do {
                result = try await body(connection)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
            try await connection.query("COMMIT", logger: logger)
            return result
        }
    }

    static func isUnavailable(_ error: PSQLError) -> Bool {
        // A server error with an SQLSTATE is a query's failure; the rest is the connection's.
        guard let state = error.serverInfo?[.sqlState] else { return true }
        // 57P01-03: the server is shutting down or restarting; 08: connection exceptions.
        return state.hasPrefix("57P") || state.hasPrefix("08")
    }

    // MARK: - Accounts and sessions

    /// Creates an account with an already-hashed password.
    public func createUser(name: String, passwordHash: String) async throws -> User {
        let logger = logger
        let createdAt = Self.now()
        return try await withConnection { connection in
            let rows = try await connection.query(
                """
                INSERT INTO users (name, password_hash, created_at) VALUES (\(name), \(passwordHash), \(createdAt))
                ON CONFLICT (name) DO NOTHING RETURNING id
                """, logger: logger)
            for try await id in rows.decode(Int64.self) { return User(id: id, name: name, createdAt: createdAt) }
            throw SyncStoreError.userExists(name)
        }
    }

    /// The account and its password hash, or nil.
    public func user(named name: String) async throws -> (User, passwordHash: String)? {
        let logger = logger
        return try await withConnection { connection -> (User, passwordHash: String)? in
            let rows = try await connection.query(
                "SELECT id, created_at, password_hash FROM users WHERE name = \(name)", logger: logger)
            for try await (id, createdAt, hash) in rows.decode((Int64, Int64, String).self) {
                return (User(id: id, name: name, createdAt: createdAt), hash)
            }
            return nil
        }
    }

    /// Every account, by name.
    public func users() async throws -> [User] {
        let logger = logger
        return try await withConnection { connection in
            var users: [User] = []
            let rows = try await connection.query(
                "SELECT id, name, created_at FROM users ORDER BY name", logger: logger)
            for try await (id, name, createdAt) in rows.decode((Int64, String, Int64).self) {
                users.append(User(id: id, name: name, createdAt: createdAt))
            }
            return users
        }
    }

    /// Deletes an account with its sessions and records.
    public func deleteUser(named name: String) async throws {
        let logger = logger
        return try await withConnection { connection in
            let rows = try await connection.query("DELETE FROM users WHERE name = \(name) RETURNING id", logger: logger)
            for try await _ in rows.decode(Int64.self) { return }
            throw SyncStoreError.noSuchUser(name)
        }
    }

    /// Stores a new session token's hash for a user.
    public func createSession(userID: Int64, tokenHash: String, device: String?) async throws {
        let logger = logger
        let createdAt = Self.now()
        try await withConnection { connection in
            try await connection.query(
                """
                INSERT INTO sessions (token_hash, user_id, device, created_at)
                VALUES (\(tokenHash), \(userID), \(device), \(createdAt))
                """, logger: logger)
        }
    }

    /// The user a session token hash belongs to, or nil.
    public func user(forTokenHash tokenHash: String) async throws -> User? {
        let logger = logger
        return try await withConnection { connection -> User? in
            let rows = try await connection.query(
                """
                SELECT u.id, u.name, u.created_at FROM sessions s JOIN users u ON u.id = s.user_id
                WHERE s.token_hash = \(tokenHash)
                """, logger: logger)
            for try await (id, name, createdAt) in rows.decode((Int64, String, Int64).self) {
                return User(id: id, name: name, createdAt: createdAt)
            }
            return nil
        }
    }

    /// Revokes a session; throws `noSuchSession` when it was not there.
    public func deleteSession(tokenHash: String) async throws {
        let logger = logger
        return try await withConnection { connection in
            let rows = try await connection.query(
                "DELETE FROM sessions WHERE token_hash = \(tokenHash) RETURNING user_id", logger: logger)
            for try await _ in rows.decode(Int64.self) { return }
            throw SyncStoreError.noSuchSession
        }
    }

    /// Remembers the name of the user's machine whose edits carry `replica`.
    public func nameDevice(userID: Int64, replica: ReplicaID, name: String) async throws {
        let logger = logger
        let seenAt = Self.now()
        try await withConnection { connection in
            try await connection.query(
                """
                INSERT INTO devices (user_id, replica, name, seen_at) VALUES (\(userID), \(replica.rawValue), \(name), \(seenAt))
                ON CONFLICT (user_id, replica) DO UPDATE SET name = excluded.name, seen_at = excluded.seen_at
                """, logger: logger)
        }
    }

    /// The user's named machines, by name.
    public func devices(session: Session) async throws -> [Device] {
        let logger = logger
        let userID = session.user.id
        return try await withConnection { connection in
            // One statement: the session check and the devices in one snapshot.
            let rows = try await connection.query(
                """
                SELECT d.replica, d.name, d.seen_at FROM sessions s
                LEFT JOIN devices d ON d.user_id = s.user_id
                WHERE s.token_hash = \(session.tokenHash) AND s.user_id = \(userID)
                ORDER BY d.name, d.replica
                """, logger: logger)
            var found = false
            var devices: [Device] = []
            for try await (replica, name, seenAt) in rows.decode((String?, String?, Int64?).self) {
                found = true
                if let replica = replica.flatMap(ReplicaID.init), let name, let seenAt {
                    devices.append(Device(replica: replica, name: name, seenAt: seenAt))
                }
            }
            guard found else { throw SyncStoreError.noSuchSession }
            return devices
        }
    }

    /// Forgets deleted records last changed before `cutoff`; safe with several instances at it.
    public func purgeTombstones(before cutoff: Int64) async throws -> Int {
        let logger = logger
        return try await transaction { connection in
            // Cursors from before the newest forgotten delete could miss it: they get 410.
            try await connection.query(
                """
                UPDATE users SET purged_seq = GREATEST(users.purged_seq, gone.seq)
                FROM (SELECT user_id, max(seq) AS seq FROM records WHERE deleted AND updated_at < \(cutoff) GROUP BY user_id) gone
                WHERE users.id = gone.user_id
                """, logger: logger)
            var purged = 0
            for try await _ in try await connection.query(
                "DELETE FROM records WHERE deleted AND updated_at < \(cutoff) RETURNING seq", logger: logger
            ).decode(Int64.self) {
                purged += 1
            }
            return purged
        }
    }

    // MARK: - Other instances

    /// Listens for pushes made through other instances. NOTIFY is only a hint: after a lost
    /// listener connection every waiter is woken to read the feed again, then it listens anew.
    public func watchOtherInstances(_ wake: @escaping @Sendable (Int64?) -> Void) async throws {
        let configuration = PostgresConnection.Configuration(
            host: address.host, port: address.port, username: address.user, password: address.password,
            database: address.database, tls: .disable)
        while !Task.isCancelled {
            do {
                let connection = try await PostgresConnection.connect(
                    configuration: configuration, id: 1, logger: logger)
                do {
                    try await connection.listen(on: Self.channel) { notifications in
                        // Listening from here on: whatever was sent while not listening is looked for.
                        wake(nil)
                        for try await notification in notifications {
                            wake(Int64(notification.payload))
                        }
                    }
                } catch {
                    try? await connection.close()
                    throw error
                }
                try? await connection.close()
            } catch is CancellationError {
                return
            } catch {
                logger.warning("change listener lost its connection: \(Self.describe(error)); reconnecting")
                wake(nil)
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}

/// Set once a pooled connection was handed over.
final class LeaseFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}

/// The epoch, read once at `migrate()` and only read after.
final class EpochBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = ""
    var value: String {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
