import Foundation

/// The PostgreSQL cluster that fault tests stop and restart for real (`pg_ctlcluster`), apart from
/// the one every other PostgreSQL test shares: `scripts/setup --postgres` makes it (`faults`, port
/// 5433, the same role and database as the main one).
public struct FaultCluster: Sendable {
    /// The PostgreSQL major version it runs.
    public let version: String
    /// Its name, as `pg_lsclusters` lists it.
    public let name: String
    /// Its port on 127.0.0.1.
    public let port: Int

    /// The cluster `faults`, or nil when this machine has none.
    public static func find(named name: String = "faults") -> FaultCluster? {
        guard let listing = try? run("/usr/bin/env", ["pg_lsclusters", "-h"]) else { return nil }
        for line in listing.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count >= 3, fields[1] == name, let port = Int(fields[2]) {
                return FaultCluster(version: String(fields[0]), name: name, port: port)
            }
        }
        return nil
    }

    /// The role tests make their databases with on this cluster.
    public var adminURL: String { "postgres://margin:margin@127.0.0.1:\(port)/margin" }

    /// A new, empty database on this cluster; its URL.
    public func freshDatabase() throws -> String { try StoreBackend.freshDatabase(admin: adminURL) }

    /// Drops a database `freshDatabase` made.
    public func drop(_ database: String) { StoreBackend.dropDatabase(database, admin: adminURL) }

    /// `pg_ctlcluster VERSION NAME action` (start, stop, restart); stop is the fast mode, which
    /// ends every session as a restart does.
    public func control(_ action: String) throws {
        let arguments = ["pg_ctlcluster", version, name, action] + (action == "start" ? [] : ["-m", "fast"])
        let errors = Scratch.folder("pg_ctlcluster") + "/stderr"
        let status = try Self.spawn(arguments, within: 60, errors: errors)
        let message = (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""
        guard status == 0 else {
            throw HarnessError("\(arguments.joined(separator: " ")) failed (\(status)): \(message)")
        }
    }

    /// Runs a command with posix_spawn and waits for its exit status, for at most `seconds`.
    ///
    /// Not `Process`: the server `pg_ctlcluster start` leaves running inherits what Foundation
    /// watches a child's exit through, so that `Process` never sees this one end. Output goes
    /// nowhere; a failure is the status.
    static func spawn(_ arguments: [String], within seconds: Double, errors: String = "/dev/null") throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, errors, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // Every other descriptor of the test process closes in the child, so that the server it
        // starts holds no other test's pipe open.
        // (glibc 2.34 has it; Swift's Glibc module does not import it.)
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let closeFrom = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else {
            throw HarnessError("this C library has no posix_spawn_file_actions_addclosefrom_np")
        }
        _ = unsafeBitCast(closeFrom, to: CloseFrom.self)(&actions, 3)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var pid: pid_t = 0
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let spawned = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, environ)
        guard spawned == 0 else {
            throw HarnessError("cannot run \(arguments[0]): \(String(cString: strerror(spawned)))")
        }
        let deadline = Date().addingTimeInterval(seconds)
        var status: Int32 = 0
        while true {
            let waited = waitpid(pid, &status, WNOHANG)
            if waited == pid { break }
            if waited < 0 { throw HarnessError("waitpid: \(String(cString: strerror(errno)))") }
            if Date() > deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                throw HarnessError("\(arguments.joined(separator: " ")) ran for \(Int(seconds)) s: killed")
            }
            usleep(20_000)
        }
        // WIFEXITED / WEXITSTATUS, which Swift does not import.
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
    }

    /// Whether the cluster accepts connections.
    public var isReady: Bool {
        (try? Self.run("/usr/bin/env", ["pg_isready", "-q", "-h", "127.0.0.1", "-p", "\(port)"])) != nil
    }

    /// Starts the cluster when it is down, and waits until it accepts connections.
    public func ensureRunning() throws {
        if isReady { return }
        try? control("start")
        let deadline = Date().addingTimeInterval(30)
        while !isReady && Date() < deadline { usleep(100_000) }
        guard isReady else { throw HarnessError("the \(name) cluster did not start") }
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let result = try CLI.run(
            URL(fileURLWithPath: executable), arguments, home: nil, stdin: nil, environment: [:])
        guard result.status == 0 else {
            throw HarnessError("\(arguments.joined(separator: " ")) failed (\(result.status)): \(result.stderr)")
        }
        return result.stdout
    }
}
