import Foundation
import MarginServer
import MarginShared
import MarginTestSupport
import Testing

/// Guessing passwords is throttled, and a login does not tell which usernames exist.
@Suite struct LoginThrottleTests {
    func login(_ server: ServerProcess, _ user: String, _ password: String) async throws -> ServerProcess.Reply {
        try await server.json(
            "POST", "/v1/sessions", .object([("username", .string(user)), ("password", .string(password))]))
    }

    @Test func repeatedFailuresForOneUsernameGet429() async throws {
        let server = try ServerProcess([
            "--login-failures-per-user", "3", "--login-failures-per-address", "100", "--login-window", "3600",
        ])
        defer { server.stop() }
        _ = try await server.signup("ann")
        _ = try await server.signup("bob")
        for attempt in 0..<3 {
            #expect(try await login(server, "ann", "wrong guess \(attempt)").status == 401)
        }
        let throttled = try await login(server, "ann", "correct horse battery")
        #expect(throttled.status == 429, "even the right password waits out the window")
        #expect(throttled.headers["content-type"] == "application/problem+json")
        #expect(throttled.json?["type"]?.string == "urn:margin:problem:too-many-attempts")
        let retryAfter = Int(throttled.headers["retry-after"] ?? "") ?? 0
        #expect((1...3600).contains(retryAfter), "\(throttled.headers)")
        #expect(try await login(server, "bob", "correct horse battery").status == 201, "other names go on")
    }

    @Test func repeatedFailuresFromOneAddressGet429() async throws {
        let server = try ServerProcess([
            "--login-failures-per-user", "100", "--login-failures-per-address", "5", "--login-window", "3600",
        ])
        defer { server.stop() }
        // The signup counts against the address too (each costs a slow hash).
        _ = try await server.signup("ann")
        for attempt in 0..<4 {
            #expect(try await login(server, "name\(attempt)", "some guess").status == 401)
        }
        let throttled = try await login(server, "another-name", "some guess")
        #expect(throttled.status == 429)
        #expect(throttled.headers["retry-after"] != nil)
        let signup = try await server.json(
            "POST", "/v1/accounts", .object([("username", .string("carl")), ("password", .string("long enough"))]))
        #expect(signup.status == 429, "signups from the address wait too")
    }

    /// Signups count against their address only: no username's budget is shared between them.
    @Test func signupsAreNotThrottledByTheUsernameRule() async throws {
        let server = try ServerProcess([
            "--login-failures-per-user", "2", "--login-failures-per-address", "100", "--login-window", "3600",
        ])
        defer { server.stop() }
        for index in 0..<5 {
            let created = try await server.json(
                "POST", "/v1/accounts",
                .object([("username", .string("user\(index)")), ("password", .string("long enough"))]))
            #expect(created.status == 201, "signup \(index): \(created.text)")
        }
    }

    /// At the real cost: an unknown user's password is checked against a hash of the same cost.
    @Test func anUnknownUserCostsAHashOfTheConfiguredCost() async throws {
        let credentials = Credentials(bcryptCost: 12)
        let dummy = credentials.dummyHash()
        #expect(dummy.hasPrefix("$2b$12$"), "\(dummy)")
        #expect(try await credentials.verify(password: "correct horse battery", hash: dummy) == false)

        let server = try ServerProcess(["--bcrypt-cost", "12"])
        defer { server.stop() }
        _ = try await server.signup("ann")
        #expect(try await login(server, "ann", "wrong password").status == 401)
        #expect(try await login(server, "nobody", "wrong password").status == 401)
        #expect(try await login(server, "nobody", "short").status == 401)
    }
}
