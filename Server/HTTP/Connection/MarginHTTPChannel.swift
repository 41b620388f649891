import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Hummingbird's HTTP/1.1 child channel with Margin's guards in its pipeline: the connection's
/// timeouts first, and HTTP/1.1 conformance between the parser and the typed request parts.
struct MarginHTTPChannel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    let responder: HTTPChannelHandler.Responder
    let timeouts: ConnectionTimeouts

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let timeouts = timeouts
        return channel.eventLoop.makeCompletedFuture {
            let connection = ConnectionGuard(timeouts: timeouts)
            try channel.pipeline.syncOperations.addHandler(connection, position: .first)
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                withPipeliningAssistance: false, withErrorHandling: false, withOutboundHeaderValidation: false,
                withEncoderConfiguration: .init(), withDecoderLimitConfiguration: .init())
            try channel.pipeline.syncOperations.addHandler(HTTP1Conformance(connection: connection))
            try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
            // Hummingbird's own: on a graceful shutdown it closes idle connections and the others
            // after their response.
            try channel.pipeline.syncOperations.addHandler(HTTPConnectionStateHandler(logger: logger))
            return try NIOAsyncChannel(
                wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
        }
    }

    func handle(value asyncChannel: Value, logger: Logger) async {
        await handleHTTP(asyncChannel: asyncChannel, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 with Margin's connection guards.
    static func margin(timeouts: ConnectionTimeouts) -> HTTPServerBuilder {
        .init { responder in MarginHTTPChannel(responder: responder, timeouts: timeouts) }
    }
}
