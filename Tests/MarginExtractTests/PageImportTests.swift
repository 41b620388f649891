import Foundation
import MarginExtract
import MarginShared
import Testing

struct PageImportTests {
    @Test func htmlImportsReadableParagraphsAndMetadata() throws {
        let html = """
            <!doctype html><html><head><title>Fallback &amp; title</title>
            <meta property="og:title" content="Tea &amp; Biscuits">
            <meta name="author" content="Ada Lovelace"><meta property="og:site_name" content="The Daily">
            <meta property="article:published_time" content="2024-05-01T10:00:00Z">
            <link rel="canonical" href="https://daily.example/tea?utm_source=feed">
            <style>p { color: red }</style><script>var x = "<p>not text</p>";</script></head>
            <body><nav><a href="/">Home</a></nav><article><h1>Tea &amp; Biscuits</h1>
            <p>First   paragraph with <b>bold</b> and <a href="#">a link</a>.</p>
            <figure><img src="x.jpg"><figcaption>A cup. Credit: Someone</figcaption></figure>
            <p>Second&nbsp;paragraph &#8212; with &#x2019;entities&rsquo;.<br>Next line.</p>
            <!-- a comment <p>hidden</p> --></article><footer>© The Daily</footer></body></html>
            """
        let articles = try PageImporter.importDocument(Data(html.utf8))
        #expect(articles.count == 1)
        let article = articles[0]
        #expect(article.title == "Tea & Biscuits")
        #expect(article.byline == "Ada Lovelace")
        #expect(article.source == "The Daily")
        #expect(article.url == "https://daily.example/tea")
        #expect(article.publishedAt == 1_714_557_600_000)
        #expect(
            article.content
                == "First paragraph with bold and a link.\n\nSecond paragraph — with ’entities’.\n\nNext line.")
    }

}
