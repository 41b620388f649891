/// How long a connection may wait at each stage before the server closes it.
public struct ConnectionTimeouts: Sendable, Hashable {
    /// A kept-alive connection with no request under way.
    public var idle: Duration = .seconds(60)
    /// From a request's first byte to the end of its headers.
    public var header: Duration = .seconds(10)
    /// Between two reads of a request body that has not all arrived.
    public var bodyProgress: Duration = .seconds(10)
    /// After a graceful shutdown begins, for requests still under way.
    public var shutdownGrace: Duration = .seconds(10)

    /// The defaults.
    public init() {}
}
