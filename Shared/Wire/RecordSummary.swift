import Foundation

/// What a store needs to insert a record it does not hold yet, read in place from the record's
/// bytes without building its state.
///
/// Only a record in the simple canonical form most records take is summarized: one write per
/// field and per tag, no delete, no fractional number, strings without escapes. Such a record has
/// no conflict and is not deleted. Any other record, and any the full decoder would refuse or
/// encode afresh, is left to the full decoder.
public struct RecordSummary: Sendable, Equatable {
    /// Where the record's bytes lie in the body read, counted from its first byte.
    public let bytes: Range<Int>
    /// Where its id's bytes lie in the body (letters, digits and '-' only).
    public let id: Range<Int>
    /// Where its article id's bytes lie in the body, for a note or bookmark.
    public let articleID: Range<Int>?
    /// Its kind.
    public let kind: RecordKind
    /// When it was created or added (`createdAt`, or an article's `addedAt`); 0 when never written.
    public let createdAt: Int64
    /// An article's title; nil for other kinds, or when never written.
    public let title: String?
    /// The latest stamp of any write.
    public let latestStamp: Timestamp?
}

/// Reads records in the simple canonical form (see `RecordSummary`) and checks them as the full
/// decoder and `RecordState.validate` do; gives up, with nil, on anything else.
///
/// It matches the bytes `RecordState.write` writes for such a record, so a record it takes is one
/// the full decoder takes as canonical, with the same columns (a test and a fuzz target compare
/// the two). Its buffers serve every record of a body.
struct RecordSummaryReader {
    var scanner: JSONScanner
    /// The replica ids met so far, shared from one record to the next.
    private var replicas = ReplicaTable()
    private let limits: RecordLimits
    /// The dots of the writes read, checked against the version vector once it is read (it comes last).
    private var dots: [(replica: ReplicaID, counter: UInt64)] = []
    /// The version vector's entries, in order.
    private var context: [(replica: ReplicaID, counter: UInt64)] = []
    /// The fields read: position in `RecordKind.knownFields`, and the bytes of their value's text.
    private var fields: [(known: Int, bytes: Int)] = []
    private var latest: Timestamp?

    /// Version vectors with more entries go to the full decoder, which hashes them.
    private static let maxContext = 16

    private struct NotSimple: Error {}

    init(scanner: JSONScanner, limits: RecordLimits) {
        self.scanner = scanner
        self.limits = limits
    }

    /// The summary of the record at `start`, or nil (the scanner's position then undefined) when it
    /// is not in the simple canonical form or is invalid.
    mutating func read(at start: Int) -> RecordSummary? {
        scanner.index = start
        // Past a few hundred replica ids the table starts again, as the full decoder's does.
        if replicas.count > ChangeEnvelope.sharedReplicas { replicas = ReplicaTable() }
        do { return try summary() } catch { return nil }
    }

    private mutating func summary() throws(NotSimple) -> RecordSummary {
        let start = scanner.index
        scanner.canonical = true
        dots.removeAll(keepingCapacity: true)
        context.removeAll(keepingCapacity: true)
        fields.removeAll(keepingCapacity: true)
        latest = nil
        var version: Int64?
        var id: Range<Int>?
        var articleID: Range<Int>?
        var kind: RecordKind?
        var sawFields = false
        var sawContext = false
        var tags = 0
        var values = KnownValues()
        try literal("{")
        var previous: MemberName?
        repeat {
            let key = try member()
            if let last = previous, !last.precedes(key) { throw NotSimple() }
            previous = key
            switch key {
            case "articleID": articleID = try idBytes()
            case "fields":
                sawFields = true
                values = try readFields()
            case "id": id = try idBytes()
            case "kind":
                let name = try name()
                kind = RecordKind.allCases.first { known in
                    var raw = known.rawValue
                    return raw.withUTF8(name.equals)
                }
            case "tags": tags = try readTags()
            case "v": version = try integer()
            case "vv":
                sawContext = true
                try readContext()
            default: throw NotSimple()
            }
        } while try nextMember()
        guard scanner.canonical, sawFields, sawContext, version == Int64(RecordState.formatVersion), let id,
            let kind, kind.hasArticleID == (articleID != nil), tags == 0 || kind.hasTags
        else { throw NotSimple() }
        // The decoder's bounds on counts, which the usual limits leave far above these records.
        let ceiling = limits.vectorEntriesCeiling
        guard context.count <= ceiling, dots.isEmpty || ceiling >= 1, dots.count <= limits.maxWritesPerRecord else {
            throw NotSimple()
        }
        for field in fields {
            let name = RecordKind.knownFields[field.known].name
            guard kind.field(name) != nil, field.bytes <= limits.maxValueBytes(kind, name) else { throw NotSimple() }
        }
        for dot in dots {
            guard context.contains(where: { $0.replica == dot.replica && $0.counter >= dot.counter }) else {
                throw NotSimple()
            }
        }
        return RecordSummary(
            bytes: start..<scanner.index, id: id, articleID: articleID, kind: kind,
            createdAt: (kind == .article ? values.addedAt : values.createdAt) ?? 0,
            title: kind == .article ? values.title : nil, latestStamp: latest)
    }

