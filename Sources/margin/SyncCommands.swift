import ArgumentParser
import Foundation
import MarginClient
import MarginCurl
import MarginShared

/// Reads a password from `MARGIN_PASSWORD`, else a terminal prompt, else a line of standard input.
func readPassword(prompt: String) throws -> String {
    if let password = ProcessInfo.processInfo.environment["MARGIN_PASSWORD"], !password.isEmpty { return password }
    if isatty(STDIN_FILENO) == 1, let typed = getpass(prompt) { return String(cString: typed) }
    guard let line = readLine(strippingNewline: true), !line.isEmpty else {
        throw ValidationError("no password: set MARGIN_PASSWORD or type it at the prompt")
    }
    return line
}

extension Profile {
    /// The profile's link to its sync server, over libcurl, its token in the profile folder.
    func client() throws -> SyncClient {
        SyncClient(store: try open(), transport: CurlTransport(), tokens: FileTokenStore(home: directory))
    }
}

/// `margin signup --server URL --user NAME`.
struct SignupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signup", abstract: "Create an account on a sync server and log in.")

    @OptionGroup var profile: Profile

    @Option(help: "The sync server, e.g. http://127.0.0.1:8080.")
    var server: String

    @Option(help: "The username to create.")
    var user: String

    @OptionGroup var machine: MachineName

    func run() async throws {
        let server = try SyncClient.server(server)
        let password = try readPassword(prompt: "New password for \(user): ")
        try await profile.client().signup(server: server, user: user, password: password, device: machine.name)
        print("logged in to \(server) as \(user)")
    }
}

/// `margin login --server URL --user NAME`.
struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login", abstract: "Log in to a sync server; the password comes from a prompt or MARGIN_PASSWORD.")

    @OptionGroup var profile: Profile

    @Option(help: "The sync server, e.g. http://127.0.0.1:8080.")
    var server: String

    @Option(help: "Your username on that server.")
    var user: String

    @OptionGroup var machine: MachineName

    func run() async throws {
        let server = try SyncClient.server(server)
        let password = try readPassword(prompt: "Password for \(user): ")
        try await profile.client().login(server: server, user: user, password: password, device: machine.name)
        print("logged in to \(server) as \(user)")
    }
}

/// The `--device` option of signup and login.
struct MachineName: ParsableArguments {
    @Option(
        name: .customLong("device"),
        help: "This machine's name, shown beside its versions in conflicts (default: the host name).")
    var given: String?

    /// The name to send: the given one, else the host name (cut to fit the server's 128 bytes).
    var name: String {
        if let given { return given }
        var host = ""
        for character in ProcessInfo.processInfo.hostName {
            guard host.utf8.count + character.utf8.count <= 128 else { break }
            host.append(character)
        }
        return host.isEmpty ? "unnamed machine" : host
    }

    func validate() throws {
        if let given, given.isEmpty || given.utf8.count > 128 {
            throw ValidationError("a device name is 1 to 128 bytes")
        }
    }
}

/// `margin logout`.
struct LogoutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "logout", abstract: "Revoke this machine's token.")

    @OptionGroup var profile: Profile

    func run() async throws {
        // Forgotten here even when the server cannot be reached.
        let revoked = try await profile.client().logout()
        print(revoked ? "logged out" : "logged out here (the server could not revoke the token)")
    }
}

/// `margin sync [--watch]`.
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync", abstract: "Push local changes and pull everything new; --watch keeps going.")

    @OptionGroup var profile: Profile

    @Flag(help: "Keep syncing: changes made elsewhere appear here within a second.")
    var watch = false

    @Flag(help: "No progress bar.")
    var quiet = false

    @Flag(help: "Send again the changes the server refused before (once its limits changed, say).")
    var retryHeld = false

    func run() async throws {
        let client = try profile.client()
        let session = try client.session()
        if retryHeld {
            let released = try client.store.releaseHeld()
            if released > 0 { print("queued \(released) held change(s) again") }
        }
        guard watch else {
            try await once(client.engine(session))
            return
        }
        let store = client.store
        try await client.watch { event in
            switch event {
            case .synced(let summary): Self.report(summary, store: store)
            case .pulled(let count): print("pulled \(count) change(s)")
            case .retrying(let error):
                FileHandle.standardError.write(Data("margin: \(error); retrying\n".utf8))
            }
            // Each event as it happens, also into a pipe or a file (where stdout is block-buffered);
            // nil flushes every stream, without touching the C global that Swift 6 will not share.
            fflush(nil)
        }
    }

    private func once(_ engine: SyncEngine) async throws {
        let bar = ProgressBar(enabled: !quiet && isatty(STDOUT_FILENO) == 1)
        defer { bar.finish() }
        let summary = try await engine.sync { bar.update($0) }
        bar.finish()
        Self.report(summary, store: engine.store)
    }

    /// Prints what a sync did, and on stderr what it held back or kept aside.
    static func report(_ summary: SyncSummary, store: LocalStore) {
        let resync = summary.fullResync ? " (full resync)" : ""
        print("synced: pushed \(summary.pushed), pulled \(summary.pulled), conflicts \(summary.newConflicts)\(resync)")
        let held = summary.held.isEmpty ? [] : (try? store.heldChanges()) ?? []
        for change in held where summary.held.contains(change.id) {
            FileHandle.standardError.write(
                Data("margin: held back \(change.id): \(change.reason) (kept here unsent; see margin status)\n".utf8))
        }
        let unapplied = (try? store.unappliedRecords().count) ?? 0
        if unapplied > 0 {
            FileHandle.standardError.write(
                Data(
                    "margin: \(unapplied) pulled version(s) cannot merge here and are kept aside (margin unapplied)\n"
                        .utf8))
        }
    }
}

/// A one-line progress bar, drawn only once a sync or an import has taken more than a second.
final class ProgressBar: @unchecked Sendable {
    private let enabled: Bool
    private let start = Date()
    private var drawn = false
    private let lock = NSLock()

    init(enabled: Bool) { self.enabled = enabled }

    func update(_ progress: SyncProgress) {
        draw(
            done: progress.pushed, of: progress.toPush,
            "up \(progress.pushed)/\(progress.toPush)  down \(progress.pulled)")
    }

    /// Shows `done` of `total` things named `noun` (an import's sources, say).
    func update(done: Int, of total: Int, _ noun: String) {
        draw(done: done, of: total, "\(done)/\(total) \(noun)")
    }

    private func draw(done: Int, of total: Int, _ text: String) {
        guard enabled, Date().timeIntervalSince(start) > 1 else { return }
        lock.lock()
        defer { lock.unlock() }
        let filled = min(20, done * 20 / max(total, 1))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: 20 - filled)
        FileHandle.standardOutput.write(Data("\r[\(bar)] \(text)   ".utf8))
        drawn = true
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if drawn { FileHandle.standardOutput.write(Data("\r\u{1B}[K".utf8)) }
        drawn = false
    }
}
