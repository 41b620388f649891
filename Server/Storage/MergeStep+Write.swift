import MarginShared

/// What a store writes for one pushed state, as the merge step decided.
struct RecordWrite {
    /// The state to store.
    let state: RecordState
    /// Its canonical bytes.
    let bytes: [UInt8]
    /// Conflicts it holds that the stored state did not.
    let conflictsCreated: Int
    /// True when the pusher does not hold it yet (a merge it has not seen), so it goes back.
    let echoes: Bool
}

extension MergeStep {
    /// The write for `record`, pushed at `index`; nil when nothing stored changes. Throws
    /// `invalidRecord` when the states cannot merge.
    func write(of record: DecodedRecord, at index: Int) throws -> RecordWrite? {
        switch self {
        case .unchanged:
            return nil
        case .refused(let error):
            throw SyncStoreError.invalidRecord(id: record.state.id, index: index, error)
        case .insert:
            return RecordWrite(
                state: record.state, bytes: record.bytes, conflictsCreated: record.state.conflicts.count, echoes: false)
        case .merged(let merged, let bytes, let previous, let isIncoming):
            return RecordWrite(
                state: merged, bytes: bytes,
                conflictsCreated: max(0, merged.conflicts.count - previous.conflicts.count),
                echoes: !isIncoming)
        }
    }
}
