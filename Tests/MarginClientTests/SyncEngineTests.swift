import Foundation
import MarginShared
import Testing

@testable import MarginClient

/// The sync engine's branches, each against a scripted transport: no server, no network.
@Suite struct SyncEngineTests {
    /// A store with one note waiting to be pushed, and an engine on `transport` that records its
    /// pauses instead of sleeping.
    func setUp(_ transport: ScriptedTransport) throws -> (LocalStore, SyncEngine, Pauses, String) {
        let store = try LocalStore(home: temporaryHome())
        let article = try seedArticles()[0]
        _ = try store.importArticles([article])
        // The article as if pushed already: the note is the one change waiting.
        try store.acknowledge(try store.pendingChanges())
        let note = try store.addNote(article: article.id, quote: "potash", body: "local", color: nil, tags: [])
        var engine = SyncEngine(store: store, transport: transport, server: "http://server", token: "t")
        let pauses = Pauses()
        engine.pause = { seconds in pauses.append(seconds) }
        return (store, engine, pauses, note.id)
    }

    final class Pauses: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [Double] = []
        func append(_ value: Double) { lock.withLock { values.append(value) } }
        var all: [Double] { lock.withLock { values } }
    }

    @Test func aServerErrorIsRetriedWithGrowingBackoff() async throws {
        let transport = ScriptedTransport([
            ScriptedTransport.problem(503, "busy"), ScriptedTransport.problem(500, "oops"),
            ScriptedTransport.page(cursor: "e.3"),
        ])
        let (store, engine, pauses, _) = try setUp(transport)
        let summary = try await engine.sync()
        #expect(summary.retries == 2)
        #expect(transport.requests.count == 3)
        #expect(pauses.all.count == 2)
        // Jittered from half to all of 0.2 s, then of 0.4 s.
        #expect((0.1...0.2).contains(pauses.all[0]) && (0.2...0.4).contains(pauses.all[1]), "\(pauses.all)")
        #expect(try store.pendingCount() == 0)
        #expect(try store.cursor() == "e.3")
    }

    /// The next page is asked for as soon as this one's cursor is known, before its records are
    /// decoded, so the server builds it meanwhile; a page with an invalid record is still refused
    /// whole, and nothing after it applies.
    @Test func theNextPageIsAskedForBeforeThisOneIsDecoded() async throws {
        let remote = RecordState(id: "n-remote", kind: .note, articleID: "a-1")
        let bad = "{\"changes\":[{\"v\":1,\"id\":\"n-bad\"}],\"cursor\":\"e.1\",\"more\":true}"
        let transport = ScriptedTransport([
            .reply(200, body: bad), ScriptedTransport.page([remote], cursor: "e.2"),
        ])
        let store = try LocalStore(home: temporaryHome())
        let engine = SyncEngine(store: store, transport: transport, server: "http://server", token: "t")
        await #expect {
            _ = try await engine.sync()
        } throws: { error in
            guard case SyncError.rejected(200, let detail) = error else { return false }
            return detail.contains("invalid record")
        }
        #expect(transport.requests.count == 2, "the second page was on its way while the first was decoded")
        #expect(transport.bodies.last?["since"] == .string("e.1"))
        #expect(try store.cursor() == nil)
        #expect(try store.allIDs().isEmpty, "nothing after the refused page applies")
    }

    /// While only pulling, the page after the next is asked for before the next is decoded; a
    /// refused record there still stops everything after the page before it.
    @Test func pullingAsksTwoPagesAhead() async throws {
        let first = RecordState(id: "n-first", kind: .note, articleID: "a-1")
        let bad = "{\"changes\":[{\"v\":1,\"id\":\"n-bad\"}],\"cursor\":\"e.2\",\"more\":true}"
        let last = RecordState(id: "n-last", kind: .note, articleID: "a-1")
        let transport = ScriptedTransport([
            ScriptedTransport.page([first], cursor: "e.1", more: true), .reply(200, body: bad),
            ScriptedTransport.page([last], cursor: "e.3"),
        ])
        let store = try LocalStore(home: temporaryHome())
        let engine = SyncEngine(store: store, transport: transport, server: "http://server", token: "t")
        await #expect(throws: SyncError.self) { _ = try await engine.sync() }
        #expect(transport.requests.count == 3, "the third page was asked for while the second was decoded")
        #expect(transport.bodies.last?["since"] == .string("e.2"))
        #expect(try store.cursor() == "e.1", "the page before the refused one is stored")
        #expect(try store.allIDs() == ["n-first"])
    }

    /// A pull asked for ahead that fails does so only after the pages before it are stored.
    @Test func aPullAheadFailsAfterThePagesBeforeIt() async throws {
        let records = (1...2).map { RecordState(id: "n-\($0)", kind: .note, articleID: "a-1") }
        let transport = ScriptedTransport([
            ScriptedTransport.page([records[0]], cursor: "e.1", more: true),
            ScriptedTransport.page([records[1]], cursor: "e.2", more: true),
            ScriptedTransport.problem(401, "the token was revoked"),
        ])
        let store = try LocalStore(home: temporaryHome())
        let engine = SyncEngine(store: store, transport: transport, server: "http://server", token: "t")
        await #expect(throws: SyncError.unauthorized("the token was revoked")) { _ = try await engine.sync() }
        #expect(transport.requests.count == 3)
        #expect(try store.cursor() == "e.2", "both pages before the failure are stored")
        #expect(try store.allIDs().sorted() == ["n-1", "n-2"])
    }

    @Test func retryAfterIsHonoured() async throws {
        let transport = ScriptedTransport([
            ScriptedTransport.problem(429, "slow down", headers: ["retry-after": "7"]),
            ScriptedTransport.page(cursor: "e.1"),
        ])
        let (_, engine, pauses, _) = try setUp(transport)
        _ = try await engine.sync()
        #expect(pauses.all == [7], "the server's Retry-After, not the shorter backoff")
    }

    @Test func serverErrorsGiveUpAfterTheLastAttempt() async throws {
        let transport = ScriptedTransport(Array(repeating: ScriptedTransport.problem(502, "down"), count: 6))
        let (store, engine, _, _) = try setUp(transport)
        await #expect {
            try await engine.sync()
        } throws: { error in
            guard case .unavailable(let detail)? = error as? SyncError else { return false }
            return detail.contains("after 6 attempts")
        }
        #expect(transport.requests.count == 6)
        #expect(try store.pendingCount() == 1, "the edit stays queued")
        #expect(try store.status().lastError != nil, "the failure is recorded for status")
    }

    @Test func aCutConnectionIsRetried() async throws {
        let transport = ScriptedTransport([
            .failure(.connectionLost("reset by peer")), .failure(.timeout("slow")),
            ScriptedTransport.page(cursor: "e.1"),
        ])
        let (store, engine, _, _) = try setUp(transport)
        let summary = try await engine.sync()
        #expect(summary.retries == 2 && summary.pushed == 1)
        #expect(try store.pendingCount() == 0)
    }

    @Test func aRefusedTokenSaysLogIn() async throws {
        let transport = ScriptedTransport([ScriptedTransport.problem(401, "the token was revoked")])
        let (store, engine, pauses, _) = try setUp(transport)
        await #expect(throws: SyncError.unauthorized("the token was revoked")) { try await engine.sync() }
        #expect(transport.requests.count == 1 && pauses.all.isEmpty, "not retried")
        #expect(SyncError.unauthorized("x").description.contains("margin login"))
        #expect(try store.pendingCount() == 1)
    }

    /// 410: the server forgot the cursor. Everything is pulled again from scratch, and the local
    /// edit still unsent is pushed with it, merged, not dropped.
    @Test func anExpiredCursorResyncsAndKeepsUnsentEdits() async throws {
        let remoteReplica = ReplicaID("elsewhere")!
        var clock = HybridLogicalClock(replica: remoteReplica)
        var remote = RecordState(id: "n-remote", kind: .note, articleID: "a-1")
        try remote.edit([.set("body", .string("from elsewhere"))], by: remoteReplica, at: clock.tick())
        let transport = ScriptedTransport([
            ScriptedTransport.problem(410, "cursor expired"), ScriptedTransport.page([remote], cursor: "e.9"),
        ])
        let (store, engine, _, note) = try setUp(transport)
        try store.apply([RecordState](), cursor: "e.1")
        _ = try store.update(note, [.set("body", .string("edited offline"))])
        let summary = try await engine.sync()
        #expect(summary.fullResync)
        #expect(transport.bodies.first?["since"] == .string("e.1"))
        let resync = try #require(transport.bodies.last)
        #expect(resync["since"] == .null, "pulled again from the start")
        #expect(ids(resync["changes"]).contains(note), "the unsent edit goes with it")
        #expect(try store.record("n-remote").string("body") == "from elsewhere")
        #expect(try store.record(note).string("body") == "edited offline")
        #expect(try store.cursor() == "e.9")
        #expect(try store.pendingCount() == 0)
    }

    func ids(_ changes: JSONValue?) -> [String] {
        guard case .array(let items)? = changes else { return [] }
        return items.compactMap { $0["id"]?.string }
    }

    /// 422 naming one pushed record: that one is held back with the reason, the rest goes.
    @Test func aRefusedRecordIsHeldAndTheRestSyncs() async throws {
        let transport = ScriptedTransport([
            ScriptedTransport.problem(422, "body too long", extra: ",\"index\":0"),
            ScriptedTransport.page(cursor: "e.2"),
        ])
        let (store, engine, _, note) = try setUp(transport)
        let summary = try await engine.sync()
        #expect(summary.held == [note])
        #expect(try store.heldChanges().map(\.id) == [note])
        let reason = try store.heldChanges().first?.reason ?? ""
        #expect(reason.contains("body too long"), "\(reason)")
        #expect(ids(transport.bodies.first?["changes"]) == [note])
        let resent = ids(transport.bodies.last?["changes"])
        #expect(resent.isEmpty, "sent again without it")
        #expect(try store.cursor() == "e.2")
    }

    @Test func aMalformedAnswerIsRefusedNotRetried() async throws {
        let transport = ScriptedTransport([.reply(200, body: "{\"changes\":[{\"v\":1}],\"cursor\":\"e.1\"}")])
        let (store, engine, pauses, _) = try setUp(transport)
        await #expect {
            try await engine.sync()
        } throws: { error in
            guard case .rejected(status: 200, _)? = error as? SyncError else { return false }
            return true
        }
        #expect(pauses.all.isEmpty && transport.requests.count == 1)
        #expect(try store.cursor() == nil, "nothing applied")
        #expect(try store.pendingCount() == 1)
    }

    @Test func cancellingASyncCancelsItsRequest() async throws {
        let transport = ScriptedTransport([.hang])
        let (store, engine, _, _) = try setUp(transport)
        let sync = Task { try await engine.sync() }
        while transport.requests.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
        sync.cancel()
        await #expect(throws: SyncError.cancelled) { try await sync.value }
        #expect(try store.pendingCount() == 1)
    }
}
