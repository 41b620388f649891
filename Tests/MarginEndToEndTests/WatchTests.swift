import Foundation
import MarginTestSupport
import Testing

/// `margin sync --watch` keeps a machine in step both ways while it runs.
@Suite struct WatchTests {
    @Test func aWatcherPushesAnotherProcesssEditAndPullsOtherMachines() async throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let (laptop, desktop, article) = try twoMachines(server)

        let watcher = Process()
        watcher.executableURL = CLI.binDirectory.appendingPathComponent("margin")
        watcher.arguments = ["sync", "--watch", "--quiet"]
        watcher.environment = ProcessInfo.processInfo.environment.merging(["MARGIN_HOME": laptop.cli.home]) { $1 }
        let logPath = Scratch.folder("watch") + "/watch.log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        watcher.standardOutput = log
        watcher.standardError = log
        try watcher.run()
        defer {
            watcher.terminate()
            watcher.waitUntilExit()
        }

        // An edit made by another process on the watched machine leaves it without a manual sync.
        // Each step's seconds go into the failure message: a run under load once took 60 s here.
        var steps: [String] = []
        var started = Date()
        try laptop.run("note", "add", article, "--quote", "potash", "--body", "from the laptop")
        steps.append(String(format: "note add %.1f s", Date().timeIntervalSince(started)))
        var arrived = false
        let deadline = Date().addingTimeInterval(60)
        while !arrived && Date() < deadline {
            started = Date()
            try desktop.run("sync")
            steps.append(String(format: "desktop sync %.1f s", Date().timeIntervalSince(started)))
            arrived = try desktop.notes().contains { $0["body"] as? String == "from the laptop" }
            if !arrived { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(
            arrived,
            """
            the watcher pushed the other process's edit; steps: \(steps.joined(separator: ", ")); watcher log: \
            \((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "")
            """)
        #expect(try laptop.pending() == 0)

        // And another machine's edit arrives on the watched one by itself.
        try desktop.run("tag", "add", article, "from-the-desktop")
        try desktop.run("sync")
        var pulled = false
        let later = Date().addingTimeInterval(60)
        while !pulled && Date() < later {
            let articles = try laptop.json("articles", "--json") as! [[String: Any]]
            pulled =
                (articles.first { $0["id"] as? String == article }?["tags"] as? [String])?
                .contains("from-the-desktop") == true
            if !pulled { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(pulled, "the watcher pulled the other machine's edit")
        #expect(watcher.isRunning)
    }
}
