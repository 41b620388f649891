/// Why a signup, login or logout did not happen.
public enum AccountError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The server address is not an http:// or https:// URL.
    case invalidServer(String)
    /// The server refused (wrong password, name taken, signup off, too many attempts): its status and why.
    case refused(status: Int, detail: String)
    /// This profile has no session.
    case notLoggedIn
    /// The server could not be reached.
    case unavailable(String)
    /// The local store or the token store failed.
    case store(StoreError)

    /// A one-line explanation with what to do.
    public var description: String {
        switch self {
        case .invalidServer(let text): "the server must be an http:// or https:// URL, not '\(text)'"
        case .refused(_, let detail): detail
        case .notLoggedIn: "not logged in; run `margin login --server URL --user NAME`"
        case .unavailable(let detail): "the server could not be reached: \(detail)"
        case .store(let error): error.description
        }
    }
}
