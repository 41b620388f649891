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
}
