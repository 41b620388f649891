import Foundation
import MarginClient
import MarginCurl
import MarginShared
import MarginTestSupport
import Testing

@Suite struct PushBatchTests {
    /// Nine articles near the 2 MiB content limit are more than the server's 16 MiB body limit in
    /// one request; the engine splits them by size, and another machine gets them all.
    @Test func bigRecordsGoInSeveralRequestsUnderTheBodyLimit() async throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let token = try await server.signup("big")
        let home = URL(fileURLWithPath: Scratch.folder("big"))
        let laptop = try LocalStore(home: home.path + "/laptop")
        let words = String(repeating: "lorem ipsum dolor sit amet ", count: 70_000)
        let articles = (0..<9).map { index in
            ImportedArticle(
                url: "https://example.com/long/\(index)", title: "Long read \(index)", byline: nil, source: nil,
                publishedAt: nil, content: "Part \(index). " + words)
        }
        let total = articles.reduce(0) { $0 + $1.content.utf8.count }
        #expect(total > 16 * 1024 * 1024)
        _ = try laptop.importArticles(articles)
        let url = server.baseURL.absoluteString
        let pushed = try await SyncEngine(store: laptop, transport: CurlTransport(), server: url, token: token).sync()
        #expect(pushed.pushed == 9)
        #expect(try laptop.pendingCount() == 0)

        let desktop = try LocalStore(home: home.path + "/desktop")
        let pulled = try await SyncEngine(
            store: desktop, transport: CurlTransport(), server: url, token: try await server.login("big")
        ).sync()
        #expect(pulled.pulled == 9)
        #expect(try desktop.records(kind: .article).count == 9)
    }

    /// A push of several batches goes with two requests in flight; the cursor follows the spans they
    /// wrote, so nothing the laptop pushed comes back to it, and another machine gets it all once.
    @Test func aLongPushKeepsTwoRequestsInFlightAndPullsNothingBack() async throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let token = try await server.signup("many")
        let home = URL(fileURLWithPath: Scratch.folder("many"))
        let laptop = try storeWithNotes(350, home: home.path + "/laptop")
        let url = server.baseURL.absoluteString
        var engine = SyncEngine(store: laptop, transport: CurlTransport(), server: url, token: token)
        engine.pushBatch = 100
        let pushed = try await engine.sync()
        #expect(pushed.pushed == 351)
        #expect(pushed.pulled == 0, "none of its own records came back")
        #expect(try laptop.pendingCount() == 0)
        let again = try await engine.sync()
        #expect(again.pushed == 0 && again.pulled == 0, "the cursor stands at the end of what it wrote")

        let desktop = try LocalStore(home: home.path + "/desktop")
        var reader = SyncEngine(
            store: desktop, transport: CurlTransport(), server: url, token: try await server.login("many"))
        reader.pageLimit = 100
        let pulled = try await reader.sync()
        #expect(pulled.pulled == 351)
        #expect(try desktop.records(kind: .note).count == 350)
    }

    /// A store whose cursor came from an empty feed places the spans of its pushes there too.
    @Test func aCursorFromAnEmptyFeedStartsTheChain() async throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let token = try await server.signup("fresh")
        let home = URL(fileURLWithPath: Scratch.folder("fresh"))
        let laptop = try LocalStore(home: home.path + "/laptop")
        var engine = SyncEngine(
            store: laptop, transport: CurlTransport(), server: server.baseURL.absoluteString, token: token)
        engine.pushBatch = 100
        _ = try await engine.sync()
        #expect(try laptop.cursor() != nil, "it holds the empty feed's cursor")
        try addNotes(250, to: laptop)
        let pushed = try await engine.sync()
        #expect(pushed.pushed == 251)
        #expect(pushed.pulled == 0, "none of its own records came back")
    }

    /// When the server stores the second push before the first (its request was slow on the way),
    /// the first answer's span starts where the second's ends: the engine still chains them and
    /// pulls none of its own records back.
    @Test func spansStoredOutOfOrderStillMoveTheCursor() async throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let token = try await server.signup("order")
        let home = URL(fileURLWithPath: Scratch.folder("order"))
        let laptop = try storeWithNotes(250, home: home.path + "/laptop")
        let url = server.baseURL.absoluteString
        // The first push-only request is held back long enough for the next to reach the server first.
        let transport = OnFirstRequest(matching: { request in
            request.body.map { String(decoding: $0, as: UTF8.self).contains("\"limit\":0") } ?? false
        }) {
            try? await Task.sleep(for: .milliseconds(500))
        }
        var engine = SyncEngine(store: laptop, transport: transport, server: url, token: token)
        engine.pushBatch = 100
        let pushed = try await engine.sync()
        #expect(transport.fired, "the first push-only request was held back")
        #expect(pushed.pushed == 251)
        #expect(pushed.pulled == 0, "none of its own records came back")
        let again = try await engine.sync()
        #expect(again.pulled == 0 && again.pushed == 0)
    }

    /// A note edited while its first version is on the way is pushed again by the same sync: the
    /// acknowledgement of the old version leaves the new one queued, and the engine goes back for it.
    @Test func anEditMadeDuringASyncIsPushedBeforeItEnds() async throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let token = try await server.signup("busy")
        let home = URL(fileURLWithPath: Scratch.folder("busy"))
        let laptop = try storeWithNotes(3, home: home.path + "/laptop")
        let note = try laptop.records(kind: .note)[0].id
        let transport = OnFirstRequest { _ = try? laptop.update(note, [.set("body", .string("edited while syncing"))]) }
        let url = server.baseURL.absoluteString
        let summary = try await SyncEngine(store: laptop, transport: transport, server: url, token: token).sync()
        #expect(summary.pushed == 5, "4 records, then the edited note once more")
        #expect(try laptop.pendingCount() == 0)

        let desktop = try LocalStore(home: home.path + "/desktop")
        _ = try await SyncEngine(
            store: desktop, transport: CurlTransport(), server: url, token: try await server.login("busy")
        ).sync()
        #expect(try desktop.record(note).string("body") == "edited while syncing")
    }
}

