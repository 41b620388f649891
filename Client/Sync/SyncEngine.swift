import Foundation
import MarginShared

/// Where a sync is: records sent and received so far.
public struct SyncProgress: Sendable, Equatable {
    /// Local changes pushed and acknowledged.
    public var pushed = 0
    /// Remote states applied.
    public var pulled = 0
    /// Local changes waiting when the sync started.
    public var toPush = 0
}

/// What a finished sync did.
public struct SyncSummary: Sendable, Equatable {
    /// Local changes pushed and acknowledged.
    public var pushed = 0
    /// Remote states applied.
    public var pulled = 0
    /// Conflicting fields that appeared.
    public var newConflicts = 0
    /// Whether the server forgot our cursor and everything was pulled again.
    public var fullResync = false
    /// Retries after transient failures.
    public var retries = 0
    /// Local changes the server refused for good during this sync, now held back (see
    /// `LocalStore.heldChanges()`).
    public var held: [String] = []
}

/// Pushes the outbox and pulls pages through `POST /v1/sync` until the server has nothing more.
public struct SyncEngine: Sendable {
    /// The local store.
    public let store: LocalStore
    /// How requests reach the server.
    public let transport: any SyncTransport
    /// The server's base URL, without a trailing slash.
    public let server: String
    /// The bearer token.
    public let token: String
    /// Records pushed per request (the server takes up to 1,000).
    public var pushBatch = 1_000
    /// The most record bytes pushed per request (the server takes bodies up to 16 MiB; one article
    /// may hold 2 MiB), so a batch of big records goes in several requests.
    public var maxPushBytes = 8 * 1024 * 1024
    /// Records pulled per page.
    public var pageLimit = 1_000
    /// Attempts per request before giving up on transient failures.
    public var maxAttempts = 6
    /// First backoff delay, in seconds; it doubles each retry, with jitter, up to `maxBackoff`.
    public var baseBackoff = 0.2
    /// The longest backoff delay, in seconds.
    public var maxBackoff = 8.0
    /// How the engine waits between attempts (a test can record the delays instead).
    public var pause: @Sendable (Double) async throws -> Void = { try await Task.sleep(for: .seconds($0)) }

    /// An engine for one store and server session.
    public init(store: LocalStore, transport: any SyncTransport, server: String, token: String) {
        self.store = store
        self.transport = transport
        self.server = server.hasSuffix("/") ? String(server.dropLast()) : server
        self.token = token
    }

    /// How long a sync waits for another sync of the same store to finish, in seconds.
    public var lockWait = 60.0

    /// Syncs until the outbox is empty and the server has nothing newer; resumable at any point.
    ///
    /// One sync per store runs at a time: this one waits up to `lockWait` for another to finish.
    /// Cancelling the task cancels its requests; what was applied stays applied.
    public func sync(progress: @Sendable (SyncProgress) -> Void = { _ in }) async throws(SyncError) -> SyncSummary {
        do {
            return try await SyncLock(storePath: store.path).withLock(waitingUpTo: lockWait) {
                () throws(SyncError) in try await syncHoldingLock(progress: progress)
            }
        } catch {
            if case .busy = error { throw error }
            try? store.recordSync(error: error.description)
            throw error
        }
    }

    private func syncHoldingLock(progress: @Sendable (SyncProgress) -> Void) async throws(SyncError) -> SyncSummary {
        do {
            var summary = SyncSummary()
            var refused: Set<String> = []
            while true {
                do {
                    // Each applied page records the sync time; only a failure needs its own write.
                    try await run(progress: progress, summary: &summary)
                    // Who wrote the other versions: best effort (a server may not know names).
                    if summary.newConflicts > 0 { _ = try? await refreshDevices() }
                    return summary
                } catch SyncError.refused(let id, let version, let detail) {
                    // One record the server will never take must not stop every other change:
                    // keep it here, unsent, and start again without it (once per version).
                    guard refused.insert("\(id) \(version)").inserted else {
                        throw SyncError.refused(id: id, version: version, detail: detail)
                    }
                    // Edited since, the newer version goes next round instead.
                    if try store.hold(id: id, version: version, reason: detail) { summary.held.append(id) }
                }
            }
        } catch {
            throw Self.syncError(error)
        }
    }

    private func run(progress: @Sendable (SyncProgress) -> Void, summary: inout SyncSummary) async throws {
        let plan = try store.syncPlan(limit: pushBatch)
        // An empty store's first sync is a bulk load: its indexes are built once, after it.
        guard plan.cursor == nil, try store.beginBootstrap() else {
            return try await run(plan, progress: progress, summary: &summary)
        }
        do {
            try await run(plan, progress: progress, summary: &summary)
        } catch {
            try? store.endBootstrap()
            throw error
        }
        try store.endBootstrap()
    }

