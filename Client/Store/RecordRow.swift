import MarginShared

/// A record's row as the store writes it: the columns its indexes and listings read, worked out
/// once from the state.
struct RecordRow: Sendable {
    /// The record's id.
    let id: String
    /// Its kind.
    let kind: RecordKind
    /// The article a note or bookmark belongs to.
    let articleID: String?
    /// Whether the record is deleted.
    let isDeleted: Bool
    /// How many fields hold conflicting values.
    let conflicts: Int
    /// When it was created or added, in milliseconds since 1970.
    let createdAt: Int64
    /// An article's title (nil for other kinds).
    let title: String?
    /// The latest stamp of any write, which the store's clock observes.
    let latestStamp: Timestamp?

    /// The row of `state`; `conflicts` when already counted.
    init(_ state: RecordState, conflicts: Int? = nil) {
        id = state.id
        kind = state.kind
        articleID = state.articleID
        isDeleted = state.isDeleted
        self.conflicts = conflicts ?? state.conflicts.count
        createdAt = state.createdAt
        title = state.kind == .article ? state.string("title") : nil
        latestStamp = state.latestStamp
    }
}
