import Foundation
import MarginShared
import NIOCore
import NIOHTTP1

/// What HTTP/1.1 asks of a server that the layers above leave out: `Expect: 100-continue` is
/// answered, an HTTP/1.0 request without keep-alive gets its connection closed after the answer,
/// and a request the parser refuses gets a problem+json 400 rather than an empty one. It also tells
/// the connection's guard where each request and response begins and ends.
final class HTTP1Conformance: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    let connection: ConnectionGuard
    /// The open request asked for its connection to close after the answer.
    private var closeAfterResponse = false
    private var failed = false

    init(connection: ConnectionGuard) {
        self.connection = connection
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !failed else { return }
        switch unwrapInboundIn(data) {
        case .head(var head):
            connection.requestHeadRead()
            closeAfterResponse = !head.isKeepAlive
            if closeAfterResponse && !head.headers.contains(name: "connection") {
                // Hummingbird closes only on an explicit `Connection: close` (HTTP/1.0 means it by default).
                head.headers.add(name: "connection", value: "close")
            }
            if head.headers[canonicalForm: "expect"].contains(where: { $0.lowercased() == "100-continue" }) {
                context.writeAndFlush(
                    wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .continue))), promise: nil)
            }
            context.fireChannelRead(wrapInboundOut(.head(head)))
        case .body:
            context.fireChannelRead(data)
        case .end:
            connection.requestEndRead()
            context.fireChannelRead(data)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head) where head.status.code >= 200:
            connection.responseHeadWritten()
            if closeAfterResponse { head.headers.replaceOrAdd(name: "connection", value: "close") }
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .end:
            connection.responseEndWritten()
            context.write(data, promise: promise)
        default:
            context.write(data, promise: promise)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parse = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        // The parser stops at its first error: answer, when no answer has begun, and close.
        failed = true
        if connection.canAnswer {
            let body = Self.problem(detail: "the request is not valid HTTP/1.1 (\(Self.describe(parse)))")
            var headers = HTTPHeaders()
            headers.add(name: "content-type", value: "application/problem+json")
            headers.add(name: "content-length", value: String(body.readableBytes))
            headers.add(name: "connection", value: "close")
            context.write(
                wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .badRequest, headers: headers))),
                promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
        context.close(promise: nil)
    }

    static func problem(detail: String) -> ByteBuffer {
        var writer = JSONWriter()
        writer.raw("{\"detail\":")
        writer.string(detail)
        writer.raw(",\"status\":400,\"title\":\"Malformed request\",\"type\":\"urn:margin:problem:malformed-request\"}")
        return ByteBuffer(bytes: writer.bytes)
    }

    static func describe(_ error: HTTPParserError) -> String {
        switch error {
        case .invalidMethod: "unknown method"
        case .invalidChunkSize: "invalid chunk size"
        case .unexpectedContentLength: "both Content-Length and Transfer-Encoding"
        case .invalidContentLength: "invalid Content-Length"
        case .invalidHeaderToken: "invalid header"
        case .invalidVersion: "invalid version"
        default: "refused by the parser"
        }
    }
}
