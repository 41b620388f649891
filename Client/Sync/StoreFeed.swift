import Foundation
import MarginShared

/// The pages of a stream waiting to be stored, and the store's thread that takes them in order.
final class StoreFeed {
    private let store: LocalStore
    private let report: AsyncStream<SyncEngine.StreamEvent>.Continuation
    private let lock = NSLock()
    private var ready: [Int: Result<(SyncEngine.Page, [DecodedRecord]), SyncError>] = [:]
    private var next = 0
    private var since: String?
    private var pushed: [PendingChange]
    private var storing = false
    private var stopped = false
    /// Whether each stored page reports its records' ids (a full resync needs them).
    private let reportingIDs: Bool

    init(
        store: LocalStore, since: String?, acknowledging pushed: [PendingChange], reportingIDs: Bool,
        report: AsyncStream<SyncEngine.StreamEvent>.Continuation
    ) {
        self.store = store
        self.since = since
        self.pushed = pushed
        self.reportingIDs = reportingIDs
        self.report = report
    }

    /// Hands over page `index`, decoded (or why not); the store's thread takes it in its turn.
    func offer(_ index: Int, _ page: Result<(SyncEngine.Page, [DecodedRecord]), SyncError>) {
        lock.lock()
        ready[index] = page
        let start = !storing && !stopped && ready[next] != nil
        if start { storing = true }
        lock.unlock()
        if start { SyncEngine.storeLane.submit { self.storeReady() } }
    }

    /// Stores pages in order while the next one is ready (on the store's thread).
    private func storeReady() {
        while true {
            lock.lock()
            guard !stopped, let page = ready.removeValue(forKey: next) else {
                storing = false
                lock.unlock()
                return
            }
            let (index, cursor, acknowledged) = (next, since, pushed)
            pushed = []
            lock.unlock()
            let event: SyncEngine.StreamEvent
            switch page {
            case .failure(let error):
                event = .failed(error)
            case .success(let (page, records)):
                do {
                    let outcome = try store.apply(
                        records, cursor: page.cursor, since: cursor, acknowledging: acknowledged)
                    let ids = reportingIDs ? records.map(\.state.id) : []
                    event = .stored(index, page, count: records.count, outcome, ids: ids)
                } catch {
                    event = .failed(error)
                }
                // Freeing a page of records is a good part of the time storing it took: the decoding
                // threads, which wait on the network part of the time, do it instead of this one.
                SyncEngine.decodeLanes[index % SyncEngine.decodeLanes.count].submit { withExtendedLifetime(records) {} }
            }
            lock.lock()
            if case .stored(_, let page, _, let outcome, _) = event, !outcome.stale {
                next += 1
                since = page.cursor
            } else {
                stopped = true
            }
            lock.unlock()
            report.yield(event)
        }
    }

    /// Stops storing after the page being stored, and waits for it.
    func stop() async {
        lock.withLock {
            stopped = true
            ready = [:]
        }
        // The lanes run their jobs in order: once these run, nothing of this stream is left on them.
        _ = await SyncEngine.storeLane.run { () throws(Never) in }
        for lane in SyncEngine.decodeLanes { _ = await lane.run { () throws(Never) in } }
    }
}

// Its state is read and written only under `lock`.
extension StoreFeed: @unchecked Sendable {}
