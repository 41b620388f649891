import Foundation
import MarginShared

extension SyncEngine {
    /// Where a stream of pulled pages left the store.
    struct StreamEnd {
        /// The cursor of the last page applied.
        var cursor: String?
        /// Whether local changes wait in the outbox.
        var pendingLeft = false
        /// Whether a page was left unapplied because another sync had moved the cursor.
        var stale = false
    }

    /// How many pages a stream asks for and decodes beyond the one being stored.
    static let pagesAhead = 4

    /// Where pulled pages are decoded (a page at a time each) and where they are stored.
    static let decodeLanes = [WorkLane(label: "margin.sync.decode.0"), WorkLane(label: "margin.sync.decode.1")]
    static let storeLane = WorkLane(label: "margin.sync.store")

    /// Stores `first` (its records decoded already, or not) and every page after it, asking for
    /// nothing but pages: each page is asked for as soon as the cursor before it is known, decoded
    /// as soon as it arrives, and stored as soon as the pages before it are, up to `pagesAhead`
    /// pages beyond the one being stored.
    ///
    /// Decoding and storing each have threads of their own, and the store's thread goes from one
    /// page to the next by itself: handed over through this task instead, each page waited for
    /// this task to be scheduled on the busy cores before it was stored. A failure to get or read
    /// a page counts once the pages before it are stored; `pushed` is what the request that
    /// brought `first` carried, which `first` acknowledges. During a full resync, `seen` gathers
    /// the ids of the records stored and acknowledged.
    func stream(
        from first: Page, decoded: PulledRecords?, since: String?,
        acknowledging pushed: [PendingChange], summary: inout SyncSummary, seen: inout Set<String>?,
        progress: (SyncSummary) -> Void
    ) async throws -> StreamEnd {
        let (events, reporter) = AsyncStream.makeStream(of: StreamEvent.self)
        let feed = StoreFeed(
            store: store, since: since, acknowledging: pushed, reportingIDs: seen != nil, report: reporter)
        defer { reporter.finish() }
        var end = StreamEnd(cursor: since)
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                // The next page to ask for, with the cursor it follows, while there is one.
                var toFetch: (index: Int, since: String)?
                var fetching = false
                var stored = 0
                var last: Int?

                func received(_ index: Int, _ result: Result<Page, SyncError>) {
                    fetching = false
                    switch result {
                    case .success(let page):
                        summary.retries += page.retries
                        Self.decodeLanes[index % Self.decodeLanes.count].submit {
                            feed.offer(index, page.recordsResult().map { (page, $0) })
                        }
                        if page.more { toFetch = (index + 1, page.cursor) } else { last = index }
                    case .failure(let error):
                        feed.offer(index, .failure(error))
                        last = index
                    }
                }

                func fetchIfRoom() {
                    guard !fetching, let next = toFetch, next.index - stored <= Self.pagesAhead else { return }
                    toFetch = nil
                    fetching = true
                    group.addTask { reporter.yield(.fetched(next.index, await pull(since: next.since))) }
                }

                if let decoded {
                    summary.retries += first.retries
                    feed.offer(0, .success((first, decoded)))
                    if first.more { toFetch = (1, first.cursor) } else { last = 0 }
                } else {
                    received(0, .success(first))
                }
                fetchIfRoom()
                for await event in events {
                    switch event {
                    case .fetched(let index, let result):
                        received(index, result)
                    case .stored(let index, let page, let count, let outcome, let ids):
                        if outcome.stale {
                            end.stale = true
                            group.cancelAll()
                            return
                        }
                        if index == 0 {
                            summary.pushed += pushed.count
                            seen?.formUnion(pushed.map(\.id))
                        }
                        seen?.formUnion(ids)
                        end.cursor = page.cursor
                        end.pendingLeft = outcome.pendingLeft
                        summary.pulled += count
                        summary.newConflicts += outcome.newConflicts
                        progress(summary)
                        stored = index + 1
                        if let last, stored > last { return }
                    case .failed(let error):
                        throw error
                    }
                    fetchIfRoom()
                }
                try Task.checkCancellation()
            }
        } catch {
            await feed.stop()
            throw error
        }
        await feed.stop()
        return end
    }

    /// What the parts of a stream report to it.
    enum StreamEvent: Sendable {
        case fetched(Int, Result<Page, SyncError>)
        /// A page stored, with the ids of its records when the stream reports them.
        case stored(Int, Page, count: Int, ApplyOutcome, ids: [String])
        /// Storing stopped at a page that could not be had, read or stored.
        case failed(any Error)
    }
}

extension SyncEngine.Page {
    /// The page's records, or why they cannot be read.
    func recordsResult() -> Result<PulledRecords, SyncError> {
        Result { () throws(SyncError) in try records() }
    }
}
