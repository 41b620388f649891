import Foundation
import MarginShared
import MarginTestSupport
import Testing

@Suite struct SyncTests {
    @Test(arguments: StoreBackend.testable) func pushPullPaginationAndIdempotentRepush(backend: StoreBackend)
        async throws
    {
        let server = try ServerProcess(backend: backend)
        defer { server.stop() }
        let laptop = try await server.signup("ann")
        let desktop = try await server.login("ann")
        var writer = Writer("laptop")
        let notes = (0..<25).map { writer.note(String(format: "n-%03d", $0), body: "note \($0)") }
        let pushed = try await server.sync(laptop, push: notes)
        #expect(pushed.reply.status == 200)
        #expect(pushed.states.isEmpty, "what was pushed is not echoed back")

        var pulled: [RecordState] = []
        var cursor: String?
        var pages = 0
        repeat {
            let page = try await server.sync(desktop, since: cursor, limit: 10)
            #expect(page.reply.status == 200)
            pulled += page.states
            cursor = page.cursor
            pages += 1
            if !page.more { break }
        } while pages < 10
        #expect(pages == 3)
        #expect(pulled.map(\.id) == notes.map(\.id), "oldest change first")
        #expect(pulled == notes)

        // Pushing the same batch again changes nothing: no new sequence numbers, nothing to pull.
        let again = try await server.sync(laptop, push: notes, since: cursor)
        #expect(again.states.isEmpty)
        #expect(again.cursor == cursor)
        let after = try await server.sync(desktop, since: cursor)
        #expect(after.states.isEmpty && after.cursor == cursor)
    }

    /// A push-only request (limit 0) answers with the span of the feed its own writes took, so a
    /// client with two pushes in flight can move its cursor without pulling its own records back.
    @Test(arguments: StoreBackend.testable) func pushOnlyRequestsReportTheSpanTheyWrote(backend: StoreBackend)
        async throws
    {
        let server = try ServerProcess(backend: backend)
        defer { server.stop() }
        let laptop = try await server.signup("pia")
        let phone = try await server.login("pia")
        var writer = Writer("laptop")
        let first = (0..<3).map { writer.note("a-\($0)", body: "first \($0)") }
        let second = (0..<2).map { writer.note("b-\($0)", body: "second \($0)") }

        // A cursor taken from the empty feed comes back as the base of a push made there.
        let empty = try await server.sync(phone)
        let nothing = try await server.sync(phone, since: empty.cursor, limit: 0)
        #expect(nothing.reply.json?["base"]?.string == empty.cursor)

        // Both sent with the same (null) cursor, as two pushes in flight are.
        let one = try await server.sync(laptop, push: first, limit: 0)
        let two = try await server.sync(laptop, push: second, limit: 0)
        #expect(one.reply.status == 200 && two.reply.status == 200)
        #expect(one.states.isEmpty && two.states.isEmpty, "no page, and nothing stored differently")
        #expect(one.reply.json?["base"] == .null, "the feed was empty before the first")
        #expect(two.reply.json?["base"]?.string == one.cursor, "the second's span follows the first's")

        // Another machine writes in between: the span no longer starts where the laptop stands.
        var other = Writer("phone")
        _ = try await server.sync(phone, push: [other.note("p-0", body: "from the phone")], since: two.cursor)
        let three = try await server.sync(
            laptop, push: [writer.note("c-0", body: "third")], since: two.cursor, limit: 0)
        #expect(three.reply.json?["base"]?.string != two.cursor)
        let rest = try await server.sync(laptop, since: two.cursor)
        // Its next pull brings the phone's record, and its own third one, whose span it could not place.
        #expect(rest.states.map(\.id) == ["p-0", "c-0"])

        // A stored state that differs from the pushed one comes back even without a page.
        let stale = try await server.sync(phone, push: [other.note("a-0", body: "phone's edit")], limit: 0)
        #expect(stale.states.map(\.id) == ["a-0"])
        #expect(try await server.sync(laptop, push: first, limit: 1001).reply.status == 400)
    }

