import Foundation
import Hummingbird
import MarginShared

/// An RFC 9457 problem: the body of every error response, as `application/problem+json`.
public struct Problem: Error, HTTPResponseError, Sendable {
    /// The HTTP status.
    public let status: HTTPResponse.Status
    /// A stable identifier of the kind of problem (`urn:margin:problem:...`).
    public let type: String
    /// A short human summary of the kind of problem.
    public let title: String
    /// What went wrong with this request.
    public let detail: String
    /// For an invalid record: its position in the request's `changes`.
    public var index: Int?
    /// For an invalid record: its id, when it could be read.
    public var record: String?
    /// Extra headers (Retry-After, WWW-Authenticate).
    public var headers: HTTPFields = [:]

    /// A problem of kind `slug` with the given status.
    public init(_ status: HTTPResponse.Status, _ slug: String, _ title: String, detail: String) {
        self.status = status
        self.type = "urn:margin:problem:" + slug
        self.title = title
        self.detail = detail
    }

    /// The problem+json response.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var writer = JSONWriter()
        writer.raw("{")
        writer.key("detail")
        writer.string(detail)
        writer.raw(",")
        if let index {
            writer.key("index")
            writer.int(index)
            writer.raw(",")
        }
        if let record {
            writer.key("record")
            writer.string(record)
            writer.raw(",")
        }
        writer.key("status")
        writer.int(status.code)
        writer.raw(",")
        writer.key("title")
        writer.string(title)
        writer.raw(",")
        writer.key("type")
        writer.string(type)
        writer.raw("}")
        var fields = headers
        fields[.contentType] = "application/problem+json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: writer.bytes)))
    }

    static func malformed(_ detail: String) -> Problem {
        Problem(.badRequest, "malformed-request", "Malformed request", detail: detail)
    }

    static func unauthorized(_ detail: String) -> Problem {
        var problem = Problem(.unauthorized, "unauthorized", "Not logged in", detail: detail)
        problem.headers[.wwwAuthenticate] = "Bearer realm=\"margin\""
        return problem
    }

    static func invalidRecord(id: String, index: Int, _ error: RecordError) -> Problem {
        var problem = Problem(
            .unprocessableContent, "invalid-record", "Invalid record", detail: "record \(id): \(error.description)")
        problem.index = index
        problem.record = id
        return problem
    }

    static func tooLarge(_ detail: String) -> Problem {
        Problem(.contentTooLarge, "too-large", "Request too large", detail: detail)
    }

    static let cursorExpired = Problem(
        .gone, "cursor-expired", "Cursor expired",
        detail:
            "the cursor is older than the tombstone retention window or from another server; sync again from scratch")

    static func notFound(_ detail: String) -> Problem {
        Problem(.notFound, "not-found", "Not found", detail: detail)
    }
}
