import Foundation
import MarginShared
import MarginTestSupport
import Testing

/// Connections that stall are closed, what the parser refuses is answered as problem+json, and the
/// HTTP/1.1 details the layers above leave out are kept.
@Suite struct ConnectionTests {
    func connect(_ server: ServerProcess) throws -> RawConnection {
        try RawConnection(port: server.baseURL.port!)
    }

    func status(_ text: String) -> Int? {
        text.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) }
    }

    @Test func stalledConnectionsAreClosedAtTheirTimeouts() async throws {
        let server = try ServerProcess(["--idle-timeout", "1", "--header-timeout", "1", "--body-timeout", "1"])
        defer { server.stop() }
        let token = try await server.signup("ann")

        let idle = try connect(server)
        #expect(idle.readUntilClosed(seconds: 20).closed, "an idle connection is closed")

        let kept = try connect(server)
        try kept.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        let answer = kept.readUntilClosed(seconds: 20)
        #expect(answer.closed && status(answer.text) == 200, "answered, then closed once idle: \(answer.text)")

        let header = try connect(server)
        try header.send("GET /healthz HTTP/1.1\r\nHost: x\r\n")
        let headerAnswer = header.readUntilClosed(seconds: 20)
        #expect(headerAnswer.closed && status(headerAnswer.text) == 408, "\(headerAnswer.text)")
        #expect(headerAnswer.text.contains("application/problem+json"))

        let body = try connect(server)
        try body.send(
            "POST /v1/sync HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(token)\r\n"
                + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"chan")
        let bodyAnswer = body.readUntilClosed(seconds: 20)
        #expect(bodyAnswer.closed && status(bodyAnswer.text) == 408, "\(bodyAnswer.text)")
        #expect(try await server.request("GET", "/healthz", contentType: nil).status == 200)
    }

    @Test func whatTheParserRefusesIsAnsweredAsAProblem() async throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let requests = [
            ("lowercase method", "get /healthz HTTP/1.1\r\nHost: x\r\n\r\n"),
            ("unknown method", "BREW /healthz HTTP/1.1\r\nHost: x\r\n\r\n"),
            (
                "length and chunked (smuggling)",
                "POST /v1/sync HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
            ),
            (
                "malformed chunk size",
                "POST /v1/accounts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"
            ),
        ]
        for (name, request) in requests {
            let connection = try connect(server)
            try connection.send(request)
            let answer = connection.readUntilClosed(seconds: 20)
            #expect(status(answer.text) == 400, "\(name): \(answer.text)")
            #expect(answer.text.lowercased().contains("content-type: application/problem+json"), "\(name)")
            #expect(answer.text.contains("urn:margin:problem:malformed-request"), "\(name)")
            #expect(answer.closed, "\(name)")
        }
        // A client that gives up half way through its body is not a server fault.
        let aborted = try connect(server)
        try aborted.send(
            "POST /v1/accounts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 90\r\n\r\n{\"us"
        )
        aborted.close()
        // Once the server has counted the aborted request, nothing is counted as a 5xx.
        var metrics = ""
        // A deadline against a hang, not a timing: a loaded suite once took more than 20 s here.
        let deadline = Date().addingTimeInterval(60)
        while !metrics.contains("route=\"/v1/accounts\"") && Date() < deadline {
            metrics = try await server.request("GET", "/metrics", contentType: nil).text
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(metrics.contains("route=\"/v1/accounts\",status=\"400\""), "\(metrics)")
        #expect(!metrics.contains("status=\"5"), "\(metrics)")
        #expect(try String(contentsOfFile: server.data + "/server.log", encoding: .utf8).contains("error") == false)
    }

    @Test func expectContinueAndHTTP10AreHonoured() async throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let expecting = try connect(server)
        let body = "{\"username\":\"ann\",\"password\":\"long enough\"}"
        try expecting.send(
            "POST /v1/accounts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: \(body.utf8.count)\r\nExpect: 100-continue\r\n\r\n")
        let interim = expecting.read(seconds: 20) { $0.contains("\r\n\r\n") }
        #expect(interim.text.hasPrefix("HTTP/1.1 100 Continue\r\n"), "\(interim.text)")
        try expecting.send(body)
        let created = expecting.read(seconds: 20) { $0.contains("\"username\"") }
        #expect(created.text.contains("201 Created"), "\(created.text)")

        let old = try connect(server)
        try old.send("GET /healthz HTTP/1.0\r\n\r\n")
        let answer = old.readUntilClosed(seconds: 20)
        #expect(answer.closed && status(answer.text) == 200, "an HTTP/1.0 request without keep-alive closes")
        #expect(answer.text.lowercased().contains("connection: close"))
    }

    /// SIGTERM with an upload that never finishes: after the grace period the server closes it and
    /// exits, rather than waiting for ever.
    @Test func shutdownClosesAStalledUploadAfterItsGrace() async throws {
        let server = try ServerProcess(["--body-timeout", "600", "--shutdown-grace", "1"])
        let token = try await server.signup("ann")
        let stalled = try connect(server)
        try stalled.send(
            "POST /v1/sync HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(token)\r\n"
                + "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
        // SIGTERM once the server is handling the upload (it waits for the rest of its body).
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let metrics = try await server.request("GET", "/metrics", contentType: nil).text
            if metrics.contains("\nmargin_http_requests_in_flight 2\n") { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        kill(server.process.processIdentifier, SIGTERM)
        let closed = stalled.readUntilClosed(seconds: 30)
        #expect(closed.closed, "the stalled upload's connection was closed")
        let exit = Date().addingTimeInterval(30)
        while server.process.isRunning && Date() < exit { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!server.process.isRunning, "the server exited")
        server.stop()
    }

    @Test func connectionsPastTheLimitWaitForOneToClose() async throws {
        let server = try ServerProcess(["--max-connections", "3"])
        defer { server.stop() }
        var open = try (0..<3).map { _ in try connect(server) }
        for connection in open {
            try connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(status(connection.read(seconds: 20) { $0.contains("{\"status\":\"ok\"}") }.text) == 200)
        }
        let waiting = try connect(server)
        try waiting.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(waiting.read(seconds: 1) { !$0.isEmpty }.text.isEmpty, "not served while three are open")
        open.removeFirst()
        let served = waiting.read(seconds: 20) { $0.contains("{\"status\":\"ok\"}") }
        #expect(status(served.text) == 200, "served once one closed")
    }
}
