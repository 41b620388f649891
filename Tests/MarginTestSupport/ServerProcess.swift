import Foundation
import MarginClient
import MarginCurl
import MarginShared

/// The server's stores: the embedded SQLite one, and PostgreSQL.
public enum StoreBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgres

    /// Its name, as test cases show it.
    public var description: String { rawValue }

    /// The PostgreSQL role tests make their databases with (CREATEDB): `MARGIN_TEST_DATABASE_URL`,
    /// else the one `scripts/setup` provisions.
    public static var adminURL: String {
        ProcessInfo.processInfo.environment["MARGIN_TEST_DATABASE_URL"]
            ?? "postgres://margin:margin@127.0.0.1:5432/margin"
    }

    /// Whether the PostgreSQL tests run: always under CI (`CI=true`, where a missing server must
    /// fail them), else when the admin URL answers; otherwise one line says how to turn them on.
    public static let postgresAvailable: Bool = {
        if underCI { return true }
        if (try? psql(adminURL, "SELECT 1")) != nil { return true }
        FileHandle.standardError.write(
            Data(
                ("PostgreSQL tests skipped: no server at \(adminURL); `make test` provisions one "
                    + "(or set MARGIN_TEST_DATABASE_URL)\n").utf8))
        return false
    }()

    /// The backends this run tests: SQLite, and PostgreSQL when it is available.
    public static var testable: [StoreBackend] { postgresAvailable ? allCases : [.sqlite] }

    /// Whether this run is CI's (`CI=true`), where tests that need PostgreSQL must run.
    public static var underCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// A new, empty PostgreSQL database made by the role of `admin` (by default `adminURL`); its URL.
    public static func freshDatabase(admin: String = adminURL) throws -> String {
        let name = "margin_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        try psql(admin, "CREATE DATABASE \(name)")
        guard var url = URLComponents(string: admin) else { throw HarnessError("bad admin URL \(admin)") }
        url.path = "/" + name
        return url.string!
    }

    /// Drops a database `freshDatabase` made, with the role of `admin`.
    public static func dropDatabase(_ database: String, admin: String = adminURL) {
        guard let name = URLComponents(string: database)?.path.dropFirst(), !name.isEmpty else { return }
        _ = try? psql(admin, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// Runs one statement with psql and returns its unaligned output.
    @discardableResult
    public static func psql(_ url: String, _ sql: String) throws -> String {
        let result = try CLI.run(
            URL(fileURLWithPath: "/usr/bin/env"), ["psql", url, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql],
            home: nil, stdin: nil, environment: [:])
        guard result.status == 0 else { throw HarnessError("psql \(sql): \(result.stderr)") }
        return result.stdout
    }
}

/// A real `margin-server` process on 127.0.0.1 with a fresh data directory (or database).
public final class ServerProcess: @unchecked Sendable {
    /// The server process.
    public let process = Process()
    /// The data directory.
    public let data: String
    /// Where the server listens.
    public private(set) var baseURL: URL
    let extra: [String]
    /// The PostgreSQL database it serves, when it runs on one.
    public let database: String?
    /// Whether this server made its database (and drops it when it stops).
    private let ownsDatabase: Bool
    private let output: Pipe
    private let transport = CurlTransport()

    /// Starts a server on a free port (or `port`) with a new data directory (or `data`); on
    /// PostgreSQL, on a new database (or `database`, which another instance may serve too).
    public init(
        _ extra: [String] = [], data: String? = nil, port: Int = 0, backend: StoreBackend = .sqlite,
        database: String? = nil
    ) throws {
        self.extra = extra
        self.database = backend == .postgres || database != nil ? try database ?? StoreBackend.freshDatabase() : nil
        ownsDatabase = database == nil && self.database != nil
        self.data =
            data
            ?? Scratch.folder("server")
        process.executableURL = Self.binDirectory.appendingPathComponent("margin-server")
        process.arguments =
            ["serve", "--port", String(port), "--data", self.data, "--bcrypt-cost", "4", "--log-level", "info"]
            // A small pool: the suite runs many servers at once on one PostgreSQL (100 connections).
            + (self.database.map { ["--database", $0, "--database-pool-size", "3"] } ?? []) + extra
        output = Pipe()
        process.standardOutput = output
        try FileManager.default.createDirectory(atPath: self.data, withIntermediateDirectories: true)
        let logPath = self.data + "/server.log"
        if !FileManager.default.fileExists(atPath: logPath) {
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        try log.seekToEnd()
        process.standardError = log
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

    /// The `margin-server` options that name this server's store, for its other subcommands.
    public var storeArguments: [String] {
        database.map { ["--database", $0] } ?? ["--data", data]
    }

    /// Stops the server with SIGTERM and waits for it (a SIGKILL after 30 s: a server stuck in
    /// shutdown must fail its test, not hang the suite); a database it made is dropped.
    public func stop() {
        if process.isRunning {
            process.terminate()
            process.waitForExit(within: 30)
        }
        if ownsDatabase, let database { StoreBackend.dropDatabase(database) }
    }

    deinit { stop() }

    /// Kills the server with SIGKILL, as a crash would.
    public func crash() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// The bytes of the store files (database and write-ahead log); on PostgreSQL, every account,
    /// session and record as text.
    public func storeBytes() throws -> Data {
        if let database {
            let dump = try ["users ORDER BY id", "sessions ORDER BY token_hash", "records ORDER BY user_id, id"].map {
                try StoreBackend.psql(database, "SELECT * FROM \($0)")
            }
            return Data(dump.joined(separator: "\n").utf8)
        }
        var bytes = Data()
        for suffix in ["", "-wal"] {
            let path = data + "/margin-server.sqlite" + suffix
            if FileManager.default.fileExists(atPath: path) {
                bytes.append(try Data(contentsOf: URL(fileURLWithPath: path)))
            }
        }
        return bytes
    }

    /// The folder with the built binaries.
    public static var binDirectory: URL { CLI.binDirectory }

    // MARK: - HTTP

    /// An HTTP answer.
    public struct Reply: Sendable {
        /// The exit status or HTTP status.
        public let status: Int
        /// Header fields, names lowercased.
        public let headers: [String: String]
        /// The body bytes.
        public let body: Data
        /// The body parsed as JSON.
        public var json: JSONValue? { try? JSONValue.parse(body) }
        /// The body as text.
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// Sends one HTTP request.
    public func request(
        _ method: String, _ path: String, body: Data? = nil, token: String? = nil,
        contentType: String? = "application/json", headers: [String: String] = [:]
    ) async throws -> Reply {
        // libcurl's easy interface (the product's transport), not URLSession: URLSession's libcurl
        // 7.88 reports a wait interrupted by a signal (a test's child exiting) as a failure.
        var fields = headers
        if let contentType { fields["Content-Type"] = contentType }
        if let token { fields["Authorization"] = "Bearer \(token)" }
        let url = URL(string: path, relativeTo: baseURL)!.absoluteString
        let response = try await transport.send(
            TransportRequest(method: method, url: url, headers: fields, body: body, timeoutSeconds: 90))
        return Reply(status: response.status, headers: response.headers, body: response.body)
    }

    /// Sends a JSON body.
    public func json(_ method: String, _ path: String, _ object: JSONValue, token: String? = nil) async throws -> Reply
    {
        var writer = JSONWriter()
        writer.value(object)
        return try await request(method, path, body: Data(writer.bytes), token: token)
    }

    /// Creates an account and logs in; returns the token.
    public func signup(_ name: String, password: String = "correct horse battery") async throws -> String {
        let created = try await json(
            "POST", "/v1/accounts", .object([("username", .string(name)), ("password", .string(password))]))
        guard created.status == 201 else { throw HarnessError("signup: \(created.text)") }
        return try await login(name, password: password)
    }

    /// Logs in; returns the token.
    public func login(_ name: String, password: String = "correct horse battery") async throws -> String {
        let session = try await json(
            "POST", "/v1/sessions", .object([("username", .string(name)), ("password", .string(password))]))
        guard session.status == 201 else { throw HarnessError("login: \(session.text)") }
        return session.json?["token"]?.string ?? ""
    }

    /// One sync round trip; returns the pulled states, the cursor and `more`.
    public func sync(
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
        guard reply.status == 200 else { return ([], "", false, reply) }
        let page = try ChangeEnvelope.decode(reply.body)
        return (page.records.map(\.state), page["cursor"]?.string ?? "", page["more"] == .bool(true), reply)
    }
}

/// A failure of the test harness itself.
public struct HarnessError: Error, CustomStringConvertible {
    /// What failed.
    public let description: String
    /// Makes one.
    public init(_ description: String) { self.description = description }
}

/// Builds note states as a client replica would.
public struct Writer {
    /// The writing replica.
    public let replica: ReplicaID
    /// Its clock.
    public var clock: HybridLogicalClock

    /// Makes one.
    public init(_ name: String) {
        replica = ReplicaID(name)!
        clock = HybridLogicalClock(replica: replica)
    }

    /// A new note state.
    public mutating func note(_ id: String, body: String, article: String = "a-1", tags: [String] = []) -> RecordState {
        var state = RecordState(id: id, kind: .note, articleID: article)
        try! state.edit([.set("body", .string(body))] + tags.map(Change.addTag), by: replica, at: clock.tick())
        return state
    }

    /// An edited copy.
    public mutating func edit(_ state: RecordState, _ changes: [Change]) -> RecordState {
        var copy = state
        if let latest = copy.latestStamp { clock.observe(latest) }
        try! copy.edit(changes, by: replica, at: clock.tick())
        return copy
    }

    /// A deleted copy.
    public mutating func delete(_ state: RecordState) -> RecordState {
        var copy = state
        copy.delete(by: replica, at: clock.tick())
        return copy
    }
}
