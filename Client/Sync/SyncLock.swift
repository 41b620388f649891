import Foundation

/// One sync at a time per store, across processes: an advisory lock on a file beside the store.
///
/// The store stays correct without it (a page pulled from a cursor that moved is not applied), but
/// two syncs would send the same changes twice and pull pages only to drop them.
public struct SyncLock: Sendable {
    /// The lock file.
    public let path: String

    /// The lock of the store at `storePath`.
    public init(storePath: String) {
        path = storePath + ".sync-lock"
    }

    /// Runs `body` holding the lock, waiting up to `seconds` for another holder to let go; throws
    /// `SyncError.busy` when it does not.
    public func withLock<T: Sendable>(
        waitingUpTo seconds: Double, _ body: () async throws(SyncError) -> T
    ) async throws(SyncError) -> T {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw .store(StoreError(.io, "cannot open the sync lock \(path): \(String(cString: strerror(errno)))"))
        }
        defer { close(descriptor) }
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        // Polled, not blocking: a blocked flock would hold a thread of the cooperative pool.
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                throw .store(StoreError(.io, "cannot take the sync lock \(path): \(String(cString: strerror(errno)))"))
            }
            guard ContinuousClock.now < deadline else {
                throw .busy("another sync of this store is still running")
            }
            do {
                try await Task.sleep(for: .milliseconds(20))
            } catch {
                throw .cancelled
            }
        }
        defer { flock(descriptor, LOCK_UN) }
        return try await body()
    }
}
