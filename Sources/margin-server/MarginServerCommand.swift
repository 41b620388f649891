import ArgumentParser
import CommandLineSupport
import Foundation
import Hummingbird
import Logging
import MarginServer
import MarginShared

/// The `margin-server` command line.
@main
struct MarginServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "margin-server",
        abstract: "The Margin sync server: merges what every machine sends and hands back what they missed.",
        subcommands: [Serve.self, UserCommand.self],
        defaultSubcommand: Serve.self
    )

    /// Runs the command; a failure prints one line on stderr and exits non-zero.
    static func main() async {
        // 69 (sysexits' unavailable): the database could not be reached.
        await mainWithOneLineErrors(name: "margin-server") { error in
            if case SyncStoreError.unavailable = error { return 69 }
            return nil
        }
    }
}

/// Where the store is, for every subcommand: the embedded SQLite store in a data directory, or a
/// PostgreSQL database that several instances share.
struct DataOptions: ParsableArguments {
    @Option(help: "The data directory of the embedded SQLite store.")
    var data = "margin-data"

    @Option(
        help: ArgumentHelp(
            "A PostgreSQL database instead of the embedded store: postgres://USER:PASS@HOST:PORT/DB.",
            discussion: "MARGIN_DATABASE_URL gives it too; --database wins."))
    var database: String?

    @Option(help: "Connections the PostgreSQL pool keeps open at most.")
    var databasePoolSize = 16

    func validate() throws {
        guard databasePoolSize > 0 else { throw ValidationError("--database-pool-size must be positive") }
    }

    /// The PostgreSQL address, when one is given.
    var databaseURL: String? {
        database ?? ProcessInfo.processInfo.environment["MARGIN_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Runs `body` with the store open: a PostgreSQL store is migrated first, and its connection
    /// pool runs until `body` returns.
    func withStore(_ body: @escaping @Sendable (any SyncStore) async throws -> Void) async throws {
        guard let url = databaseURL else {
            let store: SQLiteSyncStore
            do {
                store = try SQLiteSyncStore(directory: data)
            } catch {
                throw ValidationError("cannot open the store in \(data): \(error)")
            }
            try await body(store)
            return
        }
        let store = PostgresSyncStore(address: try PostgresDatabaseURL(url), poolSize: databasePoolSize)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await store.run() }
            defer { group.cancelAll() }
            try await store.migrate()
            try await body(store)
        }
    }
}

/// `margin-server serve`.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the server until SIGINT or SIGTERM.")

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on (0 picks a free one).")
    var port = 8080

    @OptionGroup var data: DataOptions

    @Flag(name: .customLong("no-signup"), help: "Refuse POST /v1/accounts; add users with `margin-server user add`.")
    var noSignup = false

    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    @Option(help: "Keep deleted records this many seconds before forgetting them (default 90 days).")
    var tombstoneRetention: Int64 = 90 * 24 * 3600

    @Option(help: "Check for forgettable deleted records this often, in seconds.")
    var purgeInterval: Int64 = 3600

    @Option(help: "The bcrypt cost for new passwords (4 to 31).")
    var bcryptCost: UInt8 = 12

    @Option(help: "Bytes of UTF-8 in one note body; longer ones are refused (422).")
    var maxNoteBodyBytes = RecordLimits.default.maxNoteBodyBytes

    @Option(help: "Bytes of UTF-8 in one article's content; longer ones are refused (422).")
    var maxContentBytes = RecordLimits.default.maxContentBytes

    @Option(help: "Failed logins one username may have per window before its logins get 429.")
    var loginFailuresPerUser = 10

    @Option(help: "Failed logins and signups one client address may have per window before it gets 429.")
    var loginFailuresPerAddress = 30

    @Option(help: "The login throttle's window, in seconds.")
    var loginWindow: Int64 = 60

    @Option(help: "Seconds a kept-alive connection may sit idle between requests.")
    var idleTimeout = 60.0

    @Option(help: "Seconds a request may take from its first byte to the end of its headers.")
    var headerTimeout = 10.0

    @Option(help: "Seconds a request body may go without a byte arriving.")
    var bodyTimeout = 10.0

    @Option(help: "Seconds a graceful shutdown waits for requests under way before closing their connections.")
    var shutdownGrace = 10.0

    @Option(help: "Connections open at once; past it new ones wait until one closes.")
    var maxConnections = 10_000

    func validate() throws {
        for (name, value) in [
            ("idle", idleTimeout), ("header", headerTimeout), ("body", bodyTimeout), ("shutdown grace", shutdownGrace),
        ] {
            guard value > 0, value <= 86_400 else { throw ValidationError("the \(name) timeout must be 0 to 86400 s") }
        }
        guard maxConnections > 0 else { throw ValidationError("--max-connections must be positive") }
        guard loginFailuresPerUser > 0, loginFailuresPerAddress > 0, loginWindow > 0 else {
            throw ValidationError("login limits must be positive")
        }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown log level '\(logLevel)'") }
        guard (0...65535).contains(port) else { throw ValidationError("the port must be 0 to 65535") }
        guard (4...31).contains(bcryptCost) else { throw ValidationError("the bcrypt cost must be 4 to 31") }
        guard tombstoneRetention >= 0, purgeInterval > 0 else { throw ValidationError("times must be positive") }
        guard maxNoteBodyBytes > 0, maxContentBytes > 0 else { throw ValidationError("limits must be positive") }
    }

    func run() async throws {
        var configuration = ServerConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.dataDirectory = data.data
        configuration.signupEnabled = !noSignup
        configuration.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        configuration.tombstoneRetentionSeconds = tombstoneRetention
        configuration.purgeIntervalSeconds = purgeInterval
        configuration.bcryptCost = bcryptCost
        configuration.timeouts.idle = .milliseconds(Int64(idleTimeout * 1000))
        configuration.timeouts.header = .milliseconds(Int64(headerTimeout * 1000))
        configuration.timeouts.bodyProgress = .milliseconds(Int64(bodyTimeout * 1000))
        configuration.timeouts.shutdownGrace = .milliseconds(Int64(shutdownGrace * 1000))
        configuration.maxConnections = maxConnections
        configuration.loginFailuresPerUser = loginFailuresPerUser
        configuration.loginFailuresPerAddress = loginFailuresPerAddress
        configuration.loginWindowSeconds = loginWindow
        configuration.recordLimits.maxNoteBodyBytes = maxNoteBodyBytes
        configuration.recordLimits.maxContentBytes = maxContentBytes
        let host = host
        let configured = configuration
        try await data.withStore { store in
            let app = MarginServerApp.build(configuration: configured, store: store) { port in
                FileHandle.standardOutput.write(Data("margin-server listening on http://\(host):\(port)\n".utf8))
            }
            try await app.runService()
        }
    }
}

