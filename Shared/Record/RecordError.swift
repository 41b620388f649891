/// Why a record state was refused: what failed and in which field.
public struct RecordError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure, stable enough for programs to branch on.
    public enum Code: String, Sendable {
        /// Not JSON, or not the shape of a record.
        case malformed
        /// A wire format version this build does not read.
        case unsupportedFormat
        /// A record kind that does not exist.
        case unknownKind
        /// A field the record's kind does not have.
        case unknownField
        /// A value of the wrong type for its field.
        case wrongType
        /// A value or collection over its limit.
        case tooLarge
        /// A member given twice in one object.
        case duplicateMember
        /// A value outside its allowed range or form.
        case invalidValue
        /// A field fixed at creation that differs between two states.
        case immutableFieldChanged
        /// Two states of different records were merged.
        case recordMismatch
    }

    /// The kind of failure.
    public let code: Code
    /// The field that failed, as a path (`fields.body[2].v`), or `record`.
    public let field: String
    /// A human explanation.
    public let detail: String

    /// A failure of `field`.
    public init(_ code: Code, field: String, _ detail: String) {
        self.code = code
        self.field = field
        self.detail = detail
    }

    /// A short human-readable form.
    public var description: String { "\(field): \(detail)" }
}
