import Foundation

/// Annotations of web pages in the W3C Web Annotation model (a collection, a page, a list, or one
/// annotation; Margin's own `export --format w3c` among them), and Hypothesis's JSON (the h API's
/// rows, or its export file's annotations, whose `target` holds W3C selectors, with `text`, `tags`
/// and `document.title`).
enum WebAnnotations {
    static func parseW3C(_ data: Data) -> Library {
        parse(data) { json in
            if let collection = json as? [String: Any] {
                if let first = collection["first"] as? [String: Any], let items = first["items"] as? [Any] {
                    return items
                }
                if let items = collection["items"] as? [Any] { return items }
                return [collection]
            }
            return json as? [Any]
        }
    }

    static func parseHypothesis(_ data: Data) -> Library {
        parse(data) { json in
            // The h API's search answer has `rows`; the file Hypothesis's own export writes has
            // `annotations` beside `export_date` and `export_userid`.
            if let page = json as? [String: Any] {
                return page["rows"] as? [Any] ?? page["annotations"] as? [Any] ?? [page]
            }
            return json as? [Any]
        }
    }

    private static func parse(_ data: Data, items: (Any) -> [Any]?) -> Library {
        var library = Library()
        guard let json = try? JSONSerialization.jsonObject(with: data), let list = items(json) else {
            library.notUnderstood.append("the whole file (not JSON annotations)")
            return library
        }
        for (number, entry) in list.enumerated() {
            guard let annotation = entry as? [String: Any], let read = Self.annotation(annotation) else {
                library.notUnderstood.append("item \(number + 1)")
                continue
            }
            let index = library.item(read.item.sourceKey) { read.item }
            if let highlight = read.highlight {
                library.items[index].highlights.append(highlight)
            } else if let bookmark = read.bookmark {
                library.items[index].bookmarks.append(bookmark)
            }
        }
        return library
    }

    private static func annotation(_ annotation: [String: Any]) -> (
        item: LibraryItem, highlight: LibraryHighlight?, bookmark: LibraryBookmark?
    )? {
        let targets: [[String: Any]]
        if let list = annotation["target"] as? [[String: Any]] {
            targets = list
        } else if let one = annotation["target"] as? [String: Any] {
            targets = [one]
        } else {
            targets = []
        }
        let target = targets.first
        guard let source = (target?["source"] as? String) ?? (annotation["uri"] as? String) else { return nil }
        let selectors: [[String: Any]] = {
            if let list = target?["selector"] as? [[String: Any]] { return list }
            if let one = target?["selector"] as? [String: Any] { return [one] }
            return []
        }()
        let quote = selectors.first { $0["type"] as? String == "TextQuoteSelector" }
        let position = selectors.first { $0["type"] as? String == "TextPositionSelector" }
        let title =
            ((annotation["document"] as? [String: Any])?["title"] as? [String])?.first
            ?? (annotation["document"] as? [String: Any])?["title"] as? String
        let isURL = source.hasPrefix("http://") || source.hasPrefix("https://")
        var keyed = LibraryItem(url: isURL ? source : nil, title: title ?? (isURL ? source : "Imported annotations"))
        if !isURL {
            // Not a web address: the source itself names it (Margin's own export names an article
            // with no address by its id, which the article keeps).
            keyed.sourceKey = "source:" + source
            let margin = "urn:margin:article:"
            if source.hasPrefix(margin) { keyed.articleID = String(source.dropFirst(margin.count)) }
        }
        // Bodies: a comment, a bookmark's label, and tags.
        var bodies: [[String: Any]] = []
        if let list = annotation["body"] as? [[String: Any]] {
            bodies = list
        } else if let one = annotation["body"] as? [String: Any] {
            bodies = [one]
        }
        var comment = bodies.first { ($0["purpose"] as? String ?? "commenting") != "tagging" }?["value"] as? String
        var tags = bodies.filter { $0["purpose"] as? String == "tagging" }.compactMap { $0["value"] as? String }
        if let text = annotation["text"] as? String, !text.isEmpty { comment = text }
        tags += annotation["tags"] as? [String] ?? []
        let created = (annotation["created"] as? String).flatMap(LibraryDates.parse)
        let start = position?["start"] as? Int
        let id = (annotation["id"] as? String).map { $0.hasPrefix("urn:uuid:") ? String($0.dropFirst(9)) : $0 }
        if annotation["motivation"] as? String == "bookmarking" {
            var bookmark = LibraryBookmark(
                location: start.map { "offset \($0)" } ?? "", position: start, label: comment)
            bookmark.createdAt = created
            return (keyed, nil, bookmark)
        }
        guard let exact = quote?["exact"] as? String, !exact.isEmpty else { return nil }
        var highlight = LibraryHighlight(
            quote: exact, note: comment?.isEmpty == true ? nil : comment,
            location: id ?? start.map { "offset \($0)" } ?? "",
            position: start)
        highlight.prefix = quote?["prefix"] as? String
        highlight.suffix = quote?["suffix"] as? String
        highlight.createdAt = created
        highlight.tags = tags
        highlight.id = id
        return (keyed, highlight, nil)
    }
}
