import Foundation

/// The kinds of record Margin keeps, each with its fields and their policies.
public enum RecordKind: String, Sendable, CaseIterable {
    case article
    case note
    case bookmark

    /// One field of a kind: its type and merge policy.
    public struct Field: Sendable {
        /// The value type the field holds.
        public let type: FieldType
        /// How concurrent writes combine.
        public let policy: FieldPolicy
    }

    /// The fields of this kind by name.
    public var fields: [String: Field] {
        switch self {
        case .article: Self.articleFields
        case .note: Self.noteFields
        case .bookmark: Self.bookmarkFields
        }
    }

    /// The field of this kind named `name`, or nil.
    public func field(_ name: String) -> Field? {
        var name = name
        return name.withUTF8 { bytes in Self.position(of: bytes, in: fieldList.lazy.map(\.name)) }
            .map { fieldList[$0].field }
    }

    /// The fields of this kind, as declared.
    var fieldList: [(name: StaticString, field: Field)] {
        switch self {
        case .article: Self.articleFieldList
        case .note: Self.noteFieldList
        case .bookmark: Self.bookmarkFieldList
        }
    }

    /// The position in `knownFields` of the field spelled by `bytes`, or nil.
    static func knownField(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        position(of: bytes, in: knownFieldNames)
    }

    /// Where `names` has the name spelled by `bytes`.
    ///
    /// A scan of a dozen static strings: every decoded write looks its field up this way, and
    /// hashing a name cost more than the comparisons, while a scan of Strings retained and
    /// released each name it passed.
    private static func position(
        of bytes: UnsafeBufferPointer<UInt8>, in names: some Collection<StaticString>
    ) -> Int? {
        for (index, name) in names.enumerated()
        where name.utf8CodeUnitCount == bytes.count
            && (bytes.isEmpty || memcmp(name.utf8Start, bytes.baseAddress!, bytes.count) == 0)
        {
            return index
        }
        return nil
    }

    /// Every field name some kind has, once each, in the order of the kinds' lists.
    private static let knownFieldNames: [StaticString] = knownFieldList.map(\.name)

    /// Every field name some kind has, with the type it holds there (a name holds one type in
    /// every kind that has it).
    static let knownFields: [(name: String, type: FieldType)] = knownFieldList.map {
        ($0.name.description, $0.field.type)
    }

    private static let knownFieldList: [(name: StaticString, field: Field)] = {
        var known: [(name: StaticString, field: Field)] = []
        for kind in allCases {
            for entry in kind.fieldList where !known.contains(where: { $0.name.description == entry.name.description })
            {
                precondition(
                    allCases.allSatisfy {
                        ($0.field(entry.name.description)?.type ?? entry.field.type) == entry.field.type
                    },
                    "field \(entry.name) holds different types in different kinds")
                known.append(entry)
            }
        }
        return known
    }()

    /// The most fields any kind has.
    static let maxFieldCount = allCases.map(\.fieldList.count).max() ?? 0

    /// Whether records of this kind carry an add-wins tag set.
    public var hasTags: Bool { self != .bookmark }

    /// Whether records of this kind belong to an article, fixed at creation.
    public var hasArticleID: Bool { self != .article }

    private static let articleFields = dictionary(articleFieldList)
    private static let noteFields = dictionary(noteFieldList)
    private static let bookmarkFields = dictionary(bookmarkFieldList)

    private static func dictionary(_ list: [(name: StaticString, field: Field)]) -> [String: Field] {
        Dictionary(uniqueKeysWithValues: list.map { ($0.name.description, $0.field) })
    }

    private static let articleFieldList: [(name: StaticString, field: Field)] = [
        ("url", Field(type: .string, policy: .multiValue)),
        ("title", Field(type: .string, policy: .multiValue)),
        ("byline", Field(type: .string, policy: .multiValue)),
        ("source", Field(type: .string, policy: .multiValue)),
        ("publishedAt", Field(type: .int, policy: .multiValue)),
        ("language", Field(type: .string, policy: .multiValue)),
        ("content", Field(type: .string, policy: .multiValue)),
        ("contentHash", Field(type: .string, policy: .multiValue)),
        ("archived", Field(type: .bool, policy: .lastWriterWins)),
        ("favorite", Field(type: .bool, policy: .lastWriterWins)),
        // True while the text is an import's highlights, not the article's own text.
        ("excerpted", Field(type: .bool, policy: .lastWriterWins)),
        ("progress", Field(type: .double, policy: .maximum)),
        ("addedAt", Field(type: .int, policy: .minimum)),
    ]

    private static let noteFieldList: [(name: StaticString, field: Field)] = [
        ("anchor", Field(type: .anchor, policy: .multiValue)),
        ("body", Field(type: .string, policy: .multiValue)),
        ("color", Field(type: .string, policy: .lastWriterWins)),
        ("createdAt", Field(type: .int, policy: .minimum)),
    ]

    private static let bookmarkFieldList: [(name: StaticString, field: Field)] = [
        ("anchor", Field(type: .anchor, policy: .multiValue)),
        ("label", Field(type: .string, policy: .multiValue)),
        ("createdAt", Field(type: .int, policy: .minimum)),
    ]
}
