import Foundation

/// What a store does with a record state that arrives (pushed to a server, pulled by a client).
public enum MergeStep: Sendable, Equatable {
    /// Nothing is stored under its id: store the incoming bytes as they came.
    case insert
    /// What is stored already holds every write the incoming state brings: write nothing.
    case unchanged
    /// Store `state`, whose canonical bytes are `bytes`; `isIncoming` when that is the incoming
    /// state itself (its bytes as they came), else a merge that the sender has not seen.
    case merged(RecordState, bytes: [UInt8], previous: RecordState, isIncoming: Bool)
    /// The states cannot merge (a changed article id, say): keep the stored one.
    case refused(RecordError)
}

extension DecodedRecord {
    /// The one rule every store applies to an arriving state, given the bytes stored under its id
    /// (nil when none) and how that store reads its own bytes back.
    ///
    /// Bytes equal to the stored ones are recognised without decoding; otherwise the stored state
    /// is decoded and merged, and only a merge that changes it is written.
    public func mergeStep<Failure: Error>(
        over stored: Data?, decode: (Data) throws(Failure) -> RecordState
    ) throws(Failure) -> MergeStep {
        guard let stored else { return .insert }
        if isStored(as: stored) { return .unchanged }
        let previous = try decode(stored)
        let merged: RecordState
        do {
            merged = try RecordState.merge(previous, state)
        } catch {
            return .refused(error)
        }
        if merged == previous { return .unchanged }
        let isIncoming = merged == state
        return .merged(
            merged, bytes: isIncoming ? bytes : WireFormat.bytes(merged), previous: previous, isIncoming: isIncoming)
    }
}