/// `margin-server user add|list|rm`.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage accounts.", subcommands: [Add.self, List.self, Remove.self])

    /// `margin-server user add NAME`.
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an account; the password is read from standard input (or a prompt on a terminal).")

        @OptionGroup var data: DataOptions

        @Option(help: "The bcrypt cost (4 to 31).")
        var bcryptCost: UInt8 = 12

        @Argument(help: "The username: 1 to 64 of a-z, 0-9, '.', '_' and '-'.")
        var name: String

        func validate() throws {
            guard Credentials.isValidUsername(name) else {
                throw ValidationError("a username is 1 to 64 of a-z, 0-9, '.', '_' and '-'")
            }
            guard (4...31).contains(bcryptCost) else { throw ValidationError("the bcrypt cost must be 4 to 31") }
        }

        func run() async throws {
            let password: String
            if isatty(STDIN_FILENO) == 1, let typed = getpass("Password for \(name): ") {
                password = String(cString: typed)
            } else {
                password = readLine(strippingNewline: true) ?? ""
            }
            guard Credentials.isValidPassword(password) else { throw ValidationError(Credentials.passwordRule) }
            let hash = try await Credentials(bcryptCost: bcryptCost).hash(password: password)
            let name = name
            try await data.withStore { store in
                do {
                    _ = try await store.createUser(name: name, passwordHash: hash)
                } catch SyncStoreError.userExists {
                    throw SyncStoreError.userExists(name)
                }
            }
            print("added user \(name)")
        }
    }

    /// `margin-server user list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List accounts.")

        @OptionGroup var data: DataOptions

        func run() async throws {
            let users = UsersBox()
            try await data.withStore { store in users.value = try await store.users() }
            let list = users.value
            if list.isEmpty { print("No users.") }
            let formatter = ISO8601DateFormatter()
            for user in list {
                print(
                    "\(user.name)  since \(formatter.string(from: Date(timeIntervalSince1970: Double(user.createdAt) / 1000)))"
                )
            }
        }
    }

    /// `margin-server user rm NAME`.
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rm", abstract: "Delete an account with its sessions and records.")

        @OptionGroup var data: DataOptions

        @Argument(help: "The username.")
        var name: String

        func run() async throws {
            let name = name
            try await data.withStore { store in try await store.deleteUser(named: name) }
            print("removed user \(name)")
        }
    }
}

/// The users a `user list` read, carried out of the store's scope.
final class UsersBox: @unchecked Sendable {
    var value: [User] = []
}
