import Foundation

/// Annotations of web pages in the W3C Web Annotation model (a collection, a page, a list, or one
/// annotation; Margin's own `export --format w3c` among them), and Hypothesis's JSON (the h API's
/// rows, or its export file's annotations, whose `target` holds W3C selectors, with `text`, `tags`
/// and `document.title`).
enum WebAnnotations {
    static func parseW3C(_ text: String) -> Library {
        parse(text) { json in
            if case .object = json {
                if let items = json["first"]?["items"]?.array { return items }
                if let items = json["items"]?.array { return items }
                return [json]
            }
            return json.array
        }
    }

    static func parseHypothesis(_ text: String) -> Library {
        parse(text) { json in
            // The h API's search answer has `rows`; the file Hypothesis's own export writes has
            // `annotations` beside `export_date` and `export_userid`.
            if case .object = json { return json["rows"]?.array ?? json["annotations"]?.array ?? [json] }
            return json.array
        }
    }

    /// Read with Margin's own JSON reader: Foundation's object graph of a large export held
    /// several times the file's size.
    private static func parse(_ text: String, items: (JSONValue) -> [JSONValue]?) -> Library {
        var library = Library()
        // A byte order mark is not JSON, but editors on Windows write one.
        let body = text.hasPrefix("\u{FEFF}") ? Substring(text.dropFirst()) : Substring(text)
        guard let json = try? JSONValue.parse(body.utf8), let list = items(json) else {
            library.notUnderstood.append("the whole file (not JSON annotations)")
            return library
        }
        var replies: [(item: Int, highlight: Int, parent: String)] = []
        var quoted: [String: (item: Int, highlight: Int)] = [:]
        for (number, entry) in list.enumerated() {
            guard case .object = entry, let read = Self.annotation(entry) else {
                library.notUnderstood.append("item \(number + 1)")
                continue
            }
            let index = library.item(read.item.sourceKey) { read.item }
            if let highlight = read.highlight {
                library.items[index].highlights.append(highlight)
                let position = library.items[index].highlights.count - 1
                if let parent = read.replyTo { replies.append((index, position, parent)) }
                if read.quotes, let id = highlight.id { quoted[id] = (index, position) }
            } else if let bookmark = read.bookmark {
                library.items[index].bookmarks.append(bookmark)
            }
        }
        // A reply is a note on the quote its thread starts from, when the file holds that annotation.
        for reply in replies {
            guard let at = quoted[reply.parent], at.item == reply.item else { continue }
            let parent = library.items[at.item].highlights[at.highlight]
            library.items[reply.item].highlights[reply.highlight].quote = parent.quote
            library.items[reply.item].highlights[reply.highlight].prefix = parent.prefix
            library.items[reply.item].highlights[reply.highlight].suffix = parent.suffix
            library.items[reply.item].highlights[reply.highlight].position = parent.position
        }
        return library
    }

