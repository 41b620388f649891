import Foundation
import MarginClient
import MarginCurl
import MarginTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The two transports: libcurl (the CLI's) and URLSession (an app's), held to the same behaviour.
enum TransportKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case curl, urlSession

    func make(connectTimeoutSeconds: Int = 10) -> any SyncTransport {
        switch self {
        case .curl: CurlTransport(connectTimeoutSeconds: connectTimeoutSeconds)
        case .urlSession: URLSessionTransport()
        }
    }

    var testDescription: String { rawValue }
}

@Suite struct TransportTests {
    @Test(arguments: TransportKind.allCases) func reusesOneConnectionAcrossRequests(kind: TransportKind) async throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let proxy = try TCPProxy(upstreamPort: server.baseURL.port!)
        defer { proxy.stop() }
        let transport = kind.make()
        for _ in 0..<5 {
            let response = try await transport.send(
                TransportRequest(method: "GET", url: "http://127.0.0.1:\(proxy.port)/healthz"))
            #expect(response.status == 200)
            #expect(String(decoding: response.body, as: UTF8.self) == "{\"status\":\"ok\"}")
            #expect(response.headers["content-type"] == "application/json")
        }
        #expect(proxy.connections == 1)
    }

    @Test(arguments: TransportKind.allCases) func connectionRefusedIsReported(kind: TransportKind) async throws {
        let port = try TCPProxy.freePort()
        await #expect(throws: TransportError.self) {
            try await kind.make().send(TransportRequest(method: "GET", url: "http://127.0.0.1:\(port)/"))
        }
        do {
            _ = try await kind.make().send(TransportRequest(method: "GET", url: "http://127.0.0.1:\(port)/"))
        } catch {
            guard case .connectionRefused = error else { Issue.record("got \(error)"); return }
            #expect(error.isTransient)
        }
    }

    @Test(arguments: TransportKind.allCases) func aSilentServerTimesOut(kind: TransportKind) async throws {
        let listener = try TCPProxy.listen()
        defer { close(listener) }
        let port = TCPProxy.localPort(listener)

        do {
            _ = try await kind.make().send(
                TransportRequest(method: "GET", url: "http://127.0.0.1:\(port)/", timeoutSeconds: 1))
            Issue.record("expected a timeout")
        } catch {
            guard case .timeout = error else { Issue.record("got \(error)"); return }
        }
    }

    @Test(arguments: TransportKind.allCases) func tlsToAPlainServerFailsAsTLS(kind: TransportKind) async throws {
        let server = try ServerProcess()
        defer { server.stop() }
        do {
            _ = try await kind.make().send(
                TransportRequest(method: "GET", url: "https://127.0.0.1:\(server.baseURL.port!)/healthz"))
            Issue.record("expected a TLS failure")
        } catch {
            guard case .tlsFailure = error else { Issue.record("\(kind): got \(error)"); return }
            #expect(!error.isTransient)
        }
    }

    @Test(arguments: TransportKind.allCases) func anUnknownHostIsADNSFailure(kind: TransportKind) async throws {
        do {
            _ = try await kind.make(connectTimeoutSeconds: 5).send(
                TransportRequest(method: "GET", url: "http://margin-test-host.invalid/", timeoutSeconds: 10))
            Issue.record("expected a DNS failure")
        } catch {
            guard case .dnsFailure(let host) = error else { Issue.record("got \(error)"); return }
            #expect(host == "margin-test-host.invalid")
        }
    }

    @Test(arguments: TransportKind.allCases) func gzipAnswersAreDecompressed(kind: TransportKind) async throws {
        let body = String(repeating: "compressible text ", count: 200)
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        gzip.arguments = ["gzip", "-c"]
        let input = Pipe()
        let output = Pipe()
        gzip.standardInput = input
        gzip.standardOutput = output
        try gzip.run()
        input.fileHandleForWriting.write(Data(body.utf8))
        try input.fileHandleForWriting.close()
        let compressed = output.fileHandleForReading.readDataToEndOfFile()
        gzip.waitUntilExit()

        let response = try await exchangeOnce(kind) { request in
            let text = request.lowercased()
            let status = text.contains("accept-encoding:") && text.contains("gzip") ? "200 OK" : "400 Bad Request"
            let head =
                "HTTP/1.1 \(status)\r\nContent-Encoding: gzip\r\nContent-Length: \(compressed.count)\r\nConnection: close\r\n\r\n"
            return Data(head.utf8) + compressed
        }
        #expect(response.status == 200, "the request offered gzip")
        #expect(String(decoding: response.body, as: UTF8.self) == body)
    }

    /// libcurl's header lines are parsed by hand (URLSession parses its own, and FoundationNetworking
    /// refuses an interim answer nobody asked for).
    @Test(arguments: [TransportKind.curl]) func headersAreLowercasedAndTrimmed(kind: TransportKind) async throws {
        let response = try await exchangeOnce(kind) { _ in
            Data(
                ("HTTP/1.1 100 Continue\r\nX-Interim: yes\r\n\r\n"
                    + "HTTP/1.1 503 Service Unavailable\r\nRetry-After: \t 7 \r\nX-Span:a:b: c\r\nX-Empty:\r\n"
                    + "Content-Length: 2\r\nConnection: close\r\n\r\nno").utf8)
        }
        #expect(response.status == 503)
        #expect(response.headers["retry-after"] == "7")
        #expect(response.headers["x-span"] == "a:b: c", "only the first colon splits")
        #expect(response.headers["x-empty"] == "")
        #expect(response.headers["content-length"] == "2")
        #expect(response.headers["x-interim"] == nil, "an interim response's headers are not the answer's")
    }

    /// Sends one GET to a listener that answers it once with `reply(the request's text)`.
    func exchangeOnce(_ kind: TransportKind, _ reply: @escaping @Sendable (String) -> Data) async throws
        -> TransportResponse
    {
        let listener = try TCPProxy.listen()
        defer { close(listener) }
        let port = TCPProxy.localPort(listener)
        let answered = Thread {
            let client = accept(listener, nil, nil)
            var request = [UInt8](repeating: 0, count: 4096)
            let count = read(client, &request, request.count)
            let answer = reply(String(decoding: request.prefix(max(0, count)), as: UTF8.self))
            _ = answer.withUnsafeBytes { write(client, $0.baseAddress, answer.count) }
            close(client)
        }
        answered.start()
        return try await kind.make().send(TransportRequest(method: "GET", url: "http://127.0.0.1:\(port)/"))
    }

    /// Cancelling the task that sends a request stops it: a sync's cancel reaches its long-poll.
    @Test(arguments: TransportKind.allCases) func cancellingTheTaskCancelsTheRequest(kind: TransportKind) async throws {
        let listener = try TCPProxy.listen()
        defer { close(listener) }
        let port = TCPProxy.localPort(listener)
        let accepted = AcceptedConnection()
        Thread { accepted.set(accept(listener, nil, nil)) }.start()
        let transport = kind.make()
        let request = Task {
            try await transport.send(
                TransportRequest(method: "GET", url: "http://127.0.0.1:\(port)/", timeoutSeconds: 60))
        }
        while accepted.descriptor == nil { try await Task.sleep(for: .milliseconds(5)) }
        request.cancel()
        do {
            _ = try await request.value
            Issue.record("expected the request to be cancelled")
        } catch {
            #expect(error as? TransportError == .cancelled, "\(error)")
        }
        if let descriptor = accepted.descriptor { close(descriptor) }
    }
}

/// The server side of one accepted connection, set by the accepting thread.
final class AcceptedConnection: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int32?
    func set(_ descriptor: Int32) { lock.withLock { value = descriptor } }
    var descriptor: Int32? { lock.withLock { value } }
}
