import Foundation
import MarginServer
import MarginShared
import MarginTestSupport
import Testing

@Suite struct AccountTests {
    @Test(arguments: StoreBackend.testable) func signupLoginLogoutAndRevokedTokens(backend: StoreBackend) async throws {
        let server = try ServerProcess(backend: backend)
        defer { server.stop() }
        let token = try await server.signup("ann")
        #expect(token.count >= 43)
        #expect(try await server.sync(token).reply.status == 200)

        let second = try await server.login("ann")
        #expect(second != token, "each login is its own session")

        let wrong = try await server.json(
            "POST", "/v1/sessions", .object([("username", .string("ann")), ("password", .string("wrong password"))]))
        #expect(wrong.status == 401)
        #expect(wrong.headers["content-type"] == "application/problem+json")
        let unknown = try await server.json(
            "POST", "/v1/sessions", .object([("username", .string("nobody")), ("password", .string("whatever1"))]))
        #expect(unknown.status == 401)

        let again = try await server.json(
            "POST", "/v1/accounts", .object([("username", .string("ann")), ("password", .string("another pass"))]))
        #expect(again.status == 409)
        #expect(again.json?["type"]?.string == "urn:margin:problem:user-exists")
        for (name, password) in [("Bad Name", "long enough"), ("ok", "short"), ("../etc", "long enough")] {
            let bad = try await server.json(
                "POST", "/v1/accounts", .object([("username", .string(name)), ("password", .string(password))]))
            #expect(bad.status == 422, "\(name)")
        }

        let logout = try await server.request("DELETE", "/v1/sessions/current", token: token)
        #expect(logout.status == 204)
        let revoked = try await server.sync(token)
        #expect(revoked.reply.status == 401)
        #expect(revoked.reply.headers["www-authenticate"]?.hasPrefix("Bearer") == true)
        #expect(try await server.sync(second).reply.status == 200, "other sessions stay valid")
        #expect(try await server.request("DELETE", "/v1/sessions/current", token: token).status == 401)
    }

    @Test(arguments: StoreBackend.testable) func loginsNameTheirMachinesForTheAccount(backend: StoreBackend)
        async throws
    {
        let server = try ServerProcess(backend: backend)
        defer { server.stop() }
        _ = try await server.signup("ann")
        func login(_ user: String, device: String?, replica: String?) async throws -> ServerProcess.Reply {
            var members: [(String, JSONValue)] = [
                ("username", .string(user)), ("password", .string("correct horse battery")),
            ]
            if let device { members.append(("device", .string(device))) }
            if let replica { members.append(("replica", .string(replica))) }
            return try await server.json("POST", "/v1/sessions", .object(members))
        }
        func devices(_ token: String) async throws -> [String] {
            let reply = try await server.request("GET", "/v1/devices", token: token, contentType: nil)
            #expect(reply.status == 200, "\(reply.text)")
            guard case .array(let entries)? = reply.json?["devices"] else { return [] }
            return entries.map { "\($0["replica"]?.string ?? "?")=\($0["name"]?.string ?? "?")" }
        }
        let laptop = try await login("ann", device: "laptop", replica: "r-laptop")
        #expect(laptop.status == 201)
        let token = laptop.json?["token"]?.string ?? ""
        _ = try await login("ann", device: "desktop", replica: "r-desktop")
        #expect(try await devices(token) == ["r-desktop=desktop", "r-laptop=laptop"])
        // A machine logging in again under a new name is renamed, not listed twice; a login
        // without a replica id names nothing.
        _ = try await login("ann", device: "old laptop", replica: "r-laptop")
        _ = try await login("ann", device: "phone", replica: nil)
        #expect(try await devices(token) == ["r-desktop=desktop", "r-laptop=old laptop"])
        // Names outlive the session that gave them; another account sees none of them.
        #expect(try await server.request("DELETE", "/v1/sessions/current", token: token).status == 204)
        let second = try await server.login("ann")
        #expect(try await devices(second) == ["r-desktop=desktop", "r-laptop=old laptop"])
        #expect(try await devices(try await server.signup("bob")) == [])
        #expect(try await server.request("GET", "/v1/devices", contentType: nil).status == 401)
        // A bad name or replica id is refused (no token) and names nothing.
        for (device, replica) in [("laptop", "has space"), ("", "r-x"), (String(repeating: "n", count: 129), "r-x")] {
            let bad = try await login("ann", device: device, replica: replica)
            #expect(bad.status == 400, "\(device) \(replica)")
            #expect(bad.json?["type"]?.string == "urn:margin:problem:malformed-request")
            #expect(bad.json?["token"] == nil)
        }
        #expect(try await devices(second) == ["r-desktop=desktop", "r-laptop=old laptop"])
    }