    @Test(arguments: StoreBackend.testable) func concurrentEditsMergeOnTheServer(backend: StoreBackend) async throws {
        let server = try ServerProcess(backend: backend)
        defer { server.stop() }
        let laptopToken = try await server.signup("ann")
        let desktopToken = try await server.login("ann")
        var laptop = Writer("laptop")
        var desktop = Writer("desktop")
        let base = laptop.note("n-1", body: "first", tags: ["a"])
        let first = try await server.sync(laptopToken, push: [base])
        let start = try await server.sync(desktopToken)
        #expect(start.states == [base])
        let left = laptop.edit(base, [.set("body", .string("laptop")), .addTag("l")])
        let right = desktop.edit(base, [.set("body", .string("desktop")), .addTag("d")])
        _ = try await server.sync(laptopToken, push: [left], since: first.cursor)
        let merged = try await server.sync(desktopToken, push: [right], since: start.cursor)
        #expect(merged.states.count == 1, "the merged state differs from what the desktop pushed, so it comes back")
        let state = try #require(merged.states.first)
        #expect(state == (try RecordState.merge(left, right)))
        #expect(state.tagNames == ["a", "d", "l"])
        #expect(state.conflicts.map(\.field) == ["body"])
        var metrics = try await server.request("GET", "/metrics", contentType: nil).text
        #expect(metrics.contains("margin_conflicts_created_total 1"))

        // New to the server, one plain and one already holding a conflict (merged on a client
        // first): only the second counts.
        let plain = laptop.note("n-2", body: "plain")
        let fresh = laptop.note("n-3", body: "fresh")
        let held = try RecordState.merge(
            laptop.edit(fresh, [.set("body", .string("mine"))]), desktop.edit(fresh, [.set("body", .string("theirs"))]))
        #expect(held.conflicts.count == 1)
        _ = try await server.sync(laptopToken, push: [plain, held])
        metrics = try await server.request("GET", "/metrics", contentType: nil).text
        #expect(metrics.contains("margin_conflicts_created_total 2"))
    }

    @Test(arguments: StoreBackend.testable) func usersAreIsolatedEvenWhenTheyKnowTheIDs(backend: StoreBackend)
        async throws
    {
        let server = try ServerProcess(backend: backend)
        defer { server.stop() }
        let ann = try await server.signup("ann")
        let bob = try await server.signup("bob")
        var annWriter = Writer("annlaptop")
        var bobWriter = Writer("boblaptop")
        let secret = annWriter.note("n-secret", body: "ann's private note")
        _ = try await server.sync(ann, push: [secret])
        #expect(try await server.sync(bob).states.isEmpty, "bob sees nothing of ann's")
        // Bob pushes a record with ann's id: it lands in bob's own space.
        let forged = bobWriter.note("n-secret", body: "bob overwrites")
        _ = try await server.sync(bob, push: [forged])
        let annView = try await server.sync(ann)
        #expect(annView.states == [secret])
        let bobView = try await server.sync(bob)
        #expect(bobView.states.isEmpty || bobView.states == [forged])
        let changes = try await server.request("GET", "/v1/changes", token: bob, contentType: nil)
        #expect(!changes.text.contains("private"))
    }

    @Test(arguments: StoreBackend.testable) func concurrentPushersAndAPollingReaderSeeEveryChangeOnceInOrder(
        backend: StoreBackend
    ) async throws {
        let server = try ServerProcess(backend: backend)
        defer { server.stop() }
        // On PostgreSQL the pushers alternate between two instances while the reader polls one.
        let other = backend == .postgres ? try ServerProcess(database: server.database) : nil
        defer { other?.stop() }
        let instances = [server] + (other.map { [$0] } ?? [])
        let token = try await server.signup("ann")
        let reader = try await server.login("ann")
        let pushers = 6
        let perPusher = 40
        let expected = Set((0..<pushers).flatMap { p in (0..<perPusher).map { "n-\(p)-\($0)" } })
        async let pushing: Void = withThrowingTaskGroup(of: Void.self) { group in
            for p in 0..<pushers {
                group.addTask {
                    var writer = Writer("pusher\(p)")
                    for index in stride(from: 0, to: perPusher, by: 4) {
                        let batch = (index..<index + 4).map { writer.note("n-\(p)-\($0)", body: "body") }
                        let reply = try await instances[p % instances.count].sync(token, push: batch)
                        #expect(reply.reply.status == 200)
                    }
                }
            }
            try await group.waitForAll()
        }
        var seen: [String] = []
        var cursor: String?
        var sequences: [Int64] = []
        let deadline = Date().addingTimeInterval(60)
        while Set(seen).count < expected.count && Date() < deadline {
            let page = try await server.sync(reader, since: cursor, limit: 7)
            #expect(page.reply.status == 200)
            seen += page.states.map(\.id)
            cursor = page.cursor
            sequences.append(Int64(page.cursor.split(separator: ".").last!)!)
        }
        try await pushing
        while true {
            let page = try await server.sync(reader, since: cursor, limit: 50)
            seen += page.states.map(\.id)
            cursor = page.cursor
            if page.states.isEmpty && !page.more { break }
        }
        #expect(seen.count == expected.count, "every change exactly once")
        #expect(Set(seen) == expected)
        #expect(sequences == sequences.sorted(), "the cursor only moves forward")
        // Oldest first: each pusher's notes arrive in the order it pushed them.
        for p in 0..<pushers {
            let mine = seen.filter { $0.hasPrefix("n-\(p)-") }
            #expect(mine == (0..<perPusher).map { "n-\(p)-\($0)" })
        }
    }

