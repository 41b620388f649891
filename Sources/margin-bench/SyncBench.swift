import ArgumentParser
import Foundation
import MarginClient
import MarginCurl
import MarginShared

#if canImport(Glibc)
    import Glibc
#endif

/// Sync end to end: a real margin-server process, real client stores and CurlTransport on 127.0.0.1.
struct SyncBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Push, first sync, incremental sync, propagation and concurrency against a real server.")

    @Option(help: "Comma-separated note counts for push and first sync.")
    var sizes = "10000,100000"

    @Option(help: "Incremental rounds (edit on A, A syncs, B syncs).")
    var rounds = 500

    @Option(help: "Propagation rounds (A syncs, B's long-poll lands it).")
    var propagations = 200

    @Option(help: "Comma-separated client counts for the concurrency run.")
    var clients = "8,32"

    @Option(help: "Seconds each concurrency run lasts.")
    var seconds = 5

    @Option(help: "Where to write the JSON result.")
    var output = "bench/results"

    @Option(help: "Comma-separated stores to measure, each against its own server(s): sqlite, postgres.")
    var backends = "sqlite"

    @Option(
        help:
            "A PostgreSQL role that may create databases (postgres://USER:PASS@HOST:PORT/DB); each run gets a new one.")
    var database =
        ProcessInfo.processInfo.environment["MARGIN_BENCH_DATABASE_URL"]
        ?? "postgres://margin:margin@127.0.0.1:5432/margin"

    @Option(help: "margin-server instances on the PostgreSQL database.")
    var instances = 2

    func run() async throws {
        let bin = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("margin-bench-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let server = try BenchServer(bin: bin, data: work + "/server")
        defer {
            server.stop()
            // MARGIN_BENCH_KEEP keeps the stores, to profile a phase again on its own.
            if ProcessInfo.processInfo.environment["MARGIN_BENCH_KEEP"] == nil {
                try? FileManager.default.removeItem(atPath: work)
            } else {
                trace("kept \(work)")
            }
        }
        var report = Report(title: "Sync")
        print("Sync benchmark against \(server.url) (server and clients on this machine)")
        print(
            "  " + "what".padding(toLength: 72, withPad: " ", startingAt: 0) + "   records         time          rate")
        let counts = sizes.split(separator: ",").compactMap { Int($0) }
        let articles = try ArticleImporter.importDocument(
            Data(contentsOf: URL(fileURLWithPath: "seeds/000_cac94a10d226ae88.txt")))

        // The machine's own limits, in the same run.
        var plainInsert: [Int: Double] = [:]
        var bulkLoad: [Int: Double] = [:]
        for count in counts {
            let states = StoreBench().remoteNotes(count: count, articleID: articles[0].id)
            let blobs = states.map { WireFormat.encode($0) }
            let raw = try time { try StoreBench().rawInsert(states, blobs: blobs, fts: false) }
            report.add(
                Measurement(name: "limit: plain SQLite insert \(count) rows, one tx", records: count, seconds: raw))
            plainInsert[count] = Double(count) / raw
            // A sync commits page by page: the same rows in transactions of one page each.
            let paged = try time {
                try StoreBench().rawInsert(states, blobs: blobs, fts: false, perTransaction: 1_000)
            }
            report.add(
                Measurement(name: "limit: same rows, one tx per 1,000 (a page)", records: count, seconds: paged))
            // A first sync fills an empty store, which holds nothing to protect while it fills (an
            // interrupted one starts over): the bulk-load limit is the cheapest journal, indexes after.
            // SQLite's default page, the store's own and a larger one: the limit is the fastest way.
            for pageSize in [4_096, 8_192, 16_384] {
                for journal in ["DELETE", "OFF"] {
                    let bulk = try time {
                        try StoreBench().rawInsert(
                            states, blobs: blobs, fts: false, journal: journal, indexesAfter: true, pageSize: pageSize)
                    }
                    report.add(
                        Measurement(
                            name:
                                "limit: bulk load (new file, indexes after), \(pageSize / 1_024) KB pages, journal \(journal)",
                            records: count, seconds: bulk))
                    // They trade places from run to run.
                    bulkLoad[count] = max(bulkLoad[count] ?? 0, Double(count) / bulk)
                }
            }
            let encode = time { for state in states { _ = WireFormat.encode(state) } }
            report.add(Measurement(name: "limit: JSON encode \(count) records", records: count, seconds: encode))
            let decode = try time { for blob in blobs { _ = try WireFormat.decode(blob) } }
            report.add(Measurement(name: "limit: JSON decode \(count) records", records: count, seconds: decode))
        }
        let probe = CurlTransport()
        let healthRequests = 2_000
        let health = try await timeAsync {
            for _ in 0..<healthRequests {
                _ = try await probe.send(TransportRequest(method: "GET", url: server.url + "/healthz"))
            }
        }
        report.add(
            Measurement(name: "limit: GET /healthz, one client, keep-alive", records: healthRequests, seconds: health))
        // What every durable commit waits for: an incremental round has two (A's edit, the server's push).
        let flushProbe = try FlushProbe(directory: work)
        let flushes = try (0..<200).map { _ in try flushProbe.flush() }
        var flushRow = Measurement(
            name: "limit: 4 KB write + fdatasync, one at a time", records: flushes.count, seconds: flushes.reduce(0, +))
        flushRow.note = percentiles(flushes)
        report.add(flushRow)
        let bareExchange = health / Double(healthRequests)

        for name in backends.split(separator: ",").map(String.init) {
            let backend: BenchBackend
            switch name {
            case "sqlite": backend = BenchBackend(name: "sqlite", servers: [server])
            case "postgres":
                backend = try BenchBackend.postgres(bin: bin, admin: database, instances: instances)
            default: throw ValidationError("--backends takes sqlite and postgres, not \(name)")
            }
            defer { backend.stop(keeping: server) }
            report.prefix = backend.servers.count > 1 || name != "sqlite" ? "[\(backend.label)] " : ""
            print("\(backend.label): \(backend.servers.map(\.url).joined(separator: ", "))")
            try await measure(
                backend, report: &report, bin: bin, work: work + "/\(name)", counts: counts, articles: articles,
                plainInsert: plainInsert, bulkLoad: bulkLoad, bareExchange: bareExchange, flushProbe: flushProbe)
        }
        report.prefix = ""
        report.printTargets()
        try report.write(to: output, name: "sync")
    }

    /// Push, first sync, incremental rounds, propagation and concurrency against one backend: the
    /// first instance takes A's side, the last B's (so propagation crosses instances), and
    /// concurrent clients spread over all of them.
    func measure(
        _ backend: BenchBackend, report: inout Report, bin: URL, work: String, counts: [Int],
        articles: [ImportedArticle], plainInsert: [Int: Double], bulkLoad: [Int: Double], bareExchange: Double,
        flushProbe: FlushProbe
    ) async throws {
        let server = backend.servers[0]
        let far = backend.servers[backend.servers.count - 1]
        let goals = backend.goals
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        // Push and first sync.
        var pairs: [Int: (a: LocalStore, b: LocalStore, token: String, user: String)] = [:]
        var pushRate: [Int: Double] = [:]
        var firstSync: [Int: (rate: Double, peak: Int)] = [:]
        for count in counts {
            let user = "push\(count)"
            let token = try await server.signup(user)
            let quote = String(repeating: "quoted text ", count: 25)
            let articleID = articles[0].id
            let drafts = (0..<count).map { index in
                LocalStore.NoteDraft(
                    articleID: articleID,
                    anchor: Anchor(exact: quote, prefix: "before ", suffix: " after", start: index, end: index + 300),
                    body: String(repeating: "a comment on it ", count: 19) + String(index), tags: ["bench"])
            }
            do {
                let writer = try LocalStore(home: work + "/\(user)-a")
                _ = try writer.importArticles(articles)
                try writer.addNotes(drafts)
            }
            // Opened again, as `margin sync` would open it after `margin import` ended: the import's
            // log was copied into the database when its store closed, not during the timed push.
            let a = try LocalStore(home: work + "/\(user)-a")
            let engine = SyncEngine(store: a, transport: CurlTransport(), server: server.url, token: token)
            let started = DispatchTime.now().uptimeNanoseconds
            trace("push of \(count) starts")
            // CPU time is steadier than wall time on a shared machine: it shows what a change saved.
            var cpu = (server: cpuSeconds(of: server.process.processIdentifier), client: cpuSeconds())
            let pushed = try await timeAsync {
                _ = try await engine.sync { progress in
                    trace(
                        "\((DispatchTime.now().uptimeNanoseconds - started) / 1_000_000) ms: pushed \(progress.pushed)")
                }
            }
            trace("push of \(count) done")
            var pushRow = Measurement(
                name: "push \(count) new notes (client store → server)", records: count, seconds: pushed)
            pushRow.note = cpuPerRecord(
                server: cpuSeconds(of: server.process.processIdentifier) - cpu.server,
                client: cpuSeconds() - cpu.client, records: count)
            report.add(pushRow)
            pushRate[count] = pushRow.perSecond

            // First sync in its own process, to read the client's peak RSS.
            let homeB = work + "/\(user)-b"
            try runMargin(bin, ["login", "--server", server.url, "--user", user], home: homeB)
            var peak = 0
            trace("first sync of \(count) starts")
            cpu = (cpuSeconds(of: server.process.processIdentifier), waitedChildrenCPUSeconds())
            let pulled = try time { peak = try runMargin(bin, ["sync", "--quiet"], home: homeB) }
            trace("first sync of \(count) done")
            // The client's own VmHWM: a child's rusage would count the memory of the forking parent.
            var row = Measurement(
                name: "first sync: pull \(count) notes into an empty store", records: count + 2, seconds: pulled)
            row.note =
                String(format: "client peak RSS %.1f MB; ", Double(peak) / 1_048_576)
                + cpuPerRecord(
                    server: cpuSeconds(of: server.process.processIdentifier) - cpu.server,
                    client: waitedChildrenCPUSeconds() - cpu.client, records: count)
            report.add(row)
            firstSync[count] = (row.perSecond, peak)
            // Pulled notes are indexed for search lazily: the first search pays for it.
            var searchPeak = 0
            let indexed = try time {
                searchPeak = try runMargin(bin, ["search", "comment", "--limit", "1"], home: homeB)
            }
            var searchRow = Measurement(
                name: "first search after it: index \(count) pulled notes", records: count, seconds: indexed)
            searchRow.note = String(format: "peak RSS %.1f MB", Double(searchPeak) / 1_048_576)
            report.add(searchRow)
            let b = try LocalStore(home: homeB)
            let stored = try b.status().counts.values.reduce(0, +)
            guard stored == count + articles.count else {
                throw ValidationError(
                    "the first sync of \(count) stored \(stored) records, not \(count + articles.count)")
            }
            pairs[count] = (a, b, token, user)
        }

        // PostgreSQL's own upkeep after the loads (autovacuum of a 100k-row insert) would otherwise
        // share the two cores with the rounds: measure the steady state, as a server runs most of the time.
        if let database = backend.database { try BenchBackend.psql(database.url, "VACUUM ANALYZE records, users") }
        // Incremental: cost must follow the changes, not the data. The stores of both sizes take
        // turns, round by round, so a host that slows down during the run weighs on both alike.
        let small = try await smallPair(server: server, work: work, articles: articles)
        var lanes: [IncrementalLane] = []
        for (stored, pair) in [(1_000, small)] + (pairs[counts.max() ?? 0].map { [(counts.max()!, $0)] } ?? []) {
            lanes.append(try await IncrementalLane(stored: stored, pair: pair, server: server, far: far))
        }
        // Untimed warm-up rounds first: connections, caches and statement caches.
        let warmUp = min(50, rounds)
        // The same flush, timed between rounds (every fourth): the disk answers slower there than in
        // a loop of flushes alone, and a round waits for two (A's edit, the server's push).
        var between: [Double] = []
        trace("incremental starts")
        var handled = (seconds: 0.0, requests: 0)
        var cpu = (server: 0.0, client: 0.0)
        for round in -warmUp..<rounds {
            if round == 0 {
                handled = try await server.handling()
                cpu = (cpuSeconds(of: server.process.processIdentifier), cpuSeconds())
            }
            for index in lanes.indices { try await lanes[index].round(round, measured: round >= 0) }
            if round >= 0 && round % 4 == 0 { between.append(try flushProbe.flush()) }
        }
        // Over both sizes: a process's CPU time is counted in 10 ms ticks, too coarse for one round.
        cpu = (cpuSeconds(of: server.process.processIdentifier) - cpu.server, cpuSeconds() - cpu.client)
        // Minus the /metrics request that reads it.
        let after = try await server.handling()
        trace("incremental done")
        #if DEBUG
            print("  (debug build: figures are not representative)")
        #endif
        for lane in lanes {
            let body = try lane.pair.b.record(lane.target).string("body")
            guard body == "edit \(rounds - 1)" else {
                throw ValidationError("incremental: B did not converge (\(body ?? "nil"))")
            }
            var row = Measurement(
                name: "incremental: edit, A syncs, B syncs (\(lane.stored) stored)", records: rounds,
                seconds: lane.samples.reduce(0, +))
            row.note =
                percentiles(lane.samples)
                + String(
                    format: " (p50 edit %.2f, A %.2f, B %.2f ms, of which HTTP A %.2f, B %.2f ms)",
                    median(lane.parts[0]) * 1000, median(lane.parts[1]) * 1000, median(lane.parts[2]) * 1000,
                    median(lane.parts[3]) * 1000, median(lane.parts[4]) * 1000)
                + "; "
                + cpuPerRecord(
                    server: cpu.server, client: cpu.client, records: rounds * lanes.count, unit: "round")
                + String(
                    format: " and server's own time per request %.0f µs, both over both sizes",
                    (after.seconds - handled.seconds) / Double(max(1, after.requests - handled.requests - 1)) * 1e6)
            report.add(row)
        }
        var betweenRow = Measurement(
            name: "limit: the same flush between incremental rounds", records: between.count,
            seconds: between.reduce(0, +))
        betweenRow.note = percentiles(between)
        report.add(betweenRow)
        let roundFloor = 2 * bareExchange + 2 * median(between)
        var flatness: (ratio: Double, stored: Int)?
        if lanes.count == 2 {
            let ratio = median(lanes[1].samples) / median(lanes[0].samples)
            print(String(format: "  incremental p50 at %d stored / at 1000 stored: %.2f×", lanes[1].stored, ratio))
            flatness = (ratio, lanes[1].stored)
        }

        // Propagation: B long-polls; time from A's sync returning to the change landing in B's store.
        let engineA = SyncEngine(store: small.a, transport: CurlTransport(), server: server.url, token: small.token)
        let listener = SyncEngine(
            store: small.b, transport: CurlTransport(), server: far.url, token: try await far.login(small.user))
        let target = try small.a.records(kind: .note).first!.id
        var delays: [Double] = []
        for round in 0..<propagations {
            async let landed: Int = listener.waitForChanges(seconds: 10)
            try await Task.sleep(for: .milliseconds(5))
            try small.a.update(target, [.set("body", .string("propagate \(round)"))])
            _ = try await engineA.sync()
            let synced = DispatchTime.now().uptimeNanoseconds
            _ = try await landed
            delays.append(Double(DispatchTime.now().uptimeNanoseconds - synced) / 1e9)
        }
        var propagation = Measurement(
            name: "propagation: A's sync returns → in B's store"
                + (far === server ? "" : " (other instance)"), records: propagations, seconds: delays.reduce(0, +))
        propagation.note = percentiles(delays)
        report.add(propagation)
        var concurrency: [(clients: Int, rate: Double, errors: Int)] = []

        // Concurrency: each client its own account, store and connection, pushing and pulling.
        for clientCount in clients.split(separator: ",").compactMap({ Int($0) }) {
            let result = try await concurrent(
                clientCount, servers: backend.servers, work: work, articleID: articles[0].id)
            var row = Measurement(
                name: "concurrent: \(clientCount) clients push+pull \(seconds) s"
                    + (backend.servers.count > 1 ? " over \(backend.servers.count) instances" : ""),
                records: result.records, seconds: Double(seconds))
            row.note = "p99 " + String(format: "%.1f ms", result.p99 * 1000) + ", errors \(result.errors)"
            report.add(row)
            concurrency.append((clientCount, row.perSecond, result.errors))
        }
        // The same run through one instance: what the second one adds.
        var single: (clients: Int, rate: Double)?
        if backend.servers.count > 1, let clientCount = clients.split(separator: ",").compactMap({ Int($0) }).max() {
            let result = try await concurrent(clientCount, servers: [server], work: work, articleID: articles[0].id)
            var row = Measurement(
                name: "concurrent: \(clientCount) clients push+pull \(seconds) s through 1 instance",
                records: result.records, seconds: Double(seconds))
            row.note = "p99 " + String(format: "%.1f ms", result.p99 * 1000) + ", errors \(result.errors)"
            report.add(row)
            single = (clientCount, row.perSecond)
        }

        if let largest = counts.max(), let push = pushRate[largest] {
            report.addTarget(
                TargetCheck(
                    figure: "push of \(largest) notes", measured: rate(push), goal: "≥ \(rate(goals.push))",
                    met: push >= goals.push))
        }
        // First sync against the machine's own bulk load of the same rows, and at 10k against three
        // times the best peer measured on this machine (Kinto 26, all 10k in one page: 49.3k rec/s).
        for count in counts.sorted() {
            guard let pull = firstSync[count] else { continue }
            if count >= 100_000, let limit = bulkLoad[count] {
                let ratio = pull.rate / limit
                report.addTarget(
                    TargetCheck(
                        figure: "first sync of \(count) notes",
                        measured: rate(pull.rate) + String(format: " (%.2f×)", ratio), goal: "≥ 0.8× the bulk load",
                        met: ratio >= 0.8,
                        limit: "bulk-loads these rows at " + rate(limit) + "; plain SQLite (WAL) inserts them at "
                            + rate(plainInsert[count] ?? 0)))
            }
            if count == 10_000 {
                report.addTarget(
                    TargetCheck(
                        figure: "first sync of 10000 notes", measured: rate(pull.rate), goal: "≥ 150k rec/s (3× peer)",
                        met: pull.rate >= 150_000, limit: "bulk-loads them at " + rate(bulkLoad[count] ?? 0)))
            }
        }
        if let pull = firstSync[100_000] ?? counts.max().flatMap({ firstSync[$0] }) {
            let megabytes = Double(pull.peak) / 1_048_576
            report.addTarget(
                TargetCheck(
                    figure: "first sync: client peak RSS", measured: String(format: "%.1f MB", megabytes),
                    goal: "< 100 MB", met: megabytes < 100))
        }
        if let base = firstSync[100_000], let largest = counts.max(), largest > 100_000, let pull = firstSync[largest] {
            let growth = Double(pull.peak) / Double(max(base.peak, 1))
            report.addTarget(
                TargetCheck(
                    figure: "first sync of \(largest) notes", measured: rate(pull.rate) + ", all stored",
                    goal: "completes", met: true))
            report.addTarget(
                TargetCheck(
                    figure: "peak RSS at \(largest) / at 100000",
                    measured: String(format: "%.2f× (%.1f MB)", growth, Double(pull.peak) / 1_048_576),
                    goal: "flat (≤ 1.2×)", met: growth <= 1.2))
        }
        for lane in lanes {
            let p50 = median(lane.samples)
            report.addTarget(
                TargetCheck(
                    figure: "incremental p50, \(lane.stored) stored", measured: String(format: "%.2f ms", p50 * 1000),
                    goal: String(format: "≤ %.0f ms", goals.incrementalP50 * 1000), met: p50 <= goals.incrementalP50,
                    limit: String(
                        format: "its fixed costs alone (2 bare HTTP exchanges, 2 disk flushes between rounds): %.2f ms",
                        roundFloor * 1000)))
        }
        if let flatness {
            report.addTarget(
                TargetCheck(
                    figure: "incremental p50, \(flatness.stored) / 1000 stored",
                    measured: String(format: "%.2f×", flatness.ratio), goal: "within ±20%",
                    met: abs(flatness.ratio - 1) <= 0.2))
        }
        let propagationP50 = median(delays)
        report.addTarget(
            TargetCheck(
                figure: "propagation p50", measured: String(format: "%.2f ms", propagationP50 * 1000), goal: "< 50 ms",
                met: propagationP50 < 0.05))
        for run in concurrency {
            report.addTarget(
                TargetCheck(
                    figure: "\(run.clients) concurrent clients", measured: rate(run.rate) + ", \(run.errors) errors",
                    goal: "≥ \(rate(goals.concurrent)), 0 errors", met: run.rate >= goals.concurrent && run.errors == 0)
            )
        }
        if let single, let run = concurrency.first(where: { $0.clients == single.clients }) {
            report.addTarget(
                TargetCheck(
                    figure: "\(run.clients) clients: \(backend.servers.count) instances against 1",
                    measured: String(format: "%.2f×", run.rate / max(single.rate, 1)), goal: "> 1×",
                    met: run.rate > single.rate))
        }
    }

    func smallPair(server: BenchServer, work: String, articles: [ImportedArticle]) async throws
        -> (a: LocalStore, b: LocalStore, token: String, user: String)
    {
        let user = "incremental1000"
        let token = try await server.signup(user)
        let a = try LocalStore(home: work + "/\(user)-a")
        _ = try a.importArticles(articles)
        try a.addNotes(
            (0..<1_000).map { index in
                LocalStore.NoteDraft(
                    articleID: articles[0].id,
                    anchor: Anchor(exact: "quote \(index)", prefix: "", suffix: "", start: 0, end: 8),
                    body: String(repeating: "x", count: 300))
            })
        _ = try await SyncEngine(store: a, transport: CurlTransport(), server: server.url, token: token).sync()
        let b = try LocalStore(home: work + "/\(user)-b")
        return (a, b, token, user)
    }

    func concurrent(_ count: Int, servers: [BenchServer], work: String, articleID: String) async throws
        -> (records: Int, p99: Double, errors: Int)
    {
        var tokens: [String] = []
        // New accounts for each run: a run through fewer instances starts from the same empty feeds.
        let run = UUID().uuidString.prefix(8).lowercased()
        for index in 0..<count { tokens.append(try await servers[0].signup("c\(count)-\(run)-\(index)")) }
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(seconds) * 1_000_000_000
        let results = try await withThrowingTaskGroup(of: (Int, [Double], Int).self) { group in
            for (index, token) in tokens.enumerated() {
                // Client i talks to instance i mod n: spread as a load balancer would.
                let server = servers[index % servers.count]
                group.addTask {
                    let transport = CurlTransport()
                    var writer = NoteWriter(replica: "c\(count)x\(index)", articleID: articleID)
                    var cursor: String?
                    var pushed = 0
                    var latencies: [Double] = []
                    var errors = 0
                    while DispatchTime.now().uptimeNanoseconds < deadline {
                        let batch = (0..<100).map { _ in writer.next() }
                        var json = JSONWriter(capacity: 100 * 900)
                        json.raw("{\"changes\":[")
                        for (position, state) in batch.enumerated() {
                            if position > 0 { json.raw(",") }
                            state.write(to: &json)
                        }
                        json.raw("],\"since\":")
                        if let cursor { json.string(cursor) } else { json.raw("null") }
                        json.raw("}")
                        let request = TransportRequest(
                            method: "POST", url: server.url + "/v1/sync",
                            headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json"],
                            body: Data(json.bytes))
                        let start = DispatchTime.now().uptimeNanoseconds
                        let response = try? await transport.send(request)
                        latencies.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                        guard let response, response.status == 200, let page = try? JSONValue.parse(response.body)
                        else {
                            errors += 1
                            continue
                        }
                        cursor = page["cursor"]?.string
                        pushed += batch.count
                    }
                    return (pushed, latencies, errors)
                }
            }
            var all: [(Int, [Double], Int)] = []
            for try await result in group { all.append(result) }
            return all
        }
        let latencies = results.flatMap(\.1).sorted()
        return (results.map(\.0).reduce(0, +), percentile(latencies, 0.99), results.map(\.2).reduce(0, +))
    }
}

