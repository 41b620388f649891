import Foundation
import Testing

@testable import MarginShared

/// The decoder reads exactly one meaning from a body and bounds what one record may cost.
@Suite struct DecoderBoundsTests {
    /// `{"v":1,...,"tags":{"t":[16,000 writes of distinct replicas]},"vv":{...}}`: each write alone
    /// is well formed; the list is refused once it names more replicas than a record may.
    static func manyReplicaTag(_ count: Int) -> [UInt8] {
        var text = "{\"articleID\":\"a-1\",\"fields\":{},\"id\":\"n-1\",\"kind\":\"note\",\"tags\":{\"t\":["
        text += (0..<count).map { "{\"l\":0,\"n\":1,\"r\":\"r\($0)\",\"t\":1}" }.joined(separator: ",")
        text += "]},\"v\":1,\"vv\":{"
        text += (0..<count).map { "\"r\($0)\":1" }.joined(separator: ",")
        text += "}}"
        return Array(text.utf8)
    }

    @Test func aListOfWritesIsRefusedOnceItPassesTheReplicaCeiling() throws {
        let ceiling = RecordLimits.default.vectorEntriesCeiling
        #expect(throws: RecordError.self) { try WireFormat.decodeRecord(Self.manyReplicaTag(16_000)) }
        do {
            _ = try WireFormat.decodeRecord(Self.manyReplicaTag(16_000))
        } catch {
            #expect(error.code == .tooLarge && error.field == "tags.t", "\(error)")
            #expect(error.detail == "more than \(ceiling) writes", "refused while reading the list, not after")
        }
        // Up to the ceiling, a record naming many replicas decodes (through the hashed lookup) and
        // shares one id per replica between its vector and its writes.
        let record = try WireFormat.decodeRecord(Self.manyReplicaTag(ceiling)).state
        #expect(record.context.counters.count == ceiling)
        #expect(record.tags["t"]?.count == ceiling)
        #expect(Set(record.tags["t"]!.map(\.dot.replica)) == Set(record.context.counters.keys))
    }

    @Test func aVectorIsRefusedPastTheCeiling() {
        let ceiling = RecordLimits.default.vectorEntriesCeiling
        var text = "{\"articleID\":\"a-1\",\"fields\":{},\"id\":\"n-1\",\"kind\":\"note\",\"v\":1,\"vv\":{"
        text += (0...ceiling).map { "\"r\($0)\":1" }.joined(separator: ",")
        text += "}}"
        #expect {
            try WireFormat.decodeRecord(Array(text.utf8))
        } throws: { error in
            (error as? RecordError)?.detail == "more than \(ceiling) replicas in one version vector"
        }
    }

    @Test func aRepeatedMemberIsRefusedWhereverItIs() throws {
        let canonical = String(decoding: WireFormat.bytes(try sampleNote()), as: UTF8.self)
        let variants: [(String, String, String)] = [
            ("id", canonical.replacingOccurrences(of: "\"id\":\"n-1\"", with: "\"id\":\"n-1\",\"id\":\"n-2\""), "id"),
            ("vv", canonical.replacingOccurrences(of: "\"v\":1,", with: "\"v\":1,\"vv\":{},"), "vv"),
            (
                "a write's replica",
                canonical.replacingOccurrences(of: "\"r\":\"laptop\"", with: "\"r\":\"laptop\",\"r\":\"laptop\""),
                "fields.body[0].r"
            ),
            (
                "a vector entry",
                canonical.replacingOccurrences(of: "\"vv\":{", with: "\"vv\":{\"laptop\":1,"), "vv.laptop"
            ),
            (
                "a field", canonical.replacingOccurrences(of: "]},\"id\"", with: "],\"body\":[]},\"id\""),
                "fields.body"
            ),
            (
                "v and seen in one write",
                canonical.replacingOccurrences(of: ",\"v\":\"x\"", with: ",\"seen\":{\"laptop\":1},\"v\":\"x\""),
                "fields.body[0].v"
            ),
        ]
        for (name, text, field) in variants {
            #expect(text != canonical, "\(name): the variant must differ")
            #expect(throws: RecordError.self, "\(name)") { try WireFormat.decodeRecord(Array(text.utf8)) }
            do {
                _ = try WireFormat.decodeRecord(Array(text.utf8))
            } catch {
                #expect(error.code == .duplicateMember && error.field == field, "\(name): \(error)")
            }
        }
    }

    @Test func aBodyWithARepeatedMemberIsMalformed() throws {
        let record = String(decoding: WireFormat.bytes(try sampleNote()), as: UTF8.self)
        let bodies = [
            "{\"changes\":[\(record)],\"changes\":[\(record)]}",
            "{\"changes\":[],\"since\":null,\"since\":\"e.1\"}",
            "{\"changes\":[\(record.replacingOccurrences(of: "\"id\":\"n-1\"", with: "\"id\":\"n-1\",\"id\":\"n-1\""))]}",
        ]
        for body in bodies {
            #expect(throws: EnvelopeError.self, "\(body.prefix(60))") {
                try ChangeEnvelope.decode(Array(body.utf8))
            }
            if case .malformed = (Result { () throws(EnvelopeError) in try ChangeEnvelope.decode(Array(body.utf8)) })
                .error
            {
            } else {
                Issue.record("a repeated member is a malformed body (400), not an invalid record: \(body.prefix(60))")
            }
        }
    }

    /// Members beside `changes` are plain values: a huge array there is refused at its first byte.
    @Test func membersBesideChangesArePlainValues() {
        let huge = "{\"since\":[" + Array(repeating: "0", count: 100_000).joined(separator: ",") + "]}"
        #expect(throws: EnvelopeError.malformed("'since' is a string, number, boolean or null")) {
            try ChangeEnvelope.decode(Array(huge.utf8))
        }
        #expect(throws: EnvelopeError.malformed("'cursor' is a string, number, boolean or null")) {
            try ChangeEnvelope.decode(Array("{\"cursor\":{\"a\":1},\"changes\":[]}".utf8))
        }
        #expect((try? ChangeEnvelope.decode(Array("{\"changes\":[],\"more\":true,\"since\":null}".utf8))) != nil)
    }

    func sampleNote() throws -> RecordState {
        var laptop = TestReplica("laptop")
        var record = RecordState(id: "n-1", kind: .note, articleID: "a-1")
        try laptop.edit(&record, [.set("body", .string("x"))])
        return record
    }
}

extension Result {
    fileprivate var error: Failure? {
        if case .failure(let error) = self { error } else { nil }
    }
}
