import Foundation
import NIOCore

/// Watches a connection's raw bytes and its requests' stages, and closes it when it waits too long:
/// idle between requests, sending its headers, or between two pieces of a body; and once a graceful
/// shutdown has waited `shutdownGrace` for it.
///
/// It sits first in the pipeline, so it sees every byte before the HTTP decoder does, and learns
/// from `HTTP1Conformance` where each request and response begins and ends.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let timeouts: ConnectionTimeouts
    private var context: ChannelHandlerContext?
    /// A request's head was read and its end not yet.
    private var requestOpen = false
    /// A request's head was read and its response not yet all written.
    private var responseOpen = false
    /// A response head was written for the open request.
    private var responseStarted = false
    /// No response is half written: an error may still be answered.
    var canAnswer: Bool { !(responseOpen && responseStarted) }
    /// When the stage that the next deadline counts from began.
    private var since = NIODeadline.now()
    /// Bytes arrived since the connection was last idle (a request's head is on its way).
    private var bytesSinceIdle = false
    private var timer: Scheduled<Void>?
    private var quiescing = false

    init(timeouts: ConnectionTimeouts) {
        self.timeouts = timeouts
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { arm() }
    }

    func channelActive(context: ChannelHandlerContext) {
        since = .now()
        arm()
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if requestOpen {
            since = .now()
        } else if !responseOpen && !bytesSinceIdle {
            bytesSinceIdle = true
            since = .now()
            arm()
        }
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent && !quiescing {
            quiescing = true
            // Requests under way get the grace period; after it, whatever still waits is cut.
            context.eventLoop.assumeIsolated().scheduleTask(
                in: .nanoseconds(Self.nanoseconds(timeouts.shutdownGrace))
            ) { [self] in
                self.context?.close(promise: nil)
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    // MARK: - Stages, from HTTP1Conformance

    func requestHeadRead() {
        requestOpen = true
        responseOpen = true
        responseStarted = false
        bytesSinceIdle = false
        since = .now()
        arm()
    }

    func requestEndRead() {
        requestOpen = false
        becameIdleIfDone()
    }

    func responseHeadWritten() {
        responseStarted = true
    }

    func responseEndWritten() {
        responseOpen = false
        becameIdleIfDone()
    }

    private func becameIdleIfDone() {
        guard !requestOpen && !responseOpen else { return }
        since = .now()
        bytesSinceIdle = false
        arm()
    }

    // MARK: - The deadline

    private enum Stage {
        case idle, header, body, handling
    }

    private var stage: Stage {
        if requestOpen { return .body }
        if responseOpen { return .handling }
        return bytesSinceIdle ? .header : .idle
    }

    private func limit(of stage: Stage) -> Duration? {
        switch stage {
        case .idle: timeouts.idle
        case .header: timeouts.header
        case .body: timeouts.bodyProgress
        case .handling: nil
        }
    }

    /// Schedules a check at the current stage's deadline (a later read may have moved it on).
    private func arm() {
        timer?.cancel()
        timer = nil
        guard let context, let limit = limit(of: stage) else { return }
        let deadline = since + .nanoseconds(Self.nanoseconds(limit))
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in self.check() }
    }

    private func check() {
        guard let context, let limit = limit(of: stage) else { return }
        let deadline = since + .nanoseconds(Self.nanoseconds(limit))
        guard NIODeadline.now() >= deadline else {
            arm()
            return
        }
        if stage != .idle && canAnswer {
            // Still able to answer: say why before closing.
            let body = Array(
                """
                {"detail":"the request did not arrive in time","status":408,"title":"Request timeout",\
                "type":"urn:margin:problem:request-timeout"}
                """.utf8)
            var buffer = context.channel.allocator.buffer(capacity: body.count + 160)
            buffer.writeString(
                "HTTP/1.1 408 Request Timeout\r\ncontent-type: application/problem+json\r\n"
                    + "content-length: \(body.count)\r\nconnection: close\r\n\r\n")
            buffer.writeBytes(body)
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        }
        context.close(promise: nil)
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
