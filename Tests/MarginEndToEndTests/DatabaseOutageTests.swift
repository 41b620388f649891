import Foundation
import MarginTestSupport
import Testing

/// PostgreSQL stops, starts and restarts for real (`pg_ctlcluster`, on a cluster of its own) while
/// clients sync: requests in the outage get 503 with Retry-After, never a 500; the instance
/// recovers by itself, and the clients' retries finish with nothing lost and nothing duplicated.
@Suite struct DatabaseOutageTests {
    static let cluster = FaultCluster.find()

    @Test(
        .enabled(
            if: cluster != nil || StoreBackend.underCI,
            "no `faults` PostgreSQL cluster: `scripts/setup --postgres` makes one"))
    func aRestartIs503AndRetriesFinishAfterIt() async throws {
        let cluster = try #require(Self.cluster, "CI needs the faults cluster that scripts/setup --postgres makes")
        try cluster.ensureRunning()
        let database = try cluster.freshDatabase()
        defer { cluster.drop(database) }
        // Whatever happens below, the cluster is left running for the next test.
        defer { try? cluster.ensureRunning() }
        let server = try ServerProcess(database: database)
        defer { server.stop() }

        let machine = try Machine()
        try machine.run("import", CLI.seedPath)
        try machine.signup(server)
        try machine.run("sync")
        let article = try machine.mainArticle()
        try machine.run("_write-loop", article, "--count", "300")

        // The database stops: the instance answers 503 and stays up.
        let token = try await server.login("reader", password: Machine.password)
        try cluster.control("stop")
        let refused = try await server.sync(token)
        #expect(refused.reply.status == 503, "\(refused.reply.text)")
        #expect(refused.reply.headers["retry-after"] != nil)
        #expect(refused.reply.headers["content-type"] == "application/problem+json")
        #expect(try await server.request("GET", "/healthz", contentType: nil).status == 200, "the instance stays up")

        // A client syncing now meets the outage and retries; the database comes back once the
        // server has refused it twice.
        let rejected = "margin_http_requests_total{method=\"POST\",route=\"/v1/sync\",status=\"503\"}"
        let before = try await metric(server, rejected)
        let sync = try machine.startSync()
        defer { if sync.isRunning { sync.waitForExit(within: 0) } }
        let deadline = Date().addingTimeInterval(30)
        while try await metric(server, rejected) < before + 2 && sync.isRunning && Date() < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        try cluster.control("start")
        #expect(sync.waitForExit(within: 90) && sync.terminationStatus == 0, "the client's retries finished the sync")
        #expect(try machine.pending() == 0)

        // A restart in the middle of a push of several batches: killed sessions, then a pool
        // that must dial again. A push whose INSERT is on the wire as its session is killed can
        // wait for ever inside postgres-nio 1.33.2 (closing the connection does not end it); the
        // client's request then times out after 60 s and its retry lands, hence the long wait.
        try machine.run("_write-loop", article, "--count", "2000")
        let merged = try await metric(server, "margin_records_merged_total")
        let second = try machine.startSync()
        defer { if second.isRunning { second.waitForExit(within: 0) } }
        let stored = Date().addingTimeInterval(60)
        while try await metric(server, "margin_records_merged_total") == merged && second.isRunning
            && Date() < stored
        {
            try await Task.sleep(for: .milliseconds(5))
        }
        try cluster.control("restart")
        #expect(second.waitForExit(within: 90) && second.terminationStatus == 0, "the retries rode out the restart")
        #expect(try machine.pending() == 0)

        let reader = try Machine()
        try reader.login(server.baseURL.absoluteString)
        try reader.run("sync")
        let notes = try reader.notes()
        #expect(notes.count == 2300 && Set(notes.map { $0["id"] as! String }).count == 2300, "none lost, none twice")
        #expect(try reader.export() == machine.export())
        let metrics = try await server.request("GET", "/metrics", contentType: nil).text
        #expect(!metrics.contains("status=\"500\""), "\(metrics)")
    }
}
