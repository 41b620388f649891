import Foundation

/// Encodes and decodes record states as canonical JSON.
public enum WireFormat {
    /// A JSON encoder with sorted keys, so equal states encode to equal bytes.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// The canonical JSON of one record state.
    public static func encode(_ record: RecordState) -> Data {
        // Encoding a RecordState cannot fail: every value is a plain JSON scalar or finite number.
        (try? encoder().encode(record)) ?? Data()
    }

    /// Decodes and validates one record state, naming the field that fails.
    public static func decode(_ data: Data, limits: RecordLimits = .default) throws(RecordError) -> RecordState {
        let record: RecordState
        do {
            record = try JSONDecoder().decode(RecordState.self, from: data)
        } catch let error as RecordError {
            throw error
        } catch let error as DecodingError {
            throw RecordError(error)
        } catch {
            throw RecordError(.malformed, field: "record", "\(error)")
        }
        try record.validate(limits: limits)
        return record
    }
}

extension RecordError {
    /// A decoding failure described by the path where it happened.
    public init(_ error: DecodingError) {
        func path(_ keys: [any CodingKey]) -> String {
            let joined = keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return joined.hasPrefix(".") ? String(joined.dropFirst()) : (joined.isEmpty ? "record" : joined)
        }
        switch error {
        case .typeMismatch(let type, let context):
            self.init(.wrongType, field: path(context.codingPath), "expected \(type)")
        case .valueNotFound(let type, let context):
            self.init(.malformed, field: path(context.codingPath), "missing \(type)")
        case .keyNotFound(let key, let context):
            self.init(.malformed, field: path(context.codingPath + [key]), "missing required key")
        case .dataCorrupted(let context):
            self.init(.malformed, field: path(context.codingPath), context.debugDescription)
        @unknown default:
            self.init(.malformed, field: "record", "\(error)")
        }
    }
}
