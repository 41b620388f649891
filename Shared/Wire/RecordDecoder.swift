/// Reads one record state straight from JSON bytes (no intermediate tree), naming the field that is
/// wrong, and tells whether the bytes were already canonical so they can be stored as they are.
struct RecordDecoder {
    var scanner: JSONScanner
    /// Replica ids met in this record (and the records read before it with the same table): the
    /// same id shares one string, found without making or checking another.
    private(set) var replicas: ReplicaTable
    /// The most replicas one version vector, or one list of writes, may name.
    private let maxReplicas: Int
    /// The most writes one record may hold, counted as they are read, so that no record costs more
    /// than its bound however it is built.
    private let maxWrites: Int
    private var writes = 0
    /// The type the field being read holds (nil outside fields, or for a name no kind has).
    private var valueType: FieldType?
    /// Which of the record's fields is being read.
    private var fieldPosition = 0
    /// The first write whose value has the wrong type, by field position: reported only once the
    /// record's kind is known and that field belongs to it, as a missing member or an unknown
    /// format version reads first.
    private var typeMismatch: (field: Int, error: RecordError)?

    init(scanner: JSONScanner, limits: RecordLimits = .default, replicas: ReplicaTable = ReplicaTable()) {
        self.scanner = scanner
        self.replicas = replicas
        maxReplicas = limits.vectorEntriesCeiling
        maxWrites = limits.maxWritesPerRecord
    }

    /// What follows a dot in one write: nothing (a tag add), a field value, or a delete's context.
    private enum Payload {
        case none
        case value(FieldValue)
        case seen(VersionVector)
    }

    // MARK: - Scanning, with JSON errors as record errors

    private static func malformed(_ error: JSONError) -> RecordError {
        RecordError(.malformed, field: "record", error.description)
    }

    private mutating func peekByte() throws(RecordError) -> UInt8 {
        do { return try scanner.peek() } catch { throw Self.malformed(error) }
    }

    private mutating func openObject() throws(RecordError) -> Bool {
        do { return try scanner.openObject() } catch { throw Self.malformed(error) }
    }

    private mutating func member() throws(RecordError) -> MemberName {
        do { return try scanner.member() } catch { throw Self.malformed(error) }
    }

    private mutating func nextMember() throws(RecordError) -> Bool {
        do { return try scanner.nextMember() } catch { throw Self.malformed(error) }
    }

    private mutating func openArray() throws(RecordError) -> Bool {
        do { return try scanner.openArray() } catch { throw Self.malformed(error) }
    }

    private mutating func nextItem() throws(RecordError) -> Bool {
        do { return try scanner.nextItem() } catch { throw Self.malformed(error) }
    }

    private mutating func readString() throws(RecordError) -> String {
        do { return try scanner.string() } catch { throw Self.malformed(error) }
    }

    private mutating func readNumber() throws(RecordError) -> JSONValue {
        do { return try scanner.number() } catch { throw Self.malformed(error) }
    }

    private mutating func readAny() throws(RecordError) -> JSONValue {
        do { return try scanner.value(depth: JSONValue.maxDepth - 1) } catch { throw Self.malformed(error) }
    }

    /// Notes a member name; names out of sorted order make the text non-canonical.
    private mutating func order(_ name: MemberName, after previous: inout MemberName?) {
        if scanner.canonical, let last = previous, !last.precedes(name) {
            scanner.canonical = false
        }
        previous = name
    }

