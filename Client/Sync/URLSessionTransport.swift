import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A `SyncTransport` over URLSession: what an app on Apple platforms plugs in (on Linux it runs on
/// FoundationNetworking; the CLI's default there is libcurl's `CurlTransport`).
public final class URLSessionTransport: SyncTransport {
    private let session: URLSession

    /// A transport on its own ephemeral session (no cookies or cache on disk).
    public init(configuration: URLSessionConfiguration = .ephemeral) {
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        session = URLSession(configuration: configuration)
    }

    deinit { session.finishTasksAndInvalidate() }

    /// Sends one request; cancelling the task cancels it.
    public func send(_ request: TransportRequest) async throws(TransportError) -> TransportResponse {
        guard let url = URL(string: request.url) else { throw .other("not a URL: \(request.url)") }
        var urlRequest = URLRequest(url: url, timeoutInterval: TimeInterval(request.timeoutSeconds))
        urlRequest.httpMethod = request.method
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        urlRequest.httpBody = request.body
        let data: Data
        let response: URLResponse
        let session = session
        let seconds = request.timeoutSeconds
        let prepared = urlRequest
        do {
            // The request's timeout bounds the whole exchange; URLSession's own is an idle timeout.
            (data, response) = try await withThrowingTaskGroup(of: (Data, URLResponse).self) { group in
                group.addTask { try await session.data(for: prepared) }
                group.addTask {
                    try await Task.sleep(for: .seconds(seconds))
                    throw URLError(.timedOut)
                }
                defer { group.cancelAll() }
                return try await group.next()!
            }
        } catch let error as URLError {
            throw Self.error(error, url: request.url)
        } catch is CancellationError {
            throw .cancelled
        } catch let error as NSError where error.domain == NSURLErrorDomain {
            // FoundationNetworking throws its URL errors as plain NSErrors.
            throw Self.error(
                URLError(URLError.Code(rawValue: error.code) ?? .unknown, userInfo: error.userInfo), url: request.url)
        } catch {
            throw .other("\(request.url): \(error.localizedDescription)")
        }
        guard let http = response as? HTTPURLResponse else { throw .other("\(request.url): not an HTTP answer") }
        var headers: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            guard let name = name as? String, let value = value as? String else { continue }
            headers[name.lowercased()] = value
        }
        return TransportResponse(status: http.statusCode, headers: headers, body: data)
    }

    static func error(_ error: URLError, url: String) -> TransportError {
        let detail = "\(url): \(error.localizedDescription)"
        switch error.code {
        case .cannotFindHost, .dnsLookupFailed: return .dnsFailure(host: URLComponents(string: url)?.host ?? url)
        case .cannotConnectToHost, .notConnectedToInternet: return .connectionRefused(detail)
        case .timedOut: return .timeout(detail)
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
            .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot, .clientCertificateRejected:
            return .tlsFailure(detail)
        case .networkConnectionLost, .badServerResponse, .cannotParseResponse, .zeroByteResource:
            return .connectionLost(detail)
        case .cancelled: return .cancelled
        case .unknown where ["SSL", "TLS", "certificate"].contains(where: detail.contains):
            // FoundationNetworking reports libcurl's TLS failures with no code of their own.
            return .tlsFailure(detail)
        default: return .other("\(detail) (URL error \(error.code.rawValue))")
        }
    }
}

// URLSession is thread-safe, and the session is set once, at init.
extension URLSessionTransport: @unchecked Sendable {}
