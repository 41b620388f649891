import ArgumentParser
import Foundation
import MarginClient
import MarginCurl
import MarginShared

/// The server session saved in the profile: the token lives in a 0600 file.
struct SavedSession {
    let server: String
    let user: String
    let token: String

    static func tokenPath(_ profile: Profile) -> String { profile.directory + "/token" }

    static func load(_ profile: Profile, store: LocalStore) throws -> SavedSession {
        guard let account = try store.account(),
            let token = try? String(contentsOfFile: tokenPath(profile), encoding: .utf8), !token.isEmpty
        else {
            throw ValidationError("not logged in; run `margin login --server URL --user NAME`")
        }
        return SavedSession(
            server: account.server, user: account.user, token: token.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    static func save(token: String, _ profile: Profile) throws {
        let path = tokenPath(profile)
        _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        try Data(token.utf8).write(to: URL(fileURLWithPath: path))
    }
}

/// Reads a password from `MARGIN_PASSWORD`, else a terminal prompt, else a line of standard input.
func readPassword(prompt: String) throws -> String {
    if let password = ProcessInfo.processInfo.environment["MARGIN_PASSWORD"], !password.isEmpty { return password }
    if isatty(STDIN_FILENO) == 1, let typed = getpass(prompt) { return String(cString: typed) }
    guard let line = readLine(strippingNewline: true), !line.isEmpty else {
        throw ValidationError("no password: set MARGIN_PASSWORD or type it at the prompt")
    }
    return line
}

/// Posts credentials to `/v1/accounts`, or to `/v1/sessions` with this machine's name and replica id.
func postCredentials(
    server: String, path: String, user: String, password: String, machine: (device: String, replica: ReplicaID)? = nil
) async throws -> TransportResponse {
    var members: [(String, JSONValue)] = [("username", .string(user)), ("password", .string(password))]
    if let machine {
        members += [("device", .string(machine.device)), ("replica", .string(machine.replica.rawValue))]
    }
    var writer = JSONWriter()
    writer.value(.object(members))
    let request = TransportRequest(
        method: "POST", url: server + path, headers: ["Content-Type": "application/json"], body: Data(writer.bytes))
    do {
        return try await CurlTransport().send(request)
    } catch {
        throw ValidationError("\(error)")
    }
}

func problemDetail(_ response: TransportResponse) -> String {
    (try? JSONValue.parse(response.body))?["detail"]?.string ?? "HTTP \(response.status)"
}

/// Checks a server URL and drops a trailing slash.
func normalizedServer(_ text: String) throws -> String {
    guard let url = URLComponents(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme),
        url.host != nil
    else {
        throw ValidationError("the server must be an http:// or https:// URL")
    }
    return text.hasSuffix("/") ? String(text.dropLast()) : text
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
        let server = try normalizedServer(server)
        let password = try readPassword(prompt: "New password for \(user): ")
        let created = try await postCredentials(server: server, path: "/v1/accounts", user: user, password: password)
        guard created.status == 201 else { throw ValidationError("signup failed: \(problemDetail(created))") }
        try await LoginCommand.logIn(
            profile: profile, server: server, user: user, password: password, device: machine.name)
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
        let server = try normalizedServer(server)
        let password = try readPassword(prompt: "Password for \(user): ")
        try await Self.logIn(profile: profile, server: server, user: user, password: password, device: machine.name)
    }

    static func logIn(profile: Profile, server: String, user: String, password: String, device: String) async throws {
        let store = try profile.open()
        let reply = try await postCredentials(
            server: server, path: "/v1/sessions", user: user, password: password, machine: (device, store.replicaID))
        guard reply.status == 201, let token = (try? JSONValue.parse(reply.body))?["token"]?.string else {
            throw ValidationError("login failed: \(problemDetail(reply))")
        }
        try store.setAccount(server: server, user: user)
        try SavedSession.save(token: token, profile)
        // The other machines' names, for conflicts: best effort (an older server has none).
        _ = try? await SyncEngine(store: store, transport: CurlTransport(), server: server, token: token)
            .refreshDevices()
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
        let store = try profile.open()
        let session = try SavedSession.load(profile, store: store)
        let request = TransportRequest(
            method: "DELETE", url: session.server + "/v1/sessions/current",
            headers: ["Authorization": "Bearer \(session.token)"])
        // Forget the token here even when the server cannot be reached.
        let reply = try? await CurlTransport().send(request)
        try? FileManager.default.removeItem(atPath: SavedSession.tokenPath(profile))
        print(reply?.status == 204 ? "logged out" : "logged out here (the server could not revoke the token)")
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
        let store = try profile.open()
        let session = try SavedSession.load(profile, store: store)
        if retryHeld {
            let released = try store.releaseHeld()
            if released > 0 { print("queued \(released) held change(s) again") }
        }
        let engine = SyncEngine(store: store, transport: CurlTransport(), server: session.server, token: session.token)
        try await once(engine)
        guard watch else { return }
        print("watching \(session.server) for changes (Ctrl-C to stop)")
        let listener = SyncEngine(
            store: store, transport: CurlTransport(), server: session.server, token: session.token)
        while true {
            do {
                let arrived = try await listener.waitForChanges(seconds: 5)
                if arrived > 0 { print("pulled \(arrived) change(s)") }
                if try store.pendingCount() > 0 { try await once(engine) }
            } catch let error as SyncError {
                if case .unauthorized = error { throw ValidationError(error.description) }
                FileHandle.standardError.write(Data("margin: \(error); retrying\n".utf8))
                try await Task.sleep(for: .seconds(2))
            }
        }
    }

    private func once(_ engine: SyncEngine) async throws {
        let bar = ProgressBar(enabled: !quiet && isatty(STDOUT_FILENO) == 1)
        let summary: SyncSummary
        do {
            summary = try await engine.sync { bar.update($0) }
        } catch {
            bar.finish()
            throw ValidationError(error.description)
        }
        bar.finish()
        let resync = summary.fullResync ? " (full resync)" : ""
        print("synced: pushed \(summary.pushed), pulled \(summary.pulled), conflicts \(summary.newConflicts)\(resync)")
        for held in summary.held.isEmpty ? [] : try engine.store.heldChanges() where summary.held.contains(held.id) {
            FileHandle.standardError.write(
                Data("margin: held back \(held.id): \(held.reason) (kept here unsent; see margin status)\n".utf8))
        }
        let unapplied = try engine.store.unappliedRecords().count
        if unapplied > 0 {
            FileHandle.standardError.write(
                Data(
                    "margin: \(unapplied) pulled version(s) cannot merge here and are kept aside (margin unapplied)\n"
                        .utf8
                ))
        }
    }
}

/// A one-line progress bar, drawn only once a sync has taken more than a second.
final class ProgressBar: @unchecked Sendable {
    private let enabled: Bool
    private let start = Date()
    private var drawn = false
    private let lock = NSLock()

    init(enabled: Bool) { self.enabled = enabled }

    func update(_ progress: SyncProgress) {
        guard enabled, Date().timeIntervalSince(start) > 1 else { return }
        lock.lock()
        defer { lock.unlock() }
        let total = max(progress.toPush, 1)
        let filled = min(20, progress.pushed * 20 / total)
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: 20 - filled)
        FileHandle.standardOutput.write(
            Data("\r[\(bar)] up \(progress.pushed)/\(progress.toPush)  down \(progress.pulled)   ".utf8))
        drawn = true
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if drawn { FileHandle.standardOutput.write(Data("\r\u{1B}[K".utf8)) }
    }
}
