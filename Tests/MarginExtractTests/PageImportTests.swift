import Foundation
import MarginExtract
import MarginShared
import Testing

/// A page made for the test: its metadata, furniture and text rules, each asserted.
struct PageImportTests {
    static func page(_ body: String, head: String = "<title>A page</title>") throws -> ImportedArticle {
        try PageImporter.importHTML(Data("<!doctype html><html><head>\(head)</head><body>\(body)</body></html>".utf8))
    }

    /// A paragraph long enough to count as text (Readability ignores blocks under 25 characters).
    static func prose(_ seed: String) -> String {
        "\(seed): the committee met on Tuesday, and after a long debate, it agreed to publish the report in full."
    }

    @Test func metadataAndTextComeAcross() throws {
        let html = """
            <!doctype html><html lang="en-GB"><head><title>Fallback &amp; title</title>
            <meta property="og:title" content="Tea &amp; Biscuits">
            <meta name="author" content="Ada Lovelace"><meta property="og:site_name" content="The Daily">
            <meta property="article:published_time" content="2024-05-01T10:00:00Z">
            <link rel="canonical" href="https://daily.example/tea?utm_source=feed">
            <style>p { color: red }</style><script>var x = "<p>not text</p>";</script></head>
            <body><nav><a href="/">Home</a> <a href="/news">News</a></nav><article><h1>Tea &amp; Biscuits</h1>
            <p>First   paragraph with <b>bold</b> and <a href="#">a link</a>, long enough to be scored as text.</p>
            <figure><img src="x.jpg"><figcaption>A cup of tea. <span class="credit">Someone</span></figcaption></figure>
            <p>Second&nbsp;paragraph &#8212; with &#x2019;entities&rsquo;.<br>Next line, still the same paragraph.</p>
            <!-- a comment <p>hidden</p> --></article><footer>© The Daily</footer></body></html>
            """
        let articles = try PageImporter.importDocument(Data(html.utf8))
        #expect(articles.count == 1)
        let article = articles[0]
        #expect(article.title == "Tea & Biscuits")
        #expect(article.byline == "Ada Lovelace")
        #expect(article.source == "The Daily")
        #expect(article.language == "en-GB")
        #expect(article.url == "https://daily.example/tea")
        #expect(article.publishedAt == 1_714_557_600_000)
        #expect(
            article.content
                == "First paragraph with bold and a link, long enough to be scored as text.\n\nA cup of tea.\n\n"
                + "Second paragraph — with ’entities’.\nNext line, still the same paragraph.")
    }

    @Test func jsonLDComesBeforeOpenGraph() throws {
        let head = """
            <title>Site name | Section</title><meta property="og:title" content="OG title">
            <meta property="og:site_name" content="OG site"><meta name="author" content="Meta Author">
            <script type="application/ld+json">
            {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "The real headline",
             "author": [{"@type": "Person", "name": "Ann One"}, {"@type": "Person", "name": "Bo Two"}],
             "publisher": {"name": "The Paper"}, "datePublished": "2023-02-03T04:05:06Z"}
            </script>
            """
        let article = try Self.page(
            "<article><p>\(Self.prose("One"))</p><p>\(Self.prose("Two"))</p></article>", head: head)
        #expect(article.title == "The real headline")
        #expect(article.byline == "Ann One, Bo Two")
        #expect(article.source == "The Paper")
        #expect(article.publishedAt == 1_675_397_106_000)
    }

    @Test func theTitleLosesItsSiteSuffix() throws {
        let article = try Self.page(
            "<p>\(Self.prose("One"))</p>", head: "<title>Markets rally as inflation cools - The Example Times</title>")
        #expect(article.title == "Markets rally as inflation cools")
        // En and em dashes separate a site's name as often (as current Readability cuts them).
        for dash in ["–", "—"] {
            let dashed = try Self.page(
                "<p>\(Self.prose("One"))</p>", head: "<title>Markets rally as inflation cools \(dash) The Times</title>"
            )
            #expect(dashed.title == "Markets rally as inflation cools")
        }
    }

    @Test func furnitureIsLeftOut() throws {
        let body = """
            <div class="site-header"><a href="/">Home</a> | <a href="/about">About us and our mission</a></div>
            <div id="main-content">
              <p>\(Self.prose("Kept one"))</p>
              <div class="share-tools"><a href="https://x.example/share">Share on X</a> Share this story now</div>
              <p>\(Self.prose("Kept two"))</p>
              <p>\(Self.prose("Kept three"))</p>
              <p>\(Self.prose("Kept four"))</p>
              <p>\(Self.prose("Kept five"))</p>
              <div style="display: none"><p>\(Self.prose("Hidden"))</p></div>
              <p hidden>\(Self.prose("Also hidden"))</p>
              <ul class="related-links"><li><a href="/a">A related story about something else entirely</a></li>
                <li><a href="/b">Another related story about something else again</a></li></ul>
            </div>
            <aside class="sidebar"><p>\(Self.prose("Sidebar"))</p></aside>
            <div class="comments"><p>\(Self.prose("A comment"))</p></div>
            """
        let content = try Self.page(body).content
        for kept in ["Kept one", "Kept two", "Kept three", "Kept four", "Kept five"] {
            #expect(content.contains(kept), "\(kept) should be kept")
        }
        for furniture in ["Home", "Share", "Hidden", "Also hidden", "related story", "Sidebar", "A comment"] {
            #expect(!content.contains(furniture), "\(furniture) should be left out")
        }
    }

    @Test func aBylineInTheBodyIsTakenOutAndKept() throws {
        let body = """
            <article><p class="byline">By Grace Hopper</p><p>\(Self.prose("One"))</p><p>\(Self.prose("Two"))</p></article>
            """
        let article = try Self.page(body)
        #expect(article.byline == "By Grace Hopper")
        #expect(!article.content.contains("Grace Hopper"))
    }

    @Test func headingsListsAndQuotesArePararaphs() throws {
        let body = """
            <article><p>\(Self.prose("Intro"))</p><h2>A heading</h2><p>\(Self.prose("After the heading"))</p>
            <blockquote>\(Self.prose("Quoted"))</blockquote>
            <ol><li>\(Self.prose("First item"))</li><li>\(Self.prose("Second item"))</li></ol></article>
            """
        let paragraphs = try Self.page(body).content.components(separatedBy: "\n\n")
        #expect(paragraphs.count == 6)
        #expect(paragraphs[1] == "A heading")
        #expect(paragraphs[3].hasPrefix("Quoted:"))
        #expect(paragraphs[5].hasPrefix("Second item:"))
    }

    @Test func chainsOfBreaksAreParagraphs() throws {
        let body = "<div>\(Self.prose("One"))<br><br>\(Self.prose("Two"))<br/><br/>\(Self.prose("Three"))</div>"
        let paragraphs = try Self.page(body).content.components(separatedBy: "\n\n")
        #expect(paragraphs.map { $0.prefix(5) } == ["One: ", "Two: ", "Three"])
    }

    @Test func encodingsAreReadAsDeclaredOrAsTheBytesShow() throws {
        // Windows-1252 declared: é is one byte.
        var latin = Data("<html><head><meta charset=\"windows-1252\"><title>Caf".utf8)
        latin.append(0xE9)
        latin.append(contentsOf: Data("</title></head><body><p>\(Self.prose("Caf"))</p></body></html>".utf8))
        #expect(try PageImporter.importHTML(latin).title == "Café")
        // A page saved again as UTF-8 that still declares gb2312 (one of the corpus's pages).
        let resaved =
            "<html><head><meta charset=\"gb2312\"><title>新闻标题</title></head><body><p>\(Self.prose("新闻"))</p></body></html>"
        #expect(try PageImporter.importHTML(Data(resaved.utf8)).title == "新闻标题")
    }
}
