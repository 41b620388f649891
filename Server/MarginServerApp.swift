import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import MarginShared
import ServiceLifecycle

/// Builds the Margin sync server: the same function serves the executable and the tests.
public enum MarginServerApp {
    /// The HTTP application on `store`; `onListening` gets the bound port once the server runs.
    public static func build(
        configuration: ServerConfiguration, store: any SyncStore, metrics: ServerMetrics = ServerMetrics(),
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        var logger = Logger(label: "margin-server") { ServerLogHandler(label: $0) }
        logger.logLevel = configuration.logLevel
        let notifier = ChangeNotifier()
        let router = Router(context: MarginRequestContext.self)
        router.add(middleware: ServerMiddleware(metrics: metrics))
        let credentials = Credentials(bcryptCost: configuration.bcryptCost)
        SyncRoutes(
            store: store, configuration: configuration, credentials: credentials, notifier: notifier, metrics: metrics,
            throttle: LoginThrottle(
                perUser: .init(failures: configuration.loginFailuresPerUser, window: configuration.loginWindowSeconds),
                perAddress: .init(
                    failures: configuration.loginFailuresPerAddress, window: configuration.loginWindowSeconds)),
            authenticator: SessionAuthenticator(store: store, cache: SessionCache()),
            dummyHash: credentials.dummyHash()
        ).register(on: router)
        return Application(
            router: router,
            server: .margin(timeouts: configuration.timeouts),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "margin-server",
                availableConnectionsDelegate: MaximumAvailableConnections(configuration.maxConnections)),
            services: [
                TombstonePurger(store: store, configuration: configuration, logger: logger),
                OtherInstances(store: store, notifier: notifier),
            ],
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? configuration.port) },
            logger: logger
        )
    }

    /// The route paths the server answers, as `METHOD /path`, for checking against the OpenAPI spec.
    public static let routes = [
        "GET /healthz", "GET /metrics", "POST /v1/accounts", "POST /v1/sessions", "DELETE /v1/sessions/current",
        "POST /v1/sync", "GET /v1/changes", "GET /v1/devices",
    ]

    /// The methods each served path takes, for 405 answers.
    static let allowedMethods: [String: [String]] = Dictionary(
        grouping: routes.map { $0.split(separator: " ").map(String.init) }, by: { $0[1] }
    ).mapValues { $0.map { $0[0] }.sorted() }
}

/// Forgets tombstones older than the retention window, at start and then periodically.
struct TombstonePurger: Service {
    let store: any SyncStore
    let configuration: ServerConfiguration
    let logger: Logger

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let cutoff = HybridLogicalClock.wallNow() - configuration.tombstoneRetentionSeconds * 1000
            do {
                let purged = try await store.purgeTombstones(before: cutoff)
                if purged > 0 { logger.info("purged \(purged) tombstone(s) older than the retention window") }
            } catch {
                logger.error("tombstone purge failed: \(error)")
            }
            do {
                let interval = configuration.purgeIntervalSeconds
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(interval)) }
            } catch {
                return
            }
        }
    }
}

/// Wakes this instance's long-polls for pushes that other instances stored.
struct OtherInstances: Service {
    let store: any SyncStore
    let notifier: ChangeNotifier

    func run() async throws {
        let notifier = notifier
        try await cancelWhenGracefulShutdown {
            try await store.watchOtherInstances { user in
                if let user { notifier.notify(user: user) } else { notifier.notifyAll() }
            }
        }
        // A store that one process owns reports nothing: stay until the shutdown (a service that
        // returns would end the server).
        try? await gracefulShutdown()
    }
}