    @Test(arguments: StoreBackend.testable) func longPollWakesWhenAChangeArrives(backend: StoreBackend) async throws {
        let server = try ServerProcess(backend: backend)
        defer { server.stop() }
        let token = try await server.signup("ann")
        let start = try await server.sync(token)
        let waiting = Task {
            let began = Date()
            let reply = try await server.request(
                "GET", "/v1/changes?since=\(start.cursor)&wait=30", token: token, contentType: nil)
            return (reply, Date().timeIntervalSince(began))
        }
        try await Task.sleep(for: .milliseconds(500))
        let metrics = try await server.request("GET", "/metrics", contentType: nil).text
        #expect(metrics.contains("margin_long_polls_open 1"))
        var writer = Writer("laptop")
        let pushedAt = Date()
        _ = try await server.sync(token, push: [writer.note("n-1", body: "wake up")])
        let (reply, waited) = try await waiting.value
        #expect(reply.status == 200)
        #expect(reply.text.contains("wake up"))
        #expect(waited < 25, "woke on the push, not at the 30 s timeout")
        print("long-poll woke \(String(format: "%.0f", Date().timeIntervalSince(pushedAt) * 1000)) ms after the push")

        let empty = try await server.request(
            "GET", "/v1/changes?since=\(start.cursor)&wait=1&limit=1", token: token, contentType: nil)
        #expect(empty.json?["changes"] != .array([]))
        let timeout = try await server.request(
            "GET", "/v1/changes?since=\(reply.json!["cursor"]!.string!)&wait=1", token: token, contentType: nil)
        #expect(timeout.status == 200 && timeout.json?["changes"] == .array([]))
    }

    @Test(arguments: StoreBackend.testable) func cursorsOlderThanTheRetentionWindowGet410(backend: StoreBackend)
        async throws
    {
        let server = try ServerProcess(["--tombstone-retention", "1", "--purge-interval", "1"], backend: backend)
        defer { server.stop() }
        let token = try await server.signup("ann")
        var writer = Writer("laptop")
        let note = writer.note("n-1", body: "to be deleted")
        let first = try await server.sync(token, push: [note])
        let deleted = writer.delete(note)
        let second = try await server.sync(token, push: [deleted], since: first.cursor)
        #expect(second.reply.status == 200)
        try await Task.sleep(for: .seconds(3))
        let stale = try await server.sync(token, since: first.cursor)
        #expect(stale.reply.status == 410)
        #expect(stale.reply.json?["type"]?.string == "urn:margin:problem:cursor-expired")
        let fresh = try await server.sync(token, since: second.cursor)
        #expect(fresh.reply.status == 200)
        let fromScratch = try await server.sync(token)
        #expect(fromScratch.reply.status == 200 && fromScratch.states.isEmpty, "the tombstone itself was forgotten")
        let foreign = try await server.sync(token, since: "zzz.1")
        #expect(foreign.reply.status == 410, "a cursor from another store")
        // A long-poll refused with 410 leaves no subscription behind (each one leaked before).
        for _ in 0..<20 {
            let poll = try await server.request(
                "GET", "/v1/changes?since=zzz.1&wait=5", token: token, contentType: nil)
            #expect(poll.status == 410)
        }
        let metrics = try await server.request("GET", "/metrics", contentType: nil).text
        #expect(metrics.contains("\nmargin_change_subscriptions 0\n"), "\(metrics)")
    }

    @Test(arguments: StoreBackend.testable) func gracefulShutdownFinishesInFlightRequests(backend: StoreBackend)
        async throws
    {
        let server = try ServerProcess(backend: backend)
        let token = try await server.signup("ann")
        let start = try await server.sync(token)
        let waiting = Task {
            try await server.request("GET", "/v1/changes?since=\(start.cursor)&wait=30", token: token, contentType: nil)
        }
        // SIGTERM only once the long-poll is waiting on the server (a fixed sleep raced a busy host).
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let metrics = try await server.request("GET", "/metrics", contentType: nil).text
            if metrics.contains("\nmargin_long_polls_open 1") { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        let began = Date()
        kill(server.process.processIdentifier, SIGTERM)
        let reply = try await waiting.value
        server.process.waitUntilExit()
        #expect(reply.status == 200, "the long-poll was answered, not cut")
        #expect(Date().timeIntervalSince(began) < 20)
        #expect(server.process.terminationStatus == 0)
    }
}
