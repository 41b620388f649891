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

    @Test func instapapersHTMLExportBringsFoldersAsStateAndTags() throws {
        let data = try Self.fixture("instapaper.html")
        #expect(LibraryImporter.detect(data) == .instapaper)
        let library = try LibraryImporter.parse(data, format: .instapaper)
        #expect(library.items.map(\.title) == ["First Article", "Third Article", "Second & Last", "Fourth Article"])
        #expect(library.items.map(\.archived) == [false, false, true, nil])
        // Listed under Unread and Starred: one article, a favorite.
        #expect(library.items.map(\.favorite) == [nil, true, nil, nil])
        #expect(library.items[3].tags == ["Cooking"])
        #expect(library.items[2].url == "https://example.com/two")
        // The same articles as its CSV export, by the same ids.
        let csv = try LibraryImporter.parse(try Self.fixture("instapaper.csv"), format: .instapaper)
        #expect(Set(library.items.map(\.sourceKey)).isSubset(of: Set(csv.items.map(\.sourceKey))))
    }

    @Test func theKindleAppsNotebookReadsAsTheirClippingsDo() throws {
        // "Export notebook" of the Kindle apps: headings and texts in HTML, colours named, the
        // note after its highlight, and one heading never closed (its text inside it).
        let data = try Self.fixture("kindle-notebook.html")
        #expect(LibraryImporter.detect(data) == .kindle)
        let library = try LibraryImporter.parse(data, format: .kindle)
        #expect(library.items.map(\.title) == ["The Pragmatic Programmer"])
        #expect(library.items.map(\.author) == ["David Thomas;Andrew Hunt"])
        let book = library.items[0]
        #expect(
            book.highlights.map(\.quote) == [
                "Think! About your work.", "Care about your craft.", "A heading never closed: the text sits inside it.",
            ])
        #expect(book.highlights.map(\.color) == ["yellow", "blue", "pink"])
        #expect(book.highlights.map(\.note) == [nil, "The one rule that matters.", nil])
        #expect(book.highlights.map(\.location) == ["location 170", "location 201", "location 288"])
        #expect(book.bookmarks.map(\.location) == ["location 400"])
        #expect(library.notUnderstood.isEmpty)
        // An entry that cannot be read is named by its place in the notebook.
        let broken =
            #"<div class="bookTitle">B</div><div class="noteHeading">Highlight - Location 1</div>"#
            + #"<div class="noteText">One.</div><div class="noteHeading">Highlight - Location 2</div>"#
            + #"<div class="noteText"></div><div class="noteHeading">Highlight - Location 3</div>"#
            + #"<div class="noteText">Three.</div>"#
        let read = try LibraryImporter.parse(Data(("<html><body>" + broken + "</body></html>").utf8), format: .kindle)
        #expect(read.items[0].highlights.map(\.quote) == ["One.", "Three."])
        #expect(read.notUnderstood == ["entry 2"])
        // A title that ends in parentheses, with no author, stays the title.
        let series =
            #"<html><body><div class="bookTitle">Dune (Dune Chronicles)</div>"#
            + #"<div class="noteHeading">Highlight - Location 5</div><div class="noteText">Fear.</div></body></html>"#
        let dune = try LibraryImporter.parse(Data(series.utf8), format: .kindle).items
        #expect(dune.map(\.title) == ["Dune (Dune Chronicles)"] && dune.map(\.author) == [nil])
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

    @Test func omnivoresLastExportBringsTheHighlightsFilesToo() throws {
        // As Omnivore's exporter wrote it in 2024: metadata without highlights, and per article
        // `highlights/SLUG.md`, each highlight `> quote `, its labels and its note after blank lines.
        let data = try Self.fixture("omnivore-export-2024.zip")
        #expect(LibraryImporter.detect(data) == .omnivore)
        let library = try LibraryImporter.parse(data, format: .omnivore)
        #expect(library.items.map(\.title) == ["The Shape of Code", "A Page Never Fetched"])
        let code = library.items[0]
        let text = try #require(code.text)
        #expect(code.tags == ["programming", "essays"] && code.archived == true)
        #expect(
            code.highlights.map(\.quote) == [
                "Read this before the design review.",
                "Code has a shape, and the shape tells you how it was made",
                "Naming is design: the names you choose decide which ideas the reader can hold at once, and which "
                    + "ones will slip away from them as they read on through the file.\n\nSo write code the way you "
                    + "would write prose for a careful reader",
                "read it aloud",
            ])
        // The article's note quotes itself; each quote but that one is in the article's text.
        #expect(code.highlights[0].note == "Read this before the design review.")
        #expect(code.highlights.dropFirst().allSatisfy { text.contains($0.quote.components(separatedBy: "\n\n")[0]) })
        #expect(code.highlights[1].tags == ["design", "favorite"])
        #expect(code.highlights[1].note == "The thesis.\n\nAnd a second paragraph of the note.")
        #expect(code.highlights[2].note == nil && code.highlights[2].tags.isEmpty)
        #expect(code.highlights[3].note == "#not-a-label sentence, a note that starts like a label.")
        // Never fetched: no text, its highlight kept.
        #expect(library.items[1].text == nil && library.items[1].archived == false)
        #expect(library.items[1].highlights.map(\.quote) == ["A passage kept from a page Omnivore never fetched."])
        #expect(library.notUnderstood.isEmpty)
    }

    @Test func anExportZippedAgainOrInZip64ReadsTheSame() throws {
        // Zipped again by macOS: every file under the export's own folder, and `__MACOSX` resource
        // forks beside it (one named like the metadata, which is not JSON).
        let again = try Self.fixture("omnivore-export-rezipped.zip")
        #expect(LibraryImporter.detect(again) == .omnivore)
        let original = try LibraryImporter.parse(try Self.fixture("omnivore-export-2024.zip"), format: .omnivore)
        #expect(try LibraryImporter.parse(again, format: .omnivore) == original)
        // Zip64, as a writer uses past 65,535 entries or 4 GiB (`zip -fz` forces it here): the
        // directory's place in a record of its own, each entry's size in an extra field.
        let wide = try Self.fixture("omnivore-export-zip64.zip")
        #expect(try LibraryImporter.parse(wide, format: .omnivore) == original)
    }

    @Test func timesPastWhatATimeCanHoldAreLeftOutNotATrap() throws {
        // Found by the library fuzz target: Pocket's `time_added` of 17 digits times 1000
        // overflowed and stopped the process. The same rule now reads every Unix time of an export.
        let page =
            #"<html><head><title>Pocket Export</title></head><body><h1>Unread</h1><ul>"#
            + #"<li><a href="https://example.com/a" time_added="17000000000000000">A</a></li>"#
            + #"<li><a href="https://example.com/b" time_added="-9223372036854775807">B</a></li>"#
            + #"<li><a href="https://example.com/c" time_added="1700000000">C</a></li></ul></body></html>"#
        let library = try LibraryImporter.parse(Data(page.utf8), format: .pocket)
        #expect(library.items.map(\.addedAt) == [nil, nil, 1_700_000_000_000])
        let koreader = #"{"title": "T", "entries": [{"text": "x", "page": 1, "time": 9223372036854775807}]}"#
        #expect(try LibraryFormat.koreader.parse(Data(koreader.utf8)).items[0].highlights[0].createdAt == nil)
        #expect(LibraryFormat.time("999999999999999999年1月1日") == nil)
        #expect(LibraryFormat.time("1700000000000") == 1_700_000_000_000)
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
