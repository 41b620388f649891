import Foundation
import MarginShared

/// Reads articles out of web pages (libxml2's HTML parser and a Readability-style content
/// extractor) and plain text.
public enum PageImporter {
    /// Imports a file's bytes: a web page when they look like HTML, else plain text.
    public static func importDocument(_ data: Data, url: String? = nil) throws(ImportError) -> [ImportedArticle] {
        guard ArticleImporter.looksLikeHTML(data) else { return try ArticleImporter.importDocument(data, url: url) }
        return [try importHTML(data, url: url)]
    }

    /// The article of a web page: its main content's text, with the title, byline, site, date and
    /// language its metadata declares (see `PageMetadata` for the order of preference).
    public static func importHTML(_ data: Data, url: String? = nil) throws(ImportError) -> ImportedArticle {
        let document = try HTMLDocument.parse(data)
        let metadata = PageMetadata(document.root)
        let title = metadata.title ?? ""
        guard
            let (article, bodyByline) = ContentExtractor.extract(
                from: document, title: title, bylineKnown: metadata.byline != nil)
        else { throw .noReadableText }
        let content = withExtendedLifetime(document) { ArticleText.of(article) }
        guard !content.isEmpty else { throw .noReadableText }
        let pageURL = url ?? metadata.canonicalURL
        return ImportedArticle(
            url: pageURL.map { RecordID.canonicalURL($0) ?? $0 },
            title: title.isEmpty ? ArticleImporter.firstSentence(content) : title,
            byline: metadata.byline ?? bodyByline, source: metadata.siteName,
            publishedAt: metadata.publishedTime.flatMap(ArticleImporter.parseISODate),
            language: metadata.language, content: content)
    }
}
