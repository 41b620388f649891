import Foundation
import MarginTestSupport
import Testing

@testable import MarginShared

/// A record read in place (`RecordSummary`) must be one the full decoder takes as canonical, with
/// the same columns; and every record in the simple form must be read in place.
@Suite struct RecordSummaryTests {
    /// Random states: several kinds, replicas, concurrent writes, deletes, tags, doubles, escapes.
    struct Generator {
        var rng: SplitMix64
        let replicas = ["r0", "r1", "replica-2_x"].map { ReplicaID($0)! }
        var wall: Int64 = 1_700_000_000_000

        mutating func text() -> String {
            let pieces = ["plain", "é", "日本", "😀", " ", "a\"quote", "back\\slash", "line\nbreak", "\t", "\u{7F}", "x"]
            return (0..<Int.random(in: 0...4, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
        }

        mutating func value(_ type: FieldType) -> FieldValue {
            switch type {
            case .string: .string(text())
            case .int: .int(Int64.random(in: -5...1_800_000_000_000, using: &rng))
            case .double: .double(Double(Int.random(in: 0...100, using: &rng)) / 8)
            case .bool: .bool(Bool.random(using: &rng))
            case .anchor:
                .anchor(
                    Anchor(
                        exact: text(), prefix: text(), suffix: text(), start: Int.random(in: 0...50, using: &rng),
                        end: Int.random(in: 50...90, using: &rng)))
            }
        }

        mutating func edit(_ state: inout RecordState, by replica: ReplicaID) {
            var changes: [Change] = []
            let fields = state.kind.fieldList.map { ($0.name.description, $0.field.type) }
            for (name, type) in fields where Int.random(in: 0..<3, using: &rng) == 0 {
                changes.append(.set(name, value(type)))
            }
            if state.kind.hasTags && Bool.random(using: &rng) {
                changes.append(.addTag(["t", "tag two", "ünï", "z"].randomElement(using: &rng)!))
            }
            wall += Int64.random(in: 0...5, using: &rng)
            let stamp = Timestamp(wallMillis: wall, logical: UInt32.random(in: 0...3, using: &rng), replica: replica)
            try! state.edit(changes, by: replica, at: stamp)
        }

        mutating func state() -> RecordState {
            let kind = RecordKind.allCases.randomElement(using: &rng)!
            let id = kind == .article ? "a-\(Int.random(in: 0...999, using: &rng))" : "n-\(rng.next() % 1000)"
            var state = RecordState(id: id, kind: kind, articleID: kind.hasArticleID ? "a-1" : nil)
            for _ in 0..<Int.random(in: 1...3, using: &rng) { edit(&state, by: replicas.randomElement(using: &rng)!) }
            // Now and then a concurrent edit merged in (siblings), or a delete.
            if Int.random(in: 0..<4, using: &rng) == 0 {
                var other = state
                edit(&other, by: replicas[0])
                edit(&state, by: replicas[1])
                state = try! RecordState.merge(state, other)
            }
            if Int.random(in: 0..<6, using: &rng) == 0 {
                wall += 1
                state.delete(by: replicas[2], at: Timestamp(wallMillis: wall, logical: 0, replica: replicas[2]))
            }
            return state
        }
    }

    /// Whether `state` has the simple form that is read in place.
    static func isSimple(_ state: RecordState) -> Bool {
        func plain(_ text: String) -> Bool { !text.utf8.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C } }
        func plain(_ value: FieldValue) -> Bool {
            switch value {
            case .string(let text): plain(text)
            case .anchor(let anchor): plain(anchor.exact) && plain(anchor.prefix) && plain(anchor.suffix)
            case .double: false
            case .int, .bool: true
            }
        }
        return state.tombstones.isEmpty && state.context.counters.count <= 16
            && state.fields.values.allSatisfy { $0.count == 1 && plain($0[0].value) }
            && state.tags.allSatisfy { $0.value.count == 1 && plain($0.key) }
    }

