/// A sync body: a `changes` array of records beside a few plain members (`since`, `cursor`, ...).
///
/// Read in one pass without a tree, so a page of 1,000 records costs little more than its records.
public struct ChangeEnvelope: Sendable {
    /// The records of `changes`, in order.
    public var records: [DecodedRecord] = []
    /// The records of `changes` as `inPlace` reads them, in order (else empty).
    public var pageRecords: [PageRecord] = []
    /// The other top-level members, in document order.
    public var members: [(String, JSONValue)] = []

    /// The member named `key`, other than `changes`.
    public subscript(_ key: String) -> JSONValue? {
        members.first { $0.0 == key }?.1
    }
}

/// One record of a change page, as a client reads it to store it.
public enum PageRecord: Sendable {
    /// Read in place: what inserting it needs (see `RecordSummary`).
    case summary(RecordSummary)
    /// Decoded in full.
    case decoded(DecodedRecord)
}

/// Why a sync body was refused.
public enum EnvelopeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not JSON, or not an object with a `changes` array.
    case malformed(String)
    /// One record is invalid.
    case record(index: Int, RecordError)
    /// More records than allowed; `count` is how many there were.
    case tooManyRecords(count: Int)

    /// A short human-readable form.
    public var description: String {
        switch self {
        case .malformed(let detail): detail
        case .record(let index, let error): "changes[\(index)].\(error.field): \(error.detail)"
        case .tooManyRecords(let count): "\(count) records in one body"
        }
    }
}

extension ChangeEnvelope {
    /// The most plain members beside `changes` (a body has two or three).
    static let maxMembers = 16

    /// The most replica ids the records of one body share before the table starts again.
    static let sharedReplicas = 256

    /// Reads a body; records past `maxRecords` are counted, not decoded.
    public static func decode<Bytes: Collection<UInt8>>(
        _ bytes: Bytes, limits: RecordLimits = .default, maxRecords: Int = .max
    ) throws(EnvelopeError) -> ChangeEnvelope {
        try decode(bytes, limits: limits, maxRecords: maxRecords, records: true)
    }

    /// Reads a body as `decode` does, giving its records as `pageRecords`: each in the simple
    /// canonical form is summarized in place rather than decoded (`RecordSummary`, whose ranges
    /// count bytes from the body's first), the others decoded in full. A client inserting a page
    /// into an empty store needs no more.
    public static func inPlace<Bytes: Collection<UInt8>>(
        _ bytes: Bytes, limits: RecordLimits = .default
    ) throws(EnvelopeError) -> ChangeEnvelope {
        try decode(bytes, limits: limits, maxRecords: .max, records: true, inPlace: true)
    }

    /// Reads a body's plain members only; its records are passed over by their brackets, neither
    /// decoded nor checked (`records` stays empty). A client learns a page's cursor this way, to
    /// ask for the next page while it decodes this one.
    ///
    /// When every member named in `leading` comes before `changes` (a Margin server writes its
    /// plain members first), reading stops at `changes`: the rest of the body, records and all, is
    /// checked only when they are decoded. Else the records are passed over as above.
    public static func members<Bytes: Collection<UInt8>>(
        _ bytes: Bytes, leading: Set<String> = []
    ) throws(EnvelopeError) -> ChangeEnvelope {
        try decode(bytes, limits: .unlimited, maxRecords: .max, records: false, leading: leading)
    }

