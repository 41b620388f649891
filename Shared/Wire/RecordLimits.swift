/// Size and count limits a record must keep to be accepted from the wire.
public struct RecordLimits: Sendable, Hashable {
    /// Bytes of UTF-8 in one article content value.
    public var maxContentBytes: Int = 2 * 1024 * 1024
    /// Bytes of UTF-8 in one note body value.
    public var maxNoteBodyBytes: Int = 64 * 1024
    /// Bytes of UTF-8 in any other string value (titles, urls, labels, anchor quotes).
    public var maxStringBytes: Int = 64 * 1024
    /// Tags in one record.
    public var maxTags: Int = 64
    /// Bytes of UTF-8 in one tag.
    public var maxTagBytes: Int = 128
    /// Replicas in one version vector.
    public var maxVectorEntries: Int = 256
    /// Bytes of UTF-8 in a record id.
    public var maxIDBytes: Int = 128

    /// The defaults of DESIGN.md.
    public static let `default` = RecordLimits()

    /// Limits with every default.
    public init() {}

    /// No limits: for reading back what a store itself wrote and validated before.
    public static var unlimited: RecordLimits {
        var limits = RecordLimits()
        limits.maxContentBytes = .max
        limits.maxNoteBodyBytes = .max
        limits.maxStringBytes = .max
        limits.maxTags = .max
        limits.maxTagBytes = .max
        limits.maxVectorEntries = .max
        limits.maxIDBytes = .max
        return limits
    }
}
