import Logging
import MarginShared

/// Everything `margin-server serve` can be told.
public struct ServerConfiguration: Sendable {
    /// The address to listen on.
    public var host = "127.0.0.1"
    /// The port to listen on; 0 picks a free one.
    public var port = 8080
    /// Where the embedded SQLite store lives.
    public var dataDirectory = "margin-data"
    /// Whether `POST /v1/accounts` may create accounts.
    public var signupEnabled = true
    /// How much the server logs.
    public var logLevel: Logger.Level = .info
    /// Limits on each record.
    public var recordLimits = RecordLimits.default
    /// Bytes in one request body.
    public var maxBodyBytes = 16 * 1024 * 1024
    /// Bytes in a push body of a single record: a merge of many machines' valid edits may pass
    /// `maxBodyBytes`, and the machine that edits it next must still be able to send it.
    public var maxSingleRecordBodyBytes = 64 * 1024 * 1024
    /// Bodies at least this big are decoded on a thread pool, off the tasks that serve requests.
    public var offloadDecodeBytes = 64 * 1024
    /// Records pushed in one request.
    public var maxRecordsPerRequest = 1_000
    /// The most changes one page may return.
    public var maxPageLimit = 1_000
    /// Changes per page when the client does not say.
    public var defaultPageLimit = 500
    /// The longest long-poll, in seconds.
    public var maxWaitSeconds = 60
    /// How long deleted records are kept before they are forgotten, in seconds (90 days).
    public var tombstoneRetentionSeconds: Int64 = 90 * 24 * 3600
    /// How often forgotten tombstones are purged, in seconds.
    public var purgeIntervalSeconds: Int64 = 3600
    /// Failed logins one username may have per window before its logins get 429.
    public var loginFailuresPerUser = 10
    /// Failed logins and signups one client address may have per window before it gets 429.
    public var loginFailuresPerAddress = 30
    /// The login throttle's window, in seconds.
    public var loginWindowSeconds: Int64 = 60
    /// How long connections may wait at each stage.
    public var timeouts = ConnectionTimeouts()
    /// Connections open at once; past it the server accepts no more until one closes.
    public var maxConnections = 10_000
    /// The bcrypt cost for passwords.
    public var bcryptCost: UInt8 = 12

    /// The defaults of DESIGN.md.
    public init() {}
}
