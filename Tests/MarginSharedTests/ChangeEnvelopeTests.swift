import Foundation
import Testing

@testable import MarginShared

/// The one-pass reader: canonical bytes kept as they came, anything else re-encoded, errors placed.
@Suite struct ChangeEnvelopeTests {
    func sampleNote(_ id: String = "n-1") throws -> RecordState {
        var laptop = TestReplica("laptop")
        var desktop = TestReplica("desktop")
        var record = RecordState(id: id, kind: .note, articleID: "a-1")
        let anchor = Anchor(exact: "quiet \"trip\"", prefix: "A quick,\u{1f}\n ", suffix: " trip\t", start: 9, end: 14)
        try laptop.edit(&record, [.set("body", .string("Note ✓ \\ \u{1}")), .set("anchor", .anchor(anchor))])
        var other = record
        try laptop.edit(&record, [.addTag("x"), .set("color", .string("yellow"))])
        try desktop.edit(&other, [.set("body", .string("concurrent")), .addTag("y")])
        return try RecordState.merge(record, other)
    }

    /// The records of a page share the replica ids they name: with more distinct ids than the
    /// shared table keeps, and one id common to all, every record still reads as it was written.
    @Test func recordsOfAPageReadTheirOwnReplicas() throws {
        let common = ReplicaID("common")!
        var records: [RecordState] = []
        for number in 0..<(ChangeEnvelope.sharedReplicas + 44) {
            let own = ReplicaID("machine-\(number)")!
            var note = RecordState(id: "n-\(number)", kind: .note, articleID: "a-1")
            let stamp = Timestamp(wallMillis: 1_700_000_000_000 + Int64(number), logical: 0, replica: own)
            try note.edit([.set("body", .string("from \(number)"))], by: own, at: stamp)
            try note.edit(
                [.set("color", .string("yellow"))], by: common,
                at: Timestamp(wallMillis: stamp.wallMillis + 1, logical: 0, replica: common))
            records.append(note)
        }
        let body =
            "{\"changes\":["
            + records.map { String(decoding: WireFormat.bytes($0), as: UTF8.self) }
            .joined(separator: ",") + "]}"
        let decoded = try ChangeEnvelope.decode(Array(body.utf8)).records
        #expect(decoded.map(\.state) == records)
        #expect(decoded.map(\.bytes) == records.map(WireFormat.bytes))
    }

    @Test func canonicalBytesAreKeptAsReceived() throws {
        let record = try sampleNote()
        let bytes = WireFormat.bytes(record)
        let decoded = try WireFormat.decodeRecord(bytes)
        #expect(decoded.state == record)
        #expect(decoded.bytes == bytes)
    }

    /// Each variant says the same thing in a form the writer never produces; each must decode to
    /// the same state and come back as the writer's bytes, never as the received ones.
    @Test func otherFormsDecodeToTheSameStateAndCanonicalBytes() throws {
        let record = try sampleNote()
        let canonical = String(decoding: WireFormat.bytes(record), as: UTF8.self)
        let variants: [(String, String)] = [
            ("whitespace", canonical.replacingOccurrences(of: ",\"kind\"", with: " ,\n \"kind\"")),
            ("escaped slash", canonical.replacingOccurrences(of: "a-1", with: "a\\u002d1")),
            ("uppercase hex escape", canonical.replacingOccurrences(of: "\\u001f", with: "\\u001F")),
            ("keys out of order", reorderedTopLevel(canonical)),
            ("empty deletes", canonical.replacingOccurrences(of: "\"a-1\",", with: "\"a-1\",\"deleted\":[],")),
            ("zero in a vector", canonical.replacingOccurrences(of: "\"vv\":{", with: "\"vv\":{\"aaa\":0,")),
            ("missing anchor context", canonical.replacingOccurrences(of: ",\"suffix\":\" trip\\t\"", with: "")),
            // Names and numbers read in place have a slow path each for what they cannot take.
            ("escaped member name", canonical.replacingOccurrences(of: "\"kind\":", with: "\"\\u006bind\":")),
            ("escaped write member", canonical.replacingOccurrences(of: "\"r\":", with: "\"\\u0072\":")),
            (
                "escaped replica id",
                canonical.replacingOccurrences(of: "\"r\":\"laptop\"", with: "\"r\":\"l\\u0061ptop\"")
            ),
            (
                "write members out of order",
                canonical.replacingOccurrences(of: "{\"l\":0,\"n\":", with: "{\"n\":")
                    .replacingOccurrences(of: ",\"r\":\"laptop\"", with: ",\"l\":0,\"r\":\"laptop\"")
            ),
            ("negative zero", canonical.replacingOccurrences(of: "\"l\":0", with: "\"l\":-0")),
            // JSON Schema's integer takes a whole number written with a fraction or an exponent.
            ("whole counter with a fraction", canonical.replacingOccurrences(of: "\"n\":1,", with: "\"n\":1.0,")),
            ("whole stamp with an exponent", canonical.replacingOccurrences(of: "\"v\":1,", with: "\"v\":1e0,")),
        ]
        for (name, text) in variants {
            #expect(text != canonical, "\(name): the variant must differ")
            let decoded = try WireFormat.decodeRecord(Array(text.utf8))
            if name == "missing anchor context" {
                #expect(decoded.bytes == WireFormat.bytes(decoded.state), "\(name)")
            } else {
                #expect(decoded.state == record, "\(name)")
            }
            #expect(decoded.bytes != Array(text.utf8), "\(name): kept non-canonical bytes")
            #expect(decoded.bytes == WireFormat.bytes(decoded.state), "\(name)")
        }
    }

