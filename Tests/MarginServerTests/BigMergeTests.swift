import Foundation
import MarginShared
import MarginTestSupport
import Testing

/// Merges of valid edits that pass a per-request limit still travel both ways.
@Suite struct BigMergeTests {
    /// Nine machines import nine different 2 MiB contents of one article: the merged record (about
    /// 18 MiB) is over the 16 MiB body limit, and still comes back as a page of its own, and the
    /// machine that edits it next can push it.
    @Test(arguments: StoreBackend.testable) func aRecordBiggerThanAPageTravelsAlone(backend: StoreBackend) async throws
    {
        let server = try ServerProcess(backend: backend)
        defer { server.stop() }
        let token = try await server.signup("ann")
        var writer = Writer("notes")
        let first = try await server.sync(token, push: [writer.note("n-before", body: "before")])
        #expect(first.reply.status == 200)
        var merged = RecordState(id: "a-big", kind: .article)
        for index in 0..<9 {
            let replica = ReplicaID("machine\(index)")!
            var clock = HybridLogicalClock(replica: replica)
            var state = RecordState(id: "a-big", kind: .article)
            let content = String(
                repeating: Character(UnicodeScalar(UInt8(ascii: "a") + UInt8(index))), count: 2_000_000)
            try state.edit([.set("content", .string(content))], by: replica, at: clock.tick())
            let push = try await server.sync(token, push: [state], limit: 0)
            #expect(push.reply.status == 200, "\(push.reply.text.prefix(200))")
            merged = try RecordState.merge(merged, state)
        }
        let after = try await server.sync(token, push: [writer.note("n-after", body: "after")])
        #expect(after.reply.status == 200)

        var pages: [[String]] = []
        var cursor: String?
        var pulled: [RecordState] = []
        repeat {
            let page = try await server.sync(token, since: cursor, limit: 1_000)
            #expect(page.reply.status == 200, "\(page.reply.text.prefix(200))")
            pages.append(page.states.map(\.id))
            pulled += page.states
            cursor = page.cursor
            if !page.more { break }
        } while pages.count < 5
        #expect(pages == [["n-before"], ["a-big"], ["n-after"]], "the big record alone, between the others")
        #expect(pulled.first { $0.id == "a-big" } == merged)
        #expect(WireFormat.bytes(merged).count > 16 * 1024 * 1024)

        // The machine that edits the merged record next pushes all of it, as one record.
        let replica = ReplicaID("machine0")!
        var clock = HybridLogicalClock(replica: replica)
        clock.observe(merged.latestStamp!)
        var edited = merged
        try edited.edit([.addTag("read")], by: replica, at: clock.tick())
        let push = try await server.sync(token, push: [edited], since: cursor)
        #expect(push.reply.status == 200, "\(push.reply.text.prefix(200))")
        // Two records in a body over the limit are still refused.
        let two = try await server.sync(token, push: [edited, writer.note("n-x", body: "x")], since: cursor)
        #expect(two.reply.status == 413)
    }
}
