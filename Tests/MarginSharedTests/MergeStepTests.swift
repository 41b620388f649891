import Foundation
import Testing

@testable import MarginShared

/// The one rule both stores apply to an arriving state.
@Suite struct MergeStepTests {
    func decode(_ data: Data) throws(RecordError) -> RecordState {
        try WireFormat.decode(data, limits: .unlimited)
    }

    @Test func everyBranch() throws {
        var laptop = TestReplica("laptop")
        var desktop = TestReplica("desktop")
        var stored = RecordState(id: "n-1", kind: .note, articleID: "a-1")
        try laptop.edit(&stored, [.set("body", .string("one"))])
        let storedBytes = Data(WireFormat.bytes(stored))

        #expect(try DecodedRecord(stored).mergeStep(over: nil, decode: decode) == .insert)
        #expect(try DecodedRecord(stored).mergeStep(over: storedBytes, decode: decode) == .unchanged, "same bytes")

        // Already seen, in other bytes (an older state): nothing to write.
        let older = RecordState(id: "n-1", kind: .note, articleID: "a-1")
        #expect(try DecodedRecord(older).mergeStep(over: storedBytes, decode: decode) == .unchanged)

        // A state that has seen the stored one is stored as it came.
        var newer = stored
        try laptop.edit(&newer, [.set("body", .string("two"))])
        guard
            case .merged(let state, let bytes, let previous, let isIncoming) = try DecodedRecord(newer)
                .mergeStep(over: storedBytes, decode: decode)
        else { Issue.record("expected a merge"); return }
        #expect(state == newer && isIncoming && previous == stored)
        #expect(bytes == WireFormat.bytes(newer))

        // A concurrent one merges into a state neither side had: its bytes are encoded afresh.
        var concurrent = RecordState(id: "n-1", kind: .note, articleID: "a-1")
        try desktop.edit(&concurrent, [.set("body", .string("other"))])
        guard
            case .merged(let both, let bothBytes, _, let fromIncoming) = try DecodedRecord(concurrent)
                .mergeStep(over: storedBytes, decode: decode)
        else { Issue.record("expected a merge"); return }
        let expected = try RecordState.merge(stored, concurrent)
        #expect(!fromIncoming && both == expected)
        #expect(bothBytes == WireFormat.bytes(both))

        // One that cannot merge is refused, with why.
        var moved = RecordState(id: "n-1", kind: .note, articleID: "a-2")
        try desktop.edit(&moved, [.set("body", .string("moved"))])
        guard case .refused(let error) = try DecodedRecord(moved).mergeStep(over: storedBytes, decode: decode) else {
            Issue.record("expected a refusal")
            return
        }
        #expect(error.code == .immutableFieldChanged)

        // The store's own bytes failing to decode is the store's failure, passed on as it is.
        #expect(throws: RecordError.self) {
            try DecodedRecord(concurrent).mergeStep(over: Data("{".utf8), decode: decode)
        }
    }
}
