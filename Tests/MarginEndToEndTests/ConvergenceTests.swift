import Foundation
import MarginTestSupport
import Testing

/// Three machines edit offline and sync in several orders; they end with identical complete state.
@Suite struct ConvergenceTests {
    /// On PostgreSQL, through two instances: machine i syncs through instance i mod 2.
    @Test(arguments: StoreBackend.testable, [[0, 1, 2], [2, 1, 0], [1, 2, 0, 2, 1]])
    func threeMachinesConvergeWhateverTheSyncOrder(backend: StoreBackend, order: [Int]) async throws {
        let server = try ServerProcess(backend: backend)
        defer { server.stop() }
        let other = backend == .postgres ? try ServerProcess(database: server.database) : nil
        defer { other?.stop() }
        let instances = [server] + (other.map { [$0] } ?? [])
        let machines = try (0..<3).map { _ in try Machine() }
        for machine in machines { try machine.run("import", CLI.seedPath) }
        try machines[0].signup(server)
        for (index, machine) in machines.enumerated().dropFirst() {
            try machine.login(instances[index % instances.count].baseURL.absoluteString)
        }
        for machine in machines { try machine.run("sync") }
        let article = try machines[0].mainArticle()
        try machines[0].run("note", "add", article, "--quote", "potash", "--body", "original", "--tag", "shared")
        try machines[0].run("sync")
        for machine in machines.dropFirst() { try machine.run("sync") }
        let note = try machines[1].notes()[0]["id"] as! String

        // Offline edits, overlapping on purpose.
        try machines[0].run("note", "edit", note, "--body", "edited on machine 0")
        try machines[0].run("tag", "add", article, "zero")
        try machines[0].run("progress", article, "30")
        try machines[1].run("note", "edit", note, "--body", "edited on machine 1")
        try machines[1].run("tag", "rm", note, "shared")
        try machines[1].run("progress", article, "60")
        try machines[1].run("note", "add", article, "--quote", "Viasna", "--body", "from machine 1")
        try machines[2].run("note", "rm", note)
        try machines[2].run("tag", "add", article, "two")
        try machines[2].run("archive", article)
        try machines[2].run("bookmark", "add", article, "--offset", "42", "--label", "two's place")

        for index in order { try machines[index].run("sync") }
        // Everyone syncs once more, then once again so the last pushes reach the first syncers.
        for machine in machines { try machine.run("sync") }
        for machine in machines { try machine.run("sync") }

        let exports = try machines.map { try $0.export() }
        #expect(exports[0] == exports[1] && exports[1] == exports[2], "order \(order) on \(backend)")
        let notes = try machines[0].notes()
        // The delete on machine 2 had not seen the edits: edit wins, the note lives, with both bodies.
        let shared = try #require(notes.first { $0["id"] as? String == note })
        #expect(shared["conflicts"] as? [String] == ["body"])
        #expect(shared["tags"] as? [String] == [])
        #expect(notes.count == 2)
        let articles = try machines[2].json("articles", "--archived", "--json") as! [[String: Any]]
        let main = try #require(articles.first { $0["id"] as? String == article })
        #expect(main["tags"] as? [String] == ["two", "zero"])
        #expect(main["progress"] as? Double == 0.6)
        let conflicts = try machines[1].json("conflicts", "--json") as! [[String: Any]]
        let bodies = Set(
            ((conflicts.first?["siblings"] as? [[String: Any]]) ?? []).compactMap { $0["value"] as? String })
        #expect(bodies == ["edited on machine 0", "edited on machine 1"])

        // What machine 2 pulled waits for its search entry (status says so); a search indexes it first.
        let status = try machines[2].json("status", "--json") as! [String: Any]
        #expect((status["searchBacklog"] as? Int ?? 0) > 0)
        let hits = try machines[2].json("search", "Viasna", "--json") as! [[String: Any]]
        #expect(hits.contains { $0["kind"] as? String == "note" })
        #expect((try machines[2].json("status", "--json") as! [String: Any])["searchBacklog"] as? Int == 0)
    }

    /// A delete is kept on the deleting machine until the server has it, then neither machine keeps
    /// the tombstone (the server does, for its retention window).
    @Test func aSyncedDeleteLeavesNoTombstoneOnTheMachines() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let laptop = try Machine()
        let desktop = try Machine()
        for machine in [laptop, desktop] { try machine.run("import", CLI.seedPath) }
        try laptop.signup(server)
        try desktop.login(server.baseURL.absoluteString)
        let article = try laptop.mainArticle()
        try laptop.run("note", "add", article, "--quote", "potash", "--body", "short-lived")
        try laptop.run("sync")
        try desktop.run("sync")
        let note = try desktop.notes()[0]["id"] as! String

        try laptop.run("note", "rm", note)
        func deleted(_ machine: Machine) throws -> Int? {
            (try machine.json("status", "--json") as! [String: Any])["deleted"] as? Int
        }
        #expect(try deleted(laptop) == 1, "kept until the server has it")
        try laptop.run("sync")
        #expect(try deleted(laptop) == 0)
        try desktop.run("sync")
        #expect(try deleted(desktop) == 0)
        #expect(try desktop.notes().isEmpty)
        #expect(try laptop.export() == desktop.export())
    }
}