/// Makes new note states for one replica.
struct NoteWriter {
    let replica: ReplicaID
    let articleID: String
    var clock: HybridLogicalClock
    var counter = 0

    init(replica: String, articleID: String) {
        self.replica = ReplicaID(replica)!
        self.articleID = articleID
        clock = HybridLogicalClock(replica: self.replica)
    }

    mutating func next() -> RecordState {
        counter += 1
        var state = RecordState(id: "n-\(replica)-\(counter)", kind: .note, articleID: articleID)
        let anchor = Anchor(
            exact: String(repeating: "quoted text ", count: 25), prefix: "", suffix: "", start: 0, end: 300)
        try! state.edit(
            [.set("anchor", .anchor(anchor)), .set("body", .string(String(repeating: "a comment on it ", count: 19)))],
            by: replica, at: clock.tick())
        return state
    }
}

/// One side of the incremental benchmark: two machines (A edits, B follows) over a store of a size.
struct IncrementalLane {
    let stored: Int
    let pair: (a: LocalStore, b: LocalStore, token: String, user: String)
    let engineA: SyncEngine
    let engineB: SyncEngine
    let wireA = TimedTransport()
    let wireB = TimedTransport()
    let target: String
    /// Seconds per measured round: the whole round.
    var samples: [Double] = []
    /// Seconds per measured round: the edit, A's sync, B's sync, and their HTTP exchanges.
    var parts: [[Double]] = [[], [], [], [], []]

