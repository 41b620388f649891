/// Size and count limits a record must keep to be accepted from the wire.
public struct RecordLimits: Sendable, Hashable {
    /// Bytes of UTF-8 in one article content value.
    public var maxContentBytes: Int = 2 * 1024 * 1024
    /// Bytes of UTF-8 in one note body value.
    public var maxNoteBodyBytes: Int = 64 * 1024
    /// Bytes of UTF-8 in any other string value (titles, urls, labels, anchor quotes).
    public var maxStringBytes: Int = 64 * 1024
    /// Tags one replica may hold live in one record (a merge of many machines' tags holds more).
    public var maxTags: Int = 64
    /// Bytes of UTF-8 in one tag.
    public var maxTagBytes: Int = 128
    /// Replicas one record may name through edits: an edit that would make a record name more is
    /// refused. Concurrent first edits from new machines may still carry it past this, up to
    /// `vectorEntriesCeiling`, and such merges are stored and sent like any other.
    public var maxVectorEntries: Int = 256
    /// Bytes of UTF-8 in a record id.
    public var maxIDBytes: Int = 128

    /// Replicas one version vector may name on the wire: four times what edits may reach.
    public var vectorEntriesCeiling: Int {
        maxVectorEntries.multipliedReportingOverflow(by: 4).overflow ? .max : maxVectorEntries * 4
    }

    /// Writes one record may hold on the wire: a live write per replica for each field, a delete,
    /// and each replica's tags.
    public var maxWritesPerRecord: Int {
        let perReplica = RecordKind.maxFieldCount + 1 + min(maxTags, Int.max / 2)
        let (product, overflow) = vectorEntriesCeiling.multipliedReportingOverflow(by: perReplica)
        return overflow ? .max : product
    }

    /// Bytes of UTF-8 one value of `field` may hold in a record of `kind` (an anchor's three texts
    /// together).
    func maxValueBytes(_ kind: RecordKind, _ field: String) -> Int {
        switch (kind, field) {
        case (.article, "content"): maxContentBytes
        case (.note, "body"): maxNoteBodyBytes
        default: maxStringBytes
        }
    }

    /// The defaults of DESIGN.md.
    public static let `default` = RecordLimits()

    /// Limits with every default.
    public init() {}

    /// What a client takes from its server: every size the server accepted (its own limits may be
    /// larger than these defaults), with the default bounds on counts that keep a record's cost bounded.
    public static var pulled: RecordLimits {
        var limits = RecordLimits.unlimited
        limits.maxTags = RecordLimits.default.maxTags
        limits.maxVectorEntries = RecordLimits.default.maxVectorEntries
        return limits
    }

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
