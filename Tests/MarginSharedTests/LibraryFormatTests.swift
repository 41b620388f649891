import Foundation
import Testing

@testable import MarginShared

/// Each export format read from a small fixture made for it (Tests/Fixtures/exports).
struct LibraryFormatTests {
    static func fixture(_ name: String) throws -> Data {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        return try Data(contentsOf: root.appendingPathComponent("Fixtures/exports/\(name)"))
    }

    @Test func kindleClippingsFoldResizedHighlightsAndAttachNotes() throws {
        let library = try LibraryFormat.kindle.parse(Self.fixture("kindle-clippings.txt"))
        #expect(library.items.map(\.title) == ["The Pragmatic Programmer", "Meditations"])
        let book = library.items[0]
        #expect(book.author == "David Thomas;Andrew Hunt")
        // The highlight resized from 180-182 to 180-183 is one highlight, the longer.
        #expect(library.folded == 1)
        #expect(book.highlights.count == 2)
        let care = try #require(book.highlights.first { $0.quote.hasPrefix("Care") })
        #expect(care.quote.hasSuffix("doing it well?"))
        #expect(care.note == "The one rule that matters.")
        #expect(care.location == "location 180-183")
        #expect(care.createdAt == 1_551_651_362_000)
        #expect(book.highlightsInReadingOrder.map { $0.quote.prefix(5) } == ["Think", "Care "])
        #expect(book.bookmarks.map(\.location) == ["location 300"])
        #expect(library.notUnderstood == ["line 26"])
    }

    @Test func readwiseCSVKeepsNotesTagsColoursAndDates() throws {
        let library = try LibraryFormat.readwise.parse(Self.fixture("readwise.csv"))
        #expect(library.items.map(\.title) == ["Dealers of Lightning", "How to Read a Paper"])
        let book = library.items[0]
        #expect(book.tags == ["books"])
        let first = book.highlights[0]
        #expect(first.note == "Kay, 1971")
        #expect(first.tags == ["history", "computing"])
        #expect(first.color == "yellow")
        #expect(first.createdAt == 1_620_122_400_000)
        #expect(book.highlightsInReadingOrder.map(\.position) == [140, 220])
        #expect(library.items[1].url == "https://example.org/paper")
        #expect(library.items[1].highlights[0].quote == "A \"quoted\" line,\nover two lines.")
        #expect(library.notUnderstood == ["line 6"])
    }

    @Test func hypothesisKeepsSelectorsTagsAndIds() throws {
        let library = try LibraryFormat.hypothesis.parse(Self.fixture("hypothesis.json"))
        #expect(library.items.count == 1)
        let page = library.items[0]
        #expect(page.title == "An Essay on Memory")
        #expect(page.url == "https://example.com/essay")
        let first = page.highlights[0]
        #expect(first.quote == "memory is a reconstruction")
        #expect(first.prefix == "we forget that " && first.suffix == ", not a record")
        #expect(first.note == "Worth remembering.")
        #expect(first.tags == ["essay", "memory"])
        #expect(first.id == "hyp-AbC123")
        #expect(page.highlights[1].note == nil)
        #expect(library.notUnderstood == ["item 3"])
    }

    @Test func koreaderJSONAndMarkdownReadTheSame() throws {
        let json = try LibraryFormat.koreader.parse(Self.fixture("koreader.json"))
        let markdown = try LibraryFormat.koreader.parse(Self.fixture("koreader.md"))
        for library in [json, markdown] {
            #expect(library.items.map(\.title) == ["Walden"])
            #expect(library.items[0].author == "Henry David Thoreau")
            let ordered = library.items[0].highlightsInReadingOrder
            #expect(ordered.map(\.position) == [10, 88])
            #expect(ordered[1].note == "the famous line")
        }
        #expect(json.items[0].highlights[0].createdAt == 1_700_000_100_000)
        #expect(json.notUnderstood == ["book 1, entry 3"])
    }

    @Test func readLaterExportsBringStateAndTags() throws {
        let pocket = try LibraryFormat.pocket.parse(Self.fixture("pocket.csv"))
        #expect(pocket.items.map(\.title) == ["How to Do Great Work", "The Art of Finishing"])
        #expect(pocket.items[0].tags == ["essays", "career", "favorites"])
        #expect(pocket.items[0].addedAt == 1_688_000_000_000)
        #expect(pocket.items[1].archived == true && pocket.items[0].archived == false)
        #expect(pocket.items[1].url == "https://example.net/finishing")
        #expect(pocket.notUnderstood == ["line 4"])

        let instapaper = try LibraryFormat.instapaper.parse(Self.fixture("instapaper.csv"))
        #expect(instapaper.items.count == 4)
        #expect(instapaper.items[1].archived == true)
        #expect(instapaper.items[1].highlights.map(\.quote) == ["A selected passage, saved with it."])
        #expect(instapaper.items[2].favorite == true)
        #expect(instapaper.items[3].tags == ["Cooking"])

        let omnivore = try LibraryFormat.omnivore.parse(Self.fixture("omnivore.json"))
        #expect(omnivore.items.count == 1)
        let item = omnivore.items[0]
        #expect(item.archived == true)
        #expect(item.tags == ["programming", "favorites"])
        #expect(item.highlights.map(\.quote) == ["Code has a shape", "Naming is design"])
        #expect(item.highlights[0].note == "and the shape matters" && item.highlights[1].note == nil)
        #expect(item.highlights[0].color == "green")
        #expect(omnivore.notUnderstood == ["item 2"])
    }

    @Test func formatsAreDetectedWhenOnlyOneFits() throws {
        let expected: [(String, LibraryFormat)] = [
            ("kindle-clippings.txt", .kindle), ("readwise.csv", .readwise), ("hypothesis.json", .hypothesis),
            ("koreader.json", .koreader), ("koreader.md", .koreader), ("pocket.csv", .pocket),
            ("instapaper.csv", .instapaper), ("omnivore.json", .omnivore),
        ]
        for (name, format) in expected { #expect(LibraryFormat.detect(try Self.fixture(name)) == format, "\(name)") }
        #expect(LibraryFormat.detect(Data("Just some text.\n\nAnother paragraph.".utf8)) == nil)
    }

    @Test func aFileOfAnotherFormatIsOneClearError() throws {
        #expect(throws: LibraryError.self) { try LibraryFormat.readwise.parse(Self.fixture("pocket.csv")) }
        #expect(throws: LibraryError("the file is binary, not a kindle export")) {
            try LibraryFormat.kindle.parse(Data([0x50, 0x4B, 0x03, 0x04, 0, 0]))
        }
    }
}
