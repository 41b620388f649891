/// The readable text of an extracted article, as anchors count it: paragraphs (block elements:
/// paragraphs, headings, list items, block quotes, table rows…) separated by `\n\n`, a `<br>` a
/// `\n` inside one, and within a line each run of white space one space, trimmed.
enum ArticleText {
    static let blockTags: Set<String> = [
        "p", "div", "section", "article", "main", "header", "footer", "aside", "nav", "h1", "h2", "h3", "h4", "h5",
        "h6", "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "pre", "table", "thead", "tbody", "tfoot", "tr",
        "figure", "figcaption", "hr", "address", "form", "fieldset", "details", "summary", "center", "caption",
        "body", "html", "picture", "video", "audio",
    ]
    /// Never shown as text.
    static let skippedTags: Set<String> = [
        "script", "style", "noscript", "template", "svg", "iframe", "object", "embed", "button", "select", "input",
        "textarea", "head", "title", "meta", "link",
    ]

    /// The text of `element`.
    static func of(_ element: HTMLElement) -> String {
        var writer = Writer()
        writer.walk(element)
        writer.endParagraph()
        return writer.paragraphs.joined(separator: "\n\n")
    }

    private struct Writer {
        var paragraphs: [String] = []
        var lines: [String] = []
        var line = ""

        mutating func walk(_ element: HTMLElement) {
            for child in element.children {
                switch child {
                case .text(let text):
                    line += text
                case .element(let child):
                    if skippedTags.contains(child.tag) { continue }
                    if child.tag == "br" {
                        endLine()
                    } else if child.tag == "td" || child.tag == "th" {
                        line += " "
                        walk(child)
                        line += " "
                    } else if blockTags.contains(child.tag) {
                        endParagraph()
                        walk(child)
                        endParagraph()
                    } else {
                        walk(child)
                    }
                }
            }
        }

        mutating func endLine() {
            let text = HTMLText.collapsingWhitespace(line)
            if !text.isEmpty { lines.append(text) }
            line = ""
        }

        mutating func endParagraph() {
            endLine()
            if !lines.isEmpty { paragraphs.append(lines.joined(separator: "\n")) }
            lines = []
        }
    }
}
