import Foundation

/// A `postgres://USER:PASS@HOST:PORT/DB` address, as `--database` and `MARGIN_DATABASE_URL` give it.
public struct PostgresDatabaseURL: Sendable, Hashable, CustomStringConvertible {
    /// The server's host.
    public var host: String
    /// Its port.
    public var port: Int
    /// The role to log in as.
    public var user: String
    /// Its password, if any.
    public var password: String?
    /// The database.
    public var database: String

    /// Parses a URL, or throws a one-line reason.
    public init(_ text: String) throws(SyncStoreError) {
        guard let url = URLComponents(string: text), ["postgres", "postgresql"].contains(url.scheme ?? ""),
            let host = url.host, !host.isEmpty, let user = url.user, !user.isEmpty
        else {
            throw .unavailable("the database must be a URL like postgres://USER:PASS@HOST:5432/DB")
        }
        let database = String(url.path.drop { $0 == "/" })
        guard !database.isEmpty else {
            throw .unavailable("the database URL names no database: \(Self.redacted(text))")
        }
        self.host = host
        self.port = url.port ?? 5432
        self.user = user.removingPercentEncoding ?? user
        self.password = url.password.map { $0.removingPercentEncoding ?? $0 }
        self.database = database.removingPercentEncoding ?? database
    }

    /// The URL without its password, for messages and logs.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)" }

    private static func redacted(_ text: String) -> String {
        guard var url = URLComponents(string: text) else { return "(unreadable)" }
        if url.password != nil { url.password = "***" }
        return url.string ?? "(unreadable)"
    }
}
