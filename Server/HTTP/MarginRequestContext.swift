import Hummingbird
import HummingbirdAuth
import NIOCore

/// The context of each request: Hummingbird's core, the peer's address for login throttling, and
/// the session of an authenticated route.
public struct MarginRequestContext: RequestContext, RemoteAddressRequestContext, AuthRequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The address of the connection's peer.
    public let remoteAddress: SocketAddress?
    /// The session of the request's bearer token, once `SessionAuthenticator` found it.
    public var identity: Session?

    /// The context of a request arriving on `source`'s channel.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
