/// The full, mergeable state of one record: its causal context and every live write.
///
/// Two replicas that have seen the same writes hold equal states, whatever order they saw them in.
public struct RecordState: Hashable, Sendable {
    /// The record's stable id.
    public let id: String
    /// What kind of record this is.
    public let kind: RecordKind
    /// The article a note or bookmark belongs to; fixed at creation.
    public let articleID: String?
    /// Every edit this state has seen.
    public internal(set) var context: VersionVector
    /// Live writes per field, sorted by dot: one value, or several concurrent siblings.
    public internal(set) var fields: [String: [Dotted<FieldValue>]]
    /// Live adds per tag, sorted by dot; a tag is in the set while it has one.
    public internal(set) var tags: [String: [Dotted<Presence>]]
    /// Live deletes, each with the context it had seen.
    public internal(set) var tombstones: [Dotted<VersionVector>]

    /// A record that nothing has been written to yet.
    public init(id: String, kind: RecordKind, articleID: String? = nil) {
        self.id = id
        self.kind = kind
        self.articleID = articleID
        self.context = VersionVector()
        self.fields = [:]
        self.tags = [:]
        self.tombstones = []
    }

    init(
        id: String, kind: RecordKind, articleID: String?, context: VersionVector,
        fields: [String: [Dotted<FieldValue>]], tags: [String: [Dotted<Presence>]],
        tombstones: [Dotted<VersionVector>]
    ) {
        self.id = id
        self.kind = kind
        self.articleID = articleID
        self.context = context
        self.fields = fields
        self.tags = tags
        self.tombstones = tombstones
    }

    /// Whether the record is deleted: a delete is live and every live write was seen by a delete.
    ///
    /// A write the deleter had not seen keeps the record alive (edit wins).
    public var isDeleted: Bool {
        guard !tombstones.isEmpty else { return false }
        let seen = tombstones.reduce(VersionVector()) { $0.merged(with: $1.value) }
        let fieldDots = fields.values.joined().map(\.dot)
        let tagDots = tags.values.joined().map(\.dot)
        return (fieldDots + tagDots).allSatisfy(seen.contains)
    }

    /// The latest stamp of any write in this state.
    public var latestStamp: Timestamp? {
        var latest: Timestamp?
        func consider(_ stamp: Timestamp) {
            if latest.map({ stamp > $0 }) ?? true { latest = stamp }
        }
        for writes in fields.values { for write in writes { consider(write.stamp) } }
        for adds in tags.values { for add in adds { consider(add.stamp) } }
        for tombstone in tombstones { consider(tombstone.stamp) }
        return latest
    }

    /// The tags currently in the set, sorted.
    public var tagNames: [String] {
        tags.keys.sorted()
    }
}
