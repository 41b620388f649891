import Foundation
import MarginShared
import MarginTestSupport
import Testing

@testable import MarginClient

/// Exports of other tools imported into a store: derived ids, text made of highlights, notes
/// anchored to their own highlight, nothing created twice, and re-anchoring when the text arrives.
struct LibraryImportTests {
    static func library(_ name: String, _ format: LibraryFormat) throws -> Library {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        return try format.parse(Data(contentsOf: root.appendingPathComponent("Fixtures/exports/\(name)")))
    }

    @Test func importingTheSameExportTwiceCreatesNothingNew() throws {
        let store = try LocalStore(home: temporaryHome())
        let library = try Self.library("kindle-clippings.txt", .kindle)
        let first = try store.importLibrary(library)
        #expect(
            first.line
                == "imported 2 articles, 3 notes, 1 bookmark; 1 duplicate skipped; 1 not understood (line 26)")
        let ids = try store.allIDs()
        let second = try store.importLibrary(library)
        #expect(second.articles == 0 && second.notes == 0 && second.bookmarks == 0)
        #expect(second.duplicates == 5)
        #expect(try store.allIDs() == ids)
    }

    @Test func aBookIsItsHighlightsInReadingOrderAndEachNoteSitsOnItsOwn() throws {
        let store = try LocalStore(home: temporaryHome())
        _ = try store.importLibrary(try Self.library("kindle-clippings.txt", .kindle))
        let book = try #require(
            try store.records(kind: .article).first { $0.string("title") == "The Pragmatic Programmer" })
        let content = try #require(book.string("content"))
        #expect(
            content
                == "Think! About your work.\n\nCare about your craft. Why spend your life developing software unless you care about doing it well?"
        )
        #expect(book.flag("excerpted"))
        #expect(book.string("byline") == "David Thomas;Andrew Hunt")
        let scalars = Array(content.unicodeScalars)
        let notes = try store.records(kind: .note, article: book.id)
        #expect(notes.count == 2)
        for note in notes {
            let anchor = try #require(note.anchor())
            #expect(String(String.UnicodeScalarView(scalars[anchor.start..<anchor.end])) == anchor.exact)
        }
        let commented = try #require(notes.first { $0.string("body") != nil })
        #expect(commented.string("body") == "The one rule that matters.")
        #expect(commented.createdAt == 1_551_651_362_000)
    }

    @Test func aNoteSitsOnItsOwnHighlightWhenAnEarlierOneHoldsItsWords() throws {
        // The second highlight's words open the first: found by search, its note would sit inside
        // the first highlight's paragraph.
        var book = LibraryItem(url: nil, title: "A Book", author: "Someone")
        book.highlights = [
            LibraryHighlight(quote: "Care about your craft, and more besides.", location: "location 10", position: 10),
            LibraryHighlight(quote: " Care about your craft", note: "mine", location: "location 20", position: 20),
        ]
        var library = Library()
        _ = library.item(book.sourceKey) { book }
        let store = try LocalStore(home: temporaryHome())
        #expect(try store.importLibrary(library).notes == 2)
        let article = try #require(try store.records(kind: .article).first)
        let content = try #require(article.string("content"))
        #expect(content == "Care about your craft, and more besides.\n\nCare about your craft")
        let note = try #require(
            try store.records(kind: .note, article: article.id).first { $0.string("body") == "mine" })
        let anchor = try #require(note.anchor())
        #expect(anchor.start == 42 && anchor.end == 63 && anchor.exact == "Care about your craft")
    }

    @Test func aBookOnlyBookmarkedKeepsItsBookmarks() throws {
        // No highlight to sit on: each bookmark is a paragraph of the excerpts, its label or place.
        var book = LibraryItem(url: nil, title: "Only Bookmarked", author: "Someone")
        book.bookmarks = [
            LibraryBookmark(location: "location 120", position: 120),
            LibraryBookmark(location: "page 9", position: nil, label: "the map"),
        ]
        var library = Library()
        _ = library.item(book.sourceKey) { book }
        let store = try LocalStore(home: temporaryHome())
        let summary = try store.importLibrary(library)
        #expect(summary.bookmarks == 2 && summary.articles == 1)
        let article = try #require(try store.records(kind: .article).first)
        #expect(article.string("content") == "location 120\n\nthe map")
        let anchored = try store.records(kind: .bookmark, article: article.id).compactMap { $0.anchor()?.exact }
        #expect(anchored.sorted() == ["location 120", "the map"])
        #expect(try store.importLibrary(library).duplicates == 2)
    }

    @Test func annotationIdsThatAreNoRecordIdsStillImport() throws {
        // W3C ids are often URLs: the whole import failed on the first until now.
        let json = """
            {"type": "AnnotationCollection", "items": [
              {"id": "http://example.org/anno1", "type": "Annotation", "bodyValue": "A comment.",
               "target": {"source": "https://example.com/page",
                          "selector": {"type": "TextQuoteSelector", "exact": "some words"}}},
              {"id": "urn:uuid:n-keeps-its-id", "type": "Annotation", "bodyValue": "Another.",
               "target": {"source": "urn:margin:article:bad/id",
                          "selector": {"type": "TextQuoteSelector", "exact": "other words"}}}
            ]}
            """
        let store = try LocalStore(home: temporaryHome())
        let summary = try store.importLibrary(try LibraryFormat.w3c.parse(Data(json.utf8)))
        #expect(summary.notes == 2 && summary.notUnderstood.isEmpty)
        let ids = try store.records(kind: .note).map(\.id)
        #expect(ids.contains("n-keeps-its-id") && ids.allSatisfy(RecordID.hasIDBytesOnly))
    }

    @Test func anEntryPastALimitIsNamedAndTheRestImports() throws {
        // A clipped article past what an anchor holds is kept, anchored by its start; a note past
        // what a note holds is named. Until now either stopped the whole import.
        let long = String(repeating: "word ", count: 15_000) + "end."
        var book = LibraryItem(url: nil, title: "Book", author: "Someone")
        book.highlights = [
            LibraryHighlight(quote: long, location: "location 1", position: 1),
            LibraryHighlight(
                quote: "A quote.", note: String(repeating: "note ", count: 14_000), location: "location 2", position: 2),
            LibraryHighlight(quote: "Another.", location: "location 3", position: 3),
        ]
        var library = Library()
        _ = library.item(book.sourceKey) { book }
        let store = try LocalStore(home: temporaryHome())
        let summary = try store.importLibrary(library)
        #expect(summary.notes == 2 && summary.notUnderstood == ["Book, location 2"])
        let article = try #require(try store.records(kind: .article).first)
        #expect(article.string("content")?.contains(long) == true)
        let anchors = try store.records(kind: .note).compactMap { $0.anchor() }
        let start = try #require(anchors.first { $0.exact.hasPrefix("word word") })
        #expect(start.exact.utf8.count <= RecordLimits.default.maxStringBytes && long.hasPrefix(start.exact))
    }

    @Test func tagsAsExportsWriteThemNeverStopAnImport() throws {
        // Spaces at the ends, a tag longer than a tag may be, the same tag twice, more than one
        // edit may add: kept as tags may be, where a bad tag stopped the whole import until now.
        let long = String(repeating: "t", count: 300)
        var page = LibraryItem(url: "https://example.com/tags", title: "Tagged")
        page.tags = [" spaced ", long, "spaced", ""] + (1...80).map { "tag\($0)" }
        var highlight = LibraryHighlight(quote: "A quote.", location: "1")
        highlight.tags = ["  note tag  ", long]
        page.highlights = [highlight]
        var library = Library()
        _ = library.item(page.sourceKey) { page }
        let store = try LocalStore(home: temporaryHome())
        let summary = try store.importLibrary(library)
        #expect(summary.articles == 1 && summary.notes == 1 && summary.notUnderstood.isEmpty)
        let article = try #require(try store.records(kind: .article).first)
        #expect(article.tagNames.contains("spaced") && article.tagNames.count == RecordLimits.default.maxTags)
        #expect(article.tagNames.contains(String(long.prefix(RecordLimits.default.maxTagBytes))))
        let note = try #require(try store.records(kind: .note).first)
        #expect(Set(note.tagNames) == ["note tag", String(long.prefix(RecordLimits.default.maxTagBytes))])
    }

    @Test func koreadersTwoExportsOfOneLibraryMakeTheSameNotes() throws {
        let store = try LocalStore(home: temporaryHome())
        let first = try store.importLibrary(try Self.library("koreader-2024.json", .koreader))
        #expect(first.notes == 4)
        let ids = try store.allIDs()
        let second = try store.importLibrary(try Self.library("koreader-2024.md", .koreader))
        #expect(second.notes == 0 && second.duplicates == 4)
        #expect(try store.allIDs() == ids)
    }

    @Test func twoMachinesImportingOfflineMakeTheSameRecords() throws {
        let library = try Self.library("readwise.csv", .readwise)
        let laptop = try LocalStore(home: temporaryHome())
        let desktop = try LocalStore(home: temporaryHome())
        _ = try laptop.importLibrary(library)
        _ = try desktop.importLibrary(library)
        #expect(try laptop.allIDs() == desktop.allIDs())
        // Merged, each machine's copy of a record is one record.
        for id in try laptop.allIDs() {
            let merged = try RecordState.merge(laptop.record(id), desktop.record(id))
            #expect(merged.string("body") == (try laptop.record(id)).string("body"))
        }
    }

    @Test func whenTheRealTextArrivesNotesMoveOrAreOrphanedNeverDropped() throws {
        let store = try LocalStore(home: temporaryHome())
        _ = try store.importLibrary(try Self.library("hypothesis.json", .hypothesis))
        let article = try #require(try store.records(kind: .article).first)
        #expect(article.flag("excerpted"))
        let text =
            "Essays about memory.\n\nIt is easy, and we forget that memory is a reconstruction, not a record of the past."
        let outcome = try store.importArticles([
            ImportedArticle(url: "https://example.com/essay", title: "An Essay on Memory", content: text)
        ])
        #expect(outcome[0].action == .updated)
        #expect(outcome[0].article.id == article.id)
        #expect(!(try store.record(article.id)).flag("excerpted"))
        let notes = try store.records(kind: .note, article: article.id)
        #expect(notes.count == 2)
        let moved = try #require(notes.first { $0.anchor()?.exact == "memory is a reconstruction" })
        let prefix = try #require(text.components(separatedBy: "memory is a reconstruction").first)
        #expect(moved.anchor()?.start == prefix.unicodeScalars.count)
        #expect(outcome[0].orphaned.count == 1)
        #expect(try store.orphanedIDs() == Set(outcome[0].orphaned))
    }

    @Test func marginsOwnW3CExportRoundTripsIntoANewProfile() throws {
        let original = try LocalStore(home: temporaryHome())
        let article = try seedArticles()[0]
        _ = try original.importArticles([article])
        _ = try original.addNote(article: article.id, quote: "potash", body: "a comment", color: nil, tags: ["mining"])
        _ = try original.addNote(article: article.id, quote: "Belarus", body: nil, color: nil, tags: [])
        let export = Exporter.export(try original.allRecords(), format: .w3c)
        let library = try LibraryFormat.w3c.parse(Data(export.utf8))
        let copy = try LocalStore(home: temporaryHome())
        let summary = try copy.importLibrary(library)
        #expect(summary.notes == 2 && summary.notUnderstood.isEmpty)
        func notes(_ store: LocalStore) throws -> [[String]] {
            try store.records(kind: .note).map {
                [
                    $0.id, $0.articleID ?? "", $0.anchor()?.exact ?? "", $0.string("body") ?? "",
                    $0.tagNames.joined(
                        separator: ","), String($0.createdAt),
                ]
            }.sorted { $0[0] < $1[0] }
        }
        #expect(try notes(copy) == notes(original))
        // Imported back into the profile it came from, it creates nothing.
        let again = try original.importLibrary(library)
        #expect(again.notes == 0 && again.duplicates == 2)
    }
}