    /// Reads one record object.
    mutating func record() throws(RecordError) -> RecordState {
        guard try peekByte() == UInt8(ascii: "{") else {
            throw RecordError(.malformed, field: "record", "a record is a JSON object")
        }
        var version: Int64?
        var id: String?
        var kind: RecordKind?
        var articleID: String?
        var context: VersionVector?
        var fieldWrites: [(String, [Dotted<FieldValue>])] = []
        var sawFields = false
        var sawTags = false
        var sawDeleted = false
        var tags: [String: [Dotted<Presence>]] = [:]
        var tombstones: [Dotted<VersionVector>] = []
        var previous: MemberName?
        if try openObject() {
            repeat {
                let key = try member()
                order(key, after: &previous)
                switch key {
                case "v":
                    try once(version == nil, "v")
                    version = try integer("v")
                case "id":
                    try once(id == nil, "id")
                    id = try text("id")
                case "kind":
                    try once(kind == nil, "kind")
                    let name = try text("kind")
                    guard let known = RecordKind(rawValue: name) else {
                        throw RecordError(.unknownKind, field: "kind", "unknown record kind '\(name)'")
                    }
                    kind = known
                case "articleID":
                    try once(articleID == nil, "articleID")
                    articleID = try text("articleID")
                case "vv":
                    try once(context == nil, "vv")
                    context = try vector("vv")
                case "fields":
                    try once(!sawFields, "fields")
                    fieldWrites = try fields()
                    sawFields = true
                case "tags":
                    try once(!sawTags, "tags")
                    sawTags = true
                    tags = try tagAdds()
                    if tags.isEmpty { scanner.canonical = false }
                case "deleted":
                    try once(!sawDeleted, "deleted")
                    sawDeleted = true
                    tombstones = try deletes()
                    if tombstones.isEmpty { scanner.canonical = false }
                default:
                    let name = key.string
                    throw RecordError(.unknownField, field: name, "a record has no member '\(name)'")
                }
            } while try nextMember()
        }
        if !sawFields { scanner.canonical = false }
        guard let version else { throw RecordError(.malformed, field: "v", "missing the format version") }
        guard version == Int64(RecordState.formatVersion) else {
            throw RecordError(
                .unsupportedFormat, field: "v", "format version \(version) is not \(RecordState.formatVersion)")
        }
        guard let id else { throw RecordError(.malformed, field: "id", "missing required key") }
        guard let kind else { throw RecordError(.malformed, field: "kind", "missing required key") }
        guard let context else { throw RecordError(.malformed, field: "vv", "missing required key") }

        var fields: [String: [Dotted<FieldValue>]] = [:]
        fields.reserveCapacity(fieldWrites.count)
        for (position, (name, writes)) in fieldWrites.enumerated() {
            guard kind.field(name) != nil else {
                throw RecordError(.unknownField, field: "fields.\(name)", "a \(kind.rawValue) has no field '\(name)'")
            }
            if let mismatch = typeMismatch, mismatch.field == position { throw mismatch.error }
            fields[name] = writes
        }
        return RecordState(
            id: id, kind: kind, articleID: articleID, context: context, fields: fields, tags: tags,
            tombstones: tombstones)
    }

    /// Refuses a member met twice: which one counts would depend on the order of the text.
    private func once(_ first: Bool, _ path: @autoclosure () -> String) throws(RecordError) {
        guard first else { throw RecordError(.duplicateMember, field: path(), "the member appears twice") }
    }

    // MARK: - Members

    private mutating func fields() throws(RecordError) -> [(String, [Dotted<FieldValue>])] {
        var result: [(String, [Dotted<FieldValue>])] = []
        guard try openObject() else { return result }
        result.reserveCapacity(4)
        var previous: MemberName?
        defer { valueType = nil }
        repeat {
            let key = try member()
            order(key, after: &previous)
            // A known name is the kind's own string, found by its bytes; names no kind has are
            // refused once the kind is known.
            let known = key.withUTF8(RecordKind.knownField).map { RecordKind.knownFields[$0] }
            let name = known?.name ?? key.string
            // Few fields per kind: a scan finds a repeat.
            try once(!result.contains { $0.0 == name }, "fields.\(name)")
            guard result.count < RecordKind.maxFieldCount else {
                throw RecordError(.unknownField, field: "fields.\(name)", "more fields than any record kind has")
            }
            valueType = known?.type
            fieldPosition = result.count
            let writes: [Dotted<FieldValue>] = try entries("fields.\(name)", missing: (.malformed, ".v")) {
                if case .value(let value) = $0 { value } else { nil }
            }
            result.append((name, writes))
        } while try nextMember()
        return result
    }

