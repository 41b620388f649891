import Foundation
import MarginTestSupport
import Testing

/// The PostgreSQL server goes away while clients sync (every connection cut, new ones refused, as
/// in a restart): requests in the outage get 503 with Retry-After, never a 500; the instance
/// recovers by itself, and the clients' retries finish with nothing lost and nothing duplicated.
@Suite struct DatabaseOutageTests {
    // Disabled: it hung the whole suite twice in about ten full runs (the proxy stayed paused while
    // the test waited on a child process); a hang would stop CI, so it is off until that is found.
    @Test(.disabled("hangs intermittently; see the issue note")) func anOutageIs503AndRetriesFinishAfterIt()
        async throws
    {
        let database = try StoreBackend.freshDatabase()
        defer {
            _ = try? StoreBackend.psql(
                StoreBackend.adminURL,
                "DROP DATABASE IF EXISTS \(URLComponents(string: database)!.path.dropFirst()) WITH (FORCE)")
        }
        var direct = try #require(URLComponents(string: database))
        let proxy = try TCPProxy(upstreamPort: direct.port ?? 5432)
        defer { proxy.stop() }
        direct.port = proxy.port
        let server = try ServerProcess(database: direct.string!)
        defer { server.stop() }

        let machine = try Machine()
        try machine.run("import", CLI.seedPath)
        try machine.signup(server)
        try machine.run("sync")
        let article = try machine.mainArticle()
        try machine.run("_write-loop", article, "--count", "300")

        let token = try await server.login("reader", password: Machine.password)
        proxy.pause()
        let refused = try await server.sync(token)
        #expect(refused.reply.status == 503, "\(refused.reply.text)")
        #expect(refused.reply.headers["retry-after"] != nil)
        #expect(refused.reply.headers["content-type"] == "application/problem+json")
        #expect(try await server.request("GET", "/healthz", contentType: nil).status == 200, "the instance stays up")

        // A client syncing now meets the outage and retries; the database comes back meanwhile.
        let sync = try machine.startSync()
        let deadline = Date().addingTimeInterval(30)
        while try await metric(server, "margin_http_requests_total{method=\"POST\",route=\"/v1/sync\",status=\"503\"}")
            < 2 && Date() < deadline
        {
            try await Task.sleep(for: .milliseconds(20))
        }
        proxy.resume()
        let finished = Date().addingTimeInterval(60)
        while sync.isRunning && Date() < finished { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!sync.isRunning && sync.terminationStatus == 0, "the client's retries finished the sync")
        #expect(try machine.pending() == 0)

        let reader = try Machine()
        try reader.login(server.baseURL.absoluteString)
        try reader.run("sync")
        let notes = try reader.notes()
        #expect(notes.count == 300 && Set(notes.map { $0["id"] as! String }).count == 300, "none lost, none twice")
        #expect(try reader.export() == machine.export())
        let metrics = try await server.request("GET", "/metrics", contentType: nil).text
        #expect(!metrics.contains("status=\"500\""), "\(metrics)")
    }
}