    private func run(
        _ plan: SyncPlan, progress: @Sendable (SyncProgress) -> Void, summary: inout SyncSummary
    ) async throws {
        var state = SyncProgress()
        state.toPush = plan.pendingCount
        var cursor = plan.cursor
        var (pending, cut) = fitting(plan.pending)
        if plan.pendingCount > pending.count {
            do {
                try await pushAhead(pending, cut: cut, cursor: &cursor, summary: &summary) { pushed in
                    state.pushed = pushed
                    progress(state)
                }
            } catch SyncError.rejected(let status, _) where status == 400 || status == 410 {
                // A server without push-only requests (400), or a forgotten cursor (410, which the
                // loop below resyncs): what is left goes the usual way.
            }
            (pending, cut) = fitting(try store.pendingChanges(limit: pushBatch))
        }
        var seenInResync: Set<String>?
        exchanges: while true {
            try Task.checkCancellation()
            var page: Page
            do {
                page = try await exchange(since: cursor, push: pending)
            } catch {
                guard case .rejected(status: 410, _) = error, cursor != nil else { throw error }
                // The server forgot what we last saw: pull everything again, merging (never
                // discarding) what is still unsent here.
                cursor = nil
                seenInResync = []
                summary.fullResync = true
                try store.resetCursor()
                continue
            }
            var waiting = false
            // The records of `page`, once decoded.
            var decoded: PulledRecords?
            while true {
                // The outbox batch queued after the one in flight, read once for this round.
                let rest = try self.batch(after: pending, cut: cut).flatMap { $0.0.isEmpty ? nil : $0 }
                if page.more, rest == nil {
                    // Nothing more to push: the rest comes as a stream of pages.
                    let end = try await stream(
                        from: page, decoded: decoded, since: cursor, acknowledging: pending,
                        summary: &summary, seen: &seenInResync
                    ) { summary in
                        state.pushed = summary.pushed
                        state.pulled = summary.pulled
                        progress(state)
                    }
                    if end.stale {
                        cursor = try store.cursor()
                        (pending, cut) = fitting(try store.pendingChanges(limit: pushBatch))
                        continue exchanges
                    }
                    cursor = end.cursor
                    waiting = end.pendingLeft
                    break
                }
                // The next exchange runs while this page is decoded and stored: the server builds the
                // next page, which is then decoded beside the store's writes. What is in flight is
                // never read twice, as the next batch starts after it in the queue.
                let pageCursor = page.cursor
                async let next = following(rest, since: pageCursor)
                summary.retries += page.retries
                let records = try decoded ?? page.records()
                let outcome = try store.apply(records, cursor: page.cursor, since: cursor, acknowledging: pending)
                summary.pushed += pending.count
                if outcome.stale {
                    // Another sync moved the cursor meanwhile (a store shared without the lock):
                    // this page was dropped, so go on from where that one left the store.
                    cursor = try store.cursor()
                    (pending, cut) = fitting(try store.pendingChanges(limit: pushBatch))
                    continue exchanges
                }
                seenInResync?.formUnion(records.ids)
                seenInResync?.formUnion(pending.map(\.id))
                cursor = page.cursor
                waiting = outcome.pendingLeft
                summary.pulled += records.count
                summary.newConflicts += outcome.newConflicts
                state.pushed = summary.pushed
                state.pulled = summary.pulled
                progress(state)
                guard let (nextPage, nextRecords, batch, batchCut) = try await next else { break }
                page = nextPage
                decoded = nextRecords
                pending = batch
                cut = batchCut
            }
            if !waiting { break }
            // Edited while in flight (or queued behind): start again from the head of the outbox.
            (pending, cut) = fitting(try store.pendingChanges(limit: pushBatch))
        }
        if let seen = seenInResync { try store.forgetRecords(notIn: seen) }
    }

    /// The exchange that pushes `batch` (the outbox batch after the one in flight) from `since`,
    /// with its records decoded, or nil when there is none: a pull alone goes as a stream.
    private func following(
        _ batch: ([PendingChange], cut: Bool)?, since: String
    ) async throws -> (Page, PulledRecords, [PendingChange], Bool)? {
        guard let (next, nextCut) = batch else { return nil }
        let page = try await exchange(since: since, push: next)
        return (page, try page.records(), next, nextCut)
    }

    /// A pull-only exchange from `since`, its failure kept for later.
    func pull(since: String) async -> Result<Page, SyncError> {
        do throws(SyncError) {
            return .success(try await exchange(since: since, push: []))
        } catch {
            return .failure(error)
        }
    }