    /// The values of fields a row keeps, met while reading the fields (the kind is not known yet).
    private struct KnownValues {
        var createdAt: Int64?
        var addedAt: Int64?
        var title: String?
    }

    private mutating func readFields() throws(NotSimple) -> KnownValues {
        var values = KnownValues()
        guard try openObject() else { return values }
        var previous: MemberName?
        repeat {
            let key = try member()
            if let last = previous, !last.precedes(key) { throw NotSimple() }
            previous = key
            guard fields.count < RecordKind.maxFieldCount, let known = key.withUTF8(RecordKind.knownField) else {
                throw NotSimple()
            }
            // One write: `[{"l":…,"n":…,"r":…,"t":…,"v":…}]`.
            try literal("[")
            try write()
            try literal(",\"v\":")
            var bytes = 0
            switch RecordKind.knownFields[known].type {
            case .string:
                let text = try text()
                bytes = text.count
                if "title" ~= key { values.title = String(decoding: text, as: UTF8.self) }
            case .int:
                let number = try integer()
                if "createdAt" ~= key { values.createdAt = number }
                if "addedAt" ~= key { values.addedAt = number }
            case .bool:
                if !literalIfPresent("true") { try literal("false") }
            case .anchor:
                bytes = try anchor()
            case .double:
                // Its canonical text is the writer's to say: the full decoder reads it.
                throw NotSimple()
            }
            try literal("}]")
            fields.append((known, bytes))
        } while try nextMember()
        return values
    }

    /// Reads `{"end":…,"exact":…,"prefix":…,"start":…,"suffix":…}`; returns its texts' bytes.
    private mutating func anchor() throws(NotSimple) -> Int {
        try literal("{\"end\":")
        let end = try integer()
        try literal(",\"exact\":")
        var bytes = try text().count
        try literal(",\"prefix\":")
        bytes += try text().count
        try literal(",\"start\":")
        let start = try integer()
        try literal(",\"suffix\":")
        bytes += try text().count
        try literal("}")
        guard start >= 0, end >= start else { throw NotSimple() }
        return bytes
    }

    /// Reads the tags, each with one add; returns how many.
    private mutating func readTags() throws(NotSimple) -> Int {
        guard try openObject() else { throw NotSimple() }
        var count = 0
        var previous: MemberName?
        repeat {
            let key = try member()
            if let last = previous, !last.precedes(key) { throw NotSimple() }
            previous = key
            let bytes = key.withUTF8(\.count)
            count += 1
            // More tags than one replica may hold: the full decoder counts them by replica.
            guard bytes > 0, bytes <= limits.maxTagBytes, count <= limits.maxTags else { throw NotSimple() }
            try literal("[")
            try write()
            try literal("}]")
        } while try nextMember()
        return count
    }

    /// Reads a write's `{"l":…,"n":…,"r":…,"t":…`, up to what may follow.
    private mutating func write() throws(NotSimple) {
        try literal("{\"l\":")
        let logical = try integer()
        try literal(",\"n\":")
        let counter = try integer()
        try literal(",\"r\":")
        let replica = try replica(try name())
        try literal(",\"t\":")
        let wall = try integer()
        guard (0...Int64(UInt32.max)).contains(logical), counter > 0 else { throw NotSimple() }
        dots.append((replica, UInt64(counter)))
        let stamp = Timestamp(wallMillis: wall, logical: UInt32(logical), replica: replica)
        if latest.map({ stamp > $0 }) ?? true { latest = stamp }
    }