    /// The page records of a body holding `record` alone.
    static func read(_ record: [UInt8], limits: RecordLimits = .default) throws -> [PageRecord] {
        let body = Array("{\"changes\":[".utf8) + record + Array("],\"cursor\":\"c\"}".utf8)
        return try ChangeEnvelope.inPlace(body, limits: limits).pageRecords
    }

    /// Checks that a summary of `body[summary.bytes]` says what the full decoder says of them.
    static func expectAgrees(_ summary: RecordSummary, in body: [UInt8], limits: RecordLimits) throws {
        let bytes = Array(body[summary.bytes])
        let decoded = try WireFormat.decodeRecord(bytes, limits: limits)
        let state = decoded.state
        #expect(decoded.bytes == bytes, "a record read in place is canonical")
        #expect(String(decoding: body[summary.id], as: UTF8.self) == state.id)
        #expect(summary.articleID.map { String(decoding: body[$0], as: UTF8.self) } == state.articleID)
        #expect(summary.kind == state.kind)
        #expect(summary.createdAt == state.createdAt)
        #expect(summary.title == (state.kind == .article ? state.string("title") : nil))
        #expect(summary.latestStamp == state.latestStamp)
        #expect(!state.isDeleted && state.conflicts.isEmpty, "a record read in place has no delete and no conflict")
    }

    @Test func simpleRecordsAreReadInPlaceAsTheDecoderReadsThem() throws {
        let seed = testSeed()
        print("RecordSummaryTests seed \(seed) (MARGIN_SEED replays it)")
        var generator = Generator(rng: SplitMix64(seed: seed))
        var inPlace = 0
        var decoded = 0
        for _ in 0..<3_000 {
            let state = generator.state()
            let bytes = WireFormat.bytes(state)
            let records = try Self.read(bytes)
            #expect(records.count == 1)
            switch records[0] {
            case .summary(let summary):
                inPlace += 1
                #expect(Self.isSimple(state), "read in place: \(String(decoding: bytes, as: UTF8.self))")
                let body = Array("{\"changes\":[".utf8) + bytes
                try Self.expectAgrees(summary, in: body, limits: .default)
                // Bytes without contiguous storage are read from a copy: the ranges are the same.
                let whole = body + Array("],\"cursor\":\"c\"}".utf8)
                guard case .summary(let again) = try ChangeEnvelope.inPlace(AnyCollection(whole)).pageRecords[0]
                else {
                    Issue.record("read in place from contiguous bytes only")
                    break
                }
                #expect(again == summary)
            case .decoded(let record):
                decoded += 1
                #expect(!Self.isSimple(state), "left to the decoder: \(String(decoding: bytes, as: UTF8.self))")
                #expect(record.state == state)
            }
        }
        #expect(inPlace > 300 && decoded > 300, "both ways are exercised: \(inPlace) in place, \(decoded) decoded")
    }

    /// Changed bytes: whatever is read in place, the full decoder takes the same way; nothing else.
    @Test func damagedRecordsAreNeverReadInPlaceWrongly() throws {
        let seed = testSeed()
        print("RecordSummaryTests seed \(seed) (MARGIN_SEED replays it)")
        var generator = Generator(rng: SplitMix64(seed: seed))
        var tight = RecordLimits.default
        tight.maxStringBytes = 12
        tight.maxNoteBodyBytes = 12
        tight.maxTags = 1
        tight.maxTagBytes = 3
        tight.maxIDBytes = 4
        var noReplicas = RecordLimits.default
        noReplicas.maxVectorEntries = 0
        let interesting =
            Array("\"\\{}[],:-0123456789eE. tfnulvr".utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xED, 0xF4, 0xFF]
        var readInPlace = 0
        for round in 0..<10_000 {
            let limits = [tight, noReplicas, .pulled, .default][round % 4]
            var bytes = WireFormat.bytes(generator.state())
            for _ in 0..<Int.random(in: 1...2, using: &generator.rng) where !bytes.isEmpty {
                let at = Int.random(in: 0..<bytes.count, using: &generator.rng)
                let byte = interesting.randomElement(using: &generator.rng)!
                switch Int.random(in: 0..<3, using: &generator.rng) {
                case 0: bytes[at] = byte
                case 1: bytes.insert(byte, at: at)
                default: bytes.remove(at: at)
                }
            }
            let body = Array("{\"changes\":[".utf8) + bytes + Array("],\"cursor\":\"c\"}".utf8)
            guard let records = try? ChangeEnvelope.inPlace(body, limits: limits).pageRecords else { continue }
            for case .summary(let summary) in records {
                readInPlace += 1
                try Self.expectAgrees(summary, in: body, limits: limits)
            }
        }
        #expect(readInPlace > 50, "some damaged records still read in place (\(readInPlace))")
    }

