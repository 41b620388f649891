import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP relay on 127.0.0.1 that can cut connections mid-response, for fault tests.
public final class TCPProxy: @unchecked Sendable {
    /// The port clients connect to.
    public private(set) var port: Int = 0
    private let listener: Int32
    private var upstream: Int
    private let lock = NSLock()
    private var cutsLeft: Int
    private let cutAfterBytes: Int
    private var cutCount = 0
    private var connectionCount = 0
    private var stopped = false
    private var holdsLeft = 0
    private var heldCount = 0
    private let released = NSCondition()
    private var releases = 0

    /// Relays to `upstreamPort`; the first `cuts` connections whose answers pass `cutAfterBytes`
    /// bytes are closed at that point.
    public init(upstreamPort: Int, cuts: Int = 0, cutAfterBytes: Int = 1_000) throws {
        self.upstream = upstreamPort
        self.cutsLeft = cuts
        self.cutAfterBytes = cutAfterBytes
        listener = try Self.listen()
        port = Self.localPort(listener)
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// Connections cut so far.
    public var cuts: Int { lock.withLock { cutCount } }
    /// Connections accepted so far.
    public var connections: Int { lock.withLock { connectionCount } }

    /// Relays new connections to `port` from now on (a load balancer failing over).
    public func switchUpstream(to port: Int) {
        lock.withLock { upstream = port }
    }

    /// Holds back the next `count` answers (each from its first byte) until `release()`.
    public func holdNextAnswers(_ count: Int) {
        lock.withLock { holdsLeft += count }
    }

    /// Answers held back right now: a test waits for this to know the server has answered.
    public var held: Int { lock.withLock { heldCount } }

    /// Blocks until `count` answers are held, for at most `seconds`; returns whether they are.
    ///
    /// It blocks its thread on purpose. A test that awaited here could resume only when the
    /// cooperative pool has a thread free, and on 2 cores other tests' blocking process waits can
    /// keep both for longer than the client's 60 s request timeout, after which the held answer
    /// is no longer the state the test set up.
    public func waitUntilHeld(_ count: Int = 1, within seconds: Double = 30) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while held < count && Date() < deadline { usleep(5_000) }
        return held >= count
    }

    /// Lets every held answer go on.
    public func release() {
        released.lock()
        releases += 1
        released.broadcast()
        released.unlock()
    }

    /// Blocks while this answer is to be held, when holds are left.
    private func holdIfAsked() {
        let hold = lock.withLock {
            guard holdsLeft > 0 else { return false }
            holdsLeft -= 1
            heldCount += 1
            return true
        }
        guard hold else { return }
        released.lock()
        let seen = releases
        while releases == seen { released.wait() }
        released.unlock()
        lock.withLock { heldCount -= 1 }
    }

    /// Stops accepting.
    public func stop() {
        // Once: `deinit` stops it too, and a second close could close whatever the process
        // opened since under the same number (another test's socket or pipe).
        let first = lock.withLock {
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    deinit { stop() }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 { return }
            let port = lock.withLock {
                connectionCount += 1
                return upstream
            }
            guard let upstream = try? Self.connect(port: port) else {
                close(client)
                continue
            }
            let pair = SocketPair(client, upstream)
            Thread.detachNewThread { Self.pump(from: client, to: upstream, pair: pair, limit: nil) { false } }
            Thread.detachNewThread { [self] in
                // Only answers that reach the limit count against the cuts.
                Self.pump(from: upstream, to: client, pair: pair, limit: cutAfterBytes, first: { self.holdIfAsked() }) {
                    self.lock.withLock {
                        guard self.cutsLeft > 0 else { return false }
                        self.cutsLeft -= 1
                        self.cutCount += 1
                        return true
                    }
                }
            }
        }
    }

    /// Copies bytes until either side closes, or until `limit` bytes when `cut` agrees, then closes both.
    private static func pump(
        from source: Int32, to sink: Int32, pair: SocketPair, limit: Int?, first: () -> Void = {}, cut: () -> Bool
    ) {
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        var total = 0
        var limit = limit
        var idle = true
        while true {
            let count = read(source, &buffer, buffer.count)
            if count <= 0 { break }
            // The first bytes of an answer (of each, on a kept-alive connection, when the previous
            // one was all read before this one began).
            if idle { first() }
            var pending = pollfd(fd: source, events: Int16(POLLIN), revents: 0)
            idle = poll(&pending, 1, 0) == 0
            var toSend = count
            if let cutAt = limit, total + count >= cutAt {
                if cut() { toSend = max(0, cutAt - total) } else { limit = nil }
            }
            var sent = 0
            while sent < toSend {
                // send with MSG_NOSIGNAL: a write to a client that was killed must not SIGPIPE the tests.
                let written = buffer.withUnsafeBytes {
                    send(sink, $0.baseAddress! + sent, toSend - sent, Int32(MSG_NOSIGNAL))
                }
                if written <= 0 { break }
                sent += written
            }
            total += toSend
            if let cutAt = limit, total >= cutAt { break }
        }
        pair.finished()
    }

    /// The two sockets of one relayed connection, shut down by the first pump to finish (which
    /// ends the other's read) and closed by the second: closing one twice could close whatever
    /// the process opened since under the same number.
    final class SocketPair: @unchecked Sendable {
        private let lock = NSLock()
        private let sockets: (Int32, Int32)
        private var done = 0

        init(_ first: Int32, _ second: Int32) {
            sockets = (first, second)
        }

        func finished() {
            lock.withLock {
                done += 1
                if done == 1 {
                    shutdown(sockets.0, Int32(SHUT_RDWR))
                    shutdown(sockets.1, Int32(SHUT_RDWR))
                } else {
                    close(sockets.0)
                    close(sockets.1)
                }
            }
        }
    }

    /// A listening socket on 127.0.0.1 with a free port.
    public static func listen(backlog: Int32 = 64) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, Glibc.listen(fd, backlog) == 0 else { throw HarnessError("cannot listen on 127.0.0.1") }
        return fd
    }

    /// The port a socket is bound to.
    public static func localPort(_ fd: Int32) -> Int {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func connect(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(fd)
            throw HarnessError("cannot connect to 127.0.0.1:\(port)")
        }
        return fd
    }

    /// A port nothing listens on right now.
    public static func freePort() throws -> Int {
        let fd = try listen()
        defer { close(fd) }
        return localPort(fd)
    }
}
