import Foundation
import MarginShared

/// A profile's link to its sync server, as an app uses it: signup, login and logout, the saved
/// session, the account's machine names, and sync engines on that session.
public struct SyncClient: Sendable {
    /// The profile's store.
    public let store: LocalStore
    /// How requests reach the server.
    public let transport: any SyncTransport
    /// Where the session token is kept.
    public let tokens: any TokenStore

    /// A client of `store`'s profile.
    public init(store: LocalStore, transport: any SyncTransport, tokens: any TokenStore) {
        self.store = store
        self.transport = transport
        self.tokens = tokens
    }

    /// A logged-in session: the server, the user and the bearer token.
    public struct Session: Sendable, Equatable {
        /// The server's base URL, without a trailing slash.
        public let server: String
        /// The username.
        public let user: String
        /// The bearer token.
        public let token: String
    }

    /// `text` as a server base URL (http or https, with a host), without a trailing slash.
    public static func server(_ text: String) throws(AccountError) -> String {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(),
            ["http", "https"].contains(scheme), url.host?.isEmpty == false
        else { throw .invalidServer(text) }
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }

    /// Creates an account, then logs in as it (naming this machine `device`).
    @discardableResult
    public func signup(server: String, user: String, password: String, device: String) async throws(AccountError)
        -> Session
    {
        let server = try Self.server(server)
        let created = try await post(
            server: server, path: "/v1/accounts",
            [
                ("username", .string(user)), ("password", .string(password)),
            ])
        guard created.status == 201 else {
            throw .refused(status: created.status, detail: "signup failed: \(SyncEngine.detail(created))")
        }
        return try await login(server: server, user: user, password: password, device: device)
    }

    /// Logs in, keeps the token, and fetches the names of the account's other machines.
    ///
    /// The login names this machine `device` with the store's replica id, so that conflicts can say
    /// which machine wrote each version. Logging in to another server or user forgets the cursor.
    @discardableResult
    public func login(server: String, user: String, password: String, device: String) async throws(AccountError)
        -> Session
    {
        let server = try Self.server(server)
        let reply = try await post(
            server: server, path: "/v1/sessions",
            [
                ("username", .string(user)), ("password", .string(password)), ("device", .string(device)),
                ("replica", .string(store.replicaID.rawValue)),
            ])
        guard reply.status == 201, let token = (try? JSONValue.parse(reply.body))?["token"]?.string else {
            throw .refused(status: reply.status, detail: "login failed: \(SyncEngine.detail(reply))")
        }
        do {
            try store.setAccount(server: server, user: user)
            try tokens.save(token)
        } catch {
            throw .store(error)
        }
        let session = Session(server: server, user: user, token: token)
        // The other machines' names, for conflicts: best effort (an older server has none).
        _ = try? await engine(session).refreshDevices()
        return session
    }

    /// Revokes the session on the server and forgets it here, even when the server cannot be
    /// reached; returns whether the server revoked it.
    @discardableResult
    public func logout() async throws(AccountError) -> Bool {
        let session = try session()
        let request = TransportRequest(
            method: "DELETE", url: session.server + "/v1/sessions/current",
            headers: ["Authorization": "Bearer \(session.token)"])
        let reply = try? await transport.send(request)
        do {
            try tokens.delete()
        } catch {
            throw .store(error)
        }
        return reply?.status == 204
    }

    /// The saved session; `AccountError.notLoggedIn` when there is none.
    public func session() throws(AccountError) -> Session {
        let account: (server: String, user: String)?
        let token: String?
        do {
            account = try store.account()
            token = try tokens.load()
        } catch {
            throw .store(error)
        }
        guard let account, let token else { throw .notLoggedIn }
        return Session(server: account.server, user: account.user, token: token)
    }

    /// A sync engine on the saved session.
    public func engine() throws(AccountError) -> SyncEngine {
        engine(try session())
    }

    /// A sync engine on `session`.
    public func engine(_ session: Session) -> SyncEngine {
        SyncEngine(store: store, transport: transport, server: session.server, token: session.token)
    }

    private func post(server: String, path: String, _ members: [(String, JSONValue)]) async throws(AccountError)
        -> TransportResponse
    {
        var writer = JSONWriter()
        writer.value(.object(members))
        let request = TransportRequest(
            method: "POST", url: server + path, headers: ["Content-Type": "application/json"], body: Data(writer.bytes))
        do {
            return try await transport.send(request)
        } catch {
            throw .unavailable(error.description)
        }
    }
}
