/// One change made by a local edit.
public enum Change: Hashable, Sendable {
    /// Writes a field, replacing every value (and sibling) this replica has seen.
    case set(String, FieldValue)
    /// Adds a tag.
    case addTag(String)
    /// Removes a tag: the adds this replica has seen; a concurrent add still wins.
    case removeTag(String)
}

extension RecordState {
    /// Applies a local edit by `replica` as one event: bumps the context, dots and stamps each write.
    ///
    /// An edit also undoes a delete it has seen. `stamp` must come from the replica's clock after it
    /// has observed `latestStamp`.
    public mutating func edit(_ changes: [Change], by replica: ReplicaID, at stamp: Timestamp) throws(RecordError) {
        for change in changes { try validate(change) }
        let dot = context.increment(replica)
        for change in changes {
            switch change {
            case .set(let name, let value):
                fields[name] = [Dotted(dot: dot, stamp: stamp, value: value)]
            case .addTag(let tag):
                tags[tag] = [Dotted(dot: dot, stamp: stamp, value: Presence())]
            case .removeTag(let tag):
                tags[tag] = nil
            }
        }
        tombstones = []
    }

    /// Deletes the record as `replica` saw it; writes it had not seen survive and keep it alive.
    public mutating func delete(by replica: ReplicaID, at stamp: Timestamp) {
        let seen = context
        let dot = context.increment(replica)
        var seenWithSelf = seen
        seenWithSelf.add(dot)
        tombstones = [Dotted(dot: dot, stamp: stamp, value: seenWithSelf)]
    }

    private func validate(_ change: Change) throws(RecordError) {
        switch change {
        case .set(let name, let value):
            guard let field = kind.field(name) else {
                throw RecordError(.unknownField, field: name, "a \(kind.rawValue) has no field '\(name)'")
            }
            guard field.type == value.type else {
                throw RecordError(
                    .wrongType, field: name, "'\(name)' holds a \(field.type.rawValue), not a \(value.type.rawValue)")
            }
        case .addTag(let tag), .removeTag(let tag):
            guard kind.hasTags else {
                throw RecordError(.unknownField, field: "tags", "a \(kind.rawValue) has no tags")
            }
            guard !tag.isEmpty else {
                throw RecordError(.invalidValue, field: "tags", "a tag cannot be empty")
            }
        }
    }
}
