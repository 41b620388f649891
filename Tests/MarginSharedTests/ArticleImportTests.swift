import Foundation
import Testing

@testable import MarginShared

/// The repository's seed document.
func seedDocument() throws -> Data {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    return try Data(contentsOf: root.appendingPathComponent("seeds/000_cac94a10d226ae88.txt"))
}

@Suite struct ArticleImportTests {
    @Test func seedImportsWithItsMetadata() throws {
        let articles = try ArticleImporter.importDocument(seedDocument())
        #expect(articles.count == 2)
        let main = articles[0]
        #expect(main.title == "A Quick, Quiet Trip to Belarus Signals a Turn in U.S. Policy")
        #expect(main.source == "The New York Times")
        #expect(main.byline == "Andrew Higgins and Tomas Dapkus")
        // Feb. 15, 2025: the date under the byline, not the date the page was posted.
        #expect(main.publishedAt == 1_739_577_600_000)
        #expect(main.content.hasPrefix("After years of the U.S. trying to isolate Russia’s closest ally"))
        #expect(main.content.contains("The senior American diplomat slipped quietly into Belarus"))
        #expect(main.content.hasSuffix("to Kosovo, Serbia and other parts of former Yugoslavia."))
    }

    @Test func seedBodyHasNoPageFurniture() throws {
        let main = try ArticleImporter.importDocument(seedDocument())[0]
        for furniture in [
            "Link to the original article", "Share the Post", "Credit…", "Getty Images", "A crowd of people carrying",
            "their heads leaned forward", "Wilson Center", "Forced displacement", "March 4, 2025", "By Andrew",
        ] {
            #expect(!main.content.contains(furniture), "body contains \(furniture)")
        }
        #expect(!main.content.contains("\n\n\n"))
    }

    @Test func theUnrelatedTrailingPieceBecomesItsOwnArticle() throws {
        let articles = try ArticleImporter.importDocument(seedDocument())
        let trailing = articles[1]
        #expect(trailing.source == "Wilson Center")
        #expect(
            trailing.title == "Forced displacement represents one of the most pressing humanitarian issues of our time."
        )
        #expect(trailing.content.hasPrefix("Forced displacement represents"))
        // A line wrapped inside a paragraph is joined with a space.
        #expect(trailing.content.contains("compliance remains inconsistent."))
        #expect(trailing.id != articles[0].id)
    }

    @Test func importingTheSameArticleTwiceGivesOneID() throws {
        let first = try ArticleImporter.importDocument(seedDocument())
        let second = try ArticleImporter.importDocument(seedDocument())
        #expect(first.map(\.id) == second.map(\.id))
        #expect(first[0].id.hasPrefix("a-"))
    }

    @Test func rejectsBinaryAndInvalidUTF8() {
        #expect(throws: ImportError.notText) {
            try ArticleImporter.importDocument(Data([0x89, 0x50, 0x4E, 0x47, 0, 0, 1]))
        }
        #expect(throws: ImportError.notUTF8) { try ArticleImporter.importDocument(Data([0x41, 0xC3, 0x28, 0x41])) }
        #expect(throws: ImportError.noReadableText) { try ArticleImporter.importDocument(Data("\n\n  \n".utf8)) }
    }

    @Test func creatingTheArticleRecordWritesEveryField() throws {
        let article = try ArticleImporter.importDocument(seedDocument())[0]
        var record = RecordState(id: article.id, kind: .article)
        var laptop = TestReplica("laptop")
        try laptop.edit(&record, article.changes(addedAt: 5))
        #expect(record.value("title") == .string(article.title))
        #expect(record.value("contentHash") == .string(SHA256.hex(article.content)))
        #expect(record.value("publishedAt") == .int(1_739_577_600_000))
        #expect(try WireFormat.decode(WireFormat.encode(record)) == record)
    }
}
