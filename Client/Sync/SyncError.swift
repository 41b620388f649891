/// Why a sync stopped.
public enum SyncError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not logged in, or the token was revoked.
    case unauthorized(String)
    /// The server refused the request for good (a 4xx other than 401, 410 and 429).
    case rejected(status: Int, detail: String)
    /// The server refused one pushed record for good (422); the sync holds it back and goes on.
    case refused(id: String, version: Int64, detail: String)
    /// The server or the network kept failing after every retry.
    case unavailable(String)
    /// The local store failed.
    case store(StoreError)
    /// Another sync of the same store held it for longer than this one would wait.
    case busy(String)
    /// The sync was cancelled before it finished; what it applied stays applied.
    case cancelled

    /// A one-line explanation with what to do.
    public var description: String {
        switch self {
        case .unauthorized(let detail): "not logged in (\(detail)); run `margin login --server URL --user NAME`"
        case .rejected(let status, let detail): "the server refused the sync (\(status)): \(detail)"
        case .refused(let id, _, let detail): "the server refused record \(id): \(detail)"
        case .unavailable(let detail):
            "the server could not be reached: \(detail); local changes are kept, try again later"
        case .store(let error): error.description
        case .busy(let detail): "\(detail); try again when it has finished"
        case .cancelled: "the sync was cancelled; what it had applied is kept"
        }
    }
}
