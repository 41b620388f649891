import Foundation

/// Downloads a page to import, through the same transport a sync uses.
public struct PageFetcher: Sendable {
    /// How the request goes out.
    public let transport: any SyncTransport

    /// A fetcher over `transport`.
    public init(transport: any SyncTransport) {
        self.transport = transport
    }

    /// Why a page could not be had.
    public enum FetchError: Error, Equatable, Sendable, CustomStringConvertible {
        /// No answer: the network or the host failed.
        case unavailable(url: String, detail: String)
        /// An answer other than 200.
        case status(url: String, Int)

        /// A one-line explanation.
        public var description: String {
            switch self {
            case .unavailable(let url, let detail): "cannot fetch \(url): \(detail)"
            case .status(let url, let status): "cannot fetch \(url): HTTP \(status)"
            }
        }
    }

    /// The body of `url` (http or https), when it answers 200 within `timeoutSeconds`.
    public func fetch(_ url: String, timeoutSeconds: Int = 30) async throws(FetchError) -> Data {
        let request = TransportRequest(
            method: "GET", url: url, headers: ["Accept": "text/html, text/plain"], timeoutSeconds: timeoutSeconds)
        let response: TransportResponse
        do {
            response = try await transport.send(request)
        } catch {
            throw .unavailable(url: url, detail: error.description)
        }
        guard response.status == 200 else { throw .status(url: url, response.status) }
        return response.body
    }
}
