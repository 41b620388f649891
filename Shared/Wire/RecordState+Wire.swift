extension RecordState {
    /// The wire format version this build writes and reads.
    public static let formatVersion = 1

    /// Writes the canonical JSON of this state: keys sorted, writes sorted by dot.
    public func write(to writer: inout JSONWriter) {
        writer.raw("{")
        if let articleID {
            writer.key("articleID")
            writer.string(articleID)
            writer.raw(",")
        }
        if !tombstones.isEmpty {
            writer.key("deleted")
            writer.raw("[")
            for (index, tombstone) in tombstones.enumerated() {
                if index > 0 { writer.raw(",") }
                Self.writeDot(tombstone, seen: tombstone.value, to: &writer) { _ in }
            }
            writer.raw("],")
        }
        writer.key("fields")
        writer.raw("{")
        for (index, name) in Self.sortedKeys(fields).enumerated() {
            if index > 0 { writer.raw(",") }
            writer.key(name)
            writer.raw("[")
            for (position, write) in fields[name]!.enumerated() {
                if position > 0 { writer.raw(",") }
                Self.writeDot(write, seen: nil, to: &writer) { writer in
                    writer.raw(",")
                    writer.key("v")
                    Self.writeValue(write.value, to: &writer)
                }
            }
            writer.raw("]")
        }
        writer.raw("},")
        writer.key("id")
        writer.string(id)
        writer.raw(",")
        writer.key("kind")
        writer.string(kind.rawValue)
        writer.raw(",")
        if !tags.isEmpty {
            writer.key("tags")
            writer.raw("{")
            for (index, tag) in Self.sortedKeys(tags).enumerated() {
                if index > 0 { writer.raw(",") }
                writer.key(tag)
                writer.raw("[")
                for (position, add) in tags[tag]!.enumerated() {
                    if position > 0 { writer.raw(",") }
                    Self.writeDot(add, seen: nil, to: &writer) { _ in }
                }
                writer.raw("]")
            }
            writer.raw("},")
        }
        writer.key("v")
        writer.int(Self.formatVersion)
        writer.raw(",")
        writer.key("vv")
        Self.writeVector(context, to: &writer)
        writer.raw("}")
    }

    /// Reads a state from parsed JSON, naming the field that is wrong. Limits are checked by `validate`.
    public init(json: JSONValue) throws(RecordError) {
        guard case .object(let members) = json else {
            throw RecordError(.malformed, field: "record", "a record is a JSON object")
        }
        var version: Int64?
        var id: String?
        var kind: RecordKind?
        var articleID: String?
        var context: VersionVector?
        var fieldsJSON: JSONValue?
        var tagsJSON: JSONValue?
        var deletedJSON: JSONValue?
        for (key, value) in members {
            switch key {
            case "v": version = try Self.integer(value, path: "v")
            case "id": id = try Self.text(value, path: "id")
            case "kind":
                let name = try Self.text(value, path: "kind")
                guard let known = RecordKind(rawValue: name) else {
                    throw RecordError(.unknownKind, field: "kind", "unknown record kind '\(name)'")
                }
                kind = known
            case "articleID": articleID = try Self.text(value, path: "articleID")
            case "vv": context = try Self.vector(value, path: "vv")
            case "fields": fieldsJSON = value
            case "tags": tagsJSON = value
            case "deleted": deletedJSON = value
            default: throw RecordError(.unknownField, field: key, "a record has no member '\(key)'")
            }
        }
        guard let version else { throw RecordError(.malformed, field: "v", "missing the format version") }
        guard version == Int64(Self.formatVersion) else {
            throw RecordError(.unsupportedFormat, field: "v", "format version \(version) is not \(Self.formatVersion)")
        }
        guard let id else { throw RecordError(.malformed, field: "id", "missing required key") }
        guard let kind else { throw RecordError(.malformed, field: "kind", "missing required key") }
        guard let context else { throw RecordError(.malformed, field: "vv", "missing required key") }

        var fields: [String: [Dotted<FieldValue>]] = [:]
        for (name, list) in try Self.members(fieldsJSON, path: "fields") {
            guard let field = kind.fields[name] else {
                throw RecordError(.unknownField, field: "fields.\(name)", "a \(kind.rawValue) has no field '\(name)'")
            }
            let writes = try Self.entries(list, path: "fields.\(name)") { entry, path throws(RecordError) in
                guard let raw = entry["v"] else {
                    throw RecordError(.malformed, field: path + ".v", "missing required key")
                }
                return try Self.value(raw, type: field.type, path: path + ".v")
            }
            guard !writes.isEmpty else {
                throw RecordError(.invalidValue, field: "fields.\(name)", "a field lists at least one write")
            }
            fields[name] = writes
        }
        var tags: [String: [Dotted<Presence>]] = [:]
        for (tag, list) in try Self.members(tagsJSON, path: "tags") {
            let adds = try Self.entries(list, path: "tags.\(tag)") { _, _ throws(RecordError) in Presence() }
            guard !adds.isEmpty else {
                throw RecordError(.invalidValue, field: "tags.\(tag)", "a tag lists at least one add")
            }
            tags[tag] = adds
        }
        var tombstones: [Dotted<VersionVector>] = []
        if let deletedJSON {
            tombstones = try Self.entries(deletedJSON, path: "deleted") { entry, path throws(RecordError) in
                guard let seen = entry["seen"] else {
                    throw RecordError(.malformed, field: path + ".seen", "missing required key")
                }
                return try Self.vector(seen, path: path + ".seen")
            }
        }
        self.init(
            id: id, kind: kind, articleID: articleID, context: context, fields: fields, tags: tags,
            tombstones: tombstones)
    }

    // MARK: - Writing

    private static func sortedKeys<Value>(_ dictionary: [String: Value]) -> [String] {
        dictionary.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    private static func writeVector(_ vector: VersionVector, to writer: inout JSONWriter) {
        writer.raw("{")
        let entries = vector.counters.sorted { $0.key.rawValue.utf8.lexicographicallyPrecedes($1.key.rawValue.utf8) }
        for (index, entry) in entries.enumerated() {
            if index > 0 { writer.raw(",") }
            writer.key(entry.key.rawValue)
            writer.int(entry.value)
        }
        writer.raw("}")
    }

    /// Writes `{"l":…,"n":…,"r":…[,"seen":…],"t":…` then the caller's members, then `}`.
    private static func writeDot<Value>(
        _ write: Dotted<Value>, seen: VersionVector?, to writer: inout JSONWriter, rest: (inout JSONWriter) -> Void
    ) {
        writer.raw("{\"l\":")
        writer.int(write.stamp.logical)
        writer.raw(",\"n\":")
        writer.int(write.dot.counter)
        writer.raw(",\"r\":")
        writer.string(write.dot.replica.rawValue)
        if let seen {
            writer.raw(",\"seen\":")
            writeVector(seen, to: &writer)
        }
        writer.raw(",\"t\":")
        writer.int(write.stamp.wallMillis)
        rest(&writer)
        writer.raw("}")
    }

    private static func writeValue(_ value: FieldValue, to writer: inout JSONWriter) {
        switch value {
        case .string(let text): writer.string(text)
        case .int(let number): writer.int(number)
        case .double(let number): writer.double(number)
        case .bool(let flag): writer.bool(flag)
        case .anchor(let anchor):
            writer.raw("{\"end\":")
            writer.int(anchor.end)
            writer.raw(",\"exact\":")
            writer.string(anchor.exact)
            writer.raw(",\"prefix\":")
            writer.string(anchor.prefix)
            writer.raw(",\"start\":")
            writer.int(anchor.start)
            writer.raw(",\"suffix\":")
            writer.string(anchor.suffix)
            writer.raw("}")
        }
    }

    // MARK: - Reading

    private static func members(_ json: JSONValue?, path: String) throws(RecordError) -> [(String, JSONValue)] {
        guard let json else { return [] }
        guard case .object(let members) = json else { throw RecordError(.wrongType, field: path, "expected an object") }
        return members
    }

    private static func entries<Value>(
        _ json: JSONValue, path: String, value: (JSONValue, String) throws(RecordError) -> Value
    ) throws(RecordError) -> [Dotted<Value>] {
        guard case .array(let items) = json else { throw RecordError(.wrongType, field: path, "expected an array") }
        var result: [Dotted<Value>] = []
        result.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            let itemPath = "\(path)[\(index)]"
            guard case .object = item else { throw RecordError(.wrongType, field: itemPath, "expected an object") }
            guard let rawReplica = item["r"] else {
                throw RecordError(.malformed, field: itemPath + ".r", "missing required key")
            }
            let name = try text(rawReplica, path: itemPath + ".r")
            guard let replica = ReplicaID(name) else {
                throw RecordError(.invalidValue, field: itemPath + ".r", "'\(name)' is not a replica id")
            }
            let counter = try Self.counter(item["n"], path: itemPath + ".n")
            let logical = try Self.counter(item["l"], path: itemPath + ".l")
            guard logical <= UInt64(UInt32.max) else {
                throw RecordError(.invalidValue, field: itemPath + ".l", "a logical clock fits in 32 bits")
            }
            guard let rawWall = item["t"] else {
                throw RecordError(.malformed, field: itemPath + ".t", "missing required key")
            }
            let wall = try integer(rawWall, path: itemPath + ".t")
            let stamp = Timestamp(wallMillis: wall, logical: UInt32(logical), replica: replica)
            result.append(Dotted(dot: Dot(replica, counter), stamp: stamp, value: try value(item, itemPath)))
        }
        // Kept sorted by dot: the merge walks both sides in that order.
        if !result.isEmpty && !zip(result, result.dropFirst()).allSatisfy({ $0.dot < $1.dot }) {
            result.sort { $0.dot < $1.dot }
        }
        return result
    }

    private static func vector(_ json: JSONValue, path: String) throws(RecordError) -> VersionVector {
        guard case .object(let members) = json else { throw RecordError(.wrongType, field: path, "expected an object") }
        guard members.count <= RecordLimits.default.maxVectorEntries * 4 else {
            throw RecordError(.tooLarge, field: path, "\(members.count) replicas in one version vector")
        }
        var counters: [ReplicaID: UInt64] = [:]
        counters.reserveCapacity(members.count)
        for (name, value) in members {
            guard let replica = ReplicaID(name) else {
                throw RecordError(.invalidValue, field: path, "'\(name)' is not a replica id")
            }
            counters[replica] = try counter(value, path: "\(path).\(name)")
        }
        return VersionVector(counters)
    }

    private static func counter(_ json: JSONValue?, path: String) throws(RecordError) -> UInt64 {
        switch json {
        case .int(let value) where value >= 0: return UInt64(value)
        case .uint(let value): return value
        case .int: throw RecordError(.invalidValue, field: path, "a counter cannot be negative")
        case nil: throw RecordError(.malformed, field: path, "missing required key")
        default: throw RecordError(.wrongType, field: path, "a counter is a whole number from 0 to 2^64-1")
        }
    }

    private static func integer(_ json: JSONValue, path: String) throws(RecordError) -> Int64 {
        guard case .int(let value) = json else { throw RecordError(.wrongType, field: path, "expected a whole number") }
        return value
    }

    private static func text(_ json: JSONValue, path: String) throws(RecordError) -> String {
        guard case .string(let value) = json else { throw RecordError(.wrongType, field: path, "expected a string") }
        return value
    }

    private static func value(_ json: JSONValue, type: FieldType, path: String) throws(RecordError) -> FieldValue {
        switch (type, json) {
        case (.string, .string(let text)): return .string(text)
        case (.int, .int(let number)): return .int(number)
        case (.double, .double(let number)): return .double(number)
        case (.double, .int(let number)): return .double(Double(number))
        case (.bool, .bool(let flag)): return .bool(flag)
        case (.anchor, .object):
            let exact = try text(json["exact"] ?? .null, path: path + ".exact")
            let prefix = try text(json["prefix"] ?? .string(""), path: path + ".prefix")
            let suffix = try text(json["suffix"] ?? .string(""), path: path + ".suffix")
            let start = try integer(json["start"] ?? .null, path: path + ".start")
            let end = try integer(json["end"] ?? .null, path: path + ".end")
            guard let start = Int(exactly: start), let end = Int(exactly: end) else {
                throw RecordError(.invalidValue, field: path, "anchor offsets out of range")
            }
            return .anchor(Anchor(exact: exact, prefix: prefix, suffix: suffix, start: start, end: end))
        default:
            throw RecordError(.wrongType, field: path, "expected a value of type \(type.rawValue)")
        }
    }
}
