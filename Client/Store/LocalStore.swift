import Foundation
import GRDB
import MarginSQLite
import MarginShared

/// One profile's local SQLite store: records with their full merge state, the outbox and sync state.
///
/// Every local edit and its outbox entry commit in one transaction; so does every applied page
/// and the cursor that follows it.
public final class LocalStore: Sendable {
    /// The database file.
    public let path: String
    /// This store's replica id, created once with the store.
    public let replicaID: ReplicaID
    /// Limits a record must keep to be stored.
    public let limits: RecordLimits
    let pool: DatabasePool
    let checkpointer: Checkpointer
    /// The page cache of each connection (negative: KiB), for bulk pulls into big stores.
    static let cacheKibibytes = -16_384
    /// The page size of a new store. A note's row is about 1.3 KB: a 4 KB page holds two of them
    /// with a third of the page empty, 8 KB pages hold five or six, so a store takes fewer pages
    /// and a first sync writes fewer. Larger pages made every durable edit slower (each changed
    /// page goes whole into the log) for no faster first sync. A store made with other pages keeps
    /// them.
    static let pageSize = 8_192
    /// How long a statement waits for another connection's lock before the store reports it locked.
    static let busyTimeoutMilliseconds = 3_000

    /// Opens (creating when missing) the store in `home`, migrating it to the current schema.
    public convenience init(home: String, limits: RecordLimits = .default) throws(StoreError) {
        do {
            try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        } catch {
            throw StoreError(.io, "cannot create the profile folder \(home): \(error.localizedDescription)")
        }
        try self.init(path: (home as NSString).appendingPathComponent("margin.sqlite"), limits: limits)
    }

    /// Opens (creating when missing) the store file at `path`.
    public init(path: String, limits: RecordLimits = .default) throws(StoreError) {
        self.path = path
        self.limits = limits
        var configuration = Configuration()
        configuration.busyMode = .timeout(Double(Self.busyTimeoutMilliseconds) / 1_000)
        configuration.label = "margin"
        configuration.prepareDatabase { db in
            // A 16 MB page cache instead of SQLite's 2 MB default, for bulk pulls into big stores.
            try db.execute(sql: "PRAGMA cache_size = \(Self.cacheKibibytes)")
            // Takes effect only while the file is still empty, before WAL is turned on.
            try db.execute(sql: "PRAGMA page_size = \(Self.pageSize)")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            // Local edits wait for the disk; `writeUnsynced` relaxes this for what the server also holds.
            try pool.syncEveryCommit()
            try Self.checkNotNewer(pool, path: path)
            try Self.migrator.migrate(pool)
            replicaID = try pool.write { db in
                // A first sync killed before it built its indexes left them out: built here.
                try Self.ensureIndexes(db)
                return try Self.loadOrCreateReplica(db)
            }
            // Last: nothing after it throws, so `deinit` always takes it off again.
            checkpointer = Checkpointer(pool: pool)
        } catch let error as StoreError {
            throw error
        } catch {
            throw Self.storeError(error, path: path)
        }
    }

    deinit {
        checkpointer.uninstall(from: pool)
    }

    /// The default profile folder: `$MARGIN_HOME`, else `$XDG_DATA_HOME/margin`, else `~/.local/share/margin`.
    public static func defaultHome(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let home = environment["MARGIN_HOME"], !home.isEmpty { return home }
        if let data = environment["XDG_DATA_HOME"], !data.isEmpty { return data + "/margin" }
        return NSHomeDirectory() + "/.local/share/margin"
    }

    /// Runs a write transaction, turning database failures into store errors.
    func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        try mapped { try pool.write(body) }
    }

    /// Runs a write transaction that does not wait for the disk: for what the server also holds
    /// (pulled pages, acknowledgements, sync times). A power cut can roll such a transaction back,
    /// which the next sync repeats; it can never corrupt the store or lose a local edit.
    func writeUnsynced<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        try mapped {
            try pool.writeWithoutTransaction { db in
                // Not a cached statement: SQLite sets this pragma when it compiles it, not when it runs.
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
                defer { try? db.execute(sql: "PRAGMA synchronous = FULL") }
                return try Self.transaction(db, nil, body)
            }
        }
    }

    /// Runs a short read on the writer connection. Its page cache outlives this store's own commits,
    /// while a reader connection drops all of its cache after each one and reads the pages back from
    /// disk: the read that starts every sync took twice as long that way (60–80 against
    /// 115–160 µs in the incremental benchmark).
    func readOnWriter<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        // Deferred: reads only, so no write lock is taken.
        try mapped { try pool.writeWithoutTransaction { db in try Self.transaction(db, .deferred, body) } }
    }

    /// Runs a read, turning database failures into store errors.
    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        try mapped { try pool.read(body) }
    }

    private static func transaction<T>(
        _ db: Database, _ kind: Database.TransactionKind?, _ body: (Database) throws -> T
    ) throws -> T {
        var result: T?
        try db.inTransaction(kind) {
            result = try body(db)
            return .commit
        }
        return result!
    }

    /// Runs `body`, turning database failures into store errors.
    func mapped<T>(_ body: () throws -> T) throws(StoreError) -> T {
        do {
            return try body()
        } catch {
            throw Self.storeError(error, path: path)
        }
    }

    static func storeError(_ error: any Error, path: String) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? DatabaseError {
            switch error.resultCode.primaryResultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED:
                return StoreError(.locked, "the store \(path) is locked by another process; try again")
            case .SQLITE_NOTADB, .SQLITE_CORRUPT:
                return StoreError(.corrupt, "\(path) is not a Margin store or is damaged")
            case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY:
                return StoreError(.io, "cannot open \(path): \(error.message ?? "permission denied")")
            case .SQLITE_FULL:
                return StoreError(.io, "the disk holding \(path) is full; nothing was written")
            default:
                return StoreError(.io, "store \(path): \(error.message ?? "\(error)")")
            }
        }
        return StoreError(.io, "store \(path): \(error)")
    }
}
