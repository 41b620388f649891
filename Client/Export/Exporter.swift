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
        var text: [UInt8] = []
        do {
            try write(format, now: now, from: RecordList(records), to: { text += $0 })
        } catch {
            // Neither the list nor the buffer fails.
            preconditionFailure("an export in memory failed: \(error)")
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Writes an export as it reads the records from `source`, and gives the text to `sink` in
    /// pieces of about 64 KB. The JSON and W3C exports read the records one at a time in id order
    /// (the W3C one keeps the articles' addresses, read first), Markdown one article at a time
    /// with its notes: so no export holds a library's notes at once.
    public static func write(
        _ format: Format, now: Date = Date(), from source: some ExportSource,
        to sink: ([UInt8]) throws(StoreError) -> Void
    ) throws(StoreError) {
        // The pieces are handed on from inside the source's walk, which never keeps the closure.
        try withoutActuallyEscaping(sink) { (sink) throws(StoreError) in
            try write(format, now: now, from: source, escapingSink: sink)
        }
    }

    private static func write(
        _ format: Format, now: Date, from source: some ExportSource,
        escapingSink sink: @escaping ([UInt8]) throws(StoreError) -> Void
    ) throws(StoreError) {
        var writer = JSONWriter(capacity: chunkSize + 4096)
        switch format {
        case .json:
            writer.raw("{\"format\":\"margin-export\",\"version\":1,\"records\":[\n")
            var first = true
            try source.forEachRecord(Set(RecordKind.allCases)) { record throws(StoreError) in
                if !first { writer.raw(",\n") }
                first = false
                writer.raw(bytes: WireFormat.encode(record))
                try handOnIfFull(&writer, to: sink)
            }
            writer.raw("\n]}\n")
        case .markdown:
            try source.forEachArticle { article, annotations throws(StoreError) in
                guard !article.isDeleted else { return }
                writer.raw(bytes: markdown(article, annotations).utf8)
                try handOnIfFull(&writer, to: sink)
            }
        case .w3c:
            try w3c(into: &writer, now: now, from: source, sink: sink)
        }
        try sink(writer.bytes)
    }

    /// How much text an export gathers before handing it on.
    static let chunkSize = 1 << 16

    /// Hands what `writer` holds to `sink` once it holds a piece's worth.
    private static func handOnIfFull(
        _ writer: inout JSONWriter, to sink: ([UInt8]) throws(StoreError) -> Void
    ) throws(StoreError) {
        guard writer.bytes.count >= chunkSize else { return }
        try sink(writer.bytes)
        writer.removeAll()
    }

    /// One article's section: its title and details, then its live notes and bookmarks in the
    /// order of their anchors.
    static func markdown(_ article: RecordState, _ records: [RecordState]) -> String {
        var out = "# \(article.string("title") ?? "Untitled")\n\n"
        let meta = [article.string("source"), article.string("byline"), article.int("publishedAt").map(day)]
            .compactMap { $0 }
        if !meta.isEmpty { out += "_\(meta.joined(separator: " · "))_\n\n" }
        if let url = article.string("url") { out += "<\(url)>\n\n" }
        if !article.tagNames.isEmpty { out += "Tags: \(article.tagNames.joined(separator: ", "))\n\n" }
        let annotations = records.filter { !$0.isDeleted && $0.kind != .article }
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
        return out
    }

    /// The notes and bookmarks as one Web Annotation collection, each annotation written as it is
    /// read: building the whole document first, in Foundation's object graph, held several times
    /// the export's size.
    private static func w3c(
        into writer: inout JSONWriter, now: Date,
        from source: some ExportSource, sink: @escaping ([UInt8]) throws(StoreError) -> Void
    ) throws(StoreError) {
        // An annotation's target is its article's address: the articles' are read first, then
        // the notes and bookmarks, so that each record is read once.
        var addresses: [String: String] = [:]
        try source.forEachRecord([.article]) { record in
            if !record.isDeleted, let url = record.string("url") {
                addresses[record.id] = url
            }
        }
        let collectionID = "urn:margin:export:\(Int64(now.timeIntervalSince1970 * 1000))"
        // The members in sorted order, as the layout of `JSONWriter.pretty` has them.
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
        try source.forEachRecord([.note, .bookmark]) { record throws(StoreError) in
            guard !record.isDeleted,
                let item = annotation(record, address: record.articleID.flatMap { addresses[$0] })
            else { return }
            if total > 0 { writer.raw(",\n") }
            writer.indent(3)
            writer.pretty(item, depth: 3)
            total += 1
            try handOnIfFull(&writer, to: sink)
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
    }

    private static func annotation(_ record: RecordState, address: String?) -> JSONValue? {
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
        let source = address ?? "urn:margin:article:\(articleID)"
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
