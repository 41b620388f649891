import Foundation

/// The schema.org article a page describes in a `<script type="application/ld+json">`.
struct JSONLDArticle {
    var title: String?
    var byline: String?
    var siteName: String?
    var datePublished: String?

    /// The schema.org types that are articles.
    static let articleTypes = [
        "Article", "AdvertiserContentArticle", "NewsArticle", "AnalysisNewsArticle", "AskPublicNewsArticle",
        "BackgroundNewsArticle", "OpinionNewsArticle", "ReportageNewsArticle", "ReviewNewsArticle", "Report",
        "SatiricalArticle", "ScholarlyArticle", "MedicalScholarlyArticle", "SocialMediaPosting", "BlogPosting",
        "LiveBlogPosting", "DiscussionForumPosting", "TechArticle", "APIReference",
    ]

    /// The first article one of a page's `scripts` (in document order) describes in JSON-LD;
    /// `htmlTitle` decides between a `name` and a `headline` that differ (some sites put their
    /// own name in `name`).
    static func first(in scripts: [HTMLElement], htmlTitle: () -> String) -> JSONLDArticle? {
        for script in scripts where script["type"]?.lowercased() == "application/ld+json" {
            var text = script.textContent.trimmingCharacters(in: .whitespacesAndNewlines)
            if text.hasPrefix("<![CDATA[") { text.removeFirst(9) }
            if text.hasSuffix("]]>") { text.removeLast(3) }
            guard let json = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
            else { continue }
            if let article = article(in: json, htmlTitle: htmlTitle) { return article }
        }
        return nil
    }

    private static func isArticle(_ object: [String: Any]) -> Bool {
        let types: [String]
        if let type = object["@type"] as? String {
            types = [type]
        } else if let list = object["@type"] as? [String] {
            types = list
        } else {
            return false
        }
        return types.contains { type in articleTypes.contains(type) || type.hasPrefix("Article") }
    }

    private static func isSchemaOrg(_ object: [String: Any]) -> Bool {
        func matches(_ value: Any?) -> Bool {
            guard let text = value as? String else { return false }
            return ["http://schema.org", "https://schema.org", "http://schema.org/", "https://schema.org/"].contains(
                text)
        }
        if matches(object["@context"]) { return true }
        if let context = object["@context"] as? [String: Any] { return matches(context["@vocab"]) }
        return false
    }

    private static func article(in json: Any, htmlTitle: () -> String) -> JSONLDArticle? {
        var object: [String: Any]
        if let list = json as? [[String: Any]] {
            guard let found = list.first(where: isArticle) else { return nil }
            object = found
        } else if let found = json as? [String: Any] {
            object = found
        } else {
            return nil
        }
        guard isSchemaOrg(object) else { return nil }
        if object["@type"] == nil, let graph = object["@graph"] as? [[String: Any]] {
            guard let found = graph.first(where: isArticle) else { return nil }
            object = found
        }
        guard isArticle(object) else { return nil }
        var article = JSONLDArticle()
        let name = (object["name"] as? String)?.trimmingCharacters(in: .whitespacesAndNewlines)
        let headline = (object["headline"] as? String)?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let name, let headline, name != headline {
            let title = htmlTitle()
            let nameMatches = PageTitle.similarity(name, title) > 0.75
            let headlineMatches = PageTitle.similarity(headline, title) > 0.75
            article.title = headlineMatches && !nameMatches ? headline : name
        } else {
            article.title = name ?? headline
        }
        if let author = object["author"] as? [String: Any], let name = author["name"] as? String {
            article.byline = name.trimmingCharacters(in: .whitespacesAndNewlines)
        } else if let authors = object["author"] as? [[String: Any]] {
            let names = authors.compactMap { ($0["name"] as? String)?.trimmingCharacters(in: .whitespacesAndNewlines) }
            if !names.isEmpty { article.byline = names.joined(separator: ", ") }
        }
        if let publisher = object["publisher"] as? [String: Any], let name = publisher["name"] as? String {
            article.siteName = name.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        article.datePublished = (object["datePublished"] as? String)?.trimmingCharacters(in: .whitespacesAndNewlines)
        return article
    }
}
