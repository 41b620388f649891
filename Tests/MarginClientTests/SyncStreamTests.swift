import Foundation
import MarginShared
import Testing

@testable import MarginClient

/// Pulling page after page: pages are asked for, decoded and stored at once, yet stored in order.
struct SyncStreamTests {
    /// Notes `first...last` of article a-1, as another machine wrote them.
    static func notes(_ range: ClosedRange<Int>) -> [RecordState] {
        range.map { RecordState(id: "n-\($0)", kind: .note, articleID: "a-1") }
    }

    /// Pages of very different sizes decode in a different order than they came in, on two
    /// threads; each is still stored after the one before it (a page stored out of order would
    /// find the cursor moved and be dropped, and the script would run out).
    @Test func pagesDecodedOutOfOrderAreStoredInOrder() async throws {
        var answers: [ScriptedTransport.Answer] = []
        var expected: [String] = []
        var next = 1
        for page in 1...30 {
            let count = page.isMultiple(of: 2) ? 1 : 300
            let records = Self.notes(next...(next + count - 1))
            next += count
            expected += records.map(\.id)
            answers.append(ScriptedTransport.page(records, cursor: "e.\(page)", more: page < 30))
        }
        let transport = ScriptedTransport(answers)
        let store = try LocalStore(home: temporaryHome())
        let engine = SyncEngine(store: store, transport: transport, server: "http://server", token: "t")
        let seen = Pulled()
        let summary = try await engine.sync { seen.append($0.pulled) }
        #expect(summary.pulled == expected.count)
        #expect(try store.cursor() == "e.30")
        #expect(try store.allIDs().sorted() == expected.sorted())
        #expect(transport.bodies.map { $0["since"] } == [.null] + (1...29).map { .string("e.\($0)") })
        let counts = seen.all
        #expect(counts == counts.sorted() && counts.last == expected.count, "\(counts)")
    }

    /// Another sync of the same store (one that ignored the lock) moves the cursor while pages
    /// stream in: the page that finds it moved is dropped, and pulling goes on from the stored
    /// cursor.
    @Test func aStreamThatFindsTheCursorMovedGoesOnFromTheStoredOne() async throws {
        let home = temporaryHome()
        let store = try LocalStore(home: home)
        let other = try LocalStore(home: home)
        let server = PagesBySince([
            "": (Self.notes(1...1), "e.1", true),
            "e.1": (Self.notes(2...2), "e.2", true),
            "e.2": (Self.notes(3...3), "e.3", true),
            "e.3": (Self.notes(4...4), "e.4", false),
            "x.7": (Self.notes(5...5), "x.8", false),
        ])
        // Asked for page 2, the other sync has stored its own by then.
        server.onFirst["e.1"] = { _ = try? other.apply(Self.notes(90...90), cursor: "x.7") }
        let engine = SyncEngine(store: store, transport: server, server: "http://server", token: "t")
        _ = try await engine.sync()
        #expect(server.asked.contains("x.7"), "\(server.asked)")
        #expect(try store.cursor() == "x.8")
        #expect(try store.allIDs().contains("n-90"), "the other sync's record stays")
    }

    /// A sync cancelled while pages stream in stops with nothing left running: it returns, the
    /// pages it stored stay, and the next sync takes the store and goes on from them.
    @Test func aStreamCancelledMidwayLeavesTheStoreToTheNextSync() async throws {
        let store = try LocalStore(home: temporaryHome())
        let transport = ScriptedTransport([
            ScriptedTransport.page(Self.notes(1...1), cursor: "e.1", more: true), .hang,
        ])
        let engine = SyncEngine(store: store, transport: transport, server: "http://server", token: "t")
        let sync = Task { try await engine.sync() }
        while transport.requests.count < 2 { try await Task.sleep(for: .milliseconds(5)) }
        sync.cancel()
        await #expect(throws: SyncError.cancelled) { try await sync.value }
        let stored = try store.cursor()
        #expect(stored == nil || stored == "e.1", "\(stored ?? "nil")")
        let rest = ScriptedTransport([ScriptedTransport.page(Self.notes(2...2), cursor: "e.2")])
        var again = SyncEngine(store: store, transport: rest, server: "http://server", token: "t")
        again.lockWait = 1
        if stored == nil {
            // Cancelled before the first page was stored: it is asked for again.
            let first = ScriptedTransport([
                ScriptedTransport.page(Self.notes(1...1), cursor: "e.1", more: true),
                ScriptedTransport.page(Self.notes(2...2), cursor: "e.2"),
            ])
            again = SyncEngine(store: store, transport: first, server: "http://server", token: "t")
            again.lockWait = 1
        }
        _ = try await again.sync()
        #expect(try store.cursor() == "e.2")
        #expect(try store.allIDs().sorted() == ["n-1", "n-2"])
    }

