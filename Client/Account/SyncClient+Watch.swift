import Foundation

extension SyncClient {
    /// What a watch reports as it goes.
    public enum WatchEvent: Sendable {
        /// A sync (the first, or one for local edits) finished.
        case synced(SyncSummary)
        /// Changes made elsewhere arrived and were applied.
        case pulled(Int)
        /// A round failed and will be tried again.
        case retrying(SyncError)
    }

    /// Syncs, then keeps syncing until the task is cancelled: changes made elsewhere arrive by
    /// long-poll, and a local edit, made by this process or any other, is pushed within `localCheck`
    /// of its commit rather than after the long-poll's `pollSeconds`. Throws when the session is
    /// refused (log in again) or the store fails.
    public func watch(
        pollSeconds: Int = 5, localCheck: Duration = .milliseconds(200), retryAfter: Duration = .seconds(2),
        _ report: @escaping @Sendable (WatchEvent) -> Void
    ) async throws {
        let engine = try engine()
        report(.synced(try await engine.sync()))
        try await withThrowingTaskGroup(of: Void.self) { group in
            // Other machines' changes: the long-poll applies what it brings (under the sync lock).
            group.addTask {
                while true {
                    try Task.checkCancellation()
                    do throws(SyncError) {
                        let arrived = try await engine.waitForChanges(seconds: pollSeconds)
                        if arrived > 0 { report(.pulled(arrived)) }
                    } catch {
                        try Self.rethrowIfFinal(error)
                        report(.retrying(error))
                        try await Task.sleep(for: retryAfter)
                    }
                }
            }
            // This store's edits: the outbox, read every `localCheck`, whoever wrote to it.
            group.addTask {
                while true {
                    try await Task.sleep(for: localCheck)
                    guard try store.pendingCount() > 0 else { continue }
                    do throws(SyncError) {
                        report(.synced(try await engine.sync()))
                    } catch {
                        try Self.rethrowIfFinal(error)
                        report(.retrying(error))
                        try await Task.sleep(for: retryAfter)
                    }
                }
            }
            // Either loop ends only by throwing: stop the other and pass it on.
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    /// Errors a watch cannot get past by waiting: a refused session, a failing store, a cancel.
    static func rethrowIfFinal(_ error: SyncError) throws {
        switch error {
        case .unauthorized, .store, .cancelled: throw error
        default: return
        }
    }
}
