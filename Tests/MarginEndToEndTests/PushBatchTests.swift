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
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("margin-big-\(UUID().uuidString)")
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
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("margin-many-\(UUID().uuidString)")
        let laptop = try LocalStore(home: home.path + "/laptop")
        let article = ImportedArticle(
            url: "https://example.com/a", title: "A", byline: nil, source: nil, publishedAt: nil,
            content: "Some text worth quoting, with more words after it.")
        let articleID = try laptop.importArticles([article])[0].article.id
        try laptop.addNotes(
            (0..<350).map { index in
                LocalStore.NoteDraft(
                    articleID: articleID,
                    anchor: Anchor(exact: "text", prefix: "Some ", suffix: " worth", start: 5, end: 9),
                    body: "note \(index)", tags: [])
            })
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
}
