import CLibXML2
import Foundation
import Testing

@testable import MarginExtract

/// The tree built from libxml2's parser events is the tree libxml2's own tree builder makes of the
/// same page (comments and processing instructions left out, the kept attributes only).
struct PageTreeTests {
    /// A tree reduced to what extraction reads, comparable across the two builders.
    indirect enum Shape: Equatable, CustomStringConvertible {
        case element(String, [String], [Shape])
        case text(String)

        var description: String {
            switch self {
            case .element(let tag, let attributes, let children):
                "<\(tag) \(attributes.joined(separator: " "))>\(children.map(\.description).joined())</\(tag)>"
            case .text(let text): text
            }
        }
    }

    static func shape(_ element: HTMLElement) -> Shape {
        .element(
            element.tag, element.attributes.map { "\($0.name)=\($0.value)" },
            element.children.map { child in
                switch child {
                case .element(let element): shape(element)
                case .text(let text): .text(text)
                }
            })
    }

    /// libxml2's own tree of `node`, reduced the same way.
    static func shape(_ node: xmlNodePtr) -> Shape {
        var attributes: [String] = []
        var attribute = node.pointee.properties
        while let current = attribute {
            let name = String(cString: current.pointee.name)
            if HTMLDocument.isKept(attribute: name) {
                var value = ""
                var part = current.pointee.children
                while let text = part {
                    if let content = text.pointee.content { value += String(cString: content) }
                    part = text.pointee.next
                }
                attributes.append("\(name)=\(value)")
            }
            attribute = current.pointee.next
        }
        var children: [Shape] = []
        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE: children.append(shape(current))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content { children.append(.text(String(cString: content))) }
            default: break
            }
            child = current.pointee.next
        }
        return .element(String(cString: node.pointee.name), attributes, children)
    }

    /// Where two shapes first differ: the path of child indexes and both nodes there, shortened.
    static func firstDifference(_ one: Shape?, _ other: Shape?, path: [Int] = []) -> String? {
        func brief(_ shape: Shape?) -> String {
            guard let shape else { return "nothing" }
            return String(shape.description.prefix(160)).debugDescription
        }
        guard case .element(let tag, let attributes, let children)? = one,
            case .element(let otherTag, let otherAttributes, let otherChildren)? = other,
            tag == otherTag, attributes == otherAttributes
        else { return one == other ? nil : "at \(path): \(brief(one)) against \(brief(other))" }
        for index in 0..<max(children.count, otherChildren.count) {
            let mine = index < children.count ? children[index] : nil
            let theirs = index < otherChildren.count ? otherChildren[index] : nil
            if let difference = firstDifference(mine, theirs, path: path + [index]) { return difference }
        }
        return nil
    }

    static func libxml2Shape(_ data: Data) throws -> Shape? {
        guard let document = HTMLDocument.libxml2Parse(data, encoding: try HTMLDocument.encoding(of: data)) else {
            return nil
        }
        defer { xmlFreeDoc(document) }
        return xmlDocGetRootElement(document).map(shape)
    }

    static func ourShape(_ data: Data) throws -> Shape {
        let document = try HTMLDocument.parse(data)
        return withExtendedLifetime(document) { shape(document.root) }
    }

    @Test(arguments: [
        "<html><body><p>one<!-- a comment -->two</p></body></html>",
        "<p>no html, no body <b>bold</b> &amp; entities &eacute;",
        "<HTML><BODY CLASS=Main ID='X'><DIV Hidden>upper case</DIV></BODY></HTML>",
        "<body><script>if (a < b) { x() }</script>text<style>p{}</style><?php echo 1 ?>after</body>",
        "<table><tr><td>cell<td>next</table><ul><li>one<li>two</ul>",
        "<div class=a class=b id=c>repeated attribute</div>",
        "text before any tag<p>then a paragraph",
        "<body>\n  <div>\n    <p>indented</p>\n  </div>\n</body>",
        "<a href=#x>link<a href=#y>another link</a></a>",
        "<body><p>café — naïve – “quotes” 日本語 😀</p></body>",
        "<body xml:lang=fr><g:plusone href=x></g:plusone><a0:nav><a0:ul><li>namespaced</li></a0:ul></a0:nav></body>",
        "<body><:odd>colon first</:odd><x:>colon last</x:></body>",
    ])
    func theTreeIsLibxml2sOwn(html: String) throws {
        let data = Data(html.utf8)
        let ours = try Self.ourShape(data)
        let theirs = try Self.libxml2Shape(data)
        #expect(ours == theirs, "\(Self.firstDifference(ours, theirs) ?? "")")
    }

    /// Whether every element below `element` names its parent rightly.
    static func parentsHold(_ element: HTMLElement) -> Bool {
        element.elements.allSatisfy { $0.parent === element && parentsHold($0) }
    }

    /// Every corpus page's source, by name.
    static func corpusPages() throws -> [(name: String, data: Data)] {
        try FileManager.default.contentsOfDirectory(atPath: CorpusTests.corpus).sorted().compactMap { name in
            let path = "\(CorpusTests.corpus)/\(name)/source.html"
            guard FileManager.default.fileExists(atPath: path) else { return nil }
            return (name, try Data(contentsOf: URL(fileURLWithPath: path)))
        }
    }

    @Test func aRestoredTreeIsTheParsedOneAgain() throws {
        let pages = try Self.corpusPages()
        #expect(pages.count == 130)
        for (name, data) in pages {
            let document = try HTMLDocument.parse(data)
            try withExtendedLifetime(document) {
                let parsed = document.tree.snapshot()
                // A pass cuts, moves, wraps and renames elements all over the page.
                let article = ContentExtractor.extract(from: document, title: "", bylineKnown: false)
                #expect(article != nil, "\(name): nothing extracted")
                document.tree.restore(parsed)
                let fresh = try Self.ourShape(data)
                let shape = Self.shape(document.root)
                #expect(shape == fresh, "\(name): \(Self.firstDifference(shape, fresh) ?? "")")
                #expect(Self.parentsHold(document.root), "\(name): a parent is wrong")
                #expect(document.root.textLength == (try HTMLDocument.parse(data)).root.textLength)
            }
        }
    }

    @Test func everyCorpusPageBuildsLibxml2sOwnTree() throws {
        let pages = try Self.corpusPages()
        #expect(pages.count == 130)
        for (name, data) in pages {
            let ours = try Self.ourShape(data)
            let theirs = try Self.libxml2Shape(data)
            #expect(ours == theirs, "\(name): \(Self.firstDifference(ours, theirs) ?? "")")
        }
    }
}
