import Foundation
import MarginShared
import MarginTestSupport
import Testing

/// Several `margin-server` instances on one PostgreSQL database: any instance serves any request.
@Suite(.enabled(if: StoreBackend.postgresAvailable)) struct InstancesTests {
    @Test func anyInstanceServesAnyRequestOfAnyUser() async throws {
        let first = try ServerProcess(backend: .postgres)
        defer { first.stop() }
        let second = try ServerProcess(database: first.database)
        defer { second.stop() }
        let token = try await first.signup("ann")
        var writer = Writer("laptop")
        let pushed = try await first.sync(token, push: (0..<30).map { writer.note("n-\($0)", body: "x") })
        #expect(pushed.reply.status == 200)
        // The cursor one instance issued is good on the other, and the feed the same.
        let pulled = try await second.sync(try await second.login("ann"), since: nil, limit: 10)
        #expect(pulled.states.count == 10 && pulled.more)
        let rest = try await first.sync(token, since: pulled.cursor, limit: 100)
        #expect(rest.states.count == 20 && !rest.more)
        #expect(try await second.sync(token, since: rest.cursor).states.isEmpty)
    }

    /// A push through one instance wakes a long-poll held by another (NOTIFY between them).
    @Test func aPushWakesALongPollOnAnotherInstance() async throws {
        let first = try ServerProcess(backend: .postgres)
        defer { first.stop() }
        let second = try ServerProcess(database: first.database)
        defer { second.stop() }
        let token = try await first.signup("ann")
        let start = try await second.sync(token)
        let waiting = Task {
            let began = Date()
            let reply = try await second.request(
                "GET", "/v1/changes?since=\(start.cursor)&wait=30", token: token, contentType: nil)
            return (reply, Date().timeIntervalSince(began))
        }
        // Push once the long-poll waits on the second instance.
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let metrics = try await second.request("GET", "/metrics", contentType: nil).text
            if metrics.contains("\nmargin_long_polls_open 1\n") { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        var writer = Writer("laptop")
        _ = try await first.sync(token, push: [writer.note("n-1", body: "across instances")])
        let (reply, waited) = try await waiting.value
        #expect(reply.status == 200 && reply.text.contains("across instances"))
        #expect(waited < 25, "woken by the push, not by its 30 s timeout")
    }

    /// A logout, or `user rm`, through one instance is refused on every other at its next request.
    @Test func revocationsHoldOnEveryInstance() async throws {
        let first = try ServerProcess(backend: .postgres)
        defer { first.stop() }
        let second = try ServerProcess(database: first.database)
        defer { second.stop() }
        let token = try await first.signup("ann")
        let other = try await first.login("ann")
        // The other instance has just confirmed the token, so its session cache holds it.
        #expect(try await second.sync(token).reply.status == 200)
        #expect(try await second.request("GET", "/v1/devices", token: token).status == 200)
        #expect(try await first.request("DELETE", "/v1/sessions/current", token: token).status == 204)
        #expect(try await second.sync(token).reply.status == 401)
        #expect(try await second.request("GET", "/v1/changes", token: token).status == 401)
        #expect(try await second.request("GET", "/v1/devices", token: token).status == 401)
        #expect(try await second.request("DELETE", "/v1/sessions/current", token: token).status == 401)
        #expect(try await second.sync(other).reply.status == 200)
        let removed = try CLI.run(
            ServerProcess.binDirectory.appendingPathComponent("margin-server"),
            ["user", "rm", "ann"] + first.storeArguments, home: nil, stdin: nil, environment: [:])
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(try await first.sync(other).reply.status == 401)
        #expect(try await second.sync(other).reply.status == 401)
    }

    /// Instances starting together on an empty database migrate it once, under the advisory lock.
    @Test func instancesStartingTogetherMigrateOnce() async throws {
        let database = try StoreBackend.freshDatabase()
        let servers = try await withThrowingTaskGroup(of: ServerProcess.self) { group in
            for _ in 0..<3 { group.addTask { try ServerProcess(database: database) } }
            var started: [ServerProcess] = []
            for try await server in group { started.append(server) }
            return started
        }
        defer {
            for server in servers { server.stop() }
            StoreBackend.dropDatabase(database)
        }
        #expect(try StoreBackend.psql(database, "SELECT count(*) FROM margin_migrations") == "1\n")
        let token = try await servers[0].signup("ann")
        for server in servers { #expect(try await server.sync(token).reply.status == 200) }
    }

    @Test func anUnreachableDatabaseAtStartIsOneClearLine() throws {
        let port = try TCPProxy.freePort()
        let result = try CLI.run(
            ServerProcess.binDirectory.appendingPathComponent("margin-server"),
            ["serve", "--port", "0", "--database", "postgres://margin:margin@127.0.0.1:\(port)/margin"], home: nil,
            stdin: nil, environment: [:])
        #expect(result.status == 69)
        #expect(result.stderr.hasPrefix("margin-server: the database is unavailable: cannot connect to"))
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(!result.stderr.contains("margin:margin"), "no password in the message")
    }
}