    /// An annotation read: its article, and the highlight or bookmark it makes. One that quotes
    /// nothing but says something (a page note, a reply) is a note quoting itself, as a lone Kindle
    /// note; a reply names the annotation its thread starts from (the first of its `references`).
    private static func annotation(_ annotation: JSONValue) -> (
        item: LibraryItem, highlight: LibraryHighlight?, bookmark: LibraryBookmark?, replyTo: String?, quotes: Bool
    )? {
        // A target: a resource with a selector, the resource itself (`{"id": …}`), its address
        // alone (`"https://…"`), a list of them, or a set of them (`{"type": "List", "items": …}`).
        let targets = annotation["target"].map { [$0] + ($0.array ?? []) + ($0["items"]?.array ?? []) } ?? []
        let target = targets.first { $0["source"]?.string != nil } ?? targets.first { $0["id"]?.string != nil }
        let address = targets.lazy.compactMap { $0.string ?? $0["source"]?.string ?? $0["id"]?.string }.first
        guard let source = address ?? annotation["uri"]?.string else { return nil }
        let selectors = target?["selector"]?.objects ?? []
        let quote = selectors.first { $0["type"]?.string == "TextQuoteSelector" }
        let position = selectors.first { $0["type"]?.string == "TextPositionSelector" }
        let documentTitle = annotation["document"]?["title"]
        let title = documentTitle?.array?.first?.string ?? documentTitle?.string
        let isURL = source.hasPrefix("http://") || source.hasPrefix("https://")
        var keyed = LibraryItem(url: isURL ? source : nil, title: title ?? (isURL ? source : "Imported annotations"))
        if !isURL {
            // Not a web address: the source itself names it (Margin's own export names an article
            // with no address by its id, which the article keeps).
            keyed.sourceKey = "source:" + source
            let margin = "urn:margin:article:"
            let id = source.dropFirst(margin.count)
            if source.hasPrefix(margin), RecordID.isValid(id) { keyed.articleID = String(id) }
        }
        // Bodies: a comment, a bookmark's label, and tags. A body that is a resource elsewhere
        // (`"body": "https://…"`, `{"id": …}` or `{"source": …}` with no value) is kept as its
        // address; of a choice of bodies, the first.
        let body = annotation["body"]
        let bodies = (body?.objects ?? []).flatMap {
            $0["type"]?.string == "Choice" ? $0["items"]?.objects ?? [] : [$0]
        }
        let said = bodies.first { ($0["purpose"]?.string ?? "commenting") != "tagging" }
        var comment =
            said?["value"]?.string ?? said?["id"]?.string ?? said?["source"]?.string ?? body?.string
            ?? body?.array?.lazy.compactMap(\.string).first
        var tags = bodies.filter { $0["purpose"]?.string == "tagging" }.compactMap { $0["value"]?.string }
        // `bodyValue` is the model's shorthand for a body of plain text; `text` is Hypothesis's.
        if let text = annotation["bodyValue"]?.string, !text.isEmpty { comment = text }
        if let text = annotation["text"]?.string, !text.isEmpty { comment = text }
        tags += annotation["tags"]?.array?.compactMap(\.string) ?? []
        let created = annotation["created"]?.string.flatMap(LibraryDates.parse)
        let start = position?["start"]?.wholeNumber
        let id = annotation["id"]?.string.map { $0.hasPrefix("urn:uuid:") ? String($0.dropFirst(9)) : $0 }
        if annotation["motivation"]?.string == "bookmarking" {
            var bookmark = LibraryBookmark(
                location: start.map { "offset \($0)" } ?? "", position: start, label: comment)
            bookmark.createdAt = created
            return (keyed, nil, bookmark, nil, false)
        }
        let note = comment?.isEmpty == true ? nil : comment
        let selected = quote?["exact"]?.string.flatMap { $0.isEmpty ? nil : $0 }
        guard let exact = selected ?? note else { return nil }
        var highlight = LibraryHighlight(
            quote: exact, note: note,
            location: id ?? start.map { "offset \($0)" } ?? "",
            position: start)
        highlight.prefix = quote?["prefix"]?.string
        highlight.suffix = quote?["suffix"]?.string
        highlight.createdAt = created
        highlight.tags = tags
        highlight.id = id
        let replyTo = annotation["references"]?.array?.first?.string
        return (keyed, highlight, nil, replyTo, selected != nil)
    }
}

extension JSONValue {
    /// The items, when this is an array.
    fileprivate var array: [JSONValue]? {
        if case .array(let items) = self { items } else { nil }
    }

    /// The objects a member holds: one object, or those of a list (W3C allows either).
    fileprivate var objects: [JSONValue] {
        switch self {
        case .object: [self]
        case .array(let items): items.filter { if case .object = $0 { true } else { false } }
        default: []
        }
    }

    /// The value as an Int, when it is a whole number (written `12` or `12.0`).
    fileprivate var wholeNumber: Int? {
        switch self {
        case .int(let value): Int(exactly: value)
        case .uint(let value): Int(exactly: value)
        case .double(let value): Int(exactly: value)
        default: nil
        }
    }
}
