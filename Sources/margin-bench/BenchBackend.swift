import ArgumentParser
import Foundation

/// The store a sync benchmark runs against: its server instances and the targets set for it.
struct BenchBackend {
    /// The targets of one backend, from its issue.
    struct Goals {
        /// Records per second a push of the largest size must reach.
        var push: Double
        /// Seconds an incremental round may take at the median.
        var incrementalP50: Double
        /// Records per second each concurrent run must reach.
        var concurrent: Double
    }

    let name: String
    let servers: [BenchServer]
    /// The PostgreSQL database made for this run (dropped by `stop`), with the role that made it.
    var database: (url: String, admin: String)?

    /// "sqlite", or "postgres×2" for two instances.
    var label: String { servers.count > 1 ? "\(name)×\(servers.count)" : name }

    var goals: Goals {
        name == "sqlite"
            ? Goals(push: 30_000, incrementalP50: 0.002, concurrent: 20_000)
            : Goals(push: 20_000, incrementalP50: 0.005, concurrent: 15_000)
    }

    /// `instances` servers on a new database that the role of `admin` creates.
    static func postgres(bin: URL, admin: String, instances: Int) throws -> BenchBackend {
        guard var url = URLComponents(string: admin) else { throw ValidationError("--database is not a URL") }
        let name = "margin_bench_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12)
        try psql(admin, "CREATE DATABASE \(name)")
        url.path = "/" + name
        let database = url.string!
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("margin-bench-pg-\(name)").path
        var servers: [BenchServer] = []
        for index in 0..<max(1, instances) {
            servers.append(try BenchServer(bin: bin, data: work + "/\(index)", database: database))
        }
        return BenchBackend(name: "postgres", servers: servers, database: (database, admin))
    }

    /// Stops its servers (but `keeping`, which the run shares) and drops its database.
    func stop(keeping kept: BenchServer) {
        for server in servers where server !== kept { server.stop() }
        if let database, let name = URLComponents(string: database.url)?.path.dropFirst() {
            _ = try? Self.psql(database.admin, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        }
    }

    /// Runs one statement with psql.
    static func psql(_ url: String, _ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", url, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ValidationError("psql could not run: \(sql)") }
    }
}
