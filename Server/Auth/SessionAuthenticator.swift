import Hummingbird
import HummingbirdAuth

/// Finds the session of a request's bearer token, from the cache or else the store, and refuses
/// the request with 401 when there is none.
///
/// The one place a token becomes a session: the routes behind it read `context.identity`.
struct SessionAuthenticator: AuthenticatorMiddleware {
    typealias Context = MarginRequestContext

    let store: any SyncStore
    let cache: SessionCache

    func authenticate(request: Request, context: Context) async throws -> Session? {
        let tokenHash = Credentials.tokenHash(try Self.bearerToken(request))
        if let session = cache.session(forTokenHash: tokenHash) { return session }
        guard let user = try await store.user(forTokenHash: tokenHash) else {
            throw Problem.unauthorized("the token is unknown or was revoked; log in again")
        }
        let session = Session(user: user, tokenHash: tokenHash)
        cache.confirm(session)
        return session
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.identity = try await authenticate(request: request, context: context)
        do {
            return try await next(request, context)
        } catch SyncStoreError.noSuchSession {
            // Revoked elsewhere (another instance, `user rm`): the store refused it in the request's
            // transaction, so the cache lets it go too.
            if let session = context.identity { cache.forget(tokenHash: session.tokenHash) }
            throw SyncStoreError.noSuchSession
        }
    }

    /// The token of `Authorization: Bearer <token>`.
    static func bearerToken(_ request: Request) throws -> String {
        guard let header = request.headers[.authorization] else {
            throw Problem.unauthorized(
                "this route needs 'Authorization: Bearer <token>'; log in with POST /v1/sessions")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty else {
            throw Problem.unauthorized("the Authorization header must be 'Bearer <token>'")
        }
        return String(parts[1])
    }
}

extension MarginRequestContext {
    /// The request's session; only routes behind `SessionAuthenticator` have one.
    func session() throws -> Session {
        guard let identity else { throw Problem.unauthorized("this route needs a session") }
        return identity
    }
}