    func reorderedTopLevel(_ canonical: String) -> String {
        // Moves "id" to the front: same object, different key order.
        let value = try! JSONValue.parse(Array(canonical.utf8))
        guard case .object(var members) = value else { return canonical }
        let index = members.firstIndex { $0.0 == "id" }!
        members.insert(members.remove(at: index), at: 0)
        var writer = JSONWriter()
        writer.value(.object(members))
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    @Test func aPageKeepsEachRecordsBytesAndTheOtherMembers() throws {
        let records = try (1...3).map { try sampleNote("n-\($0)") }
        var writer = JSONWriter()
        writer.raw("{ \"changes\" : [ ")
        for (index, record) in records.enumerated() {
            if index > 0 { writer.raw(" , ") }
            record.write(to: &writer)
        }
        writer.raw(" ], \"cursor\": \"e.3\", \"more\": false }")
        let page = try ChangeEnvelope.decode(writer.bytes)
        #expect(page.records.map(\.state) == records)
        #expect(page.records.map(\.bytes) == records.map(WireFormat.bytes))
        #expect(page["cursor"] == .string("e.3"))
        #expect(page["more"] == .bool(false))
    }

    /// A page's cursor is read without its records (a client asks for the next page meanwhile); the
    /// records are passed over by their brackets, so what is wrong inside them is left for the
    /// decode, while the members around them are still read strictly.
    @Test func membersAloneSkipTheRecords() throws {
        let good = String(decoding: WireFormat.bytes(try sampleNote()), as: UTF8.self)
        let page = try ChangeEnvelope.members(Array("{\"changes\": [\(good), {\"v\": 2}], \"cursor\": \"e.3\"}".utf8))
        #expect(page.records.isEmpty)
        #expect(page["cursor"] == .string("e.3"))
        #expect(throws: EnvelopeError.self) {
            try ChangeEnvelope.decode(Array("{\"changes\": [\(good), {\"v\": 2}], \"cursor\": \"e.3\"}".utf8))
        }
        // Brackets and quotes inside strings do not end the array early.
        let tricky = try ChangeEnvelope.members(Array("{\"changes\": [{\"x\": \"]}\\\"[\"}], \"more\": true}".utf8))
        #expect(tricky["more"] == .bool(true))
        // Wherever an escaped quote or a bracket falls in a string's runs of eight bytes.
        for length in 0..<20 {
            for position in 0...length {
                for insert in ["\\\"", "]", "\\\\", "}"] {
                    var text = String(repeating: "a", count: length)
                    text.insert(contentsOf: insert, at: text.index(text.startIndex, offsetBy: position))
                    let body = "{\"changes\": [{\"x\": \"\(text)\"}, \"\(text)\"], \"cursor\": \"e.\(length)\"}"
                    #expect(try ChangeEnvelope.members(Array(body.utf8))["cursor"] == .string("e.\(length)"), "\(body)")
                }
            }
        }
        #expect(throws: EnvelopeError.self) { try ChangeEnvelope.members(Array("{\"changes\": [{\"v\": 2}".utf8)) }
        #expect(throws: EnvelopeError.self) { try ChangeEnvelope.members(Array("{\"changes\": 5}".utf8)) }
        #expect(throws: EnvelopeError.self) {
            try ChangeEnvelope.members(Array("{\"changes\": [], \"cursor\": }".utf8))
        }
    }

    /// A Margin server writes a page's plain members before its records: a client reading the
    /// cursor stops at `changes` then, and what follows is checked when the records are decoded.
    /// Members after `changes` are still found, by passing over the records.
    @Test func leadingMembersAreReadWithoutScanningTheRecords() throws {
        let good = String(decoding: WireFormat.bytes(try sampleNote()), as: UTF8.self)
        let cut = Array("{\"cursor\": \"e.3\", \"more\": true, \"changes\": [\(good), {\"v\": 2".utf8)
        let page = try ChangeEnvelope.members(cut, leading: ["cursor", "more"])
        #expect(page["cursor"] == .string("e.3") && page["more"] == .bool(true))
        #expect(page.records.isEmpty)
        #expect(throws: EnvelopeError.self) { try ChangeEnvelope.members(cut) }
        #expect(throws: EnvelopeError.self) { try ChangeEnvelope.decode(cut) }
        // One of them after the records: they are passed over to find it, and checked as before.
        let trailing = Array("{\"cursor\": \"e.3\", \"changes\": [\(good)], \"more\": false}".utf8)
        #expect(try ChangeEnvelope.members(trailing, leading: ["cursor", "more"])["more"] == .bool(false))
        let trailingCut = Array("{\"cursor\": \"e.3\", \"changes\": [\(good)], \"more\": ".utf8)
        #expect(throws: EnvelopeError.self) { try ChangeEnvelope.members(trailingCut, leading: ["cursor", "more"]) }
    }

    @Test func errorsAreMalformedRecordOrTooMany() throws {
        let good = String(decoding: WireFormat.bytes(try sampleNote()), as: UTF8.self)
        func error(_ text: String, maxRecords: Int = .max) -> EnvelopeError? {
            do {
                _ = try ChangeEnvelope.decode(Array(text.utf8), maxRecords: maxRecords)
                return nil
            } catch {
                return error
            }
        }
        #expect(error("[1]") == .malformed("the body is a JSON object"))
        #expect(error("{\"changes\": 5}") == .malformed("'changes' is an array of records"))
        guard case .record(index: 1, let recordError)? = error("{\"changes\": [\(good), {\"v\": 1}]}") else {
            Issue.record("the second record should be named")
            return
        }
        #expect(recordError.code == .malformed)
        // A syntax error anywhere wins over a bad record before it.
        guard case .malformed? = error("{\"changes\": [{\"v\": 2}, [}") else {
            Issue.record("a syntax error should be reported as malformed")
            return
        }
        #expect(error("{\"changes\": [\(good), \(good), \(good)]}", maxRecords: 2) == .tooManyRecords(count: 3))
        #expect(error("{\"changes\": []} x") != nil)
    }

    @Test func invalidUTF8InsideAStringIsRefused() throws {
        var bytes = Array("{\"changes\": [], \"cursor\": \"".utf8)
        bytes += [0xC3, 0x28]
        bytes += Array("\"}".utf8)
        #expect(throws: EnvelopeError.self) { try ChangeEnvelope.decode(bytes) }
        // Long strings take the eight-bytes-at-a-time path; a bad byte deep inside is still found.
        var long = Array("\"".utf8) + Array(repeating: UInt8(ascii: "a"), count: 37)
        long += [0xFF] + Array(repeating: UInt8(ascii: "b"), count: 40) + Array("\"".utf8)
        #expect(throws: JSONError.self) { try JSONValue.parse(long) }
        var control = Array("\"".utf8) + Array(repeating: UInt8(ascii: "a"), count: 21)
        control += [0x0A] + Array(repeating: UInt8(ascii: "b"), count: 20) + Array("\"".utf8)
        #expect(throws: JSONError.self) { try JSONValue.parse(control) }
        let text = String(repeating: "déjà vu ", count: 9) + "\"quoted\" and \\"
        var writer = JSONWriter()
        writer.string(text)
        #expect(try JSONValue.parse(writer.bytes) == .string(text))
    }
}
