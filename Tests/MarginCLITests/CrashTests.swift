import Foundation
import MarginTestSupport
import Testing

/// Killing the process at any instant loses no acknowledged write and never corrupts the store.
@Suite struct CrashTests {
    @Test func sigkillDuringAStreamOfWritesLosesNothingAcknowledged() throws {
        let cli = try CLI()
        _ = try cli.ok(["import", CLI.seedPath])
        let article =
            (try parseJSON(try cli.ok(["articles", "--json"])) as! [[String: Any]])
            .first { ($0["title"] as? String)?.hasPrefix("A Quick") == true }!["id"] as! String
        var acknowledged = Set<String>()
        for round in 0..<3 {
            let process = Process()
            process.executableURL = CLI.binDirectory.appendingPathComponent("margin")
            process.arguments = ["_write-loop", article, "--count", "100000"]
            process.environment = ProcessInfo.processInfo.environment.merging(["MARGIN_HOME": cli.home]) { _, new in new
            }
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            // Let it commit a varying number of notes, then kill it wherever it is.
            var printed = Data()
            let target = 20 + round * 37
            while printed.split(separator: UInt8(ascii: "\n")).count < target {
                printed.append(out.fileHandleForReading.availableData)
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            printed.append(out.fileHandleForReading.readDataToEndOfFile())
            #expect(process.terminationReason == .uncaughtSignal)
            // Only complete lines were acknowledged.
            let text = String(decoding: printed, as: UTF8.self)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            acknowledged.formUnion(lines.dropLast().map(String.init))
        }
        let check = try CLI.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "python3", "-c",
                "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('PRAGMA integrity_check').fetchone()[0])",
                cli.home + "/margin.sqlite",
            ],
            home: nil, stdin: nil, environment: [:])
        #expect(check.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "ok")
        let notes = try parseJSON(try cli.ok(["notes", "--json"])) as! [[String: Any]]
        let stored = Set(notes.map { $0["id"] as! String })
        #expect(acknowledged.count >= 20 + 57 + 94)
        #expect(acknowledged.isSubset(of: stored), "missing: \(acknowledged.subtracting(stored).prefix(5))")
        // Every stored note is whole: its outbox entry committed with it.
        let status = try parseJSON(try cli.ok(["status", "--json"])) as! [String: Any]
        #expect(status["pending"] as? Int == stored.count + 2)
        _ = try cli.ok(["search", "note"])
    }
}
