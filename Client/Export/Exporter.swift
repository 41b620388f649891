import Foundation
import MarginShared

/// Writes a store's records out as complete JSON, Markdown, or a W3C Web Annotation collection.
public enum Exporter {
    /// The export formats.
    public enum Format: String, CaseIterable, Sendable {
        case json, markdown, w3c
    }

    /// Exports `records` (articles, notes and bookmarks; deleted ones only in `json`).
    public static func export(_ records: [RecordState], format: Format, now: Date = Date()) -> String {
        switch format {
        case .json: json(records)
        case .markdown: markdown(records)
        case .w3c: w3c(records, now: now)
        }
    }

    /// The complete, lossless state: every record with its version vector, siblings and tombstones.
    static func json(_ records: [RecordState]) -> String {
        let sorted = records.sorted { $0.id < $1.id }
        let lines = sorted.map { String(decoding: WireFormat.encode($0), as: UTF8.self) }
        return "{\"format\":\"margin-export\",\"version\":1,\"records\":[\n" + lines.joined(separator: ",\n") + "\n]}\n"
    }

    static func markdown(_ records: [RecordState]) -> String {
        let live = records.filter { !$0.isDeleted }
        // Grouped once: a filter of every record per article made a large library quadratic.
        let byArticle = Dictionary(grouping: live.filter { $0.kind != .article }, by: \.articleID)
        var out = ""
        for article in live.filter({ $0.kind == .article }).sorted(by: { $0.createdAt < $1.createdAt }) {
            out += "# \(article.string("title") ?? "Untitled")\n\n"
            let meta = [article.string("source"), article.string("byline"), article.int("publishedAt").map(day)]
                .compactMap { $0 }
            if !meta.isEmpty { out += "_\(meta.joined(separator: " · "))_\n\n" }
            if let url = article.string("url") { out += "<\(url)>\n\n" }
            if !article.tagNames.isEmpty { out += "Tags: \(article.tagNames.joined(separator: ", "))\n\n" }
            let annotations = (byArticle[article.id] ?? [])
                .sorted { ($0.anchor()?.start ?? 0, $0.id) < ($1.anchor()?.start ?? 0, $1.id) }
            for record in annotations {
                let quote = record.anchor()?.exact ?? ""
                if record.kind == .bookmark {
                    out += "- 🔖 \(record.string("label") ?? "Bookmark"): “\(quote)”\n\n"
                    continue
                }
                out += "> \(quote.replacingOccurrences(of: "\n", with: "\n> "))\n\n"
                if let body = record.string("body") { out += "\(body)\n\n" }
                if !record.tagNames.isEmpty { out += "Tags: \(record.tagNames.joined(separator: ", "))\n\n" }
            }
        }
        return out
    }

    static func w3c(_ records: [RecordState], now: Date) -> String {
        let live = records.filter { !$0.isDeleted }
        let articles = Dictionary(
            live.filter { $0.kind == .article }.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let items: [[String: Any]] = live.filter { $0.kind != .article }.sorted { $0.id < $1.id }.compactMap {
            annotation($0, article: $0.articleID.flatMap { articles[$0] })
        }
        let collectionID = "urn:margin:export:\(Int64(now.timeIntervalSince1970 * 1000))"
        let collection: [String: Any] = [
            "@context": "http://www.w3.org/ns/anno.jsonld",
            "id": collectionID,
            "type": "AnnotationCollection",
            "label": "Margin annotations",
            "total": items.count,
            "first": [
                "id": collectionID + ":page1",
                "type": "AnnotationPage",
                "startIndex": 0,
                "items": items,
            ] as [String: Any],
        ]
        let data = try? JSONSerialization.data(
            withJSONObject: collection, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return (data.map { String(decoding: $0, as: UTF8.self) } ?? "{}") + "\n"
    }

    private static func annotation(_ record: RecordState, article: RecordState?) -> [String: Any]? {
        guard let anchor = record.anchor(), let articleID = record.articleID else { return nil }
        var bodies: [[String: Any]] = []
        let motivation: String
        if record.kind == .bookmark {
            motivation = "bookmarking"
            if let label = record.string("label") {
                bodies.append(["type": "TextualBody", "value": label, "format": "text/plain", "purpose": "describing"])
            }
        } else if let body = record.string("body") {
            motivation = "commenting"
            bodies.append(["type": "TextualBody", "value": body, "format": "text/plain", "purpose": "commenting"])
        } else {
            motivation = "highlighting"
        }
        for tag in record.tagNames { bodies.append(["type": "TextualBody", "value": tag, "purpose": "tagging"]) }
        let source = article?.string("url") ?? "urn:margin:article:\(articleID)"
        var result: [String: Any] = [
            "id": "urn:uuid:\(record.id)",
            "type": "Annotation",
            "motivation": motivation,
            "target": [
                "source": source,
                "selector": [
                    [
                        "type": "TextQuoteSelector", "exact": anchor.exact, "prefix": anchor.prefix,
                        "suffix": anchor.suffix,
                    ],
                    ["type": "TextPositionSelector", "start": anchor.start, "end": anchor.end],
                ],
            ] as [String: Any],
        ]
        if record.createdAt > 0 { result["created"] = timestamp(record.createdAt) }
        if let latest = record.latestStamp { result["modified"] = timestamp(latest.wallMillis) }
        if bodies.count == 1 {
            result["body"] = bodies[0]
        } else if !bodies.isEmpty {
            result["body"] = bodies
        }
        return result
    }

    private static func timestamp(_ millis: Int64) -> String {
        // Milliseconds kept: an import of this export gives notes their exact creation time back.
        CalendarDay.timestamp(milliseconds: millis)
    }

    private static func day(_ millis: Int64) -> String {
        CalendarDay(milliseconds: millis).iso8601
    }
}
