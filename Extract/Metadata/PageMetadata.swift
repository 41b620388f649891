import Foundation

/// What a page says about its article, read in this order of preference (Readability's, so that
/// its results are the reference):
///
/// - title: JSON-LD `headline`/`name`, then `dc:title`, `dcterm:title`, `og:title`,
///   `weibo:*:title`, `<meta name=title>`, `twitter:title`, `parsely-title`, then `<title>` with
///   its site suffix cut (or the page's one `<h1>`);
/// - byline: JSON-LD `author.name` (several joined by ", "), then `dc:creator`, `dcterm:creator`,
///   `author`, `parsely-author`, `article:author` unless it is a URL, then a byline element of the
///   body;
/// - site name: JSON-LD `publisher.name`, then `og:site_name`;
/// - published time: JSON-LD `datePublished`, then `article:published_time`, `parsely-pub-date`,
///   then a `<time>` marked as the publication date (`pubdate` or `itemprop=datePublished`);
/// - language: `<html lang>`, then `<meta http-equiv=content-language>`.
struct PageMetadata {
    var title: String?
    var byline: String?
    var siteName: String?
    var publishedTime: String?
    var language: String?
    var canonicalURL: String?

    /// The metadata of the page under `root`, read before extraction changes the tree.
    init(_ root: HTMLElement) {
        // One walk finds every element read here.
        let found = root.descendants(["meta", "link", "time", "script"])
        let jsonLD = JSONLDArticle.first(
            in: found.filter { $0.tag == "script" }, htmlTitle: { PageTitle.fromTitleElement(root) })
        var values: [String: String] = [:]
        var canonical: String?
        var contentLanguage: String?
        var time: String?
        for element in found {
            switch element.tag {
            case "script":
                continue
            case "meta":
                Self.read(meta: element, into: &values)
                if element["http-equiv"]?.lowercased() == "content-language" { contentLanguage = element["content"] }
            case "link":
                if element["rel"]?.lowercased() == "canonical", let href = element["href"], !href.isEmpty {
                    canonical = canonical ?? href
                }
            default:
                if time == nil, element["pubdate"] != nil || element["itemprop"]?.lowercased() == "datepublished" {
                    time = element["datetime"]
                }
            }
        }
        func first(_ keys: String...) -> String? {
            keys.lazy.compactMap { values[$0] }.first { !$0.isEmpty }
        }
        title =
            jsonLD?.title
            ?? first(
                "dc:title", "dcterm:title", "og:title", "weibo:article:title", "weibo:webpage:title", "title",
                "twitter:title", "parsely-title")
        if title == nil || title!.isEmpty { title = PageTitle.fromTitleElement(root) }
        let articleAuthor = values["article:author"].flatMap { Self.isURL($0) ? nil : $0 }
        byline =
            jsonLD?.byline ?? first("dc:creator", "dcterm:creator", "author", "parsely-author") ?? articleAuthor
        siteName = jsonLD?.siteName ?? first("og:site_name")
        publishedTime = jsonLD?.datePublished ?? first("article:published_time", "parsely-pub-date") ?? time
        language = root["lang"].flatMap { $0.isEmpty ? nil : $0 } ?? contentLanguage
        canonicalURL = canonical ?? first("og:url")
    }

    /// Records a `<meta>`'s content under each name its `property` or `name` gives it.
    private static func read(meta: HTMLElement, into values: inout [String: String]) {
        guard let content = meta["content"]?.trimmingSpaces, !content.isEmpty else { return }
        var matched = false
        if let property = meta["property"]?.lowercased() {
            // A property may list several names, space-separated ("og:title twitter:title").
            for name in property.split(whereSeparator: \.isWhitespace) where isKnownProperty(name) {
                values[String(name)] = content
                matched = true
            }
        }
        if !matched, let name = meta["name"] {
            var scalars = String.UnicodeScalarView()
            for scalar in name.lowercased().unicodeScalars where !HTMLText.isSpace(scalar) {
                scalars.append(scalar == "." ? ":" : scalar)
            }
            let key = String(scalars)
            if isKnownName(key) { values[key] = content }
        }
    }

    private static let propertyPrefixes: Set<String> = ["article", "dc", "dcterm", "og", "twitter"]
    private static let propertyFields: Set<String> = [
        "author", "creator", "description", "published_time", "title", "site_name", "url",
    ]

    /// `(article|dc|dcterm|og|twitter):(author|creator|description|published_time|title|site_name)`.
    private static func isKnownProperty(_ name: Substring) -> Bool {
        let parts = name.split(separator: ":", maxSplits: 1)
        return parts.count == 2 && propertyPrefixes.contains(String(parts[0]))
            && propertyFields.contains(String(parts[1]))
    }

    private static let namePrefixes: Set<String> = [
        "dc", "dcterm", "og", "twitter", "parsely", "weibo:article", "weibo:webpage",
    ]
    private static let nameFields: Set<String> = [
        "author", "creator", "pub-date", "description", "title", "site_name", "url",
    ]

    /// An optional `(dc|dcterm|og|twitter|parsely|weibo:(article|webpage))[-.:]` and a known field.
    private static func isKnownName(_ key: String) -> Bool {
        if nameFields.contains(key) { return true }
        for prefix in namePrefixes where key.hasPrefix(prefix) {
            let rest = key.dropFirst(prefix.count)
            if let separator = rest.first, separator == ":" || separator == "-",
                nameFields.contains(String(rest.dropFirst()))
            {
                return true
            }
        }
        return false
    }

    static func isURL(_ text: String) -> Bool {
        text.hasPrefix("http://") || text.hasPrefix("https://")
    }
}
