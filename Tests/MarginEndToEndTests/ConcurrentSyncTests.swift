import Foundation
import MarginTestSupport
import Testing

/// Two `margin sync` processes on one home: the second waits for the first, and nothing is lost
/// whichever answer arrives when. A proxy holds the first sync's answer back while the rest happens.
@Suite struct ConcurrentSyncTests {
    /// Waits until the proxy holds an answer (the held sync's server work is done).
    func waitUntilHeld(_ proxy: TCPProxy) {
        #expect(proxy.waitUntilHeld(), "the first sync's answer is held")
    }

    func wait(_ process: Process) async throws {
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(!process.isRunning)
        #expect(process.terminationStatus == 0)
    }

    /// A deletes note N; B's held sync has a page with N alive, and B's second sync pulls the
    /// delete. N must stay deleted on B.
    @Test func aDeletedNoteStaysDeleted() async throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let proxy = try TCPProxy(upstreamPort: server.baseURL.port!)
        defer { proxy.stop() }
        let (a, b, article) = try twoMachines(server, secondAt: "http://127.0.0.1:\(proxy.port)")
        try a.run("note", "add", article, "--quote", "potash", "--body", "doomed")
        try a.run("sync")
        let note = try a.notes()[0]["id"] as! String

        proxy.holdNextAnswers(1)
        let held = try b.startSync()  // its page carries N alive
        waitUntilHeld(proxy)
        try a.run("note", "rm", note)
        try a.run("sync")
        let second = try b.startSync()  // would pull the delete
        // Blocking, like `waitUntilHeld`: the held answer must still be held when this looks.
        usleep(300_000)
        #expect(held.isRunning, "the first sync is still held")
        #expect(second.isRunning, "the second sync waits for the first")
        proxy.release()
        try await wait(held)
        try await wait(second)
        try b.run("sync")
        #expect(try b.notes().isEmpty, "the note stays deleted on B")
        try a.run("sync")
        #expect(try a.export() == b.export())
    }

    /// B edits N to b1 and its held sync pushes it; B edits N to b2 meanwhile. b2 must reach the
    /// server, and nothing may be left pending in between as if it had.
    @Test func anEditMadeDuringASyncIsSent() async throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let proxy = try TCPProxy(upstreamPort: server.baseURL.port!)
        defer { proxy.stop() }
        let a = try Machine()
        let b = try Machine()
        try b.run("import", CLI.seedPath)
        try b.signup(server)
        try b.run("logout")
        try b.login("http://127.0.0.1:\(proxy.port)")
        let article = try b.mainArticle()
        try b.run("note", "add", article, "--quote", "potash", "--body", "b0")
        try b.run("sync")
        let note = try b.notes()[0]["id"] as! String

        try b.run("note", "edit", note, "--body", "b1")
        proxy.holdNextAnswers(1)
        let held = try b.startSync()  // pushes b1
        waitUntilHeld(proxy)
        let second = try b.startSync()
        try b.run("note", "edit", note, "--body", "b2")
        #expect(try b.pending() == 1)
        proxy.release()
        try await wait(held)
        try await wait(second)
        #expect(try b.pending() == 0)
        try a.login(server.baseURL.absoluteString)
        try a.run("sync")
        let notes = try a.notes()
        #expect(notes.first?["body"] as? String == "b2", "\(notes)")
    }
}