    private mutating func tagAdds() throws(RecordError) -> [String: [Dotted<Presence>]] {
        var result: [String: [Dotted<Presence>]] = [:]
        guard try openObject() else { return result }
        var previous: MemberName?
        repeat {
            let key = try member()
            order(key, after: &previous)
            let tag = key.string
            try once(result[tag] == nil, "tags.\(tag)")
            result[tag] = try entries("tags.\(tag)", missing: (.unknownField, "")) {
                if case .none = $0 { Presence() } else { nil }
            }
        } while try nextMember()
        return result
    }

    private mutating func deletes() throws(RecordError) -> [Dotted<VersionVector>] {
        try entries("deleted", missing: (.malformed, ".seen"), allowEmpty: true) {
            if case .seen(let seen) = $0 { seen } else { nil }
        }
    }

    /// Reads a non-empty list of writes, sorted by dot; `payload` is nil when a write lacks what
    /// the list needs (or carries what it must not), reported as `missing` at that write.
    private mutating func entries<Value>(
        _ path: @autoclosure () -> String, missing: (code: RecordError.Code, member: String), allowEmpty: Bool = false,
        _ payload: (Payload) -> Value?
    ) throws(RecordError) -> [Dotted<Value>] {
        guard try peekByte() == UInt8(ascii: "[") else {
            throw RecordError(.wrongType, field: path(), "expected an array")
        }
        var result: [Dotted<Value>] = []
        if try openArray() {
            repeat {
                let index = result.count
                // A replica holds one live write per key, so a list names at most as many as a vector.
                guard index < maxReplicas else {
                    throw RecordError(.tooLarge, field: path(), "more than \(maxReplicas) writes")
                }
                writes += 1
                guard writes <= maxWrites else {
                    throw RecordError(.tooLarge, field: path(), "more than \(maxWrites) writes in one record")
                }
                let (dot, stamp, rest) = try entry("\(path())[\(index)]")
                guard let value = payload(rest) else {
                    let detail = missing.member.isEmpty ? "carries no value" : "missing required key"
                    throw RecordError(missing.code, field: "\(path())[\(index)]\(missing.member)", detail)
                }
                result.append(Dotted(dot: dot, stamp: stamp, value: value))
            } while try nextItem()
        }
        guard allowEmpty || !result.isEmpty else {
            throw RecordError(.invalidValue, field: path(), "lists at least one write")
        }
        // Kept sorted by dot: the merge walks both sides in that order.
        if !zip(result, result.dropFirst()).allSatisfy({ $0.dot < $1.dot }) {
            scanner.canonical = false
            result.sort { $0.dot < $1.dot }
        }
        return result
    }

    /// Reads `{"l":…,"n":…,"r":…[,"seen":…],"t":…[,"v":…]}`.
    private mutating func entry(_ path: @autoclosure () -> String) throws(RecordError) -> (Dot, Timestamp, Payload) {
        guard try peekByte() == UInt8(ascii: "{") else {
            throw RecordError(.wrongType, field: path(), "expected an object")
        }
        var logical: UInt64?
        var counter: UInt64?
        var replica: ReplicaID?
        var wall: Int64?
        var payload = Payload.none
        var previous: MemberName?
        if try openObject() {
            repeat {
                let key = try member()
                order(key, after: &previous)
                switch key {
                case "l":
                    try once(logical == nil, path() + ".l")
                    logical = try self.counter(path() + ".l")
                case "n":
                    try once(counter == nil, path() + ".n")
                    counter = try self.counter(path() + ".n")
                case "r":
                    try once(replica == nil, path() + ".r")
                    replica = try self.replica(path() + ".r")
                case "t":
                    try once(wall == nil, path() + ".t")
                    wall = try integer(path() + ".t")
                case "seen", "v":
                    // A write holds a value or what a delete had seen, never both: else which one
                    // counted would depend on member order.
                    guard case .none = payload else {
                        throw RecordError(
                            .duplicateMember, field: path() + "." + key.string, "a write carries one 'v' or 'seen'")
                    }
                    if case "seen" = key {
                        payload = .seen(try vector(path() + ".seen"))
                    } else {
                        payload = .value(try value(path() + ".v"))
                    }
                default:
                    let name = key.string
                    throw RecordError(.unknownField, field: path() + "." + name, "a write has no member '\(name)'")
                }
            } while try nextMember()
        }
        guard let replica else { throw RecordError(.malformed, field: path() + ".r", "missing required key") }
        guard let counter else { throw RecordError(.malformed, field: path() + ".n", "missing required key") }
        guard let logical else { throw RecordError(.malformed, field: path() + ".l", "missing required key") }
        guard logical <= UInt64(UInt32.max) else {
            throw RecordError(.invalidValue, field: path() + ".l", "a logical clock fits in 32 bits")
        }
        guard let wall else { throw RecordError(.malformed, field: path() + ".t", "missing required key") }
        return (
            Dot(replica, counter), Timestamp(wallMillis: wall, logical: UInt32(logical), replica: replica), payload
        )
    }

