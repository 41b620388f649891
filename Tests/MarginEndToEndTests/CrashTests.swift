import Foundation
import MarginTestSupport
import Testing

/// Killing the server or the client in the middle of a large sync loses and duplicates nothing.
@Suite(.serialized) struct SyncCrashTests {
    static let noteCount = 3_000

    func largeOutbox() throws -> (Machine, String) {
        let machine = try Machine()
        try machine.run("import", CLI.seedPath)
        let article = try machine.mainArticle()
        try machine.run("_write-loop", article, "--count", String(Self.noteCount))
        return (machine, article)
    }

    func checkComplete(_ writer: Machine, _ server: ServerProcess) throws {
        #expect(try writer.pending() == 0)
        let reader = try Machine()
        try reader.login(server.baseURL.absoluteString)
        try reader.run("sync")
        let notes = try reader.notes()
        #expect(notes.count == Self.noteCount)
        #expect(Set(notes.map { $0["id"] as! String }).count == Self.noteCount, "no duplicates")
        try writer.run("sync")
        #expect(try writer.export() == reader.export())
    }

    /// Starts `machine`'s sync through `proxy`, which holds the sync's first answer, and SIGKILLs
    /// it once that answer is held: a state the test sees, however fast the machine.
    func killSyncWithItsFirstAnswerHeld(_ machine: Machine, _ proxy: TCPProxy) throws {
        proxy.holdNextAnswers(1)
        let sync = try machine.startSync()
        #expect(proxy.waitUntilHeld(within: 60), "the first answer is held")
        kill(sync.processIdentifier, SIGKILL)
        sync.waitUntilExit()
        proxy.release()
        #expect(sync.terminationReason == .uncaughtSignal)
    }

