import Foundation

/// A coding key made at run time, for maps keyed by names, tags and replica ids.
struct DynamicKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension RecordState: Codable {
    /// The wire format version this build writes and reads.
    public static let formatVersion = 1

    private enum Keys: String, CodingKey {
        case version = "v", id, kind, articleID, context = "vv", fields, tags, deleted = "deleted"
    }

    private enum WriteKeys: String, CodingKey {
        case replica = "r", counter = "n", wall = "t", logical = "l", value = "v", seen
    }

    /// Writes the canonical wire form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(Self.formatVersion, forKey: .version)
        try container.encode(id, forKey: .id)
        try container.encode(kind, forKey: .kind)
        try container.encodeIfPresent(articleID, forKey: .articleID)
        try Self.encode(context, to: container.superEncoder(forKey: .context))
        var fieldsContainer = container.nestedContainer(keyedBy: DynamicKey.self, forKey: .fields)
        for (name, writes) in fields {
            var list = fieldsContainer.nestedUnkeyedContainer(forKey: DynamicKey(name))
            for write in writes {
                var entry = list.nestedContainer(keyedBy: WriteKeys.self)
                try Self.encodeDot(write, into: &entry)
                switch write.value {
                case .string(let value): try entry.encode(value, forKey: .value)
                case .int(let value): try entry.encode(value, forKey: .value)
                case .double(let value): try entry.encode(value, forKey: .value)
                case .bool(let value): try entry.encode(value, forKey: .value)
                case .anchor(let value): try entry.encode(value, forKey: .value)
                }
            }
        }
        if !tags.isEmpty {
            var tagsContainer = container.nestedContainer(keyedBy: DynamicKey.self, forKey: .tags)
            for (tag, adds) in tags {
                var list = tagsContainer.nestedUnkeyedContainer(forKey: DynamicKey(tag))
                for add in adds {
                    var entry = list.nestedContainer(keyedBy: WriteKeys.self)
                    try Self.encodeDot(add, into: &entry)
                }
            }
        }
        if !tombstones.isEmpty {
            var list = container.nestedUnkeyedContainer(forKey: .deleted)
            for tombstone in tombstones {
                var entry = list.nestedContainer(keyedBy: WriteKeys.self)
                try Self.encodeDot(tombstone, into: &entry)
                try Self.encode(tombstone.value, to: entry.superEncoder(forKey: .seen))
            }
        }
    }

    /// Reads the wire form, naming the field that is wrong.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        let version = try container.decode(Int.self, forKey: .version)
        guard version == Self.formatVersion else {
            throw RecordError(
                .unsupportedFormat, field: "v", "format version \(version) is not \(Self.formatVersion)")
        }
        let id = try container.decode(String.self, forKey: .id)
        let kindName = try container.decode(String.self, forKey: .kind)
        guard let kind = RecordKind(rawValue: kindName) else {
            throw RecordError(.unknownKind, field: "kind", "unknown record kind '\(kindName)'")
        }
        let articleID = try container.decodeIfPresent(String.self, forKey: .articleID)
        let context = try Self.decodeVector(from: container.superDecoder(forKey: .context), field: "vv")

        var fields: [String: [Dotted<FieldValue>]] = [:]
        if container.contains(.fields) {
            let fieldsContainer = try container.nestedContainer(keyedBy: DynamicKey.self, forKey: .fields)
            for key in fieldsContainer.allKeys {
                let name = key.stringValue
                guard let field = kind.fields[name] else {
                    throw RecordError(
                        .unknownField, field: "fields.\(name)", "a \(kind.rawValue) has no field '\(name)'")
                }
                var list = try fieldsContainer.nestedUnkeyedContainer(forKey: key)
                var writes: [Dotted<FieldValue>] = []
                while !list.isAtEnd {
                    let path = "fields.\(name)[\(writes.count)]"
                    let entry = try list.nestedContainer(keyedBy: WriteKeys.self)
                    let (dot, stamp) = try Self.decodeDot(entry, path: path)
                    let value = try Self.decodeValue(entry, type: field.type, path: path)
                    writes.append(Dotted(dot: dot, stamp: stamp, value: value))
                }
                if !writes.isEmpty { fields[name] = writes.sorted { $0.dot < $1.dot } }
            }
        }

        var tags: [String: [Dotted<Presence>]] = [:]
        if container.contains(.tags) {
            let tagsContainer = try container.nestedContainer(keyedBy: DynamicKey.self, forKey: .tags)
            for key in tagsContainer.allKeys {
                var list = try tagsContainer.nestedUnkeyedContainer(forKey: key)
                var adds: [Dotted<Presence>] = []
                while !list.isAtEnd {
                    let entry = try list.nestedContainer(keyedBy: WriteKeys.self)
                    let (dot, stamp) = try Self.decodeDot(entry, path: "tags.\(key.stringValue)[\(adds.count)]")
                    adds.append(Dotted(dot: dot, stamp: stamp, value: Presence()))
                }
                if !adds.isEmpty { tags[key.stringValue] = adds.sorted { $0.dot < $1.dot } }
            }
        }

        var tombstones: [Dotted<VersionVector>] = []
        if container.contains(.deleted) {
            var list = try container.nestedUnkeyedContainer(forKey: .deleted)
            while !list.isAtEnd {
                let path = "deleted[\(tombstones.count)]"
                let entry = try list.nestedContainer(keyedBy: WriteKeys.self)
                let (dot, stamp) = try Self.decodeDot(entry, path: path)
                let seen = try Self.decodeVector(from: entry.superDecoder(forKey: .seen), field: path + ".seen")
                tombstones.append(Dotted(dot: dot, stamp: stamp, value: seen))
            }
            tombstones.sort { $0.dot < $1.dot }
        }

        self.init(
            id: id, kind: kind, articleID: articleID, context: context, fields: fields, tags: tags,
            tombstones: tombstones)
    }

    private static func encode(_ vector: VersionVector, to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: DynamicKey.self)
        for (replica, counter) in vector.counters {
            try container.encode(counter, forKey: DynamicKey(replica.rawValue))
        }
    }

    private static func decodeVector(from decoder: any Decoder, field: String) throws -> VersionVector {
        let container = try decoder.container(keyedBy: DynamicKey.self)
        let limit = RecordLimits.default.maxVectorEntries * 4
        guard container.allKeys.count <= limit else {
            throw RecordError(.tooLarge, field: field, "\(container.allKeys.count) replicas in one version vector")
        }
        var counters: [ReplicaID: UInt64] = [:]
        for key in container.allKeys {
            guard let replica = ReplicaID(key.stringValue) else {
                throw RecordError(.invalidValue, field: field, "'\(key.stringValue)' is not a replica id")
            }
            counters[replica] = try decodeCounter(container, key: key, path: "\(field).\(key.stringValue)")
        }
        return VersionVector(counters)
    }

    private static func decodeCounter<K: CodingKey>(
        _ container: KeyedDecodingContainer<K>, key: K, path: String
    ) throws -> UInt64 {
        if let counter = try? container.decode(UInt64.self, forKey: key) { return counter }
        if let signed = try? container.decode(Int64.self, forKey: key), signed < 0 {
            throw RecordError(.invalidValue, field: path, "a counter cannot be negative")
        }
        throw RecordError(.wrongType, field: path, "a counter is a whole number from 0 to 2^64-1")
    }

    private static func encodeDot<Value>(
        _ write: Dotted<Value>, into entry: inout KeyedEncodingContainer<WriteKeys>
    ) throws {
        try entry.encode(write.dot.replica.rawValue, forKey: .replica)
        try entry.encode(write.dot.counter, forKey: .counter)
        try entry.encode(write.stamp.wallMillis, forKey: .wall)
        try entry.encode(write.stamp.logical, forKey: .logical)
    }

    private static func decodeDot(
        _ entry: KeyedDecodingContainer<WriteKeys>, path: String
    ) throws -> (Dot, Timestamp) {
        let raw = try entry.decode(String.self, forKey: .replica)
        guard let replica = ReplicaID(raw) else {
            throw RecordError(.invalidValue, field: path + ".r", "'\(raw)' is not a replica id")
        }
        let counter = try decodeCounter(entry, key: .counter, path: path + ".n")
        let wall = try entry.decode(Int64.self, forKey: .wall)
        let logical = try decodeCounter(entry, key: .logical, path: path + ".l")
        guard logical <= UInt64(UInt32.max) else {
            throw RecordError(.invalidValue, field: path + ".l", "a logical clock fits in 32 bits")
        }
        return (Dot(replica, counter), Timestamp(wallMillis: wall, logical: UInt32(logical), replica: replica))
    }

    private static func decodeValue(
        _ entry: KeyedDecodingContainer<WriteKeys>, type: FieldType, path: String
    ) throws -> FieldValue {
        do {
            switch type {
            case .string: return .string(try entry.decode(String.self, forKey: .value))
            case .int: return .int(try entry.decode(Int64.self, forKey: .value))
            case .double: return .double(try entry.decode(Double.self, forKey: .value))
            case .bool: return .bool(try entry.decode(Bool.self, forKey: .value))
            case .anchor: return .anchor(try entry.decode(Anchor.self, forKey: .value))
            }
        } catch is DecodingError {
            throw RecordError(.wrongType, field: path + ".v", "expected a value of type \(type.rawValue)")
        }
    }
}