    // MARK: - Values

    private mutating func vector(_ path: @autoclosure () -> String) throws(RecordError) -> VersionVector {
        guard try peekByte() == UInt8(ascii: "{") else {
            throw RecordError(.wrongType, field: path(), "expected an object")
        }
        var counters: [ReplicaID: UInt64] = [:]
        var previous: MemberName?
        if try openObject() {
            repeat {
                let key = try member()
                order(key, after: &previous)
                guard counters.count < maxReplicas else {
                    throw RecordError(
                        .tooLarge, field: path(), "more than \(maxReplicas) replicas in one version vector")
                }
                let replica = try self.replica(key, path())
                try once(counters[replica] == nil, "\(path()).\(replica.rawValue)")
                counters[replica] = try counter("\(path()).\(replica.rawValue)")
            } while try nextMember()
        }
        if counters.values.contains(0) { scanner.canonical = false }
        return VersionVector(counters)
    }

    /// Reads a replica id from a string value, sharing equal ids.
    private mutating func replica(_ path: @autoclosure () -> String) throws(RecordError) -> ReplicaID {
        guard try peekByte() == UInt8(ascii: "\"") else {
            throw RecordError(.wrongType, field: path(), "expected a string")
        }
        let name: MemberName
        do { name = try scanner.name() } catch { throw Self.malformed(error) }
        return try replica(name, path())
    }

    /// The replica id `name` spells (a string value or a member name), sharing equal ids.
    private mutating func replica(_ name: MemberName, _ path: @autoclosure () -> String) throws(RecordError)
        -> ReplicaID
    {
        if let known = name.withUTF8(replicas.find) { return known }
        let raw = name.string
        guard let replica = ReplicaID(raw) else {
            throw RecordError(.invalidValue, field: path(), "'\(raw)' is not a replica id")
        }
        replicas.insert(replica)
        return replica
    }

    /// Reads a write's value and checks it against the field's type: a whole number in a double
    /// field is taken (and the record re-encoded).
    private mutating func value(_ path: @autoclosure () -> String) throws(RecordError) -> FieldValue {
        let value = try anyValue(path())
        guard let expected = valueType, value.type != expected else { return value }
        if expected == .double, case .int(let number) = value {
            scanner.canonical = false
            return .double(Double(number))
        }
        if typeMismatch == nil {
            typeMismatch = (
                fieldPosition,
                RecordError(.wrongType, field: path(), "expected a value of type \(expected.rawValue)")
            )
        }
        return value
    }

    private mutating func anyValue(_ path: @autoclosure () -> String) throws(RecordError) -> FieldValue {
        switch try peekByte() {
        case UInt8(ascii: "{"): return .anchor(try anchor(path()))
        case UInt8(ascii: "\""): return .string(try text(path()))
        default:
            switch try readAny() {
            case .int(let number): return .int(number)
            case .double(let number): return .double(number)
            case .bool(let flag): return .bool(flag)
            default:
                throw RecordError(.wrongType, field: path(), "expected a string, number, boolean or anchor")
            }
        }
    }

