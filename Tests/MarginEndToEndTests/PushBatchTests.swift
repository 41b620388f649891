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
}