    private mutating func readContext() throws(NotSimple) {
        guard try openObject() else { return }
        var previous: MemberName?
        repeat {
            let key = try member()
            if let last = previous, !last.precedes(key) { throw NotSimple() }
            previous = key
            guard context.count < Self.maxContext else { throw NotSimple() }
            let replica = try replica(key)
            let counter = try integer()
            // A zero is dropped when the vector is decoded, so the text would not be canonical.
            guard counter > 0 else { throw NotSimple() }
            context.append((replica, UInt64(counter)))
        } while try nextMember()
    }

    // MARK: - Tokens

    /// The replica id `name` spells, shared with the records read before.
    private mutating func replica(_ name: MemberName) throws(NotSimple) -> ReplicaID {
        if let known = name.withUTF8(replicas.find) { return known }
        guard let replica = ReplicaID(name.string) else { throw NotSimple() }
        replicas.insert(replica)
        return replica
    }

    /// An id string's bytes, where they lie in the body.
    private mutating func idBytes() throws(NotSimple) -> Range<Int> {
        try literal("\"")
        let start = scanner.index
        let bytes = scanner.bytes
        while scanner.index < bytes.count, bytes[scanner.index] != UInt8(ascii: "\"") { scanner.index += 1 }
        guard scanner.index < bytes.count else { throw NotSimple() }
        let range = start..<scanner.index
        scanner.index += 1
        let id = UnsafeBufferPointer(rebasing: bytes[range])
        guard !id.isEmpty, id.count <= limits.maxIDBytes, ByteSet.idBytes.containsEveryByte(of: id) else {
            throw NotSimple()
        }
        return range
    }

    /// A string without escapes, in place, checked as UTF-8.
    private mutating func text() throws(NotSimple) -> UnsafeBufferPointer<UInt8> {
        try literal("\"")
        let bytes = scanner.bytes
        let base = bytes.baseAddress!
        let start = scanner.index
        var position = start
        var high: UInt64 = 0
        while position + 8 <= bytes.count {
            let word = UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self)
            if JSONScanner.mayNeedLook(word) { break }
            high |= word
            position += 8
        }
        while position < bytes.count {
            let byte = base[position]
            if byte == UInt8(ascii: "\"") { break }
            // An escape or a control character: the full decoder reads it.
            guard byte != UInt8(ascii: "\\"), byte >= 0x20 else { throw NotSimple() }
            high |= UInt64(byte)
            position += 1
        }
        guard position < bytes.count else { throw NotSimple() }
        let text = UnsafeBufferPointer(start: base + start, count: position - start)
        scanner.index = position + 1
        guard high & 0x8080_8080_8080_8080 == 0 || UTF8Check.isValid(text) else { throw NotSimple() }
        return text
    }

    private mutating func integer() throws(NotSimple) -> Int64 {
        guard let number = scanner.plainInteger() else { throw NotSimple() }
        return number
    }

    /// Consumes exactly `text` (canonical text has no white space).
    private mutating func literal(_ text: StaticString) throws(NotSimple) {
        guard literalIfPresent(text) else { throw NotSimple() }
    }

    private mutating func literalIfPresent(_ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard scanner.index + count <= scanner.bytes.count,
            memcmp(scanner.bytes.baseAddress! + scanner.index, text.utf8Start, count) == 0
        else { return false }
        scanner.index += count
        return true
    }

    private mutating func member() throws(NotSimple) -> MemberName {
        do { return try scanner.member() } catch { throw NotSimple() }
    }

    private mutating func name() throws(NotSimple) -> MemberName {
        do { return try scanner.name() } catch { throw NotSimple() }
    }

    private mutating func openObject() throws(NotSimple) -> Bool {
        do { return try scanner.openObject() } catch { throw NotSimple() }
    }

    private mutating func nextMember() throws(NotSimple) -> Bool {
        do { return try scanner.nextMember() } catch { throw NotSimple() }
    }
}
