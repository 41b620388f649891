import Foundation
import MarginTestSupport
import Testing

/// Two instances behind one address: the one serving a client's push is SIGKILLed mid-push, the
/// address fails over to the other, and the client finishes there; every machine converges.
@Suite(.enabled(if: StoreBackend.postgresAvailable)) struct InstanceFailoverTests {
    @Test func aClientFinishesThroughTheOtherInstance() async throws {
        let first = try ServerProcess(backend: .postgres)
        defer { first.stop() }
        let second = try ServerProcess(database: first.database)
        defer { second.stop() }
        let balancer = try TCPProxy(upstreamPort: first.baseURL.port!)
        defer { balancer.stop() }
        let address = "http://127.0.0.1:\(balancer.port)"

        let writer = try Machine()
        try writer.run("import", CLI.seedPath)
        try writer.run("signup", "--server", address, "--user", "reader")
        let article = try writer.mainArticle()
        try writer.run("_write-loop", article, "--count", "3000")
        let sync = try writer.startSync()
        // Killed once it has stored part of the push: the state the test sees.
        let deadline = Date().addingTimeInterval(60)
        while try await metric(first, "margin_records_merged_total") == 0 && sync.isRunning && Date() < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        first.crash()
        balancer.switchUpstream(to: second.baseURL.port!)
        let finished = Date().addingTimeInterval(90)
        while sync.isRunning && Date() < finished { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!sync.isRunning)
        // The interrupted sync rode it out with retries, or failed cleanly; the next one finishes.
        try writer.run("sync")
        #expect(try writer.pending() == 0)

        let reader = try Machine()
        try reader.login(second.baseURL.absoluteString)
        try reader.run("sync")
        let notes = try reader.notes()
        #expect(notes.count == 3000 && Set(notes.map { $0["id"] as! String }).count == 3000)
        try writer.run("sync")
        #expect(try reader.export() == writer.export())
    }
}