    /// A full resync (the server forgot the cursor) streams its pages too, and still forgets only
    /// what the server no longer has: records on any of its pages stay, and so does an edit that
    /// was still unsent.
    @Test func aResyncOverSeveralPagesForgetsOnlyWhatTheServerNoLongerHas() async throws {
        let store = try LocalStore(home: temporaryHome())
        let article = try seedArticles()[0]
        _ = try store.importArticles([article])
        try store.acknowledge(try store.pendingChanges())
        try store.apply(Self.notes(1...4), cursor: "e.1")
        let local = try store.addNote(article: article.id, quote: "potash", body: "unsent", color: nil, tags: [])
        let articleState = try store.record(article.id)
        let transport = ScriptedTransport([
            ScriptedTransport.problem(410, "cursor expired"),
            ScriptedTransport.page([articleState] + Self.notes(1...1), cursor: "f.1", more: true),
            ScriptedTransport.page(Self.notes(2...2), cursor: "f.2", more: true),
            ScriptedTransport.page(Self.notes(3...3), cursor: "f.3", more: true),
            ScriptedTransport.page([], cursor: "f.4"),
        ])
        let engine = SyncEngine(store: store, transport: transport, server: "http://server", token: "t")
        let summary = try await engine.sync()
        #expect(summary.fullResync)
        #expect(try store.cursor() == "f.4")
        #expect(
            Set(try store.allIDs()) == [article.id, "n-1", "n-2", "n-3", local.id],
            "n-4 is gone from the server; the rest were on its pages or unsent here")
        #expect(try store.record(local.id).string("body") == "unsent")
    }

    /// A server that answers each pull by its cursor, whatever order pulls come in.
    final class PagesBySince: SyncTransport, @unchecked Sendable {
        private let lock = NSLock()
        private let pages: [String: ([RecordState], String, Bool)]
        private var sinces: [String] = []
        /// Run at the first pull from a cursor.
        var onFirst: [String: @Sendable () -> Void] = [:]

        init(_ pages: [String: ([RecordState], String, Bool)]) {
            self.pages = pages
        }

        /// The cursors pulled from, in order ("" for none).
        var asked: [String] { lock.withLock { sinces } }

        func send(_ request: TransportRequest) async throws(TransportError) -> TransportResponse {
            let since = request.body.flatMap { try? JSONValue.parse($0) }?["since"]?.string ?? ""
            let effect: (@Sendable () -> Void)? = lock.withLock {
                sinces.append(since)
                return onFirst.removeValue(forKey: since)
            }
            effect?()
            guard let (records, cursor, more) = pages[since] else { throw .other("no page after '\(since)'") }
            guard
                case .reply(let status, let headers, let body) = ScriptedTransport.page(
                    records, cursor: cursor, more: more)
            else { throw .other("not a page") }
            return TransportResponse(status: status, headers: headers, body: Data(body.utf8))
        }
    }

    /// What a sync reported as pulled, in order.
    final class Pulled: @unchecked Sendable {
        private let lock = NSLock()
        private var counts: [Int] = []
        func append(_ count: Int) { lock.withLock { counts.append(count) } }
        var all: [Int] { lock.withLock { counts } }
    }
}
