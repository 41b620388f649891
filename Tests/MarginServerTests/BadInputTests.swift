import Foundation
import MarginShared
import MarginTestSupport
import Testing

/// Every bad input gets the right 4xx as problem+json; the server stays up and the store unchanged.
@Suite struct ServerBadInputTests {
    func note(_ mutate: (inout [String: Any]) -> Void) throws -> Data {
        var writer = Writer("laptop")
        let state = writer.note("n-bad", body: "body")
        var object = try JSONSerialization.jsonObject(with: WireFormat.encode(state)) as! [String: Any]
        mutate(&object)
        return try JSONSerialization.data(withJSONObject: ["since": NSNull(), "changes": [object]])
    }

    @Test(arguments: StoreBackend.testable) func badInputsGetTheRightStatusAndStoreNothing(backend: StoreBackend)
        async throws
    {
        let server = try ServerProcess(backend: backend)
        defer { server.stop() }
        let token = try await server.signup("ann")
        let revoked = try await server.login("ann")
        _ = try await server.request("DELETE", "/v1/sessions/current", token: revoked)
        var writer = Writer("laptop")
        let existing = writer.note("n-existing", body: "stored", article: "a-1")
        let first = try await server.sync(token, push: [existing])
        #expect(first.reply.status == 200)
        let before = try server.storeBytes()

        let deep = String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000)
        var bigVector: [String: Any] = [:]
        for index in 0..<10_000 { bigVector["r\(index)"] = 1 }
        let moved = writer.edit(existing, [.set("body", .string("moved"))])
        var movedJSON = try JSONSerialization.jsonObject(with: WireFormat.encode(moved)) as! [String: Any]
        movedJSON["articleID"] = "a-2"
        let cases: [(String, Data, String?, String?, Int)] = [
            ("malformed JSON", Data("{\"changes\": [".utf8), token, "application/json", 400),
            ("not an object", Data("[1,2]".utf8), token, "application/json", 400),
            ("wrong type for changes", Data("{\"changes\": 5}".utf8), token, "application/json", 400),
            ("wrong type for since", Data("{\"since\": 5}".utf8), token, "application/json", 400),
            ("unknown member", Data("{\"chnages\": []}".utf8), token, "application/json", 400),
            ("limit too high", Data("{\"limit\": 5000}".utf8), token, "application/json", 400),
            ("wrong content type", Data("{}".utf8), token, "text/plain", 415),
            ("no content type", Data("{}".utf8), token, nil, 415),
            ("deep nesting", Data("{\"changes\": \(deep)}".utf8), token, "application/json", 400),
            ("invalid UTF-8", Data([0x7B, 0x22, 0xC3, 0x28, 0x22, 0x3A, 0x31, 0x7D]), token, "application/json", 400),
            ("bad cursor", Data("{\"since\": \"../../etc\"}".utf8), token, "application/json", 400),
            ("record missing id", try note { $0.removeValue(forKey: "id") }, token, "application/json", 422),
            (
                "field of wrong type",
                try note { $0["fields"] = ["body": [["r": "laptop", "n": 1, "t": 1, "l": 0, "v": 5]]] }, token,
                "application/json", 422
            ),
            ("10k-entry version vector", try note { $0["vv"] = bigVector }, token, "application/json", 422),
            ("negative counter", try note { $0["vv"] = ["laptop": -1] }, token, "application/json", 422),
            ("unknown kind", try note { $0["kind"] = "podcast" }, token, "application/json", 422),
            ("unknown field", try note { $0["fields"] = ["title": []] }, token, "application/json", 422),
            ("SQL in an id", try note { $0["id"] = "x'); DROP TABLE records;--" }, token, "application/json", 422),
            ("path in an id", try note { $0["id"] = "../../etc/passwd" }, token, "application/json", 422),
            (
                "changed immutable field", try JSONSerialization.data(withJSONObject: ["changes": [movedJSON]]), token,
                "application/json", 422
            ),
            // Exactly what openapi.yaml says: no media type by prefix, no loose numbers, no repeats.
            ("JSONP content type", Data("{}".utf8), token, "application/jsonp", 415),
            ("JSON text sequence", Data("{}".utf8), token, "application/json-seq", 415),
            ("JSON5 content type", Data("{}".utf8), token, "application/json5", 415),
            (
                "cursor with a sign", Data("{\"since\": \"\(first.cursor.split(separator: ".")[0]).+0\"}".utf8), token,
                "application/json", 400
            ),
            ("cursor with spaces", Data("{\"since\": \"abc. 1\"}".utf8), token, "application/json", 400),
            ("two changes arrays", Data("{\"changes\": [], \"changes\": []}".utf8), token, "application/json", 400),
            ("two since members", Data("{\"since\": null, \"since\": null}".utf8), token, "application/json", 400),
            ("array beside changes", Data("{\"since\": [0, 0, 0]}".utf8), token, "application/json", 400),
            (
                "value and seen in one write",
                try note {
                    $0["fields"] = ["body": [["r": "laptop", "n": 1, "t": 1, "l": 0, "v": "x", "seen": ["laptop": 1]]]]
                }, token, "application/json", 400
            ),
            ("no token", Data("{}".utf8), nil, "application/json", 401),
            ("invalid token", Data("{}".utf8), "not-a-token", "application/json", 401),
            ("revoked token", Data("{}".utf8), revoked, "application/json", 401),
        ]
        for (name, body, auth, type, status) in cases {
            let reply = try await server.request("POST", "/v1/sync", body: body, token: auth, contentType: type)
            #expect(reply.status == status, "\(name): \(reply.status) \(reply.text)")
            #expect(reply.headers["content-type"] == "application/problem+json", "\(name)")
            #expect(reply.json?["type"]?.string?.hasPrefix("urn:margin:problem:") == true, "\(name)")
            #expect(reply.json?["status"] == .int(Int64(status)), "\(name)")
        }
        let gets: [(String, Int)] = [
            ("/v1/changes?limit=0", 400), ("/v1/changes?limit=abc", 400), ("/v1/changes?wait=999", 400),
            ("/v1/changes?since=nonsense", 400), ("/v1/changes?wait=+1", 400), ("/v1/changes?limit=+5", 400),
            ("/v1/changes?limit=%205", 400), ("/nowhere", 404), ("/v1/sync/../../etc/passwd", 404),
        ]
        for (path, status) in gets {
            let reply = try await server.request("GET", path, token: token, contentType: nil)
            #expect(reply.status == status, "\(path): \(reply.text)")
            #expect(reply.headers["content-type"] == "application/problem+json", "\(path)")
        }
        let withCharset = try await server.request(
            "POST", "/v1/sync", body: Data("{}".utf8), token: token, contentType: "application/json; charset=utf-8")
        #expect(withCharset.status == 200, "a parameter on the media type is fine")
        let wholeDouble = try await server.request(
            "POST", "/v1/sync", body: Data("{\"limit\": 62.0}".utf8), token: token)
        #expect(wholeDouble.status == 200, "62.0 is an integer to JSON Schema: \(wholeDouble.text)")
        let wrongMethod = try await server.request("PUT", "/v1/sync", body: Data("{}".utf8), token: token)
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.headers["allow"] == "POST")
        #expect(try server.storeBytes() == before, "the store is byte-for-byte unchanged")
        let health = try await server.request("GET", "/healthz", contentType: nil)
        #expect(health.status == 200)
        let after = try await server.sync(token)
        #expect(after.states == [existing])
    }

    @Test(arguments: StoreBackend.testable) func everyLimitIsEnforced(backend: StoreBackend) async throws {
        let server = try ServerProcess(backend: backend)
        defer { server.stop() }
        let token = try await server.signup("ann")
        let before = try server.storeBytes()
        var writer = Writer("laptop")

        // A body over 16 MiB holding more than one record; one over 64 MiB, refused before reading.
        let huge = Data("{\"changes\":[\"".utf8) + Data(repeating: 0x61, count: 17 * 1024 * 1024) + Data("\",1]}".utf8)
        let tooBig = try await server.request("POST", "/v1/sync", body: huge, token: token)
        #expect(tooBig.status == 413)
        let huger = Data("{\"changes\":[\"".utf8) + Data(repeating: 0x61, count: 65 * 1024 * 1024) + Data("\"]}".utf8)
        let wayTooBig = try await server.request("POST", "/v1/sync", body: huger, token: token)
        #expect(wayTooBig.status == 413)

        let many = (0..<1_001).map { writer.note("n-\($0)", body: "x") }
        #expect(try await server.sync(token, push: many).reply.status == 413)

        var article = RecordState(id: "a-big", kind: .article)
        var clock = HybridLogicalClock(replica: ReplicaID("laptop")!)
        try article.edit(
            [.set("content", .string(String(repeating: "x", count: 2 * 1024 * 1024 + 1)))], by: ReplicaID("laptop")!,
            at: clock.tick())
        #expect(try await server.sync(token, push: [article]).reply.status == 422)

        let longBody = writer.note("n-long", body: String(repeating: "y", count: 64 * 1024 + 1))
        #expect(try await server.sync(token, push: [longBody]).reply.status == 422)

        let tagged = writer.note("n-tags", body: "x", tags: (0..<65).map { "t\($0)" })
        #expect(try await server.sync(token, push: [tagged]).reply.status == 422)

        let longTag = writer.note("n-tag", body: "x", tags: [String(repeating: "t", count: 129)])
        #expect(try await server.sync(token, push: [longTag]).reply.status == 422)

        // Concurrent edits from many new machines may carry a record past the 256 replicas edits
        // reach; past four times that, a record is refused.
        func wide(_ id: String, replicas: Int) throws -> RecordState {
            var wide = RecordState(id: id, kind: .note, articleID: "a-1")
            for index in 0..<replicas {
                let replica = ReplicaID("r\(index)")!
                var other = RecordState(id: id, kind: .note, articleID: "a-1")
                var replicaClock = HybridLogicalClock(replica: replica)
                try other.edit([.addTag("t\(index % 10)")], by: replica, at: replicaClock.tick())
                wide = try RecordState.merge(wide, other)
            }
            return wide
        }
        #expect(try await server.sync(token, push: [try wide("n-wide", replicas: 1_025)]).reply.status == 422)
        #expect(try server.storeBytes() == before)

        // At the limits themselves, everything is accepted.
        let atLimit = (0..<1_000).map { writer.note("n-ok-\($0)", body: String(repeating: "z", count: 64)) }
        #expect(try await server.sync(token, push: atLimit).reply.status == 200)
        let maxBody = writer.note(
            "n-max", body: String(repeating: "y", count: 64 * 1024), tags: (0..<64).map { "t\($0)" })
        #expect(try await server.sync(token, push: [maxBody]).reply.status == 200)
        #expect(try await server.sync(token, push: [try wide("n-257", replicas: 257)]).reply.status == 200)
    }

    /// A 422 names the record it refuses, by position and (once read) id, so that a client can
    /// hold that one back and send the rest; nothing of the request is stored.
    @Test(arguments: StoreBackend.testable) func anInvalidRecordIsNamedInTheProblem(backend: StoreBackend) async throws
    {
        let server = try ServerProcess(backend: backend)
        defer { server.stop() }
        let token = try await server.signup("ann")
        var writer = Writer("laptop")
        let first = writer.note("n-1", body: "fine")
        let tooLong = writer.note("n-2", body: String(repeating: "y", count: 64 * 1024 + 1))
        let refused = try await server.sync(token, push: [first, tooLong]).reply
        #expect(refused.status == 422)
        #expect(refused.json?["index"]?.int == 1)
        #expect(refused.json?["type"]?.string == "urn:margin:problem:invalid-record")

        // Valid on its own, refused by the merge: the stored note belongs to another article.
        #expect(try await server.sync(token, push: [first]).reply.status == 200)
        let moved = writer.note("n-1", body: "moved", article: "a-2")
        let second = writer.note("n-3", body: "fine")
        let before = try server.storeBytes()
        let unmergeable = try await server.sync(token, push: [second, moved]).reply
        #expect(unmergeable.status == 422)
        #expect(unmergeable.json?["index"]?.int == 1)
        #expect(unmergeable.json?["record"]?.string == "n-1")
        #expect(try server.storeBytes() == before, "n-3 was not stored either")
    }
}
