/// A signed-in session: the account a bearer token belongs to, and the token's hash.
///
/// Stores check the session again in the transaction of each request it makes, so a session a
/// cache still holds grants nothing once it is revoked anywhere.
public struct Session: Hashable, Sendable {
    /// The account.
    public let user: User
    /// The SHA-256 of the bearer token, as the store keeps it.
    public let tokenHash: String

    /// The session of `user` whose token hashes to `tokenHash`.
    public init(user: User, tokenHash: String) {
        self.user = user
        self.tokenHash = tokenHash
    }
}
