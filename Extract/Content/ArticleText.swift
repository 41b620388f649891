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
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// Writes the text as it is read: separators are written before the next visible text, so
    /// an empty line or paragraph leaves none.
    private struct Writer {
        private(set) var bytes: [UInt8] = []
        /// The line being written holds text.
        private var lineHasText = false
        /// The paragraph being written holds a line with text.
        private var paragraphHasText = false
        /// White space was read after the line's last text.
        private var pendingSpace = false

        mutating func walk(_ element: HTMLElement) {
            for child in element.children {
                switch child {
                case .text(let text):
                    write(text)
                case .element(let child):
                    if skippedTags.contains(child.tag) { continue }
                    if child.tag == "br" {
                        endLine()
                    } else if child.tag == "td" || child.tag == "th" {
                        pendingSpace = lineHasText
                        walk(child)
                        pendingSpace = lineHasText
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

        private mutating func write(_ text: String) {
            HTMLText.forEachScalar(text) { value, utf8, start, end in
                if HTMLText.isSpace(value) {
                    pendingSpace = lineHasText
                    return
                }
                if !lineHasText {
                    if paragraphHasText {
                        bytes.append(0x0A)
                    } else if !bytes.isEmpty {
                        bytes.append(0x0A)
                        bytes.append(0x0A)
                    }
                    lineHasText = true
                    paragraphHasText = true
                } else if pendingSpace {
                    bytes.append(0x20)
                }
                pendingSpace = false
                if end - start == 1 {
                    bytes.append(utf8[start])
                } else {
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<end]))
                }
            }
        }

        mutating func endLine() {
            lineHasText = false
            pendingSpace = false
        }

        mutating func endParagraph() {
            endLine()
            paragraphHasText = false
        }
    }
}