    private mutating func anchor(_ path: @autoclosure () -> String) throws(RecordError) -> Anchor {
        var exact: String?
        var prefix: String?
        var suffix: String?
        var start: Int64?
        var end: Int64?
        var previous: MemberName?
        if try openObject() {
            repeat {
                let key = try member()
                order(key, after: &previous)
                switch key {
                case "exact":
                    try once(exact == nil, path() + ".exact")
                    exact = try text(path() + ".exact")
                case "prefix":
                    try once(prefix == nil, path() + ".prefix")
                    prefix = try text(path() + ".prefix")
                case "suffix":
                    try once(suffix == nil, path() + ".suffix")
                    suffix = try text(path() + ".suffix")
                case "start":
                    try once(start == nil, path() + ".start")
                    start = try integer(path() + ".start")
                case "end":
                    try once(end == nil, path() + ".end")
                    end = try integer(path() + ".end")
                default:
                    let name = key.string
                    throw RecordError(.unknownField, field: path() + "." + name, "an anchor has no '\(name)'")
                }
            } while try nextMember()
        }
        // The writer always writes both contexts, even empty.
        if prefix == nil || suffix == nil { scanner.canonical = false }
        guard let exact else { throw RecordError(.malformed, field: path() + ".exact", "missing required key") }
        guard let startOffset = start.flatMap({ Int(exactly: $0) }), let endOffset = end.flatMap({ Int(exactly: $0) })
        else {
            throw RecordError(.malformed, field: path(), "an anchor needs whole-number 'start' and 'end'")
        }
        return Anchor(exact: exact, prefix: prefix ?? "", suffix: suffix ?? "", start: startOffset, end: endOffset)
    }

    private mutating func text(_ path: @autoclosure () -> String) throws(RecordError) -> String {
        guard try peekByte() == UInt8(ascii: "\"") else {
            throw RecordError(.wrongType, field: path(), "expected a string")
        }
        return try readString()
    }

    private mutating func integer(_ path: @autoclosure () -> String) throws(RecordError) -> Int64 {
        let next = try peekByte()
        if let number = scanner.plainInteger() { return number }
        guard next == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(next) else {
            throw RecordError(.wrongType, field: path(), "expected a whole number")
        }
        switch try readNumber() {
        case .int(let number): return number
        case .double(let number) where Self.isWhole(number, below: 0x1p63):
            // JSON Schema's integer takes 1.0: read it, and re-encode the record as 1.
            scanner.canonical = false
            return Int64(number)
        default: throw RecordError(.wrongType, field: path(), "expected a whole number")
        }
    }

    /// Whether `number` is a whole number of magnitude below `bound` (so it converts exactly).
    static func isWhole(_ number: Double, below bound: Double) -> Bool {
        number.isFinite && number.rounded(.towardZero) == number && abs(number) < bound
    }

    private mutating func counter(_ path: @autoclosure () -> String) throws(RecordError) -> UInt64 {
        let next = try peekByte()
        guard next == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(next) else {
            throw RecordError(.wrongType, field: path(), "a counter is a whole number from 0 to 2^64-1")
        }
        if let number = scanner.plainInteger() {
            guard number >= 0 else { throw RecordError(.invalidValue, field: path(), "a counter cannot be negative") }
            return UInt64(number)
        }
        switch try readNumber() {
        case .int(let value) where value >= 0: return UInt64(value)
        case .uint(let value): return value
        case .double(let value) where value >= 0 && Self.isWhole(value, below: 0x1p64):
            scanner.canonical = false
            return UInt64(value)
        case .int: throw RecordError(.invalidValue, field: path(), "a counter cannot be negative")
        default: throw RecordError(.wrongType, field: path(), "a counter is a whole number from 0 to 2^64-1")
        }
    }
}
