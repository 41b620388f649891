import Foundation
import Hummingbird
import MarginShared
import NIOPosix

/// The v1 routes: accounts, sessions, sync and changes, health and metrics.
struct SyncRoutes: Sendable {
    let store: any SyncStore
    let configuration: ServerConfiguration
    let credentials: Credentials
    let notifier: ChangeNotifier
    let metrics: ServerMetrics
    let throttle: LoginThrottle
    /// Turns bearer tokens into sessions for the routes that need one.
    let authenticator: SessionAuthenticator
    /// What an unknown user's password is checked against: a hash at the configured cost, so that
    /// a login of a name that does not exist takes as long as a wrong password of one that does.
    let dummyHash: String

    func register(on router: Router<MarginRequestContext>) {
        router.get("/healthz") { _, _ in Self.json(.ok) { $0.raw("{\"status\":\"ok\"}") } }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(string: metrics.render(subscriptions: notifier.count))))
        }
        router.post("/v1/accounts") { request, context in try await signup(request, context) }
        router.post("/v1/sessions") { request, context in try await login(request, context) }
        // Behind the authenticator: each of these has a session (or was refused with 401).
        let signedIn = router.group().add(middleware: authenticator)
        signedIn.delete("/v1/sessions/current") { _, context in
            let session = try context.session()
            try await store.deleteSession(tokenHash: session.tokenHash)
            authenticator.cache.forget(tokenHash: session.tokenHash)
            return Response(status: .noContent)
        }
        signedIn.get("/v1/devices") { _, context in try await devices(context.session()) }
        signedIn.post("/v1/sync") { request, context in try await sync(request, context.session()) }
        signedIn.get("/v1/changes") { request, context in try await changes(request, context.session()) }
    }

    // MARK: - Accounts

    func signup(_ request: Request, _ context: MarginRequestContext) async throws -> Response {
        guard configuration.signupEnabled else {
            throw Problem(
                .forbidden, "signup-disabled", "Signup disabled", detail: "this server does not accept new accounts")
        }
        let body = try await jsonBody(request, limit: 64 * 1024)
        let (username, password) = try usernameAndPassword(body)
        // Each signup costs a slow hash: counted against the address like a failed login.
        let address = Self.address(context)
        try checkThrottle(user: nil, address: address)
        throttle.failed(user: nil, address: address)
        guard Credentials.isValidUsername(username) else {
            throw Problem(
                .unprocessableContent, "invalid-account", "Invalid account",
                detail: "a username is 1 to 64 of a-z, 0-9, '.', '_' and '-'")
        }
        guard Credentials.isValidPassword(password) else {
            throw Problem(
                .unprocessableContent, "invalid-account", "Invalid account", detail: Credentials.passwordRule)
        }
        let hash = try await credentials.hash(password: password)
        do {
            _ = try await store.createUser(name: username, passwordHash: hash)
        } catch SyncStoreError.userExists {
            throw Problem(.conflict, "user-exists", "User exists", detail: "the username \(username) is taken")
        }
        return Self.json(.created) { writer in
            writer.raw("{")
            writer.key("username")
            writer.string(username)
            writer.raw("}")
        }
    }

    func login(_ request: Request, _ context: MarginRequestContext) async throws -> Response {
        let body = try await jsonBody(request, limit: 64 * 1024)
        let (username, password) = try usernameAndPassword(body)
        let address = Self.address(context)
        try checkThrottle(user: username, address: address)
        let (device, replica) = try deviceAndReplica(body)
        // A password no account can have still costs a hash: else its quick 401 would tell apart.
        let found = Credentials.isValidPassword(password) ? try await store.user(named: username) : nil
        let matches = try await credentials.verify(password: password, hash: found?.passwordHash ?? dummyHash)
        guard let user = found?.0, matches else {
            throttle.failed(user: username, address: address)
            throw Problem.unauthorized("wrong username or password")
        }
        throttle.succeeded(user: username)
        let token = Credentials.newToken()
        try await store.createSession(userID: user.id, tokenHash: Credentials.tokenHash(token), device: device)
        if let replica, let device { try await store.nameDevice(userID: user.id, replica: replica, name: device) }
        return Self.json(.created) { writer in
            writer.raw("{")
            writer.key("token")
            writer.string(token)
            writer.raw(",")
            writer.key("username")
            writer.string(user.name)
            writer.raw("}")
        }
    }

    /// The peer's address, the key of its login throttle.
    static func address(_ context: MarginRequestContext) -> String {
        context.remoteAddress?.ipAddress ?? "unknown"
    }

    /// Refuses with 429 while the user or the address has failed too often.
    func checkThrottle(user: String?, address: String) throws {
        guard let wait = throttle.retryAfter(user: user, address: address) else { return }
        var problem = Problem(
            .tooManyRequests, "too-many-attempts", "Too many attempts",
            detail: "too many failed attempts; try again in \(wait) s")
        problem.headers[.retryAfter] = String(wait)
        throw problem
    }

    /// The login's optional machine name and replica id, checked.
    func deviceAndReplica(_ body: JSONValue) throws -> (device: String?, replica: ReplicaID?) {
        var device: String?
        if let value = body["device"], value != .null {
            guard let name = value.string, !name.isEmpty, name.utf8.count <= 128 else {
                throw Problem.malformed("'device' is a name of 1 to 128 bytes")
            }
            device = name
        }
        var replica: ReplicaID?
        if let value = body["replica"], value != .null {
            guard let text = value.string, let id = ReplicaID(text) else {
                throw Problem.malformed("'replica' is 1 to 64 of A-Z, a-z, 0-9, '_' and '-'")
            }
            replica = id
        }
        return (device, replica)
    }

    /// The account's named machines: `{"devices": [{"replica", "name", "seenAt"}]}`.
    func devices(_ session: Session) async throws -> Response {
        let devices = try await store.devices(session: session)
        return Self.json(.ok) { writer in
            writer.raw("{\"devices\":[")
            for (index, device) in devices.enumerated() {
                if index > 0 { writer.raw(",") }
                writer.value(
                    .object([
                        ("replica", .string(device.replica.rawValue)), ("name", .string(device.name)),
                        ("seenAt", .int(device.seenAt)),
                    ]))
            }
            writer.raw("]}")
        }
    }

    func usernameAndPassword(_ body: JSONValue) throws -> (String, String) {
        guard let username = body["username"]?.string, let password = body["password"]?.string else {
            throw Problem.malformed("the body needs string members 'username' and 'password'")
        }
        return (username, password)
    }

    // MARK: - Sync

    func sync(_ request: Request, _ session: Session) async throws -> Response {
        let body = try await bodyBytes(
            request, limit: max(configuration.maxBodyBytes, configuration.maxSingleRecordBodyBytes))
        // Past the body limit, only a single record (a merge grown big) may travel.
        let single = body.readableBytes > configuration.maxBodyBytes
        let envelope: ChangeEnvelope
        do {
            let limits = configuration.recordLimits
            let maxRecords = single ? 1 : configuration.maxRecordsPerRequest
            if body.readableBytes >= configuration.offloadDecodeBytes {
                // A big body takes a core for a while: keep it off the tasks serving everyone else.
                envelope = try await Self.decodePool.runIfActive {
                    try Self.decode(body, limits: limits, maxRecords: maxRecords)
                }
            } else {
                envelope = try Self.decode(body, limits: limits, maxRecords: maxRecords)
            }
        } catch let error as EnvelopeError {
            if single, case .tooManyRecords = error {
                throw Problem.tooLarge(
                    "the body has \(body.readableBytes) bytes; the limit is \(configuration.maxBodyBytes), "
                        + "or \(configuration.maxSingleRecordBodyBytes) for a single record")
            }
            switch error {
            case .malformed(let detail): throw Problem.malformed(detail)
            case .record(let index, _):
                // Which one, so that a client can hold that record back and send the rest.
                var problem = Problem(
                    .unprocessableContent, "invalid-record", "Invalid record", detail: error.description)
                problem.index = index
                throw problem
            case .tooManyRecords(let count):
                throw Problem.tooLarge(
                    "\(count) records in one request; the limit is \(configuration.maxRecordsPerRequest)")
            }
        }
        var since: Cursor?
        var limit = configuration.defaultPageLimit
        for (key, value) in envelope.members {
            switch key {
            case "since": since = try cursor(value)
            case "limit": limit = try pageLimit(value, pushOnly: true)
            default: throw Problem.malformed("unknown member '\(key)'")
            }
        }
        let states = envelope.records
        let (outcome, page) = try await store.sync(session: session, pushed: states, since: since, limit: limit)
        metrics.pushed(outcome)
        if outcome.merged > 0 { notifier.notify(user: session.user.id) }
        return Self.page(page)
    }

    /// The one thread big bodies decode on: apart from the password hashes on the shared pool, so
    /// that a flood of big bodies delays other big bodies, not logins, and leaves a core free.
    static let decodePool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        return pool
    }()

    static func decode(_ body: ByteBuffer, limits: RecordLimits, maxRecords: Int) throws(EnvelopeError)
        -> ChangeEnvelope
    {
        try ChangeEnvelope.decode(body.readableBytesView, limits: limits, maxRecords: maxRecords)
    }

    func changes(_ request: Request, _ session: Session) async throws -> Response {
        let query = request.uri.queryParameters
        var since: Cursor?
        if let text = query.get("since"), !text.isEmpty { since = try cursor(.string(text)) }
        var limit = configuration.defaultPageLimit
        if let text = query.get("limit") {
            guard let number = Self.integer(text) else { throw Problem.malformed("limit is a whole number") }
            limit = try pageLimit(.int(number))
        }
        var wait = 0
        if let text = query.get("wait") {
            guard let seconds = Self.integer(text).flatMap({ Int(exactly: $0) }),
                (0...configuration.maxWaitSeconds).contains(seconds)
            else {
                throw Problem.malformed("wait is 0 to \(configuration.maxWaitSeconds) seconds")
            }
            wait = seconds
        }
        let subscription = notifier.subscribe(user: session.user.id)
        // Every exit, a thrown 410 among them, takes the subscription off again.
        defer { subscription.cancel() }
        var page = try await store.changes(session: session, since: since, limit: limit)
        if page.states.isEmpty && wait > 0 {
            metrics.longPoll(1)
            await subscription.wait(seconds: wait)
            metrics.longPoll(-1)
            page = try await store.changes(session: session, since: since, limit: limit)
        }
        return Self.page(page)
    }

    /// A query integer as the spec writes one: an optional '-' and 1 to 18 ASCII digits (no '+',
    /// no spaces), which `Int64(_:)` alone would loosen.
    static func integer(_ text: String) -> Int64? {
        let digits = text.utf8.first == UInt8(ascii: "-") ? text.utf8.dropFirst() : text.utf8[...]
        guard (1...18).contains(digits.count), digits.allSatisfy(Cursor.isDigit) else { return nil }
        return Int64(text)
    }

    func cursor(_ value: JSONValue) throws -> Cursor? {
        switch value {
        case .null: return nil
        case .string(let text):
            guard let cursor = Cursor(token: text) else {
                throw Problem.malformed("'since' is not a cursor this server issued")
            }
            return cursor
        default: throw Problem.malformed("'since' is a cursor string or null")
        }
    }

    /// A page size; 0 (push only: no page) only where `pushOnly` allows it.
    func pageLimit(_ value: JSONValue, pushOnly: Bool = false) throws -> Int {
        let lowest: Int64 = pushOnly ? 0 : 1
        // JSON Schema's integer takes 62.0 as well as 62.
        let whole: Int64? =
            switch value {
            case .int(let number): number
            case .double(let number) where number.rounded(.towardZero) == number && abs(number) < 1e15: Int64(number)
            default: nil
            }
        guard let number = whole, (lowest...Int64(configuration.maxPageLimit)).contains(number) else {
            throw Problem.malformed("limit is \(lowest) to \(configuration.maxPageLimit)")
        }
        return Int(number)
    }

    // MARK: - Helpers

    /// Reads the body as JSON, refusing other content types and bodies over `limit` while reading.
    func jsonBody(_ request: Request, limit: Int) async throws -> JSONValue {
        let buffer = try await bodyBytes(request, limit: limit)
        do {
            return try JSONValue.parse(buffer.readableBytesView)
        } catch {
            throw Problem.malformed(error.description)
        }
    }

    /// Reads a JSON body's bytes, refusing other content types and bodies over `limit` while reading.
    func bodyBytes(_ request: Request, limit: Int) async throws -> ByteBuffer {
        // The media type exactly (parameters aside): a prefix would take application/jsonp or json-seq.
        let type = request.headers[.contentType]?.lowercased() ?? ""
        let mediaType = type.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        guard mediaType.trimmingCharacters(in: .whitespaces) == "application/json" else {
            throw Problem(
                .unsupportedMediaType, "unsupported-media-type", "Unsupported media type",
                detail: "send application/json")
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw Problem.tooLarge("the body has \(length) bytes; the limit is \(limit)")
        }
        return try await request.body.collect(upTo: limit)
    }

    static func page(_ page: ChangePage) -> Response {
        // The plain members come first, so that a client reads the cursor without scanning the
        // records to find it (DESIGN, wire protocol).
        var head = JSONWriter()
        head.raw("{")
        head.key("cursor")
        head.string(page.cursor.token)
        head.raw(",")
        if page.pushOnly {
            head.key("base")
            if let base = page.base { head.string(base.token) } else { head.raw("null") }
            head.raw(",")
        }
        head.key("more")
        head.bool(page.more)
        head.raw(",\"changes\":[")
        // A page is mostly its records: they go from their stored bytes straight into a body of
        // the right size, not through a growing writer that is then copied whole.
        var body = ByteBuffer()
        body.reserveCapacity(page.states.reduce(head.bytes.count + 2) { $0 + $1.count + 1 })
        body.writeBytes(head.bytes)
        for (index, state) in page.states.enumerated() {
            if index > 0 { body.writeInteger(UInt8(ascii: ",")) }
            body.writeBytes(state)
        }
        body.writeString("]}")
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
    }

    static func json(_ status: HTTPResponse.Status, _ write: (inout JSONWriter) -> Void) -> Response {
        var writer = JSONWriter()
        write(&writer)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: writer.bytes)))
    }
}
