import Foundation
import Testing

@testable import MarginShared

@Suite struct WireFormatTests {
    func sampleNote() throws -> RecordState {
        var laptop = TestReplica("laptop")
        var record = RecordState(id: "n-1", kind: .note, articleID: "a-1")
        let anchor = Anchor(exact: "quiet", prefix: "A quick, ", suffix: " trip", start: 9, end: 14)
        try laptop.edit(&record, [.set("body", .string("Note ✓")), .set("anchor", .anchor(anchor)), .addTag("x")])
        return record
    }

    func json(_ record: RecordState) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: WireFormat.encode(record)) as! [String: Any]
    }

    func decodeError(_ object: [String: Any]) throws -> RecordError? {
        let data = try JSONSerialization.data(withJSONObject: object)
        do {
            _ = try WireFormat.decode(data)
            return nil
        } catch {
            return error
        }
    }

    @Test func roundTripsByteForByte() throws {
        let record = try sampleNote()
        let bytes = WireFormat.encode(record)
        let decoded = try WireFormat.decode(bytes)
        #expect(decoded == record)
        #expect(WireFormat.encode(decoded) == bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("{\"articleID\":\"a-1\",\"fields\":{"))
        #expect(text.contains("\"v\":1"))
    }

    /// What tells a store that a pulled or pushed record is already held byte for byte.
    @Test func aRecordIsStoredOnlyAsItsExactBytes() throws {
        let record = DecodedRecord(try sampleNote())
        let stored = Data(record.bytes)
        #expect(record.isStored(as: stored))
        var changed = stored
        changed[changed.count / 2] ^= 0x01
        #expect(!record.isStored(as: changed), "one byte differs")
        #expect(!record.isStored(as: stored.dropLast()), "a prefix")
        #expect(!record.isStored(as: stored + [0x20]), "one byte more")
        #expect(!record.isStored(as: Data()))
    }

    @Test func rejectsMalformedAndUnknownInputNamingTheField() throws {
        var object = try json(try sampleNote())
        object["kind"] = "podcast"
        #expect(try decodeError(object)?.code == .unknownKind)

        object = try json(try sampleNote())
        object["v"] = 2
        #expect(try decodeError(object)?.code == .unsupportedFormat)

        object = try json(try sampleNote())
        object["vv"] = ["laptop": -1]
        let negative = try decodeError(object)
        #expect(negative?.code == .invalidValue)
        #expect(negative?.field == "vv.laptop")

        object = try json(try sampleNote())
        var fields = object["fields"] as! [String: Any]
        fields["title"] = fields["body"]
        object["fields"] = fields
        let unknown = try decodeError(object)
        #expect(unknown?.code == .unknownField && unknown?.field == "fields.title")

        object = try json(try sampleNote())
        fields = object["fields"] as! [String: Any]
        var body = fields["body"] as! [[String: Any]]
        body[0]["v"] = 42
        fields["body"] = body
        object["fields"] = fields
        let wrongType = try decodeError(object)
        #expect(wrongType?.code == .wrongType && wrongType?.field == "fields.body[0].v")

        object = try json(try sampleNote())
        object.removeValue(forKey: "id")
        #expect(try decodeError(object)?.code == .malformed)

        #expect(throws: RecordError.self) { try WireFormat.decode(Data("{not json".utf8)) }
        #expect(throws: RecordError.self) { try WireFormat.decode(Data([0xFF, 0xFE])) }
    }

    /// Numbers outside the plain form a record decoder reads in place still get their own error.
    @Test func numbersOutsideThePlainFormKeepTheirErrors() throws {
        let canonical = String(decoding: WireFormat.bytes(try sampleNote()), as: UTF8.self)
        let cases: [(String, String, RecordError.Code, String)] = [
            ("\"n\":1,", "\"n\":-1,", .invalidValue, "fields.anchor[0].n"),
            ("\"n\":1,", "\"n\":01,", .malformed, "record"),
            ("\"n\":1,", "\"n\":1.5,", .wrongType, "fields.anchor[0].n"),
            // Whole numbers with a fraction or an exponent are integers (JSON Schema's reading),
            // but only within range.
            ("\"n\":1,", "\"n\":1e300,", .wrongType, "fields.anchor[0].n"),
            ("\"start\":9", "\"start\":9.5", .wrongType, "fields.anchor[0].v.start"),
            ("\"v\":1", "\"v\":1000000000000000000001", .wrongType, "v"),
        ]
        for (plain, other, code, field) in cases {
            let text = canonical.replacingOccurrences(of: plain, with: other)
            #expect(text != canonical, "\(other): the case must change the record")
            do throws(RecordError) {
                _ = try WireFormat.decode(Array(text.utf8))
                Issue.record("\(other): accepted")
            } catch {
                #expect(error.code == code && error.field == field, "\(other): \(error)")
            }
        }
        // 19 and 20 digits: past what is read in place, still whole numbers.
        let counter = try #require(try sampleNote().context.counters[ReplicaID("laptop")!])
        for digits in ["100000000000000000", "1844674407370955161"] {
            let text = canonical.replacingOccurrences(
                of: "\"laptop\":\(counter)}", with: "\"laptop\":\(digits)\(counter)}")
            #expect(text != canonical)
            let decoded = try WireFormat.decode(Array(text.utf8))
            #expect(decoded.context.counters[ReplicaID("laptop")!] == UInt64("\(digits)\(counter)"))
        }
    }

    @Test func rejectsEmptyWriteLists() throws {
        var object = try json(try sampleNote())
        object["tags"] = ["empty": []]
        #expect(try decodeError(object)?.field == "tags.empty")
        object = try json(try sampleNote())
        object["fields"] = ["body": []]
        #expect(try decodeError(object)?.field == "fields.body")
    }

    @Test func rejectsStatesOverTheLimits() throws {
        var object = try json(try sampleNote())
        var vector: [String: Int] = [:]
        for index in 0..<10_000 { vector["r\(index)"] = 1 }
        vector["laptop"] = 1
        object["vv"] = vector
        #expect(try decodeError(object)?.code == .tooLarge)

        var laptop = TestReplica("laptop")
        var big = RecordState(id: "n-2", kind: .note, articleID: "a-1")
        try laptop.edit(&big, [.set("body", .string(String(repeating: "x", count: 64 * 1024 + 1)))])
        #expect(throws: RecordError.self) { try WireFormat.decode(WireFormat.encode(big)) }

        var tagged = RecordState(id: "n-3", kind: .note, articleID: "a-1")
        try laptop.edit(&tagged, (0..<65).map { .addTag("t\($0)") })
        #expect(throws: RecordError.self) { try WireFormat.decode(WireFormat.encode(tagged)) }

        var longTag = RecordState(id: "n-4", kind: .note, articleID: "a-1")
        try laptop.edit(&longTag, [.addTag(String(repeating: "t", count: 129))])
        #expect(throws: RecordError.self) { try WireFormat.decode(WireFormat.encode(longTag)) }
    }

    @Test func rejectsIdsWithPathOrSQLCharacters() throws {
        for id in ["../etc/passwd", "a'; DROP TABLE records;--", "a/b", "", String(repeating: "a", count: 129), "a b"] {
            var object = try json(try sampleNote())
            object["id"] = id
            let error = try decodeError(object)
            #expect(error?.field == "id", "id \(id)")
        }
    }

    @Test func rejectsWritesOutsideTheContextOrDuplicatedPerReplica() throws {
        var object = try json(try sampleNote())
        object["vv"] = ["laptop": 0]
        #expect(try decodeError(object)?.code == .invalidValue)

        object = try json(try sampleNote())
        var fields = object["fields"] as! [String: Any]
        var body = fields["body"] as! [[String: Any]]
        var second = body[0]
        second["v"] = "other"
        body.append(second)
        fields["body"] = body
        object["fields"] = fields
        #expect(try decodeError(object)?.code == .invalidValue)
    }
}
