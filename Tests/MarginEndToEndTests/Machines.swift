import Foundation
import MarginTestSupport

/// A client machine: the real `margin` binary on its own profile, logged in to a server.
struct Machine {
    let cli: CLI
    static let password = "end-to-end-password"

    init() throws { cli = try CLI() }

    @discardableResult
    func run(_ arguments: String...) throws -> String {
        try cli.must(arguments, environment: ["MARGIN_PASSWORD": Self.password])
    }

    func signup(_ server: ServerProcess, user: String = "reader") throws {
        try run("signup", "--server", server.baseURL.absoluteString, "--user", user)
    }

    func login(_ url: String, user: String = "reader") throws {
        try run("login", "--server", url, "--user", user)
    }

    func export() throws -> String { try run("export", "--format", "json") }

    func json(_ arguments: String...) throws -> Any {
        try parseJSON(try cli.must(arguments, environment: [:]))
    }

    func mainArticle() throws -> String {
        let articles = try json("articles", "--json") as! [[String: Any]]
        return articles.first { ($0["title"] as? String)?.hasPrefix("A Quick") == true }!["id"] as! String
    }

    /// The store file's write version (header byte 18): 1 under a rollback journal, 2 in WAL.
    func journalVersion() throws -> UInt8? {
        let file = try FileHandle(forReadingFrom: URL(fileURLWithPath: cli.home + "/margin.sqlite"))
        defer { try? file.close() }
        return try file.read(upToCount: 20).map { Array($0)[18] }
    }

    func notes() throws -> [[String: Any]] { try json("notes", "--json") as! [[String: Any]] }

    func pending() throws -> Int { (try json("status", "--json") as! [String: Any])["pending"] as! Int }

    /// Starts `margin sync` without waiting for it.
    func startSync() throws -> Process {
        let process = Process()
        process.executableURL = CLI.binDirectory.appendingPathComponent("margin")
        process.arguments = ["sync", "--quiet"]
        process.environment = ProcessInfo.processInfo.environment.merging(["MARGIN_HOME": cli.home]) { _, new in new }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }
}

/// Two machines on one new account, both holding the seed article after a sync: the first signs
/// up at `server`, the second logs in at `address` (the server's own by default; a proxy's, say).
/// Returns them with the main article's id.
func twoMachines(_ server: ServerProcess, secondAt address: String? = nil) throws -> (Machine, Machine, String) {
    let first = try Machine()
    let second = try Machine()
    try first.run("import", CLI.seedPath)
    try first.signup(server)
    try first.run("sync")
    try second.login(address ?? server.baseURL.absoluteString)
    try second.run("sync")
    return (first, second, try first.mainArticle())
}

/// Reads a counter from the server's /metrics.
func metric(_ server: ServerProcess, _ name: String) async throws -> Int {
    let text = try await server.request("GET", "/metrics", contentType: nil).text
    let line = text.split(separator: "\n").first { $0.hasPrefix(name + " ") }
    return line.flatMap { Int($0.split(separator: " ").last!) } ?? 0
}