    private static func decode<Bytes: Collection<UInt8>>(
        _ bytes: Bytes, limits: RecordLimits, maxRecords: Int, records: Bool, leading: Set<String> = [],
        inPlace: Bool = false
    ) throws(EnvelopeError) -> ChangeEnvelope {
        let decoded = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(EnvelopeError) in
                try decode(
                    buffer: buffer, limits: limits, maxRecords: maxRecords, records: records, leading: leading,
                    inPlace: inPlace)
            }
        }
        if let decoded { return try decoded.get() }
        // A copy holds the bytes in the same order: a summary's ranges still count from the first.
        return try Array(bytes).withUnsafeBufferPointer { buffer throws(EnvelopeError) in
            try decode(
                buffer: buffer, limits: limits, maxRecords: maxRecords, records: records, leading: leading,
                inPlace: inPlace)
        }
    }

    static func decode(
        buffer: UnsafeBufferPointer<UInt8>, limits: RecordLimits, maxRecords: Int, records: Bool = true,
        leading: Set<String> = [], inPlace: Bool = false
    ) throws(EnvelopeError) -> ChangeEnvelope {
        var envelope = ChangeEnvelope()
        var scanner = JSONScanner(bytes: buffer)
        var count = 0
        // A bad record is reported only once the whole body is known to be JSON: syntax errors win.
        var invalid: EnvelopeError?
        do {
            guard try scanner.peek() == UInt8(ascii: "{") else {
                throw EnvelopeError.malformed("the body is a JSON object")
            }
            if try scanner.openObject() {
                var sawChanges = false
                repeat {
                    let key = try scanner.memberName()
                    guard key != "changes" || !sawChanges, !envelope.members.contains(where: { $0.0 == key }) else {
                        throw EnvelopeError.malformed("the member '\(key)' appears twice")
                    }
                    guard key == "changes" else {
                        // Plain values only, read without a tree: a 16 MiB array here would
                        // otherwise cost fifteen times its size before it is refused.
                        guard envelope.members.count < Self.maxMembers else {
                            throw EnvelopeError.malformed("more than \(Self.maxMembers) members beside 'changes'")
                        }
                        let next = try scanner.peek()
                        guard next != UInt8(ascii: "{") && next != UInt8(ascii: "[") else {
                            throw EnvelopeError.malformed("'\(key)' is a string, number, boolean or null")
                        }
                        envelope.members.append((key, try scanner.value(depth: 1)))
                        continue
                    }
                    sawChanges = true
                    guard try scanner.peek() == UInt8(ascii: "[") else {
                        throw EnvelopeError.malformed("'changes' is an array of records")
                    }
                    if !records {
                        let read = Set(envelope.members.map(\.0))
                        if !leading.isEmpty && leading.isSubset(of: read) { return envelope }
                        try scanner.skipContainer()
                        continue
                    }
                    guard try scanner.openArray() else { continue }
                    // The replica ids of a page's records, shared from one record to the next: most
                    // records of a page were written by the same few machines.
                    var replicas = ReplicaTable()
                    // Its buffers serve every record of the body.
                    var summaries = RecordSummaryReader(scanner: scanner, limits: limits)
                    repeat {
                        count += 1
                        if count > maxRecords || invalid != nil {
                            try scanner.skipValue(depth: 2)
                            continue
                        }
                        _ = try scanner.peek()
                        let start = scanner.index
                        if inPlace, let summary = summaries.read(at: start) {
                            scanner.index = summaries.scanner.index
                            envelope.pageRecords.append(.summary(summary))
                            continue
                        }
                        scanner.canonical = true
                        // Handed over, not shared, so that the decoder adds to it without a copy;
                        // past a few hundred ids it starts again, so that it stays small.
                        var decoder = RecordDecoder(
                            scanner: scanner, limits: limits,
                            replicas: replicas.count > Self.sharedReplicas ? ReplicaTable() : replicas)
                        replicas = ReplicaTable()
                        let state: RecordState
                        do {
                            state = try decoder.record()
                            try state.validate(limits: limits)
                        } catch {
                            // A repeated member is a malformed body, not a record to hold back.
                            if error.code == .duplicateMember {
                                throw EnvelopeError.malformed("changes[\(count - 1)].\(error.field): \(error.detail)")
                            }
                            invalid = .record(index: count - 1, error)
                            try scanner.skipValue(depth: 2)
                            continue
                        }
                        scanner = decoder.scanner
                        replicas = decoder.replicas
                        let bytes = UnsafeBufferPointer(rebasing: buffer[start..<scanner.index])
                        let record = DecodedRecord(state: state, received: bytes, canonical: scanner.canonical)
                        if inPlace {
                            envelope.pageRecords.append(.decoded(record))
                        } else {
                            envelope.records.append(record)
                        }
                    } while try scanner.nextItem()
                } while try scanner.nextMember()
            }
            scanner.skipWhitespace()
            guard scanner.atEnd else { throw scanner.error("unexpected data after the document") }
        } catch let error as EnvelopeError {
            throw error
        } catch let error as JSONError {
            throw .malformed(error.description)
        } catch {
            throw .malformed("\(error)")
        }
        if count > maxRecords { throw .tooManyRecords(count: count) }
        if let invalid { throw invalid }
        return envelope
    }
}
