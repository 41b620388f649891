import Foundation

/// Encodes and decodes record states as canonical JSON.
public enum WireFormat {
    /// The canonical JSON of one record state: equal states give equal bytes.
    public static func encode(_ record: RecordState) -> Data {
        Data(bytes(record))
    }

    /// The canonical JSON of one record state, as bytes.
    public static func bytes(_ record: RecordState) -> [UInt8] {
        var writer = JSONWriter(capacity: 1024)
        record.write(to: &writer)
        return writer.bytes
    }

    /// Decodes and validates one record state, naming the field that fails.
    public static func decode<Bytes: Collection<UInt8>>(
        _ bytes: Bytes, limits: RecordLimits = .default
    ) throws(RecordError) -> RecordState {
        try decodeRecord(bytes, limits: limits).state
    }

    /// Decodes and validates one record state, keeping its canonical bytes.
    public static func decodeRecord<Bytes: Collection<UInt8>>(
        _ bytes: Bytes, limits: RecordLimits = .default
    ) throws(RecordError) -> DecodedRecord {
        let decoded = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(RecordError) in try decodeRecord(buffer: buffer, limits: limits) }
        }
        if let decoded { return try decoded.get() }
        return try Array(bytes).withUnsafeBufferPointer { buffer throws(RecordError) in
            try decodeRecord(buffer: buffer, limits: limits)
        }
    }

    static func decodeRecord(buffer: UnsafeBufferPointer<UInt8>, limits: RecordLimits) throws(RecordError)
        -> DecodedRecord
    {
        var decoder = RecordDecoder(scanner: JSONScanner(bytes: buffer), limits: limits)
        let state = try decoder.record()
        decoder.scanner.skipWhitespace()
        guard decoder.scanner.atEnd else {
            throw RecordError(
                .malformed, field: "record", decoder.scanner.error("unexpected data after the record").description)
        }
        try state.validate(limits: limits)
        return DecodedRecord(state: state, received: buffer, canonical: decoder.scanner.canonical)
    }
}

/// A decoded, validated record state with its canonical JSON.
public struct DecodedRecord: Sendable {
    /// The state.
    public let state: RecordState
    /// The state's canonical JSON: the bytes as received when they already were, else encoded afresh.
    public let bytes: [UInt8]

    /// A state with its canonical JSON encoded afresh.
    public init(_ state: RecordState) {
        self.state = state
        bytes = WireFormat.bytes(state)
    }

    init(state: RecordState, received: UnsafeBufferPointer<UInt8>, canonical: Bool) {
        self.state = state
        bytes = canonical ? Array(received) : WireFormat.bytes(state)
    }

    /// Whether `stored` holds exactly these bytes (then there is nothing to merge or write).
    public func isStored(as stored: Data) -> Bool {
        // memcmp: `elementsEqual` between `Data` and an array steps one byte at a time through
        // two iterators, half the time a full resync took to skip what it already held.
        guard stored.count == bytes.count else { return false }
        guard !bytes.isEmpty else { return true }
        return stored.withUnsafeBytes { storedBytes in
            bytes.withUnsafeBytes { memcmp(storedBytes.baseAddress!, $0.baseAddress!, $0.count) == 0 }
        }
    }
}