/// A store at `home` holding one article and `count` notes on it, none synced yet.
func storeWithNotes(_ count: Int, home: String) throws -> LocalStore {
    let store = try LocalStore(home: home)
    try addNotes(count, to: store)
    return store
}

/// Adds one article and `count` notes on it to `store`.
func addNotes(_ count: Int, to store: LocalStore) throws {
    let article = ImportedArticle(
        url: "https://example.com/a", title: "A", byline: nil, source: nil, publishedAt: nil,
        content: "Some text worth quoting, with more words after it.")
    let articleID = try store.importArticles([article])[0].article.id
    try store.addNotes(
        (0..<count).map { index in
            LocalStore.NoteDraft(
                articleID: articleID,
                anchor: Anchor(exact: "text", prefix: "Some ", suffix: " worth", start: 5, end: 9),
                body: "note \(index)", tags: [])
        })
}

/// Runs `action` once, before the first request that `matches` goes out (a slow network path, an
/// edit made mid-sync), then sends every request as it is.
final class OnFirstRequest: SyncTransport {
    let inner = CurlTransport()
    let matches: @Sendable (TransportRequest) -> Bool
    let action: @Sendable () async -> Void
    private let lock = NSLock()
    private var done = false

    init(
        matching matches: @escaping @Sendable (TransportRequest) -> Bool = { _ in true },
        _ action: @escaping @Sendable () async -> Void
    ) {
        self.matches = matches
        self.action = action
    }

    /// Whether `action` ran.
    var fired: Bool { lock.withLock { done } }

    func send(_ request: TransportRequest) async throws(TransportError) -> TransportResponse {
        let first =
            matches(request)
            && lock.withLock {
                defer { done = true }
                return !done
            }
        if first { await action() }
        return try await inner.send(request)
    }
}

extension OnFirstRequest: @unchecked Sendable {}  // `done` is only touched under `lock`