    /// Waits until the server has merged something from the running sync (or a minute passes).
    func waitForFirstMerge(_ server: ServerProcess, _ sync: Process) async throws {
        let deadline = Date().addingTimeInterval(60)
        while try await metric(server, "margin_records_merged_total") == 0 && sync.isRunning && Date() < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    @Test(arguments: StoreBackend.testable) func serverKilledMidSyncAndRestarted(backend: StoreBackend) async throws {
        let (writer, _) = try largeOutbox()
        let port = try TCPProxy.freePort()
        let killed = try ServerProcess(port: port, backend: backend)
        // Stopped last: on PostgreSQL it drops the database the restarted server serves.
        defer { killed.stop() }
        try writer.signup(killed)
        let sync = try writer.startSync()
        try await waitForFirstMerge(killed, sync)
        killed.crash()
        let server = try ServerProcess(data: killed.data, port: port, database: killed.database)
        defer { server.stop() }
        sync.waitUntilExit()
        // The interrupted sync either rode out the restart with retries or failed cleanly; the next completes.
        try writer.run("sync")
        try checkComplete(writer, server)
    }

    @Test func clientKilledMidSync() async throws {
        let (writer, _) = try largeOutbox()
        let server = try ServerProcess()
        defer { server.stop() }
        try writer.signup(server)
        // Through a proxy that holds the sync's first answer: the kill then comes at a state the
        // test sees (the server has stored a batch the client has not heard back about), however
        // fast the machine (a sync that finished first made this test fail once).
        let proxy = try TCPProxy(upstreamPort: server.baseURL.port!)
        defer { proxy.stop() }
        try writer.run("logout")
        try writer.login("http://127.0.0.1:\(proxy.port)")
        try killSyncWithItsFirstAnswerHeld(writer, proxy)
        let merged = try await metric(server, "margin_records_merged_total")
        #expect(merged < Self.noteCount + 2, "killed before the end")
        try writer.run("sync")
        try checkComplete(writer, server)
    }

    /// A new machine's first sync is a bulk load (its indexes dropped until the end): killed in
    /// it, at an observed state (the server's first answer held), the store keeps a local edit made
    /// before the next sync, and that sync completes it, with nothing duplicated.
    @Test func aFirstSyncKilledMidBootstrapLosesNothing() async throws {
        let (writer, server, proxy, reader) = try newMachineBesideALargeLibrary()
        defer { server.stop() }
        defer { proxy.stop() }
        try killSyncWithItsFirstAnswerHeld(reader, proxy)
        #expect(try reader.journalVersion() == 1, "killed while the store was filled under a rollback journal")
        // A local edit after the kill, before the next sync: it must reach the server.
        try reader.run("import", CLI.seedPath)
        let article = try reader.mainArticle()
        try reader.run("note", "add", article, "--quote", "potash", "--body", "made mid-bootstrap")
        try reader.run("sync")
        let notes = try reader.notes()
        #expect(notes.count == Self.noteCount + 1)
        #expect(Set(notes.map { $0["id"] as! String }).count == notes.count, "no duplicates")
        try writer.run("sync")
        #expect(try writer.notes().contains { $0["body"] as? String == "made mid-bootstrap" })
        #expect(try writer.export() == reader.export())
    }

    /// Another process that imports and edits during a new machine's first sync (while its first
    /// answer is held) puts the store back in WAL; its edits are kept and reach the server, and
    /// nothing is duplicated.
    @Test func anEditMadeDuringAFirstSyncIsKept() async throws {
        let (writer, server, proxy, reader) = try newMachineBesideALargeLibrary()
        defer { server.stop() }
        defer { proxy.stop() }
        proxy.holdNextAnswers(1)
        let first = try reader.startSync()
        #expect(proxy.waitUntilHeld(within: 60), "the first answer is held")
        #expect(try reader.journalVersion() == 1, "the first sync fills the store under a rollback journal")
        try reader.run("import", CLI.seedPath)
        try reader.run("note", "add", try reader.mainArticle(), "--quote", "potash", "--body", "made mid-bootstrap")
        #expect(try reader.journalVersion() == 2, "the other process put the store back in WAL")
        #expect(first.isRunning, "the first sync is still held")
        proxy.release()
        #expect(first.waitForExit(within: 120) && first.terminationStatus == 0)
        try reader.run("sync")
        let notes = try reader.notes()
        #expect(notes.count == Self.noteCount + 1)
        #expect(Set(notes.map { $0["id"] as! String }).count == notes.count, "no duplicates")
        #expect(try reader.pending() == 0)
        try writer.run("sync")
        #expect(try writer.notes().contains { $0["body"] as? String == "made mid-bootstrap" })
        #expect(try writer.export() == reader.export())
    }

    /// A server holding `largeOutbox()`'s notes from `writer`, and a new machine, `reader`, logged
    /// in to it through `proxy`.
    func newMachineBesideALargeLibrary() throws -> (
        writer: Machine, server: ServerProcess, proxy: TCPProxy, reader: Machine
    ) {
        let (writer, _) = try largeOutbox()
        let server = try ServerProcess()
        try writer.signup(server)
        try writer.run("sync")
        let proxy = try TCPProxy(upstreamPort: server.baseURL.port!)
        let reader = try Machine()
        try reader.login("http://127.0.0.1:\(proxy.port)")
        return (writer, server, proxy, reader)
    }

    @Test func aConnectionCutMidResponseIsRetried() async throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let writer = try Machine()
        try writer.run("import", CLI.seedPath)
        try writer.signup(server)
        let article = try writer.mainArticle()
        try writer.run("_write-loop", article, "--count", "200")
        try writer.run("sync")

        let proxy = try TCPProxy(upstreamPort: server.baseURL.port!, cuts: 2, cutAfterBytes: 4_000)
        defer { proxy.stop() }
        let reader = try Machine()
        try reader.login(server.baseURL.absoluteString)
        try reader.run("logout")
        try reader.login("http://127.0.0.1:\(proxy.port)")
        let output = try reader.run("sync")
        #expect(output.contains("pulled 202"))
        #expect(proxy.cuts == 2, "two responses were cut mid-way and retried")
        #expect(try reader.notes().count == 200)
        #expect(try reader.export() == writer.export())
    }
}