    @Test func everyByteOfALongPasswordCounts() async throws {
        let server = try ServerProcess()
        defer { server.stop() }
        // Bcrypt alone reads 72 bytes; these two differ only after byte 80.
        let long = String(repeating: "p", count: 80)
        _ = try await server.signup("ann", password: long + "-right")
        let wrong = try await server.json(
            "POST", "/v1/sessions", .object([("username", .string("ann")), ("password", .string(long + "-wrong"))]))
        #expect(wrong.status == 401)
        #expect(try await server.login("ann", password: long + "-right").count >= 43)
    }

    @Test func signupCanBeTurnedOff() async throws {
        let server = try ServerProcess(["--no-signup"])
        defer { server.stop() }
        let reply = try await server.json(
            "POST", "/v1/accounts", .object([("username", .string("ann")), ("password", .string("long enough"))]))
        #expect(reply.status == 403)
        #expect(reply.json?["type"]?.string == "urn:margin:problem:signup-disabled")
    }

    @Test func usersAddedFromTheCommandLineCanLogIn() async throws {
        let data = URL(fileURLWithPath: Scratch.folder("users"))
            .path
        let add = Process()
        add.executableURL = ServerProcess.binDirectory.appendingPathComponent("margin-server")
        add.arguments = ["user", "add", "bob", "--data", data, "--bcrypt-cost", "4"]
        let input = Pipe()
        add.standardInput = input
        add.standardOutput = FileHandle.nullDevice
        try add.run()
        input.fileHandleForWriting.write(Data("bob's password\n".utf8))
        try input.fileHandleForWriting.close()
        add.waitUntilExit()
        #expect(add.terminationStatus == 0)
        let again = try CLI.run(
            ServerProcess.binDirectory.appendingPathComponent("margin-server"),
            ["user", "add", "bob", "--data", data, "--bcrypt-cost", "4"], home: nil,
            stdin: Data("another password\n".utf8),
            environment: [:])
        #expect(again.status != 0)
        #expect(again.stderr == "margin-server: the user bob exists already\n")
        let server = try ServerProcess(["--no-signup"], data: data)
        defer { server.stop() }
        let token = try await server.login("bob", password: "bob's password")
        #expect(try await server.sync(token).reply.status == 200)
    }

    /// `margin-server user rm` beside a running server: the account's tokens stop working at once,
    /// even one the server confirmed a moment before (its session cache still holds it).
    @Test(arguments: StoreBackend.testable) func anAccountRemovedByAnotherProcessIsRefusedAtOnce(backend: StoreBackend)
        async throws
    {
        let server = try ServerProcess(backend: backend)
        defer { server.stop() }
        let token = try await server.signup("ann")
        let other = try await server.signup("bob")
        var writer = Writer("laptop")
        #expect(try await server.sync(token, push: [writer.note("n-1", body: "x")]).reply.status == 200)
        let removed = try CLI.run(
            ServerProcess.binDirectory.appendingPathComponent("margin-server"),
            ["user", "rm", "ann"] + server.storeArguments, home: nil, stdin: nil, environment: [:])
        #expect(removed.status == 0, "\(removed.stderr)")
        let push = try await server.sync(token, push: [writer.note("n-2", body: "y")])
        #expect(push.reply.status == 401, "\(push.reply.text)")
        #expect(push.reply.headers["content-type"] == "application/problem+json")
        #expect(try await server.sync(token).reply.status == 401, "a pull too")
        #expect(try await server.sync(other).reply.status == 200, "other accounts go on")
    }

