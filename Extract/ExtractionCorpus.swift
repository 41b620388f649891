import Foundation
import MarginShared

/// A corpus of saved pages with the article text and metadata a reference extractor found in
/// them (Mozilla Readability's test pages: `NAME/source.html`, `NAME/expected.html`,
/// `NAME/expected-metadata.json`), and how close `PageImporter` comes to it.
public struct ExtractionCorpus: Sendable {
    /// One page of the corpus, and what was extracted from it.
    public struct Page: Sendable {
        /// The page's folder name.
        public let name: String
        /// nil when the page failed to import: why.
        public let failure: String?
        /// The body text's score against the reference text.
        public let score: ExtractionScore
        /// Whether the title is exactly the reference's.
        public let titleMatches: Bool
        /// nil when the reference has none.
        public let bylineMatches: Bool?
        /// nil when the reference has none.
        public let dateMatches: Bool?
        /// What the import took.
        public let seconds: Double
        /// What libxml2 alone took to parse the page.
        public let parseSeconds: Double
        /// The page's size in bytes.
        public let bytes: Int
        /// SHA-256 (hex) of everything the import produced (or its failure): a change to
        /// extraction that should not alter its output is checked against it.
        public let digest: String
    }

    /// Every page, by name.
    public let pages: [Page]

    /// Imports every page of the corpus at `directory`, scoring each against its reference.
    public init(directory: String) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted().filter {
            FileManager.default.fileExists(atPath: "\(directory)/\($0)/source.html")
        }
        var pages: [Page] = []
        for name in names {
            let folder = "\(directory)/\(name)"
            let source = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/source.html"))
            let reference = try Self.referenceText(Data(contentsOf: URL(fileURLWithPath: "\(folder)/expected.html")))
            let metadata =
                (try? JSONSerialization.jsonObject(
                    with: Data(contentsOf: URL(fileURLWithPath: "\(folder)/expected-metadata.json")))) as? [String: Any]
                ?? [:]
            let parseSeconds = HTMLDocument.libxml2Seconds(source)
            let start = DispatchTime.now().uptimeNanoseconds
            let result = Result { () throws(ImportError) in try PageImporter.importHTML(source) }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            switch result {
            case .failure(let error):
                pages.append(
                    Page(
                        name: name, failure: error.description,
                        score: ExtractionScore(extracted: "", reference: reference), titleMatches: false,
                        bylineMatches: metadata["byline"] is String ? false : nil,
                        dateMatches: metadata["publishedTime"] is String ? false : nil, seconds: seconds,
                        parseSeconds: parseSeconds, bytes: source.count, digest: SHA256.hex(error.description)))
            case .success(let article):
                let title = (metadata["title"] as? String).map(HTMLText.collapsingWhitespace) ?? ""
                let byline = (metadata["byline"] as? String).map(HTMLText.collapsingWhitespace)
                let date = (metadata["publishedTime"] as? String).flatMap(ArticleImporter.parseISODate)
                pages.append(
                    Page(
                        name: name, failure: nil,
                        score: ExtractionScore(extracted: article.content, reference: reference),
                        titleMatches: HTMLText.collapsingWhitespace(article.title) == title,
                        bylineMatches: byline.map { $0 == article.byline.map(HTMLText.collapsingWhitespace) },
                        dateMatches: (metadata["publishedTime"] is String)
                            ? date != nil && date == article.publishedAt : nil,
                        seconds: seconds, parseSeconds: parseSeconds, bytes: source.count,
                        digest: Self.digest(of: article)))
            }
        }
        self.pages = pages
    }

    /// Every field of an imported article, each on its own line, hashed.
    static func digest(of article: ImportedArticle) -> String {
        let fields = [
            article.url, article.title, article.byline, article.source, article.publishedAt.map(String.init),
            article.language, article.content,
        ]
        return SHA256.hex(fields.map { $0 ?? "-" }.joined(separator: "\n"))
    }

    /// The pages' digests, hashed in order: one value for the whole corpus's output.
    public var digest: String { SHA256.hex(pages.map(\.digest).joined(separator: "\n")) }

    /// The whole text of a reference page.
    static func referenceText(_ data: Data) throws -> String {
        let document = try HTMLDocument.parse(data)
        return withExtendedLifetime(document) { ArticleText.of(document.root) }
    }

    /// Body precision, recall and F1, each the mean over pages.
    public var meanScore: (precision: Double, recall: Double, f1: Double) {
        let count = Double(max(1, pages.count))
        return (
            pages.reduce(0) { $0 + $1.score.precision } / count, pages.reduce(0) { $0 + $1.score.recall } / count,
            pages.reduce(0) { $0 + $1.score.f1 } / count
        )
    }

    /// The share of pages whose title is exactly the reference's.
    public var titleRate: Double { Double(pages.count(where: \.titleMatches)) / Double(max(1, pages.count)) }

    /// The share of pages with a reference byline whose byline is exactly it.
    public var bylineRate: Double { Self.rate(pages.compactMap(\.bylineMatches)) }

    /// The share of pages with a reference publication time whose time is the same instant.
    public var dateRate: Double { Self.rate(pages.compactMap(\.dateMatches)) }

    private static func rate(_ outcomes: [Bool]) -> Double {
        Double(outcomes.count(where: { $0 })) / Double(max(1, outcomes.count))
    }
}