    init(
        stored: Int, pair: (a: LocalStore, b: LocalStore, token: String, user: String), server: BenchServer,
        far: BenchServer
    ) async throws {
        self.stored = stored
        self.pair = pair
        engineA = SyncEngine(store: pair.a, transport: wireA, server: server.url, token: pair.token)
        engineB = SyncEngine(store: pair.b, transport: wireB, server: far.url, token: try await far.login(pair.user))
        _ = try await engineA.sync()
        _ = try await engineB.sync()
        target = try pair.a.records(kind: .note).first!.id
    }

    /// An edit on A, then A's sync, then B's, timed when `measured`.
    mutating func round(_ round: Int, measured: Bool) async throws {
        let edit = try time { try pair.a.update(target, [.set("body", .string("edit \(round)"))]) }
        let syncA = try await timeAsync { _ = try await engineA.sync() }
        let syncB = try await timeAsync { _ = try await engineB.sync() }
        let exchanges = (wireA.takeElapsed(), wireB.takeElapsed())
        guard measured else { return }
        samples.append(edit + syncA + syncB)
        for (index, part) in [edit, syncA, syncB, exchanges.0, exchanges.1].enumerated() { parts[index].append(part) }
    }
}

/// CurlTransport, timing its exchanges: the part of a sync spent on the wire and in the server.
final class TimedTransport: SyncTransport, @unchecked Sendable {
    private let transport = CurlTransport()
    private let lock = NSLock()
    private var elapsed = 0.0