    /// A deleted account's token, still in the running server's session cache, must not reach the
    /// account created next (SQLite would hand it the freed id without AUTOINCREMENT).
    @Test(arguments: StoreBackend.testable) func aDeletedAccountsTokenNeverReachesTheNextAccount(backend: StoreBackend)
        async throws
    {
        let server = try ServerProcess(backend: backend)
        defer { server.stop() }
        let old = try await server.signup("old")
        var writer = Writer("laptop")
        #expect(try await server.sync(old, push: [writer.note("n-old", body: "old")]).reply.status == 200)
        #expect(try await server.request("GET", "/v1/devices", token: old, contentType: nil).status == 200)
        let removed = try CLI.run(
            ServerProcess.binDirectory.appendingPathComponent("margin-server"),
            ["user", "rm", "old"] + server.storeArguments, home: nil, stdin: nil, environment: [:])
        #expect(removed.status == 0, "\(removed.stderr)")
        let new = try await server.signup("new")
        #expect(try await server.sync(new, push: [writer.note("n-new", body: "new")]).reply.status == 200)

        let pull = try await server.request("GET", "/v1/changes", token: old, contentType: nil)
        #expect(pull.status == 401, "\(pull.text)")
        let push = try await server.sync(old, push: [writer.note("n-intruder", body: "x")])
        #expect(push.reply.status == 401, "\(push.reply.text)")
        let devices = try await server.request("GET", "/v1/devices", token: old, contentType: nil)
        #expect(devices.status == 401, "\(devices.text)")
        let logout = try await server.request("DELETE", "/v1/sessions/current", token: old)
        #expect(logout.status == 401, "\(logout.text)")
        #expect(logout.headers["content-type"] == "application/problem+json")
        let feed = try await server.sync(new)
        #expect(feed.states.map(\.id) == ["n-new"], "nothing of the old account's token landed in the new feed")
    }

    @Test func accountIDsAreNeverReused() async throws {
        let store = try SQLiteSyncStore(directory: Scratch.folder("ids"))
        let first = try await store.createUser(name: "a", passwordHash: "x")
        let second = try await store.createUser(name: "b", passwordHash: "x")
        try await store.deleteUser(named: "b")
        let third = try await store.createUser(name: "c", passwordHash: "x")
        #expect(third.id > second.id && second.id > first.id)
        try await store.createSession(userID: third.id, tokenHash: "t", device: nil)
        #expect(try await store.devices(session: Session(user: third, tokenHash: "t")).isEmpty)
        try await store.deleteSession(tokenHash: "t")
        await #expect(throws: SyncStoreError.noSuchSession) { try await store.deleteSession(tokenHash: "t") }
        await #expect(throws: SyncStoreError.noSuchSession) {
            try await store.devices(session: Session(user: third, tokenHash: "t"))
        }
    }

    @Test func healthAndMetrics() async throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let health = try await server.request("GET", "/healthz", contentType: nil)
        #expect(health.status == 200 && health.json?["status"]?.string == "ok")
        let token = try await server.signup("ann")
        var writer = Writer("laptop")
        _ = try await server.sync(token, push: [writer.note("n-1", body: "x")])
        let metrics = try await server.request("GET", "/metrics", contentType: nil).text
        #expect(metrics.contains("margin_http_requests_total{method=\"POST\",route=\"/v1/sync\",status=\"200\"} 1"))
        #expect(metrics.contains("margin_records_merged_total 1"))
        #expect(metrics.contains("margin_http_request_duration_seconds_bucket{le=\"+Inf\"}"))
        #expect(metrics.contains("margin_long_polls_open 0"))
    }
}
