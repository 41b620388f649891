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

    /// The notes and bookmarks as one Web Annotation collection, each annotation written as it is
    /// made: building the whole document first, in Foundation's object graph, held several times
    /// the export's size.
    static func w3c(_ records: [RecordState], now: Date) -> String {
        let live = records.filter { !$0.isDeleted }
        let articles = Dictionary(
            live.filter { $0.kind == .article }.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let collectionID = "urn:margin:export:\(Int64(now.timeIntervalSince1970 * 1000))"
        // The members in sorted order, as the layout of `JSONWriter.pretty` has them.
        var writer = JSONWriter(capacity: 1 << 16)
        writer.raw("{\n")
        writer.indent(1)
        writer.raw("\"@context\" : ")
        writer.string("http://www.w3.org/ns/anno.jsonld")
        writer.raw(",\n")
        writer.indent(1)
        writer.raw("\"first\" : {\n")
        writer.indent(2)
        writer.raw("\"id\" : ")
        writer.string(collectionID + ":page1")
        writer.raw(",\n")
        writer.indent(2)
        writer.raw("\"items\" : [\n")
        var total = 0
        for record in live.filter({ $0.kind != .article }).sorted(by: { $0.id < $1.id }) {
            guard let item = annotation(record, article: record.articleID.flatMap { articles[$0] }) else { continue }
            if total > 0 { writer.raw(",\n") }
            writer.indent(3)
            writer.pretty(item, depth: 3)
            total += 1
        }
        writer.raw("\n")
        writer.indent(2)
        writer.raw("],\n")
        writer.indent(2)
        writer.raw("\"startIndex\" : 0,\n")
        writer.indent(2)
        writer.raw("\"type\" : \"AnnotationPage\"\n")
        writer.indent(1)
        writer.raw("},\n")
        writer.indent(1)
        writer.raw("\"id\" : ")
        writer.string(collectionID)
        writer.raw(",\n")
        writer.indent(1)
        writer.raw("\"label\" : \"Margin annotations\",\n")
        writer.indent(1)
        writer.raw("\"total\" : ")
        writer.int(total)
        writer.raw(",\n")
        writer.indent(1)
        writer.raw("\"type\" : \"AnnotationCollection\"\n}\n")
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    private static func annotation(_ record: RecordState, article: RecordState?) -> JSONValue? {
        guard let anchor = record.anchor(), let articleID = record.articleID else { return nil }
        var bodies: [JSONValue] = []
        let motivation: String
        if record.kind == .bookmark {
            motivation = "bookmarking"
            if let label = record.string("label") {
                bodies.append(
                    .object([
                        ("type", .string("TextualBody")), ("value", .string(label)), ("format", .string("text/plain")),
                        ("purpose", .string("describing")),
                    ]))
            }
        } else if let body = record.string("body") {
            motivation = "commenting"
            bodies.append(
                .object([
                    ("type", .string("TextualBody")), ("value", .string(body)), ("format", .string("text/plain")),
                    ("purpose", .string("commenting")),
                ]))
        } else {
            motivation = "highlighting"
        }
        for tag in record.tagNames {
            bodies.append(
                .object([("type", .string("TextualBody")), ("value", .string(tag)), ("purpose", .string("tagging"))]))
        }
        let source = article?.string("url") ?? "urn:margin:article:\(articleID)"
        var result: [(String, JSONValue)] = [
            ("id", .string("urn:uuid:\(record.id)")),
            ("type", .string("Annotation")),
            ("motivation", .string(motivation)),
            (
                "target",
                .object([
                    ("source", .string(source)),
                    (
                        "selector",
                        .array([
                            .object([
                                ("type", .string("TextQuoteSelector")), ("exact", .string(anchor.exact)),
                                ("prefix", .string(anchor.prefix)), ("suffix", .string(anchor.suffix)),
                            ]),
                            .object([
                                ("type", .string("TextPositionSelector")), ("start", .int(Int64(anchor.start))),
                                ("end", .int(Int64(anchor.end))),
                            ]),
                        ])
                    ),
                ])
            ),
        ]
        if record.createdAt > 0 { result.append(("created", .string(timestamp(record.createdAt)))) }
        if let latest = record.latestStamp { result.append(("modified", .string(timestamp(latest.wallMillis)))) }
        if bodies.count == 1 {
            result.append(("body", bodies[0]))
        } else if !bodies.isEmpty {
            result.append(("body", .array(bodies)))
        }
        return .object(result)
    }

    private static func timestamp(_ millis: Int64) -> String {
        // Milliseconds kept: an import of this export gives notes their exact creation time back.
        CalendarDay.timestamp(milliseconds: millis)
    }

    private static func day(_ millis: Int64) -> String {
        CalendarDay(milliseconds: millis).iso8601
    }
}
