import Foundation
import MarginClient
import MarginCurl
import MarginShared
import MarginTestSupport
import Testing

@Suite struct HeldChangeTests {
    /// A server with a lower body limit refuses one note for good. The sync holds that note back
    /// and sends everything else, before and after it in the queue and in both kinds of request;
    /// the note stays here until it is edited to fit, then goes like any other.
    @Test func aRefusedRecordIsHeldBackAndTheRestSyncs() async throws {
        let server = try ServerProcess(["--max-note-body-bytes", "1000"])
        defer { server.stop() }
        let token = try await server.signup("held")
        let home = URL(fileURLWithPath: Scratch.folder("held"))
        let laptop = try storeWithNotes(150, home: home.path + "/laptop")
        let article = try laptop.records(kind: .article)[0].id
        let long = try laptop.addNote(
            article: article, quote: "text", body: String(repeating: "long ", count: 300), color: nil, tags: [])
        try addNotes(150, to: laptop)
        let url = server.baseURL.absoluteString
        var engine = SyncEngine(store: laptop, transport: CurlTransport(), server: url, token: token)
        engine.pushBatch = 100

        let first = try await engine.sync()
        #expect(first.held == [long.id])
        #expect(first.pushed == 301, "every other record went")
        #expect(try laptop.pendingCount() == 0)
        let held = try laptop.heldChanges()
        #expect(held.map(\.id) == [long.id])
        #expect(held.first?.kind == .note)
        #expect(held.first?.reason.contains("body") == true, "the server's reason is kept: \(held)")
        #expect(try laptop.status().held == held)

        let again = try await engine.sync()
        #expect(again.pushed == 0 && again.held.isEmpty, "a held record is not sent again by itself")

        let desktop = try LocalStore(home: home.path + "/desktop")
        let reader = SyncEngine(
            store: desktop, transport: CurlTransport(), server: url, token: try await server.login("held"))
        _ = try await reader.sync()
        #expect(try desktop.records(kind: .note).count == 300)
        #expect(throws: StoreError.self) { try desktop.record(long.id) }

        // Asked to retry, the server refuses it again, with nothing else lost.
        #expect(try laptop.releaseHeld() == 1)
        #expect(try await engine.sync().held == [long.id])

        // Edited to fit, it is queued again and goes.
        try laptop.update(long.id, [.set("body", .string("short now"))])
        #expect(try laptop.heldChanges().isEmpty)
        let fixed = try await engine.sync()
        #expect(fixed.pushed == 1 && fixed.held.isEmpty)
        _ = try await reader.sync()
        #expect(try desktop.record(long.id).string("body") == "short now")
    }

    /// `margin sync` says which change it held back and why, `margin status` keeps showing it, and
    /// `margin sync --retry-held` sends it again.
    @Test func theCommandLineShowsAHeldChangeAndRetriesIt() throws {
        let server = try ServerProcess(["--max-note-body-bytes", "100"])
        defer { server.stop() }
        let laptop = try Machine()
        try laptop.signup(server)
        try laptop.run("import", CLI.seedPath)
        let article = try laptop.mainArticle()
        try laptop.run("note", "add", article, "--quote", "Belarus", "--body", String(repeating: "long ", count: 40))
        try laptop.run("note", "add", article, "--quote", "Belarus", "--body", "short")

        let sync = try laptop.cli.run(["sync", "--quiet"], environment: [:])
        #expect(sync.status == 0, "the rest synced: \(sync.stderr)")
        #expect(sync.stderr.contains("held back"), "said on stderr: \(sync.stderr)")
        let status = try laptop.json("status", "--json") as! [String: Any]
        let held = status["held"] as! [[String: Any]]
        #expect(held.count == 1)
        #expect(held.first?["kind"] as? String == "note")
        #expect((held.first?["reason"] as? String)?.contains("body") == true)
        #expect(status["pending"] as? Int == 0)
        #expect(try laptop.run("status").contains("margin sync --retry-held"))

        let retried = try laptop.run("sync", "--quiet", "--retry-held")
        #expect(retried.contains("queued 1 held change(s) again"))
        #expect(((try laptop.json("status", "--json") as! [String: Any])["held"] as! [Any]).count == 1)
    }
}
