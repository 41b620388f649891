extension RecordState {
    /// Checks a local edit's result: what `validate` checks, and that the edit did not make the record
    /// name more than `limits.maxVectorEntries` replicas.
    public func validateEdit(of previous: RecordState?, limits: RecordLimits = .default) throws(RecordError) {
        try validate(limits: limits)
        let named = context.counters.count
        if named > limits.maxVectorEntries && named > (previous?.context.counters.count ?? 0) {
            throw RecordError(
                .tooLarge, field: "vv",
                "this record was edited on \(named - 1) machines, the most one record takes; copy what you need into a new record"
            )
        }
    }

    /// Checks that ids, sizes and counts keep `limits` and that every write lies inside the context.
    public func validate(limits: RecordLimits = .default) throws(RecordError) {
        try Self.validateID(id, field: "id", limits: limits)
        if let articleID { try Self.validateID(articleID, field: "articleID", limits: limits) }
        if kind.hasArticleID && articleID == nil {
            throw RecordError(.invalidValue, field: "articleID", "a \(kind.rawValue) needs the article it belongs to")
        }
        if !kind.hasArticleID && articleID != nil {
            throw RecordError(.unknownField, field: "articleID", "an article does not belong to an article")
        }
        try Self.validateVector(context, field: "vv", limits: limits)
        for (name, writes) in fields {
            guard let field = kind.field(name) else {
                throw RecordError(.unknownField, field: "fields.\(name)", "a \(kind.rawValue) has no field '\(name)'")
            }
            let maxBytes = limits.maxValueBytes(kind, name)
            for (index, write) in writes.enumerated() {
                guard write.value.type == field.type else {
                    throw RecordError(
                        .wrongType, field: "fields.\(name)[\(index)]", "'\(name)' holds a \(field.type.rawValue)")
                }
                try Self.validateValue(write.value, path: "fields.\(name)[\(index)]", maxBytes: maxBytes)
            }
            try validateWrites(writes, path: "fields.\(name)")
        }
        if !kind.hasTags && !tags.isEmpty {
            throw RecordError(.unknownField, field: "tags", "a \(kind.rawValue) has no tags")
        }
        // Each replica's own adds are bounded, not the set: the merge of two machines' 40 tags
        // holds 80, and every machine must still take it. (A merge never gives one replica more
        // live adds than its latest state had, so the bound holds for every merge of valid states.)
        if tags.count > limits.maxTags {
            var perReplica: [ReplicaID: Int] = [:]
            for adds in tags.values {
                for add in adds {
                    perReplica[add.dot.replica, default: 0] += 1
                    guard perReplica[add.dot.replica]! <= limits.maxTags else {
                        throw RecordError(
                            .tooLarge, field: "tags",
                            "replica \(add.dot.replica) holds more than \(limits.maxTags) tags, the limit of one machine"
                        )
                    }
                }
            }
        }
        for (tag, adds) in tags {
            guard !tag.isEmpty, tag.utf8.count <= limits.maxTagBytes else {
                throw RecordError(.tooLarge, field: "tags", "a tag must have 1 to \(limits.maxTagBytes) bytes")
            }
            try validateWrites(adds, path: "tags.\(tag)")
        }
        for (index, tombstone) in tombstones.enumerated() {
            try Self.validateVector(tombstone.value, field: "deleted[\(index)].seen", limits: limits)
        }
        try validateWrites(tombstones, path: "deleted")
    }

    /// Every write must lie inside the context, and a replica holds at most one live write per key.
    private func validateWrites<Value>(_ writes: [Dotted<Value>], path: @autoclosure () -> String)
        throws(RecordError)
    {
        // One write per replica is the usual case: no set needed for it.
        var replicas = Set<ReplicaID>()
        for write in writes {
            guard context.contains(write.dot) else {
                throw RecordError(.invalidValue, field: path(), "write \(write.dot) lies outside the version vector")
            }
            guard write.dot.counter > 0 else {
                throw RecordError(.invalidValue, field: path(), "a dot counter starts at 1")
            }
            guard write.stamp.replica == write.dot.replica else {
                throw RecordError(.invalidValue, field: path(), "stamp and dot of one write name different replicas")
            }
            guard writes.count == 1 || replicas.insert(write.dot.replica).inserted else {
                throw RecordError(.invalidValue, field: path(), "replica \(write.dot.replica) has two live writes")
            }
        }
    }

    private static func validateID(_ id: String, field: String, limits: RecordLimits) throws(RecordError) {
        guard !id.isEmpty, id.utf8.count <= limits.maxIDBytes else {
            throw RecordError(.invalidValue, field: field, "an id must have 1 to \(limits.maxIDBytes) bytes")
        }
        guard RecordID.hasIDBytesOnly(id) else {
            throw RecordError(.invalidValue, field: field, "an id may hold only letters, digits and '-'")
        }
    }

    private static func validateVector(_ vector: VersionVector, field: String, limits: RecordLimits) throws(RecordError)
    {
        guard vector.counters.count <= limits.vectorEntriesCeiling else {
            throw RecordError(
                .tooLarge, field: field,
                "\(vector.counters.count) replicas, more than the limit of \(limits.vectorEntriesCeiling)")
        }
    }

    private static func validateValue(_ value: FieldValue, path: @autoclosure () -> String, maxBytes: Int)
        throws(RecordError)
    {
        switch value {
        case .string(let text):
            guard text.utf8.count <= maxBytes else {
                throw RecordError(
                    .tooLarge, field: path(), "\(text.utf8.count) bytes, more than the limit of \(maxBytes)")
            }
        case .double(let number):
            guard number.isFinite else { throw RecordError(.invalidValue, field: path(), "not a finite number") }
        case .anchor(let anchor):
            guard anchor.start >= 0, anchor.end >= anchor.start else {
                throw RecordError(.invalidValue, field: path(), "an anchor needs 0 <= start <= end")
            }
            let bytes = anchor.exact.utf8.count + anchor.prefix.utf8.count + anchor.suffix.utf8.count
            guard bytes <= maxBytes else {
                throw RecordError(
                    .tooLarge, field: path(), "anchor of \(bytes) bytes, more than the limit of \(maxBytes)")
            }
        case .int, .bool:
            break
        }
    }
}
