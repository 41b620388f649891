extension RecordState {
    /// Merges two states of the same record; the result has seen every write either side has.
    ///
    /// Commutative, associative and idempotent. Throws when the states are of different records
    /// or disagree on a field fixed at creation.
    public static func merge(_ a: RecordState, _ b: RecordState) throws(RecordError) -> RecordState {
        guard a.id == b.id else {
            throw RecordError(.recordMismatch, field: "id", "cannot merge record \(a.id) with record \(b.id)")
        }
        guard a.kind == b.kind else {
            throw RecordError(
                .recordMismatch, field: "kind", "record \(a.id) is a \(a.kind.rawValue), not a \(b.kind.rawValue)")
        }
        guard a.articleID == b.articleID else {
            throw RecordError(
                .immutableFieldChanged, field: "articleID",
                "record \(a.id) belongs to article \(a.articleID ?? "none"), not \(b.articleID ?? "none")")
        }
        return RecordState(
            id: a.id, kind: a.kind, articleID: a.articleID,
            context: a.context.merged(with: b.context),
            fields: joinMaps(a.fields, a.context, b.fields, b.context),
            tags: joinMaps(a.tags, a.context, b.tags, b.context),
            tombstones: Dotted.join(a.tombstones, a.context, b.tombstones, b.context)
        )
    }

    /// Merges `other` into this state.
    public mutating func merge(_ other: RecordState) throws(RecordError) {
        self = try Self.merge(self, other)
    }

    private static func joinMaps<Value>(
        _ left: [String: [Dotted<Value>]], _ leftContext: VersionVector,
        _ right: [String: [Dotted<Value>]], _ rightContext: VersionVector
    ) -> [String: [Dotted<Value>]] {
        var result: [String: [Dotted<Value>]] = [:]
        for key in Set(left.keys).union(right.keys) {
            let joined = Dotted.join(left[key] ?? [], leftContext, right[key] ?? [], rightContext)
            if !joined.isEmpty { result[key] = joined }
        }
        return result
    }
}
