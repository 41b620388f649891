import Foundation
import MarginTestSupport
import Testing

/// Conflicts name the machine that wrote each version, by the name it logged in with.
@Suite struct DeviceNameTests {
    @Test func conflictsNameTheOtherMachine() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let laptop = try Machine()
        let desktop = try Machine()
        let url = server.baseURL.absoluteString
        try laptop.run("signup", "--server", url, "--user", "reader", "--device", "Ann's laptop")
        try desktop.run("login", "--server", url, "--user", "reader", "--device", "office desktop")
        try laptop.run("import", CLI.seedPath)
        try laptop.run("sync")
        try desktop.run("sync")
        let article = try laptop.mainArticle()
        try laptop.run("note", "add", article, "--quote", "potash", "--body", "first")
        try laptop.run("sync")
        try desktop.run("sync")
        let note = try laptop.notes()[0]["id"] as! String
        try laptop.run("note", "edit", note, "--body", "from the laptop")
        try desktop.run("note", "edit", note, "--body", "from the desktop")
        try laptop.run("sync")
        // The desktop learns of the conflict in this sync, and with it the other machine's name.
        try desktop.run("sync")

        let text = try desktop.run("conflicts")
        #expect(text.contains("from Ann's laptop at"), "\(text)")
        #expect(text.contains("from this machine at"), "\(text)")
        #expect(!text.contains("replica "), "\(text)")
        let conflicts = try desktop.json("conflicts", "--json") as! [[String: Any]]
        let machines = ((conflicts.first?["siblings"] as? [[String: Any]]) ?? []).flatMap {
            $0["machines"] as? [String] ?? []
        }
        #expect(Set(machines) == ["Ann's laptop", "this machine"])
        // The laptop logged in before the desktop did: it learns the name when the conflict reaches it.
        try laptop.run("sync")
        #expect(try laptop.run("conflicts").contains("from office desktop at"))
    }
}
