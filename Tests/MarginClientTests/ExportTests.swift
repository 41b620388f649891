import Foundation
import GRDB
import MarginShared
import Testing

@testable import MarginClient

/// The W3C export, written annotation by annotation, is the document Foundation's JSON writer
/// made of the same collection, byte for byte; and an export streamed from the store is the
/// export made in memory.
struct ExportTests {
    /// The collection as the export built it before it was written as it goes: every annotation
    /// in one Foundation object graph, serialised at the end.
    static func foundationExport(_ records: [RecordState], now: Date) -> String {
        let live = records.filter { !$0.isDeleted }
        let articles = Dictionary(
            live.filter { $0.kind == .article }.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let items: [[String: Any]] = live.filter { $0.kind != .article }.sorted { $0.id < $1.id }.compactMap {
            annotation($0, article: $0.articleID.flatMap { articles[$0] })
        }
        let collectionID = "urn:margin:export:\(Int64(now.timeIntervalSince1970 * 1000))"
        let collection: [String: Any] = [
            "@context": "http://www.w3.org/ns/anno.jsonld", "id": collectionID, "type": "AnnotationCollection",
            "label": "Margin annotations", "total": items.count,
            "first": [
                "id": collectionID + ":page1", "type": "AnnotationPage", "startIndex": 0, "items": items,
            ] as [String: Any],
        ]
        let data = try? JSONSerialization.data(
            withJSONObject: collection, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return (data.map { String(decoding: $0, as: UTF8.self) } ?? "{}") + "\n"
    }

    static func annotation(_ record: RecordState, article: RecordState?) -> [String: Any]? {
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
        var result: [String: Any] = [
            "id": "urn:uuid:\(record.id)", "type": "Annotation", "motivation": motivation,
            "target": [
                "source": article?.string("url") ?? "urn:margin:article:\(articleID)",
                "selector": [
                    [
                        "type": "TextQuoteSelector", "exact": anchor.exact, "prefix": anchor.prefix,
                        "suffix": anchor.suffix,
                    ],
                    ["type": "TextPositionSelector", "start": anchor.start, "end": anchor.end],
                ],
            ] as [String: Any],
        ]
        if record.createdAt > 0 { result["created"] = CalendarDay.timestamp(milliseconds: record.createdAt) }
        if let latest = record.latestStamp {
            result["modified"] = CalendarDay.timestamp(milliseconds: latest.wallMillis)
        }
        if bodies.count == 1 {
            result["body"] = bodies[0]
        } else if !bodies.isEmpty {
            result["body"] = bodies
        }
        return result
    }

    @Test func theExportIsFoundationsDocumentByteForByte() throws {
        let store = try LocalStore(home: temporaryHome())
        let article = try seedArticles()[0]
        _ = try store.importArticles([article])
        _ = try store.addNote(
            article: article.id, quote: "potash", body: "a \"quoted\" comment\\ with a/slash,\n\ta tab, é and 😀",
            color: nil, tags: ["mining", "Belarus"])
        _ = try store.addNote(article: article.id, quote: "Belarus", body: nil, color: nil, tags: [])
        _ = try store.addNote(article: article.id, quote: "Lukashenko", body: "one body", color: nil, tags: ["one"])
        _ = try store.addBookmark(article: article.id, quote: "potash", offset: nil, label: "read on")
        _ = try store.addBookmark(article: article.id, quote: "Belarus", offset: nil, label: nil)
        let records = try store.allRecords()
        let now = Date(timeIntervalSince1970: 1_765_000_000.25)
        let export = Exporter.export(records, format: .w3c, now: now)
        #expect(export == Self.foundationExport(records, now: now))
        #expect(export.contains("\"total\" : 5"))
    }

    @Test(arguments: Exporter.Format.allCases)
    func anExportStreamedFromTheStoreIsTheExportInMemory(format: Exporter.Format) throws {
        let store = try LocalStore(home: temporaryHome())
        let articles = try seedArticles()
        _ = try store.importArticles([articles[0]])
        let other = try store.importArticles([
            ImportedArticle(url: "https://example.com/other", title: "Other", content: "Another text, with potash.")
        ])[0].article.id
        // Enough text for several pieces of the stream.
        let long = String(repeating: "a long comment ", count: 40)
        for number in 0..<120 {
            _ = try store.addNote(
                article: articles[0].id, quote: number.isMultiple(of: 2) ? "potash" : "Belarus",
                body: "\(number): \(long)", color: nil, tags: ["t\(number % 3)"])
        }
        _ = try store.addNote(article: other, quote: "potash", body: "elsewhere", color: nil, tags: [])
        let now = Date(timeIntervalSince1970: 1_765_000_000)
        for article in [nil, articles[0].id] {
            var pieces: [[UInt8]] = []
            try Exporter.write(
                format, now: now, from: StoreExportSource(store: store, article: article), to: { pieces.append($0) })
            let records = try store.allRecords().filter {
                article == nil || $0.id == article || $0.articleID == article
            }
            #expect(
                String(decoding: pieces.joined(), as: UTF8.self) == Exporter.export(records, format: format, now: now))
            #expect(pieces.count > 1, "\(format): one piece only")
        }
    }

    /// An export reads records in id order through the id's index, never sorting them in memory
    /// (which a plan through the index on kind did, holding every note of a W3C export at once).
    @Test func recordsAreReadInIDOrderWithoutASort() throws {
        let home = temporaryHome()
        _ = try LocalStore(home: home)
        let queue = try DatabaseQueue(path: home + "/margin.sqlite")
        let plan = try queue.read { db in
            try Row.fetchAll(
                db, sql: "EXPLAIN QUERY PLAN " + LocalStore.recordsInIDOrder,
                arguments: StatementArguments(
                    [nil, nil, nil] + RecordKind.allCases.map { $0 == .article ? nil : $0.rawValue })
            ).map { $0["detail"] as String? ?? "" }
        }
        #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(plan)")
        #expect(plan.contains { $0.contains("sqlite_autoindex_records_1") }, "\(plan)")
    }

    @Test func anExportWithoutNotesIsFoundationsToo() throws {
        let store = try LocalStore(home: temporaryHome())
        _ = try store.importArticles([try seedArticles()[0]])
        let records = try store.allRecords()
        let now = Date(timeIntervalSince1970: 1_765_000_000)
        #expect(Exporter.export(records, format: .w3c, now: now) == Self.foundationExport(records, now: now))
    }
}
