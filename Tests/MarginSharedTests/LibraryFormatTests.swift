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

    @Test func kindleClippingsInOtherLayoutsAndLanguages() throws {
        let text = """
            \u{FEFF}Der Prozess (Franz Kafka)\r
            - Ihre Markierung auf Seite 9 | bei Position 120-22 | Hinzugefügt am Sonntag, 3. März 2019 22:15:32\r
            \r
            Jemand mußte Josef K. verleumdet haben.\r
            ==========\r
            \u{FEFF}Der Prozess (Franz Kafka)\r
            - Ihre Notiz auf Seite 9 | bei Position 122 | Hinzugefügt am Sonntag, 3. März 2019 22:16:00\r
            \r
            Der erste Satz.\r
            ==========\r
            L'Étranger (Albert Camus)\r
            - Votre surlignement sur la page 1 | emplacement 10-11 | Ajouté le samedi 2 mars 2019 09:00:00\r
            \r
            Aujourd'hui, maman est morte.\r
            ==========\r
            L'Étranger (Albert Camus)\r
            - Votre signet sur la page 3 | emplacement 40 | Ajouté le samedi 2 mars 2019 09:05:00\r
            \r
            \r
            ==========\r
            Cien años de soledad (Gabriel García Márquez)\r
            - Tu subrayado en la página 1 | posición 5-7 | Añadido el domingo, 3 de marzo de 2019 22:15:32\r
            \r
            Muchos años después, frente al pelotón de fusilamiento.\r
            ==========\r
            Old Kindle (Someone)\r
            - Highlight Loc. 1234-36  | Added on Tuesday, August 09, 2011, 09:29 PM\r
            \r
            An old layout.\r
            ==========\r
            British Kindle (Someone)\r
            - Your Highlight on page 4 | location 50-51 | Added on Friday, 25 November 2016 12:47:31\r
            \r
            A day-first date.\r
            ==========\r
            Midnight (Someone)\r
            - Your Highlight on Location 7 | Added on Monday, January 1, 2024 12:05:00 AM\r
            \r
            Just after midnight.\r
            ==========\r
            Preface (Someone)\r
            - Your Highlight on Page XII | Added on Monday, January 1, 2024 12:05:00 AM\r
            \r
            A page numbered in Roman.\r
            ==========\r

            """
        let library = try LibraryFormat.kindle.parse(Data(text.utf8))
        #expect(library.notUnderstood.isEmpty)
        #expect(
            library.items.map(\.title) == [
                "Der Prozess", "L'Étranger", "Cien años de soledad", "Old Kindle", "British Kindle", "Midnight",
                "Preface",
            ])
        let kafka = library.items[0]
        #expect(kafka.author == "Franz Kafka")
        #expect(kafka.highlights.count == 1)
        // Position 120-22 is 120 to 122: the note at 122 goes on it.
        #expect(kafka.highlights[0].location == "location 120-22")
        #expect(kafka.highlights[0].endPosition == 122)
        #expect(kafka.highlights[0].note == "Der erste Satz.")
        #expect(kafka.highlights[0].createdAt == 1_551_651_332_000)
        let camus = library.items[1]
        #expect(camus.highlights.map(\.quote) == ["Aujourd'hui, maman est morte."])
        #expect(camus.highlights[0].createdAt == 1_551_517_200_000)
        #expect(camus.bookmarks.map(\.location) == ["location 40"])
        #expect(library.items[2].highlights[0].createdAt == 1_551_651_332_000)
        #expect(library.items[3].highlights[0].location == "location 1234-36")
        #expect(library.items[3].highlights[0].endPosition == 1236)
        #expect(library.items[3].highlights[0].createdAt == 1_312_925_340_000)
        #expect(library.items[4].highlights[0].createdAt == 1_480_078_051_000)
        #expect(library.items[5].highlights[0].createdAt == 1_704_067_500_000)
        // The place is kept as written: it is part of the note's id, across versions of Margin too.
        #expect(library.items[6].highlights[0].location == "page XII")
    }

    @Test func kindleClippingsInJapaneseChineseRussianAndDutch() throws {
        // Lines as those Kindles write them: the kind after the place, the page's number before
        // ページ, an en dash to start the line, dates in 年月日 with 上午 and 下午.
        let text = """
            Slade House (David Mitchell)
            - 27ページ|位置No. 409-412のハイライト |作成日: 2016年2月26日金曜日 11:49:27

            The hatch opens.
            ==========
            Slade House (David Mitchell)
            - 位置No. 412のメモ |作成日: 2016年2月26日金曜日 11:50:00

            A note at its end.
            ==========
            白痴 (陀思妥耶夫斯基)
            - 您在第 3 页（位置 #77-78）的标注 | 添加于 2016年2月26日星期五 上午10:56:04

            两个农民，都上了年纪。
            ==========
            白痴 (陀思妥耶夫斯基)
            - 您在位置 #116-119的标注 | 添加于 2015年2月14日星期六 下午3:21:03

            程序写出来是给人看的。
            ==========
            白痴 (陀思妥耶夫斯基)
            - 您在第 19 页的书签 | 添加于 2017年12月9日星期六 下午10:09:32


            ==========
            Morning Star (Pierce Brown)
            – Ваш выделенный отрывок на странице 8 | Место 243–245 | Добавлено: пятница, 26 февраля 2016 г. в 11:00:57

            Deep in darkness, far from warmth and rock.
            ==========
            De avond is ongenaakbaar (Dubravka Ugrešić)
            - Je markering op pagina 12 | Locatie 170-171 | Toegevoegd op zondag 3 mei 2020 22:15:32

            Een zin.
            ==========
            Kindle4RSS - Sep 20 (Kindle4rss)
            - Artikel bei Position 699 speichern | Hinzugefügt am Sonntag, 21. September 2014 13:24:34

            A whole article, clipped.
            ==========
            The Daily (daily.example)
            - Clip This Article on Location 401 | Added on Monday, September 16, 2019 9:50:16 AM

            Another article, clipped.
            ==========
            Protected (Someone)
            - Your Highlight on Location 10-12 | Added on Sunday, May 3, 2020 10:15:32 PM

            <You have reached the clipping limit for this item>
            ==========

            """
        #expect(LibraryFormat.detect(Data(text.utf8)) == .kindle)
        let japaneseOnly = text.components(separatedBy: "白痴")[0]
        #expect(LibraryFormat.detect(Data(japaneseOnly.utf8)) == .kindle)
        // A first clipping longer than the head that detection reads, its separator past it.
        let longFirst = """
            A Book (Someone)
            - Your Highlight on Location 10-900 | Added on Sunday, May 3, 2020 10:15:32 PM

            \(String(repeating: "word ", count: 2_000))
            ==========

            """
        #expect(LibraryFormat.detect(Data(longFirst.utf8)) == .kindle)
        // Places too large for a location are kept as written, never a trap.
        let huge =
            "A (B)\n- Your Highlight on Location 9000000000000000000-1000000000000000000 | Added on Sunday, "
            + "May 3, 2020 10:15:32 PM\n\nText.\n==========\n"
        let read = try LibraryFormat.kindle.parse(Data(huge.utf8)).items[0].highlights[0]
        #expect(read.location == "location 9000000000000000000-1000000000000000000")
        #expect(read.endPosition == 1_000_000_000_000_000_000)
        let library = try LibraryFormat.kindle.parse(Data(text.utf8))
        #expect(
            library.items.map(\.author) == [
                "David Mitchell", "陀思妥耶夫斯基", "Pierce Brown", "Dubravka Ugrešić", "Kindle4rss", "daily.example",
                "Someone",
            ])
        let slade = library.items[0].highlights
        #expect(slade.map(\.quote) == ["The hatch opens."] && slade[0].location == "location 409-412")
        #expect(slade[0].note == "A note at its end." && slade[0].createdAt == 1_456_487_367_000)
        let idiot = library.items[1]
        #expect(idiot.highlights.map(\.location) == ["location 77-78", "location 116-119"])
        #expect(idiot.highlights.map(\.createdAt) == [1_456_484_164_000, 1_423_927_263_000])
        #expect(idiot.bookmarks.map(\.location) == ["page 19"] && idiot.bookmarks[0].createdAt == 1_512_857_372_000)
        let star = library.items[2].highlights
        #expect(star.map(\.position) == [243] && star[0].endPosition == 245)
        #expect(star[0].createdAt == 1_456_484_457_000)
        #expect(library.items[3].highlights.map(\.location) == ["location 170-171"])
        #expect(library.items[3].highlights[0].createdAt == 1_588_544_132_000)
        // A clipped article is kept whole, as a highlight.
        #expect(library.items[4].highlights.map(\.quote) == ["A whole article, clipped."])
        #expect(library.items[4].highlights[0].location == "location 699")
        #expect(library.items[5].highlights.map(\.quote) == ["Another article, clipped."])
        // The limit's notice is no highlight: the entry is named, not kept.
        #expect(library.items[6].highlights.isEmpty)
        #expect(library.notUnderstood == ["line 46"])
    }

    @Test func kindleFoldsAResizeAtEitherEndAndOnlyOverItsLocations() {
        func highlight(_ quote: String, _ start: Int?, _ end: Int?) -> LibraryHighlight {
            var highlight = LibraryHighlight(quote: quote, location: "location", position: start)
            highlight.endPosition = end
            return highlight
        }
        var item = LibraryItem(url: nil, title: "A Book")
        var finder = KindleClippings.ResizeFinder()
        var folded = 0
        for added in [
            highlight("brown fox", 100, 102),
            // Grown at both ends: it holds the first and overlaps it, so it replaces it.
            highlight("the quick brown fox jumps", 99, 104),
            // The same words far away are another highlight.
            highlight("brown fox", 500, 501),
            // Shrunk back, inside the grown one: folded into it, which stays.
            highlight("quick brown", 100, 101),
            // A span too wide to index is compared with every highlight.
            highlight("the quick brown fox jumps over", 1, 9_000),
            // No place: folded only into the same quote.
            highlight("brown fox", nil, nil),
            highlight("a lone quote", nil, nil),
        ] {
            KindleClippings.add(added, to: &item, folded: &folded, finder: &finder)
        }
        #expect(item.highlights.map(\.quote) == ["the quick brown fox jumps over", "brown fox", "a lone quote"])
        #expect(item.highlights.map(\.position) == [1, 500, nil])
        #expect(folded == 4)
    }

    @Test func datesInEachLayoutExportsWrite() {
        let march3 = Int64(1_551_571_200_000)
        let cases: [(String, Int64?)] = [
            ("1551571200", march3), ("1551571200000", march3),
            ("2019-03-03", march3), ("2019-03-03T00:00:00Z", march3), ("2019-03-03 00:00:00", march3),
            ("2019-03-03T02:30:00+02:30", march3), ("2019-03-02T19:00:00-0500", march3),
            ("2019-03-03T00:00:00.250Z", march3 + 250), ("2019-03-03 00:00:00+00:00", march3),
            ("  2019-03-03T00:00:00Z ", march3),
            ("Sunday, March 3, 2019", march3), ("March 3, 2019 12:00 AM", march3),
            ("March 3, 2019 12:30 PM", march3 + 45_000_000), ("dimanche 3 mars 2019 00:00:00", march3),
            ("2019-02-30", nil), ("2019-03-03T24:00:00Z", nil), ("2019-03-03T00:00:00Q", nil), ("2019-3-3", nil),
            ("someday, 3 smarch 2019 10:00:00", nil), ("sunday, march 33, 2019", nil),
            ("sunday, march 3, 2019 25:00:00", nil), ("march 3, 2019 13:00 pm", nil), ("", nil), ("soon", nil),
        ]
        for (text, expected) in cases {
            #expect(LibraryDates.parse(text) == expected, "\(text)")
        }
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
        // A note with no passage is kept, quoting itself.
        let noteOnly = try LibraryFormat.readwise.parse(
            Data("Highlight,Book Title,Book Author,Note,Location\n,The Book,Someone,A thought of my own,40\n".utf8))
        #expect(noteOnly.items[0].highlights.map(\.quote) == ["A thought of my own"])
        #expect(noteOnly.items[0].highlights.map(\.note) == ["A thought of my own"])
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

    @Test func webAnnotationsInTheModelsShorterForms() throws {
        // The model lets a target be its address alone and a plain-text body be `bodyValue`.
        let json = """
            {"@context": "http://www.w3.org/ns/anno.jsonld", "type": "AnnotationCollection", "items": [
              {"id": "urn:uuid:1", "type": "Annotation", "bodyValue": "About the whole page.",
               "target": "https://example.com/page"},
              {"id": "urn:uuid:2", "type": "Annotation", "bodyValue": "On a passage.",
               "target": {"source": "https://example.com/page",
                          "selector": {"type": "TextQuoteSelector", "exact": "a passage"}}}
            ]}
            """
        let library = try LibraryFormat.w3c.parse(Data(json.utf8))
        #expect(library.items.map(\.url) == ["https://example.com/page"])
        let notes = library.items[0].highlights
        #expect(notes.map(\.quote) == ["About the whole page.", "a passage"])
        #expect(notes.map(\.note) == ["About the whole page.", "On a passage."])
        #expect(library.notUnderstood.isEmpty)
    }

    @Test func theWebAnnotationModelsOwnExamplesAreRead() throws {
        // The W3C test suite's correct samples (`../shared/w3c-annotation`): the model's examples
        // (bodies that are resources, choices, targets as resources, lists and specific resources).
        // Each keeps a note or a bookmark, but for those that hold nothing a reader could keep:
        // no body at all, a tag that is a resource on an image, a collection whose pages are elsewhere.
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("shared/w3c-annotation/tools/samples/correct")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }
        #expect(names.count >= 40, "the W3C samples are at \(folder.path)")
        let nothingToKeep: Set = ["anno8.json", "anno21.json", "example41.json"]
        for name in names.sorted() {
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            guard !nothingToKeep.contains(name) else {
                #expect(throws: LibraryError.self, "\(name)") { try LibraryFormat.w3c.parse(data) }
                continue
            }
            let library = try LibraryFormat.w3c.parse(data)
            let kept = library.items.reduce(0) { $0 + $1.highlights.count + $1.bookmarks.count }
            #expect(kept >= 1, "\(name)")
            #expect(library.notUnderstood == (name == "collection1.json" ? ["item 8", "item 21"] : []), "\(name)")
        }
    }

    @Test func hypothesisPageNotesAndRepliesAreKept() throws {
        // A page note targets the page with no selector; a reply lists its thread in `references`.
        func row(_ id: String, _ text: String, exact: String? = nil, references: [String] = []) -> String {
            let selector = exact.map { #", "selector": [{"type": "TextQuoteSelector", "exact": "\#($0)"}]"# } ?? ""
            let refs = references.map { "\"\($0)\"" }.joined(separator: ", ")
            return #"{"id": "\#(id)", "uri": "https://example.com/a", "text": "\#(text)", "references": [\#(refs)], "#
                + #""target": [{"source": "https://example.com/a"\#(selector)}]}"#
        }
        let rows = [
            row("root", "First thought.", exact: "the quoted words"), row("page", "A note on the whole page."),
            row("reply", "An answer.", references: ["root"]),
            row("deeper", "And another.", references: ["root", "reply"]),
            row("orphan", "Answering someone not here.", references: ["elsewhere"]), row("empty", ""),
        ]
        let library = try LibraryFormat.hypothesis.parse(Data(#"{"rows": [\#(rows.joined(separator: ", "))]}"#.utf8))
        let notes = library.items[0].highlights
        #expect(notes.map(\.id) == ["root", "page", "reply", "deeper", "orphan"])
        #expect(
            notes.map(\.quote) == [
                "the quoted words", "A note on the whole page.", "the quoted words", "the quoted words",
                "Answering someone not here.",
            ])
        #expect(
            notes.map(\.note) == [
                "First thought.", "A note on the whole page.", "An answer.", "And another.",
                "Answering someone not here.",
            ])
        #expect(library.notUnderstood == ["item 6"])
    }

    @Test func annotationsSavedWithAByteOrderMarkOrAsUnicodeReadTheSame() throws {
        let original = try Self.fixture("hypothesis.json")
        let expected = try LibraryFormat.hypothesis.parse(original)
        let text = String(decoding: original, as: UTF8.self)
        let withMark = Data([0xEF, 0xBB, 0xBF]) + original
        let unicode = Data([0xFF, 0xFE]) + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        #expect(try LibraryFormat.hypothesis.parse(withMark) == expected)
        #expect(try LibraryFormat.hypothesis.parse(unicode) == expected)
        // A position written as a decimal number is the same position.
        let decimals = try #require(
            text.replacing(#/"start": ?(\d+)/#) { "\"start\": \($0.1).0" }.data(using: .utf8))
        #expect(decimals != original)
        #expect(try LibraryFormat.hypothesis.parse(decimals) == expected)
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
        // The Markdown writes the same times in words (`Page 10 @ 14 November 2023 10:14:10 PM`).
        #expect(markdown.items[0].highlightsInReadingOrder.map(\.createdAt) == [1_700_000_050_000, 1_700_000_100_000])
        #expect(json.notUnderstood == ["book 1, entry 3"])
    }

    @Test func koreadersExportsAsItsExporterWritesThemReadTheSame() throws {
        // The Markdown as KOReader writes it: the text in its drawer's style, the note after `---`,
        // no blank line between entries, `N/A` for no author, and its time at the end.
        let json = try LibraryFormat.koreader.parse(Self.fixture("koreader-2024.json"))
        let markdown = try LibraryFormat.koreader.parse(Self.fixture("koreader-2024.md"))
        #expect(LibraryFormat.detect(try Self.fixture("koreader-2024.md")) == .koreader)
        #expect(LibraryFormat.detect(try Self.fixture("koreader-2024.json")) == .koreader)
        for library in [json, markdown] {
            #expect(library.items.map(\.title) == ["Walden", "Notes from a Small Press"])
            #expect(library.items.map(\.author) == ["Henry David Thoreau", nil])
            let walden = library.items[0].highlightsInReadingOrder
            #expect(
                walden.map(\.quote) == [
                    "The mass of men lead lives of quiet desperation.",
                    "It is never too late to give up our prejudices.\nNo way of thinking or doing, however ancient, "
                        + "can be trusted without proof.",
                    "I went to the woods because I wished to live deliberately",
                ])
            #expect(walden.map(\.note) == [nil, "Two paragraphs, one highlight.", "the famous line"])
            #expect(walden.map(\.position) == [10, 12, 88])
            // Places named alike in both, so that importing one export after the other creates nothing new.
            #expect(
                walden.map(\.location) == [
                    "page 10 (Economy)", "page 12 (Economy)", "page 88 (Where I Lived, and What I Lived For)",
                ])
            #expect(walden.map(\.createdAt) == [1_700_000_050_000, 1_700_000_070_000, 1_700_000_100_000])
            #expect(library.items[1].highlights.map(\.quote) == ["Print what you can stand behind."])
            #expect(library.notUnderstood.isEmpty)
        }
        // A page labelled with its reference page, and a time written out, as newer versions keep them.
        let labelled = try LibraryFormat.koreader.parse(
            Data(
                #"{"title": "T", "entries": [{"page": "[12]15", "datetime": "2024-05-01 10:00:00", "text": "x"}]}"#.utf8
            ))
        let highlight = try #require(labelled.items.first?.highlights.first)
        #expect(highlight.location == "page [12]15" && highlight.position == 15)
        #expect(highlight.createdAt == 1_714_557_600_000)
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

    @Test func hypothesisOwnExportFileReadsAsTheAPIDoes() throws {
        // What Hypothesis's "Export annotations" writes: the API's annotations under `annotations`.
        let api = try JSONSerialization.jsonObject(with: Self.fixture("hypothesis.json")) as! [String: Any]
        let export: [String: Any] = [
            "export_date": "2025-01-02T03:04:05.000Z", "export_userid": "acct:reader@hypothes.is",
            "client_version": "1.1500.0", "annotations": api["rows"]!,
        ]
        let data = try JSONSerialization.data(withJSONObject: export)
        #expect(LibraryFormat.detect(data) == .hypothesis)
        let fromExport = try LibraryFormat.hypothesis.parse(data)
        #expect(fromExport == (try LibraryFormat.hypothesis.parse(Self.fixture("hypothesis.json"))))
        #expect(fromExport.items.first?.highlights.count == 2)
    }

    @Test func kindleInAnotherLanguageIsDetected() {
        let german = """
            Der Prozess (Franz Kafka)
            - Ihre Markierung bei Position 120-22 | Hinzugefügt am Sonntag, 3. März 2019 22:15:32

            Jemand mußte Josef K. verleumdet haben.
            ==========

            """
        #expect(LibraryFormat.detect(Data(german.utf8)) == .kindle)
    }

    @Test func instapaperTagsColumnAddsTags() throws {
        let csv = """
            URL,Title,Selection,Folder,Timestamp,Tags
            https://example.com/a,A,,Unread,1600000000,"[""essays"",""to read""]"
            https://example.com/b,B,,Cooking,1600000001,[]
            https://example.com/c,C,,Unread,1600000002,

            """
        let library = try LibraryFormat.instapaper.parse(Data(csv.utf8))
        #expect(library.items.map(\.tags) == [["essays", "to read"], ["Cooking"], []])
        #expect(library.notUnderstood.isEmpty)
    }

    @Test func formatsAreDetectedWhenOnlyOneFits() throws {
        let expected: [(String, LibraryFormat)] = [
            ("kindle-clippings.txt", .kindle), ("readwise.csv", .readwise), ("hypothesis.json", .hypothesis),
            ("koreader.json", .koreader), ("koreader.md", .koreader), ("pocket.csv", .pocket),
            ("instapaper.csv", .instapaper), ("omnivore.json", .omnivore),
        ]
        for (name, format) in expected { #expect(LibraryFormat.detect(try Self.fixture(name)) == format, "\(name)") }
        #expect(LibraryFormat.detect(Data("Just some text.\n\nAnother paragraph.".utf8)) == nil)
        // A CSV writer that quotes every header, after a byte order mark.
        let quoted =
            "\u{FEFF}\"title\",\"url\",\"time_added\",\"tags\",\"status\"\n\"A\",\"https://a.example/\",\"1\",\"\",\"unread\"\n"
        #expect(LibraryFormat.detect(Data(quoted.utf8)) == .pocket)
        #expect(try LibraryFormat.pocket.parse(Data(quoted.utf8)).items.map(\.url) == ["https://a.example/"])
    }

    @Test func aCSVSavedAgainOnWindowsOrAsUnicodeStillReads() throws {
        // A spreadsheet on Windows saves in Windows-1252 ("é" is one byte, 0xE9), or in UTF-16
        // with a byte order mark when asked for Unicode.
        let csv = "Highlight,Book Title,Book Author\nUn café noir.,Le Café,Anaïs\n"
        let windows = try #require(csv.data(using: .windowsCP1252))
        #expect(String(data: windows, encoding: .utf8) == nil)
        var unicode = Data([0xFF, 0xFE])
        unicode.append(try #require(csv.data(using: .utf16LittleEndian)))
        for data in [windows, unicode] {
            #expect(LibraryFormat.detect(data) == .readwise)
            let library = try LibraryFormat.readwise.parse(data)
            #expect(library.items.map(\.title) == ["Le Café"])
            #expect(library.items.first?.author == "Anaïs")
            #expect(library.items.first?.highlights.map(\.quote) == ["Un café noir."])
        }
    }

    @Test func aCSVWithSemicolonsOrTabsReadsAsWithCommas() throws {
        let commas = "Highlight,Book Title,Book Author,Note\n\"One, two; three.\",A Book,Someone,\"a; note\"\n"
        let expected = try LibraryFormat.readwise.parse(Data(commas.utf8))
        #expect(expected.items.first?.highlights.first?.quote == "One, two; three.")
        for separator in [";", "\t"] {
            let text =
                "Highlight\(separator)Book Title\(separator)Book Author\(separator)Note\n"
                + "\"One, two; three.\"\(separator)A Book\(separator)Someone\(separator)\"a; note\"\n"
            #expect(try LibraryFormat.readwise.parse(Data(text.utf8)) == expected, "separator \(separator)")
            let pocket = "title\(separator)url\(separator)time_added\(separator)tags\(separator)status\n"
            #expect(LibraryFormat.detect(Data(pocket.utf8)) == .pocket, "separator \(separator)")
        }
    }

    @Test func aFileOfAnotherFormatIsOneClearError() throws {
        #expect(throws: LibraryError.self) { try LibraryFormat.readwise.parse(Self.fixture("pocket.csv")) }
        #expect(throws: LibraryError("the file is binary, not a kindle export")) {
            try LibraryFormat.kindle.parse(Data([0x50, 0x4B, 0x03, 0x04, 0, 0]))
        }
    }
}
