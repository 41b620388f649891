import Foundation
import NIOConcurrencyHelpers

/// Counters the server exposes at `/metrics` in the Prometheus text format.
public final class ServerMetrics: Sendable {
    private struct State {
        var requests: [String: Int] = [:]
        var bucketCounts: [Int]
        var latencyCount = 0
        var latencySum = 0.0
        var recordsMerged = 0
        var conflictsCreated = 0
        var pushRetries = 0
        var openLongPolls = 0
        var inFlight = 0
    }

    /// Upper bounds of the latency histogram's buckets, in seconds.
    static let buckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]
    private let state = NIOLockedValueBox(State(bucketCounts: Array(repeating: 0, count: buckets.count)))

    /// Empty counters.
    public init() {}

    /// Counts a finished request.
    func request(method: String, route: String, status: Int, seconds: Double) {
        state.withLockedValue { state in
            state.requests["method=\"\(method)\",route=\"\(route)\",status=\"\(status)\"", default: 0] += 1
            state.latencyCount += 1
            state.latencySum += seconds
            for (index, bound) in Self.buckets.enumerated() where seconds <= bound {
                state.bucketCounts[index] += 1
            }
        }
    }

    /// Counts what a push did: records merged, conflicts created, and reads it did again because
    /// another writer of its account got in between.
    func pushed(_ outcome: PushOutcome) {
        state.withLockedValue {
            $0.recordsMerged += outcome.merged
            $0.conflictsCreated += outcome.conflictsCreated
            $0.pushRetries += outcome.retries
        }
    }

    /// Moves the gauge of requests being handled.
    func inFlight(_ delta: Int) {
        state.withLockedValue { $0.inFlight += delta }
    }

    /// Moves the open long-poll gauge.
    func longPoll(_ delta: Int) {
        state.withLockedValue { $0.openLongPolls += delta }
    }

    /// The Prometheus text exposition, with the count of registered change subscriptions.
    func render(subscriptions: Int = 0) -> String {
        state.withLockedValue { state in
            var out = "# HELP margin_http_requests_total HTTP requests by method, route and status.\n"
            out += "# TYPE margin_http_requests_total counter\n"
            for (labels, count) in state.requests.sorted(by: { $0.key < $1.key }) {
                out += "margin_http_requests_total{\(labels)} \(count)\n"
            }
            out += "# HELP margin_http_request_duration_seconds Time to answer a request.\n"
            out += "# TYPE margin_http_request_duration_seconds histogram\n"
            for (index, bound) in Self.buckets.enumerated() {
                out += "margin_http_request_duration_seconds_bucket{le=\"\(bound)\"} \(state.bucketCounts[index])\n"
            }
            out += "margin_http_request_duration_seconds_bucket{le=\"+Inf\"} \(state.latencyCount)\n"
            out += "margin_http_request_duration_seconds_sum \(state.latencySum)\n"
            out += "margin_http_request_duration_seconds_count \(state.latencyCount)\n"
            out += "# HELP margin_records_merged_total Pushed records that changed stored state.\n"
            out += "# TYPE margin_records_merged_total counter\nmargin_records_merged_total \(state.recordsMerged)\n"
            out += "# HELP margin_conflicts_created_total Conflicting fields created by pushes.\n"
            out +=
                "# TYPE margin_conflicts_created_total counter\nmargin_conflicts_created_total \(state.conflictsCreated)\n"
            out +=
                "# HELP margin_push_retries_total Pushes that read again: another writer of the account got in first.\n"
            out += "# TYPE margin_push_retries_total counter\nmargin_push_retries_total \(state.pushRetries)\n"
            out += "# HELP margin_long_polls_open Long-poll requests waiting for changes.\n"
            out += "# TYPE margin_long_polls_open gauge\nmargin_long_polls_open \(state.openLongPolls)\n"
            out +=
                "# HELP margin_http_requests_in_flight Requests being handled, their bodies perhaps still arriving.\n"
            out += "# TYPE margin_http_requests_in_flight gauge\nmargin_http_requests_in_flight \(state.inFlight)\n"
            out += "# HELP margin_change_subscriptions Registered interests in a user's changes.\n"
            out += "# TYPE margin_change_subscriptions gauge\nmargin_change_subscriptions \(subscriptions)\n"
            return out
        }
    }
}
