import Foundation
import MarginTestSupport
import Testing

/// What merging valid edits produces is always stored, sent and taken by every machine.
@Suite struct MergeLimitTests {
    /// Two machines add 40 tags each (under the limit of 64) to one article offline: the merged 80
    /// must not wedge the account, for them or for a machine that logs in afterwards.
    @Test func twoMachinesTagsPastTheLimitStillSync() async throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let (laptop, desktop, article) = try twoMachines(server)

        try laptop.cli.must(["tag", "add", article] + (0..<40).map { "laptop-\($0)" }, environment: [:])
        try desktop.cli.must(["tag", "add", article] + (0..<40).map { "desktop-\($0)" }, environment: [:])
        try laptop.run("sync")
        try desktop.run("sync")
        try laptop.run("sync")

        let newcomer = try Machine()
        try newcomer.login(server.baseURL.absoluteString)
        try newcomer.run("sync")
        for machine in [laptop, desktop, newcomer] {
            let articles = try machine.json("articles", "--json") as! [[String: Any]]
            let tags = articles.first { $0["id"] as? String == article }?["tags"] as? [String]
            #expect(tags?.count == 80)
        }
        // Each machine can go on editing the merged record, and every sync still succeeds.
        try desktop.run("tag", "add", article, "after-the-merge")
        try desktop.run("sync")
        try laptop.run("sync")
        try newcomer.run("sync")
        #expect(try laptop.export() == desktop.export())
        #expect(try newcomer.export() == laptop.export())
        // One machine's own adds are still bounded: 25 more would give the laptop 65.
        let over = try laptop.cli.run(["tag", "add", article] + (40..<65).map { "laptop-\($0)" }, environment: [:])
        #expect(over.status != 0)
        #expect(over.stderr.contains("more than 64 tags"), "\(over.stderr)")
    }
}
