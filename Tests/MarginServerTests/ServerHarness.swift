import Foundation
import MarginShared
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A real `margin-server` process on 127.0.0.1 with a fresh data directory.
final class ServerProcess: @unchecked Sendable {
    let process = Process()
    let data: String
    let baseURL: URL
    private let output: Pipe

    init(_ extra: [String] = [], data: String? = nil) throws {
        self.data =
            data
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("margin-server-\(UUID().uuidString)").path
        process.executableURL = Self.binDirectory.appendingPathComponent("margin-server")
        process.arguments =
            ["serve", "--port", "0", "--data", self.data, "--bcrypt-cost", "4", "--log-level", "warning"] + extra
        output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var seen = Data()
        let deadline = Date().addingTimeInterval(30)
        while !String(decoding: seen, as: UTF8.self).contains("\n") && Date() < deadline {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen.append(chunk)
        }
        let line = String(decoding: seen, as: UTF8.self)
        guard let range = line.range(of: "http://"),
            let url = URL(string: String(line[range.lowerBound...]).trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            process.terminate()
            throw HarnessError("the server did not start: \(line)")
        }
        baseURL = url
    }

    /// Stops the server with SIGTERM and waits for it.
    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    deinit { stop() }

    /// The bytes of the store files (database and write-ahead log).
    func storeBytes() throws -> Data {
        var bytes = Data()
        for suffix in ["", "-wal"] {
            let path = data + "/margin-server.sqlite" + suffix
            if FileManager.default.fileExists(atPath: path) {
                bytes.append(try Data(contentsOf: URL(fileURLWithPath: path)))
            }
        }
        return bytes
    }

    static var binDirectory: URL {
        if let dir = ProcessInfo.processInfo.environment["MARGIN_BIN"] { return URL(fileURLWithPath: dir) }
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.isExecutableFile(atPath: url.appendingPathComponent("margin-server").path) {
                return url
            }
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug")
    }

    // MARK: - HTTP

    struct Reply {
        let status: Int
        let headers: [String: String]
        let body: Data
        var json: JSONValue? { try? JSONValue.parse(body) }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    func request(
        _ method: String, _ path: String, body: Data? = nil, token: String? = nil,
        contentType: String? = "application/json", headers: [String: String] = [:]
    ) async throws -> Reply {
        var request = URLRequest(url: URL(string: path, relativeTo: baseURL)!)
        request.httpMethod = method
        request.httpBody = body
        request.timeoutInterval = 90
        if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { fields[name.lowercased()] = value }
        }
        return Reply(status: http.statusCode, headers: fields, body: data)
    }

    func json(_ method: String, _ path: String, _ object: JSONValue, token: String? = nil) async throws -> Reply {
        var writer = JSONWriter()
        writer.value(object)
        return try await request(method, path, body: Data(writer.bytes), token: token)
    }

    /// Creates an account and logs in; returns the token.
    func signup(_ name: String, password: String = "correct horse battery") async throws -> String {
        let created = try await json(
            "POST", "/v1/accounts", .object([("username", .string(name)), ("password", .string(password))]))
        #expect(created.status == 201, "signup: \(created.text)")
        return try await login(name, password: password)
    }

    func login(_ name: String, password: String = "correct horse battery") async throws -> String {
        let session = try await json(
            "POST", "/v1/sessions", .object([("username", .string(name)), ("password", .string(password))]))
        #expect(session.status == 201, "login: \(session.text)")
        return session.json?["token"]?.string ?? ""
    }

    /// One sync round trip; returns the pulled states, the cursor and `more`.
    func sync(
        _ token: String, push: [RecordState] = [], since: String? = nil, limit: Int? = nil
    ) async throws -> (states: [RecordState], cursor: String, more: Bool, reply: Reply) {
        var writer = JSONWriter()
        writer.raw("{\"changes\":[")
        for (index, state) in push.enumerated() {
            if index > 0 { writer.raw(",") }
            state.write(to: &writer)
        }
        writer.raw("],\"since\":")
        if let since { writer.string(since) } else { writer.raw("null") }
        if let limit {
            writer.raw(",\"limit\":")
            writer.int(limit)
        }
        writer.raw("}")
        let reply = try await request("POST", "/v1/sync", body: Data(writer.bytes), token: token)
        guard reply.status == 200, let json = reply.json, case .array(let items)? = json["changes"] else {
            return ([], "", false, reply)
        }
        let states = try items.map { try WireFormat.decode($0) }
        return (states, json["cursor"]?.string ?? "", json["more"] == .bool(true), reply)
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Builds note states as a client replica would.
struct Writer {
    let replica: ReplicaID
    var clock: HybridLogicalClock

    init(_ name: String) {
        replica = ReplicaID(name)!
        clock = HybridLogicalClock(replica: replica)
    }

    mutating func note(_ id: String, body: String, article: String = "a-1", tags: [String] = []) -> RecordState {
        var state = RecordState(id: id, kind: .note, articleID: article)
        try! state.edit([.set("body", .string(body))] + tags.map(Change.addTag), by: replica, at: clock.tick())
        return state
    }

    mutating func edit(_ state: RecordState, _ changes: [Change]) -> RecordState {
        var copy = state
        if let latest = copy.latestStamp { clock.observe(latest) }
        try! copy.edit(changes, by: replica, at: clock.tick())
        return copy
    }

    mutating func delete(_ state: RecordState) -> RecordState {
        var copy = state
        copy.delete(by: replica, at: clock.tick())
        return copy
    }
}
