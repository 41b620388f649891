import Foundation
import MarginShared

/// The pages of a stream waiting to be stored, and the store's thread that takes them in order.
final class StoreFeed {
    /// A page decoded, with its records' rows, or why it could not be had or read.
    typealias Ready = Result<(SyncEngine.Page, PulledRecords), SyncError>

    /// Pages stored together, held once so that one thread frees them.
    final class Spent: Sendable {
        let pages: [Ready]
        init(_ pages: [Ready]) { self.pages = pages }
    }

    /// The most pages one transaction stores.
    static let maxPagesPerCommit = 4

    private let store: LocalStore
    private let report: AsyncStream<SyncEngine.StreamEvent>.Continuation
    private let lock = NSLock()
    private var ready: [Int: Ready] = [:]
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
    func offer(_ index: Int, _ page: Ready) {
        lock.lock()
        ready[index] = page
        let start = !storing && !stopped && ready[next] != nil
        if start { storing = true }
        lock.unlock()
        if start { SyncEngine.storeLane.submit { self.storeReady() } }
    }

    /// Stores pages in order while the next one is ready (on the store's thread).
    private func storeReady() {
        while let (index, spent) = storeNext() {
            // Freeing pages of records costs a good part of what storing them does: a decoding
            // thread, which waits on the network part of the time, frees them instead. `storeNext`
            // has returned, so this thread holds no other reference that could free them here.
            SyncEngine.decodeLanes[index % SyncEngine.decodeLanes.count].submit { spent.release() }
        }
    }

    /// Stores the next pages that are ready, up to `maxPagesPerCommit`, in one transaction, and
    /// reports each; returns the first one's index and the pages, retained for the one who frees
    /// them. Nil when the next page is not ready or storing stopped.
    private func storeNext() -> (Int, Unmanaged<Spent>)? {
        lock.lock()
        guard !stopped, let first = ready.removeValue(forKey: next) else {
            storing = false
            lock.unlock()
            return nil
        }
        var taken = [first]
        // A failed page ends the run: the pages before it are stored first.
        while taken.count < Self.maxPagesPerCommit, case .success = taken.last!,
            let page = ready.removeValue(forKey: next + taken.count)
        {
            taken.append(page)
        }
        let (index, cursor, acknowledged) = (next, since, pushed)
        pushed = []
        lock.unlock()
        let spent = Spent(taken)
        var pages: [(page: SyncEngine.Page, records: PulledRecords)] = []
        var failure: SyncError?
        for page in spent.pages {
            switch page {
            case .success(let page): pages.append(page)
            case .failure(let error): failure = error
            }
        }
        var events: [SyncEngine.StreamEvent] = []
        var stored = pages.isEmpty
        if !pages.isEmpty {
            do {
                let outcomes = try store.apply(
                    pages: pages.map { ($0.records, $0.page.cursor) }, since: cursor, acknowledging: acknowledged)
                for (offset, outcome) in outcomes.enumerated() {
                    let (page, records) = pages[offset]
                    events.append(
                        .stored(
                            index + offset, page, count: records.count, outcome, ids: reportingIDs ? records.ids : []))
                }
                stored = outcomes.count == pages.count
            } catch {
                events.append(.failed(error))
            }
        }
        // The page that could not be had is reported once those before it are stored.
        if let failure, stored { events.append(.failed(failure)) }
        lock.lock()
        for event in events {
            if case .stored(_, let page, _, let outcome, _) = event, !outcome.stale {
                next += 1
                since = page.cursor
            } else {
                stopped = true
            }
        }
        lock.unlock()
        for event in events { report.yield(event) }
        return (index, Unmanaged.passRetained(spent))
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
