import Foundation
import GRDB
import Hummingbird
import Logging
import MarginShared
import NIOCore
import NIOHTTP1

/// Turns every error into problem+json, logs one line per request and counts it in the metrics.
struct ServerMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let start = ContinuousClock.now
        metrics.inFlight(1)
        defer { metrics.inFlight(-1) }
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            var problem = Self.problem(for: error)
            if problem.status == .notFound, let allowed = MarginServerApp.allowedMethods[request.uri.path] {
                problem = Problem(
                    .methodNotAllowed, "method-not-allowed", "Method not allowed",
                    detail: "\(request.uri.path) takes \(allowed.joined(separator: ", "))")
                problem.headers[.allow] = allowed.joined(separator: ", ")
            }
            if problem.status.code >= 500 {
                context.logger.error("request failed: \(String(reflecting: error))")
            }
            response = try problem.response(from: request, context: context)
        }
        let elapsed = start.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let route = context.endpointPath ?? "unmatched"
        metrics.request(method: request.method.rawValue, route: route, status: response.status.code, seconds: seconds)
        context.logger.info(
            "\(request.method) \(request.uri.path) \(response.status.code) \(String(format: "%.1f", seconds * 1000))ms")
        return response
    }

    static func problem(for error: any Error) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case SyncStoreError.cursorExpired:
            return .cursorExpired
        case SyncStoreError.noSuchUser:
            // The account went away after its token was checked (deleted by another process).
            return .unauthorized("the account no longer exists")
        case SyncStoreError.unavailable:
            // The database is away (restarting, say): the client's retry will find it back.
            var problem = Problem(
                .serviceUnavailable, "unavailable", "Store unavailable",
                detail: "the store cannot be reached right now; retry shortly")
            problem.headers[.retryAfter] = "1"
            return problem
        case SyncStoreError.noSuchSession:
            return .unauthorized("the token is unknown or was revoked; log in again")
        case SyncStoreError.invalidRecord(let id, let index, let error):
            return .invalidRecord(id: id, index: index, error)
        case let error as HTTPError where error.status == .notFound:
            return .notFound("no such route")
        case let error as HTTPError where error.status == .methodNotAllowed:
            return Problem(
                .methodNotAllowed, "method-not-allowed", "Method not allowed",
                detail: "this route does not take that method")
        case let error as HTTPError where error.status.code < 500:
            return Problem(
                error.status, "http-\(error.status.code)", error.status.reasonPhrase,
                detail: error.body ?? error.status.reasonPhrase)
        case let error as HTTPParserError:
            // A body the parser refused part way (a bad chunk size): the client's fault.
            return .malformed("the request is not valid HTTP/1.1 (\(HTTP1Conformance.describe(error)))")
        case is NIOTooManyBytesError:
            return .tooLarge("the request body is over the limit")
        case let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED:
            var problem = Problem(
                .serviceUnavailable, "busy", "Server busy", detail: "the store is busy; retry shortly")
            problem.headers[.retryAfter] = "1"
            return problem
        default:
            return Problem(
                .internalServerError, "internal", "Internal error", detail: "the server failed; it has been logged")
        }
    }
}
