import MarginShared

/// What an export reads its records from: a store, or records in memory.
public protocol ExportSource {
    /// Hands over every record of `kinds`, deleted ones included, in id order.
    func forEachRecord(_ kinds: Set<RecordKind>, _ body: (RecordState) throws(StoreError) -> Void) throws(StoreError)

    /// Hands over each article (deleted ones included), oldest added first, with its notes and
    /// bookmarks in id order.
    func forEachArticle(_ body: (RecordState, [RecordState]) throws(StoreError) -> Void) throws(StoreError)
}

/// Records in memory, as an export source.
public struct RecordList: ExportSource {
    private let records: [RecordState]

    /// The source of `records`, in any order.
    public init(_ records: [RecordState]) {
        self.records = records.sorted { $0.id < $1.id }
    }

    /// Hands over every record of `kinds`, in id order.
    public func forEachRecord(_ kinds: Set<RecordKind>, _ body: (RecordState) throws(StoreError) -> Void)
        throws(StoreError)
    {
        for record in records where kinds.contains(record.kind) { try body(record) }
    }

    /// Hands over each article, oldest added first, with its notes and bookmarks.
    public func forEachArticle(_ body: (RecordState, [RecordState]) throws(StoreError) -> Void) throws(StoreError) {
        // Grouped once: a filter of every record per article made a large library quadratic.
        let byArticle = Dictionary(grouping: records.filter { $0.kind != .article }, by: \.articleID)
        // The order the store reads them in: when added, then by id.
        let articles = records.filter { $0.kind == .article }.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        for article in articles {
            try body(article, byArticle[article.id] ?? [])
        }
    }
}

/// A store's records, or one article's with its notes and bookmarks, as an export source.
public struct StoreExportSource: ExportSource {
    private let store: LocalStore
    private let article: String?

    /// The records of `store`, or only `article` (an id) and its notes and bookmarks.
    public init(store: LocalStore, article: String? = nil) {
        self.store = store
        self.article = article
    }

    /// Hands over the records of `kinds`, in id order, as the store reads them.
    public func forEachRecord(_ kinds: Set<RecordKind>, _ body: (RecordState) throws(StoreError) -> Void)
        throws(StoreError)
    {
        try store.forEachRecord(article: article, kinds: kinds, body)
    }

    /// Hands over each article with its notes and bookmarks, one article at a time.
    public func forEachArticle(_ body: (RecordState, [RecordState]) throws(StoreError) -> Void) throws(StoreError) {
        try store.forEachArticle(article, body)
    }
}