    /// Pushes the outbox with two push-only requests in flight, so that the server reads one while
    /// it stores the other, until at most one batch is left; moves `cursor` across the spans of the
    /// feed those pushes wrote when nothing else was written in between.
    private func pushAhead(
        _ first: [PendingChange], cut firstCut: Bool, cursor: inout String?, summary: inout SyncSummary,
        progress: (Int) -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: (Int, Page).self) { group in
            var upcoming: ([PendingChange], cut: Bool)? = (first, firstCut)
            var batches: [Int: [PendingChange]] = [:]
            var arrived: [Int: Page] = [:]
            var sent = 0
            var applied = 0
            // Spans that came back before the one they follow: base → end.
            var spans: [String: String] = [:]
            while true {
                while sent - applied < 2, let (batch, cut) = upcoming, !batch.isEmpty {
                    let index = sent
                    let since = cursor
                    batches[index] = batch
                    group.addTask { (index, try await exchange(since: since, push: batch, limit: 0)) }
                    sent += 1
                    // Keep the last batch for the usual loop, which also pulls.
                    upcoming = try self.batch(after: batch, cut: cut)
                    if let next = upcoming, next.0.count < pushBatch && !next.cut { upcoming = nil }
                }
                guard let (index, page) = try await group.next() else { break }
                arrived[index] = page
                // Answers are applied in the order the batches were sent.
                while let page = arrived.removeValue(forKey: applied), let batch = batches.removeValue(forKey: applied)
                {
                    applied += 1
                    guard let base = page.base else {
                        throw SyncError.rejected(status: 200, detail: "the server's answer to a push lacks its 'base'")
                    }
                    // Echoes, acknowledgements, and the cursor when this span starts where it
                    // stands (a null base: the feed was empty, as it is for a store that never synced).
                    let records = try page.records()
                    try store.apply(records, cursor: page.cursor, since: base, acknowledging: batch)
                    if base == cursor {
                        cursor = page.cursor
                    } else if let base {
                        spans[base] = page.cursor
                    }
                    while let current = cursor, let end = spans.removeValue(forKey: current) {
                        try store.apply([], cursor: end, since: current, acknowledging: [])
                        cursor = end
                    }
                    summary.pushed += batch.count
                    summary.pulled += records.count
                    progress(summary.pushed)
                }
            }
        }
    }

    /// The outbox batch queued after `batch`, or nil when `batch` took all there was.
    private func batch(after batch: [PendingChange], cut: Bool) throws -> ([PendingChange], cut: Bool)? {
        guard let last = batch.last, batch.count == pushBatch || cut else { return nil }
        return fitting(try store.pendingChanges(after: last, limit: pushBatch))
    }

    /// The longest head of `batch` within `maxPushBytes` (at least one record), and whether
    /// records were left behind for the next request.
    func fitting(_ batch: [PendingChange]) -> ([PendingChange], cut: Bool) {
        var bytes = 0
        let count = max(
            1,
            batch.prefix {
                bytes += $0.json.count; return bytes <= maxPushBytes
            }.count)
        return (Array(batch.prefix(count)), count < batch.count)
    }

    static func syncError(_ error: any Error) -> SyncError {
        switch error {
        case let error as SyncError: error
        case let error as StoreError: .store(error)
        case let error as MarginShared.RecordError:
            .rejected(status: 200, detail: "the server sent an invalid record: \(error)")
        case is CancellationError: .cancelled
        default: .unavailable("\(error)")
        }
    }

    /// Waits up to `seconds` for changes made elsewhere, applies them, and returns how many arrived.
    public func waitForChanges(seconds: Int) async throws(SyncError) -> Int {
        do {
            let cursor = try store.cursor()
            var url = "\(server)/v1/changes?wait=\(seconds)&limit=\(pageLimit)"
            if let cursor { url += "&since=\(cursor)" }
            let request = TransportRequest(
                method: "GET", url: url, headers: ["Authorization": "Bearer \(token)"], timeoutSeconds: seconds + 30)
            let page = try await send(request)
            let records = try page.records()
            guard let cursor else { return records.count }
            // The wait itself holds no lock; applying what it brought does, like any sync.
            let outcome = try await SyncLock(storePath: store.path).withLock(waitingUpTo: lockWait) {
                () throws(SyncError) -> ApplyOutcome in
                do {
                    return try store.apply(records, cursor: page.cursor, since: cursor, acknowledging: [])
                } catch let error as StoreError {
                    throw .store(error)
                } catch {
                    throw .store(StoreError(.io, "\(error)"))
                }
            }
            return outcome.stale ? 0 : records.count
        } catch SyncError.rejected(status: 410, _) {
            return 0  // the next full sync starts over
        } catch {
            throw Self.syncError(error)
        }
    }

    /// A page as it arrived: its plain members read, its records not yet decoded.
    struct Page: Sendable {
        var body: Data
        var cursor: String
        var more: Bool
        /// For a push-only request: where the feed stood before its writes (nil inside: it was empty).
        var base: String??
        /// Retries it took to get the page.
        var retries = 0

        /// The page's records, decoded and checked, with their rows.
        func records() throws(SyncError) -> PulledRecords {
            do {
                return try PulledRecords(page: body, limits: .pulled)
            } catch .record(let index, let error) {
                throw .rejected(status: 200, detail: "the server sent an invalid record (changes[\(index)]): \(error)")
            } catch {
                throw .rejected(status: 200, detail: "the server's answer is not a change page: \(error)")
            }
        }
    }

    private func exchange(
        since cursor: String?, push: [PendingChange], limit: Int? = nil
    ) async throws(SyncError) -> Page {
        var writer = JSONWriter(capacity: 1024 + push.map(\.json.count).reduce(0, +))
        writer.raw("{\"changes\":[")
        for (index, change) in push.enumerated() {
            if index > 0 { writer.raw(",") }
            writer.raw(bytes: change.json)
        }
        writer.raw("],\"limit\":")
        writer.int(limit ?? pageLimit)
        writer.raw(",\"since\":")
        if let cursor { writer.string(cursor) } else { writer.raw("null") }
        writer.raw("}")
        let request = TransportRequest(
            method: "POST", url: "\(server)/v1/sync",
            headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json"], body: Data(writer.bytes))
        return try await send(request, pushing: push)
    }

    /// Sends with retries on transient failures: exponential backoff with jitter, Retry-After honoured.
    ///
    /// A 422 that names one of the `pushing` records (by position or id) refuses that record.
    private func send(_ request: TransportRequest, pushing: [PendingChange] = []) async throws(SyncError) -> Page {
        var attempt = 0
        while true {
            attempt += 1
            var delay = min(maxBackoff, baseBackoff * pow(2, Double(attempt - 1))) * Double.random(in: 0.5...1.0)
            let failure: String
            do {
                let response = try await transport.send(request)
                switch response.status {
                case 200:
                    var page = try Self.page(response.body)
                    page.retries = attempt - 1
                    return page
                case 401:
                    throw SyncError.unauthorized(Self.detail(response))
                case 410:
                    throw SyncError.rejected(status: 410, detail: Self.detail(response))
                case 429, 500...599:
                    failure = "\(response.status): \(Self.detail(response))"
                    if let retryAfter = response.headers["retry-after"].flatMap(Double.init) {
                        delay = max(delay, retryAfter)
                    }
                case 422:
                    // A 422 that names no pushed record falls through to `default`.
                    guard let change = Self.refusedChange(response, among: pushing) else { fallthrough }
                    throw SyncError.refused(id: change.id, version: change.version, detail: Self.detail(response))
                default:
                    throw SyncError.rejected(status: response.status, detail: Self.detail(response))
                }
            } catch let error as TransportError {
                if error == .cancelled { throw .cancelled }
                guard error.isTransient else { throw .unavailable(error.description) }
                failure = error.description
            } catch let error as SyncError {
                throw error
            } catch {
                failure = "\(error)"
            }
            guard attempt < maxAttempts else { throw .unavailable("\(failure) (after \(attempt) attempts)") }
            do {
                try await pause(delay)
            } catch {
                throw .cancelled
            }
        }
    }

    /// A page's plain members: its records are decoded later (`Page.records()`), once the next
    /// request is on its way.
    static func page(_ body: Data) throws(SyncError) -> Page {
        let envelope: ChangeEnvelope
        do {
            envelope = try ChangeEnvelope.members(body, leading: ["cursor", "more"])
        } catch {
            throw .rejected(status: 200, detail: "the server's answer is not a change page: \(error)")
        }
        guard let cursor = envelope["cursor"]?.string, case .bool(let more)? = envelope["more"] else {
            throw .rejected(status: 200, detail: "the server's answer is not a change page")
        }
        return Page(body: body, cursor: cursor, more: more, base: envelope["base"].map(\.string))
    }

    static func detail(_ response: TransportResponse) -> String {
        (try? JSONValue.parse(response.body))?["detail"]?.string ?? "HTTP \(response.status)"
    }

    /// The pushed change a 422 problem names, by its `index` in the request or its `record` id.
    static func refusedChange(_ response: TransportResponse, among pushed: [PendingChange]) -> PendingChange? {
        guard let problem = try? JSONValue.parse(response.body) else { return nil }
        if let index = problem["index"]?.int.flatMap({ Int(exactly: $0) }), pushed.indices.contains(index) {
            return pushed[index]
        }
        guard let id = problem["record"]?.string else { return nil }
        return pushed.first { $0.id == id }
    }
}