    func send(_ request: TransportRequest) async throws(TransportError) -> TransportResponse {
        let start = DispatchTime.now().uptimeNanoseconds
        defer {
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            lock.withLock { elapsed += seconds }
        }
        return try await transport.send(request)
    }

    /// Seconds spent in exchanges since the last call.
    func takeElapsed() -> Double {
        lock.withLock {
            defer { elapsed = 0 }
            return elapsed
        }
    }
}

/// A `margin-server` process for the benchmark.
final class BenchServer: @unchecked Sendable {
    let process = Process()
    let url: String
    let transport = CurlTransport()

    init(bin: URL, data: String, database: String? = nil) throws {
        process.executableURL = bin.appendingPathComponent("margin-server")
        process.arguments =
            [
                "serve", "--port", "0", "--data", data, "--bcrypt-cost", "4", "--log-level", "warning",
                // Its clients sign up from one address by the dozen.
                "--login-failures-per-address", "100000",
            ] + (database.map { ["--database", $0] } ?? [])
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        Self.stopOnSignal(process.processIdentifier)
        var text = ""
        while !text.contains("\n") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let range = text.range(of: "http://") else { throw ValidationError("the server did not start") }
        url = String(text[range.lowerBound...]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The server to stop when the benchmark is interrupted (Ctrl-C, SIGTERM, a closed pipe), so
    /// that it does not outlive the benchmark.
    nonisolated(unsafe) private static var running: [pid_t] = []

    private static func stopOnSignal(_ pid: pid_t) {
        running.append(pid)
        for signalNumber in [SIGINT, SIGTERM, SIGPIPE] {
            signal(signalNumber) { received in
                for pid in BenchServer.running { kill(pid, SIGTERM) }
                _exit(128 + received)
            }
        }
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// The time the server spent answering requests so far, by its own clock (handler start to
    /// response), and how many it answered: from `/metrics`.
    func handling() async throws -> (seconds: Double, requests: Int) {
        let reply = try await transport.send(TransportRequest(method: "GET", url: url + "/metrics"))
        var seconds = 0.0
        var requests = 0
        for line in String(decoding: reply.body, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 2 else { continue }
            if parts[0] == "margin_http_request_duration_seconds_sum" { seconds = Double(parts[1]) ?? 0 }
            if parts[0] == "margin_http_request_duration_seconds_count" { requests = Int(parts[1]) ?? 0 }
        }
        return (seconds, requests)
    }

    func signup(_ user: String) async throws -> String {
        _ = try await post("/v1/accounts", user)
        return try await login(user)
    }

    func login(_ user: String) async throws -> String {
        let reply = try await post("/v1/sessions", user)
        guard let token = (try? JSONValue.parse(reply.body))?["token"]?.string else {
            throw ValidationError("login failed")
        }
        return token
    }

    private func post(_ path: String, _ user: String) async throws -> TransportResponse {
        var writer = JSONWriter()
        writer.value(.object([("username", .string(user)), ("password", .string("benchmark-password"))]))
        return try await transport.send(
            TransportRequest(
                method: "POST", url: url + path, headers: ["Content-Type": "application/json"], body: Data(writer.bytes)
            ))
    }
}

/// Runs the `margin` binary beside this one on a profile; returns the peak RSS it reports, in bytes.
@discardableResult
func runMargin(_ bin: URL, _ arguments: [String], home: String) throws -> Int {
    let process = Process()
    // Started through a small shell that forks it: a process spawned straight from this (large)
    // benchmark reports this benchmark's memory as its own high-water mark.
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", "\"$@\"; exit $?", "sh", bin.appendingPathComponent("margin").path] + arguments
    process.environment = ProcessInfo.processInfo.environment.merging([
        "MARGIN_HOME": home, "MARGIN_PASSWORD": "benchmark-password", "MARGIN_REPORT_PEAK_RSS": "1",
    ]) { _, new in new }
    process.standardOutput = FileHandle.nullDevice
    let errors = Pipe()
    process.standardError = errors
    try process.run()
    let report = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw ValidationError("margin \(arguments.joined(separator: " ")) failed: \(report)")
    }
    let line = report.split(separator: "\n").first { $0.hasPrefix("peak-rss-bytes ") }
    return line.flatMap { Int($0.split(separator: " ").last!) } ?? 0
}

/// Seconds taken by an async `body`.
func timeAsync(_ body: () async throws -> Void) async rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try await body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
}

func median(_ samples: [Double]) -> Double { percentile(samples.sorted(), 0.5) }

/// "27.1k rec/s".
func rate(_ perSecond: Double) -> String { String(format: "%.1fk rec/s", perSecond / 1000) }

func percentiles(_ samples: [Double]) -> String {
    let sorted = samples.sorted()
    return String(
        format: "p50 %.2f ms, p95 %.2f ms, p99 %.2f ms", percentile(sorted, 0.5) * 1000,
        percentile(sorted, 0.95) * 1000,
        percentile(sorted, 0.99) * 1000)
}

/// With MARGIN_BENCH_TRACE set, a timestamped line on stderr (unbuffered), to line up profiles.
func trace(_ message: @autoclosure () -> String) {
    guard ProcessInfo.processInfo.environment["MARGIN_BENCH_TRACE"] != nil else { return }
    FileHandle.standardError.write(Data("    trace: \(message())\n".utf8))
}
