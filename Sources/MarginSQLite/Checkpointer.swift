import Foundation
import GRDB
import GRDBSQLite

/// Copies a pool's write-ahead log into the database on a connection of its own, so that no commit
/// waits for a checkpoint (SQLite's automatic one runs inside the commit that crosses its threshold,
/// and its disk flush was most of that commit's time).
///
/// Installing it replaces the writer's automatic checkpoints. A log only starts over from its
/// beginning once a checkpoint has copied all of it, which a background one never quite does under
/// a steady stream of commits (seen: 255 MB logs during a 100k push); so past `inlineFrames` the
/// writer checkpoints in line, copying the little the background one left, and the log stays small.
public final class Checkpointer: Sendable {
    /// The database file.
    public let path: String
    /// Log frames (pages) that start a background checkpoint: SQLite's default.
    public let frames: Int32
    /// Log frames past which the writer checkpoints in line (4,000 frames: 16 MB of 4 KB pages).
    public let inlineFrames: Int32
    private let state = State()
    private let queue = DispatchQueue(label: "margin.checkpoint", qos: .utility)

    /// Installs a checkpointer on `pool`'s writer connection.
    public init(pool: DatabasePool, frames: Int32 = 1_000, inlineFrames: Int32 = 4_000) {
        self.path = pool.path
        self.frames = frames
        self.inlineFrames = inlineFrames
        let context = Unmanaged.passRetained(self).toOpaque()
        pool.writeWithoutTransaction { db in
            _ = sqlite3_wal_hook(
                db.sqliteConnection,
                { context, db, _, frames in
                    Unmanaged<Checkpointer>.fromOpaque(context!).takeUnretainedValue().committed(db, frames: frames)
                    return SQLITE_OK
                }, context)
        }
    }

    /// Background checkpoints run so far.
    public var completed: Int { state.withLock { $0.completed } }

    /// Takes the hook off `pool`'s writer and waits for a running checkpoint; call it once, before
    /// the pool goes away.
    public func uninstall(from pool: DatabasePool) {
        pool.writeWithoutTransaction { db in _ = sqlite3_wal_hook(db.sqliteConnection, nil, nil) }
        queue.sync {}
        Unmanaged.passUnretained(self).release()
    }

    /// Waits until the checkpoints scheduled so far have run.
    public func drain() {
        queue.sync {}
    }

    /// Called by SQLite on the writer, after each commit, with the log's length in frames.
    private func committed(_ db: OpaquePointer?, frames count: Int32) {
        if count >= inlineFrames {
            sqlite3_wal_checkpoint_v2(db, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
            return
        }
        // One queued checkpoint at a time, once `frames` new frames wait (a log that restarted from
        // its beginning holds fewer frames than were copied).
        let start = state.withLock { counts in
            let waiting = count >= counts.copied ? count - counts.copied : count
            guard waiting >= frames, !counts.scheduled else { return false }
            counts.scheduled = true
            return true
        }
        guard start else { return }
        queue.async { [self] in
            state.withLock { $0.scheduled = false }
            checkpoint()
        }
    }

    private func checkpoint() {
        var db: OpaquePointer?
        defer { sqlite3_close_v2(db) }
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK,
            // A new connection learns that the file is in WAL mode only by reading it; until then
            // a checkpoint is a no-op that reports success.
            sqlite3_exec(db, "SELECT 1 FROM sqlite_schema LIMIT 1", nil, nil, nil) == SQLITE_OK
        else { return }
        // Passive: copies what it can without waiting for, or blocking, readers and the writer.
        var copied: Int32 = 0
        if sqlite3_wal_checkpoint_v2(db, nil, SQLITE_CHECKPOINT_PASSIVE, nil, &copied) == SQLITE_OK {
            state.withLock {
                $0.completed += 1
                $0.copied = copied
            }
        }
    }
}

extension Checkpointer {
    /// Whether a checkpoint is queued, how many ran and the log frames the last one had copied:
    /// shared by the writer and the queue.
    struct Counts {
        var scheduled = false
        var completed = 0
        var copied: Int32 = 0
    }

    final class State {
        private let lock = NSLock()
        private var counts = Counts()

        func withLock<T>(_ body: (inout Counts) -> T) -> T {
            lock.lock()
            defer { lock.unlock() }
            return body(&counts)
        }
    }
}

extension Checkpointer.State: @unchecked Sendable {}  // every access holds `lock`
