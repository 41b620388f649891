import Foundation
import MarginExtract
import MarginShared
import Testing

/// The exports that need more than MarginShared: Pocket's HTML and zip, and Omnivore's zip.
struct LibraryImporterTests {
    static func fixture(_ name: String) throws -> Data {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        return try Data(contentsOf: root.appendingPathComponent("Fixtures/exports/\(name)"))
    }

    @Test func pocketsHTMLExportBringsLinksTagsAndArchive() throws {
        let data = try Self.fixture("pocket.html")
        #expect(LibraryImporter.detect(data) == .pocket)
        let library = try LibraryImporter.parse(data, format: .pocket)
        #expect(library.items.map(\.title) == ["How to Do Great Work", "A Long Read", "The Art of Finishing"])
        #expect(library.items[0].tags == ["essays", "career"])
        #expect(library.items[0].addedAt == 1_688_000_000_000)
        #expect(library.items.map(\.archived) == [false, false, true])
        #expect(library.notUnderstood == ["link 4"])
    }

    @Test func pocketsZipBringsEveryPartAndTheHighlights() throws {
        // As Pocket's last exports: part_*.csv of saved articles, annotations/part_*.json highlights.
        let data = try Self.fixture("pocket-export.zip")
        #expect(LibraryImporter.detect(data) == .pocket)
        let library = try LibraryImporter.parse(data, format: .pocket)
        #expect(
            library.items.map(\.title) == [
                "How to Do Great Work", "The Art of Finishing", "A Third Article", "Only Highlighted",
            ])
        let great = library.items[0]
        // Saved twice, in two parts: one article, with the tags of both.
        #expect(great.tags == ["essays", "career", "favorites"])
        #expect(
            great.highlights.map(\.quote) == [
                "The way to figure out what to work on is by working.", "Curiosity is the best guide.",
            ])
        #expect(great.highlights.map(\.createdAt) == [1_688_000_100_000, 1_688_000_200_000])
        #expect(library.items[1].archived == true)
        #expect(library.items[3].url == "https://example.com/only-highlighted")
        #expect(library.notUnderstood == ["annotations/part_000000.json item 3"])
        #expect(LibraryImporter.detect(try Self.fixture("omnivore-export.zip")) == .omnivore)
    }

    @Test func omnivoresZipBringsTheArticlesTextAndHighlights() throws {
        let data = try Self.fixture("omnivore-export.zip")
        #expect(LibraryImporter.detect(data) == .omnivore)
        let library = try LibraryImporter.parse(data, format: .omnivore)
        #expect(library.items.count == 1)
        let item = library.items[0]
        let text = try #require(item.text)
        #expect(text.hasPrefix("Every program has a form"))
        #expect(text.components(separatedBy: "\n\n").count == 3)
        #expect(item.highlights.allSatisfy { text.contains($0.quote) })
        #expect(item.archived == true)
    }

    @Test func aDamagedZipIsOneClearError() throws {
        let data = try Self.fixture("omnivore-export.zip")
        #expect(throws: LibraryError.self) {
            try LibraryImporter.parse(data.prefix(data.count - 30), format: .omnivore)
        }
        var corrupt = data
        // Inside the first entry's deflated bytes.
        for offset in 60..<90 { corrupt[offset] ^= 0xFF }
        #expect(throws: LibraryError.self) { try LibraryImporter.parse(corrupt, format: .omnivore) }
    }
}
