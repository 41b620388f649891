import Foundation

/// One HTTP request the sync engine sends.
public struct TransportRequest: Sendable {
    /// GET, POST or DELETE.
    public var method: String
    /// The absolute URL.
    public var url: String
    /// Header fields.
    public var headers: [String: String]
    /// The body, if any.
    public var body: Data?
    /// The longest the whole exchange may take, in seconds (long-polls need more).
    public var timeoutSeconds: Int

    /// A request.
    public init(
        method: String, url: String, headers: [String: String] = [:], body: Data? = nil, timeoutSeconds: Int = 60
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeoutSeconds = timeoutSeconds
    }
}

/// The answer to a request.
public struct TransportResponse: Sendable {
    /// The HTTP status.
    public var status: Int
    /// Header fields, names lowercased.
    public var headers: [String: String]
    /// The (decompressed) body.
    public var body: Data

    /// A response.
    public init(status: Int, headers: [String: String], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// Why a request got no HTTP answer.
public enum TransportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The host name did not resolve.
    case dnsFailure(host: String)
    /// Nothing listens at the address.
    case connectionRefused(String)
    /// The TLS handshake or certificate check failed.
    case tlsFailure(String)
    /// Connecting or the exchange took too long.
    case timeout(String)
    /// The connection broke before the answer was complete.
    case connectionLost(String)
    /// The task that sent it was cancelled.
    case cancelled
    /// Anything else.
    case other(String)

    /// Whether trying again later may work.
    public var isTransient: Bool {
        switch self {
        case .timeout, .connectionLost, .connectionRefused: true
        case .dnsFailure, .tlsFailure, .cancelled, .other: false
        }
    }

    /// A short human-readable form.
    public var description: String {
        switch self {
        case .dnsFailure(let host): "cannot resolve host \(host)"
        case .connectionRefused(let detail): "connection refused: \(detail)"
        case .tlsFailure(let detail): "TLS failed: \(detail)"
        case .timeout(let detail): "timed out: \(detail)"
        case .connectionLost(let detail): "connection lost: \(detail)"
        case .cancelled: "cancelled"
        case .other(let detail): detail
        }
    }
}

/// How the sync engine reaches the server: libcurl on Linux, URLSession on Apple platforms.
public protocol SyncTransport: Sendable {
    /// Sends one request and returns the server's answer, whatever its status.
    func send(_ request: TransportRequest) async throws(TransportError) -> TransportResponse
}
