/// An article read from a document, ready to become a record.
public struct ImportedArticle: Hashable, Sendable {
    /// Where the article lives, when known.
    public var url: String?
    /// The headline.
    public var title: String
    /// Who wrote it.
    public var byline: String?
    /// The publication or organisation.
    public var source: String?
    /// When it was published, in milliseconds since 1970 (UTC).
    public var publishedAt: Int64?
    /// Its language, as a BCP 47 tag (`en`, `pt-BR`), when the page declares it.
    public var language: String?
    /// The readable text: paragraphs separated by blank lines.
    public var content: String

    /// An article with the given parts.
    public init(
        url: String? = nil, title: String, byline: String? = nil, source: String? = nil, publishedAt: Int64? = nil,
        language: String? = nil, content: String
    ) {
        self.language = language
        self.url = url
        self.title = title
        self.byline = byline
        self.source = source
        self.publishedAt = publishedAt
        self.content = content
    }

    /// The record id every machine derives for this article.
    public var id: String { RecordID.article(url: url, text: content) }

    /// The SHA-256 hex of the content, to tell content changes apart.
    public var contentHash: String { SHA256.hex(content) }

    /// The field writes that create this article's record, stamped as added at `addedAt`.
    public func changes(addedAt: Int64) -> [Change] {
        var changes: [Change] = [
            .set("title", .string(title)),
            .set("content", .string(content)),
            .set("contentHash", .string(contentHash)),
            .set("addedAt", .int(addedAt)),
        ]
        if let url { changes.append(.set("url", .string(url))) }
        if let byline { changes.append(.set("byline", .string(byline))) }
        if let source { changes.append(.set("source", .string(source))) }
        if let publishedAt { changes.append(.set("publishedAt", .int(publishedAt))) }
        if let language { changes.append(.set("language", .string(language))) }
        return changes
    }
}