    @Test func limitsAndRulesSendARecordToTheDecoder() throws {
        var state = RecordState(id: "n-1", kind: .note, articleID: "a-1")
        let writer = ReplicaID("w")!
        try state.edit(
            [.set("body", .string("twelve bytes")), .addTag("tag")], by: writer,
            at: Timestamp(wallMillis: 5, logical: 0, replica: writer))
        let bytes = WireFormat.bytes(state)
        guard case .summary = try Self.read(bytes).first else {
            Issue.record("a simple note is read in place")
            return
        }
        var limits = RecordLimits.default
        limits.maxNoteBodyBytes = 11
        #expect(throws: EnvelopeError.self, "a body past its limit is refused, as the decoder refuses it") {
            try Self.read(bytes, limits: limits)
        }
        limits = .default
        limits.maxTags = 0
        #expect(throws: EnvelopeError.self) { try Self.read(bytes, limits: limits) }
        // A write outside the version vector, a zero counter, an unknown field: each to the decoder.
        let text = String(decoding: bytes, as: UTF8.self)
        for damaged in [
            text.replacingOccurrences(of: "\"vv\":{\"w\":1}", with: "\"vv\":{\"w\":0}"),
            text.replacingOccurrences(of: "\"vv\":{\"w\":1}", with: "\"vv\":{\"x\":1}"),
            text.replacingOccurrences(of: "\"body\"", with: "\"bodz\""),
            text.replacingOccurrences(of: "\"kind\":\"note\"", with: "\"kind\":\"article\""),
        ] {
            #expect(damaged != text)
            if case .summary = try? Self.read(Array(damaged.utf8)).first {
                Issue.record("read in place: \(damaged)")
            }
        }
    }

    @Test func utf8IsCheckedAsTheStandardLibraryChecksIt() {
        let seed = testSeed()
        print("RecordSummaryTests seed \(seed) (MARGIN_SEED replays it)")
        var rng = SplitMix64(seed: seed)
        let pieces: [[UInt8]] = [
            [0x41], [0xC3, 0xA9], [0xE6, 0x97, 0xA5], [0xF0, 0x9F, 0x98, 0x80], [0xC0, 0x80], [0xED, 0xA0, 0x80],
            [0xF4, 0x90, 0x80, 0x80], [0x80], [0xFF], [0xE0, 0x9F, 0x80], [0xF0, 0x8F, 0x80, 0x80], [0xC3],
            [0xEF, 0xBF, 0xBF], [0xF4, 0x8F, 0xBF, 0xBF], Array("ascii run ".utf8),
        ]
        for _ in 0..<20_000 {
            let bytes = (0..<Int.random(in: 0...6, using: &rng)).flatMap { _ in pieces.randomElement(using: &rng)! }
            let expected = String(validating: bytes, as: UTF8.self) != nil
            let checked = bytes.withUnsafeBufferPointer(UTF8Check.isValid)
            #expect(checked == expected, "\(bytes)")
        }
    }
}
