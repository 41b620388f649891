import Foundation

/// Encodes and decodes record states as canonical JSON.
public enum WireFormat {
    /// The canonical JSON of one record state: equal states give equal bytes.
    public static func encode(_ record: RecordState) -> Data {
        var writer = JSONWriter(capacity: 512)
        record.write(to: &writer)
        return Data(writer.bytes)
    }

    /// Decodes and validates one record state, naming the field that fails.
    public static func decode<Bytes: Collection<UInt8>>(
        _ bytes: Bytes, limits: RecordLimits = .default
    ) throws(RecordError) -> RecordState {
        let json: JSONValue
        do {
            json = try JSONValue.parse(bytes)
        } catch {
            throw RecordError(.malformed, field: "record", error.description)
        }
        return try decode(json, limits: limits)
    }

    /// Reads and validates one record state from parsed JSON.
    public static func decode(_ json: JSONValue, limits: RecordLimits = .default) throws(RecordError) -> RecordState {
        let record = try RecordState(json: json)
        try record.validate(limits: limits)
        return record
    }
}
