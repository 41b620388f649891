import Foundation
import MarginClient
import MarginShared

/// A `SyncTransport` that answers from a script, in order, and keeps every request it was sent.
final class ScriptedTransport: SyncTransport, @unchecked Sendable {
    /// One scripted answer.
    enum Answer {
        case reply(Int, headers: [String: String] = [:], body: String)
        case failure(TransportError)
        /// Waits until the sending task is cancelled, then fails as a cancelled transfer does.
        case hang
    }

    private let lock = NSLock()
    private var answers: [Answer]
    private var sent: [TransportRequest] = []

    init(_ answers: [Answer]) {
        self.answers = answers
    }

    /// The requests sent so far.
    var requests: [TransportRequest] { lock.withLock { sent } }

    /// The JSON bodies of the requests sent so far.
    var bodies: [JSONValue] { requests.compactMap { $0.body.flatMap { try? JSONValue.parse($0) } } }

    func send(_ request: TransportRequest) async throws(TransportError) -> TransportResponse {
        let answer: Answer? = lock.withLock {
            sent.append(request)
            return answers.isEmpty ? nil : answers.removeFirst()
        }
        switch answer {
        case .reply(let status, let headers, let body)?:
            return TransportResponse(status: status, headers: headers, body: Data(body.utf8))
        case .failure(let error)?:
            throw error
        case .hang?:
            while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(5)) }
            throw .cancelled
        case nil:
            throw .other("the script ran out at request \(requests.count): \(request.method) \(request.url)")
        }
    }

    /// A change page: `records` as the server stores them.
    static func page(_ records: [RecordState] = [], cursor: String, more: Bool = false) -> Answer {
        let changes = records.map { String(decoding: WireFormat.bytes($0), as: UTF8.self) }.joined(separator: ",")
        return .reply(200, body: "{\"changes\":[\(changes)],\"cursor\":\"\(cursor)\",\"more\":\(more)}")
    }

    /// A problem+json answer.
    static func problem(_ status: Int, _ detail: String, headers: [String: String] = [:], extra: String = "")
        -> Answer
    {
        .reply(
            status, headers: headers.merging(["content-type": "application/problem+json"]) { a, _ in a },
            body:
                "{\"detail\":\"\(detail)\",\"status\":\(status)\(extra),\"title\":\"x\",\"type\":\"urn:margin:problem:x\"}"
        )
    }
}
