import CCurl
import Foundation
import MarginClient

/// A `SyncTransport` over libcurl: easy handles kept for reuse, so connections stay open; requests
/// sent one after another share one connection, and each concurrent one gets its own.
public final class CurlTransport {
    private let idle = IdleHandles()
    /// Seconds allowed to connect.
    public let connectTimeoutSeconds: Int
    /// Abort when slower than 1 byte/s for this many seconds (beyond a request's own wait).
    public let lowSpeedSeconds: Int

    /// A transport with its own connection.
    public init(connectTimeoutSeconds: Int = 10, lowSpeedSeconds: Int = 30) {
        Self.globalInit
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.lowSpeedSeconds = lowSpeedSeconds
    }

    deinit { idle.removeAll().forEach { curl_easy_cleanup($0) } }

    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    /// Sends one request on an idle handle (or a new one), off the cooperative thread pool.
    public func send(_ request: TransportRequest) async throws(TransportError) -> TransportResponse {
        let cancel = CancelFlag()
        let result: Result<TransportResponse, TransportError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                // curl_easy_perform blocks its thread for the whole exchange.
                DispatchQueue.global(qos: .userInitiated).async {
                    guard let handle = self.idle.take() ?? curl_easy_init() else {
                        continuation.resume(returning: .failure(.other("libcurl could not make a handle")))
                        return
                    }
                    let result = self.perform(request, on: handle, cancel: cancel)
                    self.idle.put(handle)
                    continuation.resume(returning: result)
                }
            }
        } onCancel: {
            cancel.set()
        }
        return try result.get()
    }

    /// Set when the sending task is cancelled; libcurl's progress callback then aborts the transfer.
    final class CancelFlag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false

        func set() { lock.withLock { value = true } }
        var isSet: Bool { lock.withLock { value } }
    }

    private final class Exchange {
        var body = Data()
        var headers: [String: String] = [:]
        let cancel: CancelFlag

        init(cancel: CancelFlag) {
            self.cancel = cancel
        }

        /// Takes one header line as libcurl hands it over (CRLF included); a status line starts a
        /// new response (after a redirect or a 100), so it clears what came before.
        func header(line: UnsafeRawBufferPointer) {
            // Bytes, not Foundation's trimming: this runs for every header of every request.
            if line.starts(with: "HTTP/".utf8) {
                headers = [:]
                return
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return }
            func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }
            var start = colon + 1
            var end = line.count
            while start < end && isSpace(line[start]) { start += 1 }
            while end > start && isSpace(line[end - 1]) { end -= 1 }
            let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
            headers[name] = String(decoding: line[start..<end], as: UTF8.self)
        }
    }

    private func perform(
        _ request: TransportRequest, on handle: UnsafeMutableRawPointer, cancel: CancelFlag
    ) -> Result<TransportResponse, TransportError> {
        // Reset keeps the live connection and the DNS cache; only the options go.
        curl_easy_reset(handle)
        let exchange = Exchange(cancel: cancel)
        let context = Unmanaged.passUnretained(exchange).toOpaque()
        margin_curl_setopt_string(handle, CURLOPT_URL, request.url)
        margin_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        margin_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, connectTimeoutSeconds * 1000)
        margin_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, request.timeoutSeconds * 1000)
        margin_curl_setopt_long(handle, CURLOPT_LOW_SPEED_LIMIT, 1)
        margin_curl_setopt_long(handle, CURLOPT_LOW_SPEED_TIME, max(lowSpeedSeconds, request.timeoutSeconds))
        margin_curl_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, "")  // every encoding libcurl can decode
        margin_curl_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1)
        margin_curl_setopt_string(handle, CURLOPT_USERAGENT, "margin/1")
        margin_curl_setopt_callback(handle, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            let exchange = Unmanaged<Exchange>.fromOpaque(context!).takeUnretainedValue()
            exchange.body.append(UnsafeRawPointer(data!).assumingMemoryBound(to: UInt8.self), count: size * count)
            return size * count
        }
        margin_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context)
        margin_curl_setopt_callback(handle, CURLOPT_HEADERFUNCTION) { data, size, count, context in
            let exchange = Unmanaged<Exchange>.fromOpaque(context!).takeUnretainedValue()
            exchange.header(line: UnsafeRawBufferPointer(start: data, count: size * count))
            return size * count
        }
        margin_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, context)
        // Called about once a second even while nothing moves: how a cancelled task stops a long-poll.
        margin_curl_setopt_long(handle, CURLOPT_NOPROGRESS, 0)
        margin_curl_setopt_xferinfo(handle) { context, _, _, _, _ in
            Unmanaged<Exchange>.fromOpaque(context!).takeUnretainedValue().cancel.isSet ? 1 : 0
        }
        margin_curl_setopt_pointer(handle, CURLOPT_XFERINFODATA, context)

        var list: UnsafeMutablePointer<curl_slist>?
        for (name, value) in request.headers { list = curl_slist_append(list, "\(name): \(value)") }
        list = curl_slist_append(list, "Expect:")  // no 100-continue round trip for large bodies
        defer { curl_slist_free_all(list) }
        margin_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, list)

        let body = request.body ?? Data()
        let code: CURLcode = body.withUnsafeBytes { bytes in
            switch request.method {
            case "GET":
                margin_curl_setopt_long(handle, CURLOPT_HTTPGET, 1)
            case "POST":
                margin_curl_setopt_long(handle, CURLOPT_POST, 1)
                margin_curl_setopt_offset(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count))
                margin_curl_setopt_pointer(
                    handle, CURLOPT_POSTFIELDS,
                    UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!))
            default:
                margin_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method)
            }
            return curl_easy_perform(handle)
        }
        if code == CURLE_ABORTED_BY_CALLBACK { return .failure(.cancelled) }
        guard code == CURLE_OK else { return .failure(Self.error(code, url: request.url)) }
        var status = 0
        margin_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return .success(TransportResponse(status: status, headers: exchange.headers, body: exchange.body))
    }

    static func error(_ code: CURLcode, url: String) -> TransportError {
        let message = String(cString: curl_easy_strerror(code))
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .dnsFailure(host: URLComponents(string: url)?.host ?? url)
        case CURLE_COULDNT_CONNECT:
            return .connectionRefused("\(url): \(message)")
        case CURLE_OPERATION_TIMEDOUT:
            return .timeout("\(url): \(message)")
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            return .tlsFailure("\(url): \(message)")
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_BAD_CONTENT_ENCODING:
            return .connectionLost("\(url): \(message)")
        default:
            return .other("\(url): \(message)")
        }
    }
}

// Each handle serves one request at a time: it is taken from `idle` for the request and put back after.
extension CurlTransport: @unchecked Sendable, SyncTransport {}

extension CurlTransport {
    /// Handles not in use, most recently used last.
    final class IdleHandles {
        private let lock = NSLock()
        private var handles: [UnsafeMutableRawPointer] = []

        func take() -> UnsafeMutableRawPointer? {
            lock.withLock { handles.popLast() }
        }

        func put(_ handle: UnsafeMutableRawPointer) {
            lock.withLock { handles.append(handle) }
        }

        func removeAll() -> [UnsafeMutableRawPointer] {
            lock.withLock {
                defer { handles = [] }
                return handles
            }
        }
    }
}

extension CurlTransport.IdleHandles: @unchecked Sendable {}  // every access holds `lock`
