/// A node of a parsed page: an element or a run of text.
enum HTMLNode {
    case element(HTMLElement)
    case text(String)

    /// The element, when this is one.
    var element: HTMLElement? {
        if case .element(let element) = self { return element }
        return nil
    }
}

/// An element of a parsed page. A class: extraction scores elements by identity, moves them
/// between parents and removes them, as Readability does with the DOM.
final class HTMLElement {
    /// The tag name, lowercased.
    var tag: String
    let attributes: [String: String]
    var children: [HTMLNode] = []
    private(set) weak var parent: HTMLElement?

    /// The content score, once the element was scored (nil: never a candidate).
    var score: Double?
    /// Set on tables that hold data, not layout.
    var isDataTable = false

    init(tag: String, attributes: [String: String] = [:]) {
        self.tag = tag
        self.attributes = attributes
    }

    subscript(attribute: String) -> String? { attributes[attribute] }

    /// `class` and `id` together, lowercased: what the class/id hints are matched against.
    lazy var hints: String = ((attributes["class"] ?? "") + " " + (attributes["id"] ?? "")).lowercased()

    /// The child elements, in order.
    var elements: [HTMLElement] { children.compactMap(\.element) }

    /// Appends `node`, taking it from its parent first.
    func append(_ node: HTMLNode) {
        if case .element(let element) = node {
            element.detach()
            element.parent = self
        }
        children.append(node)
    }

    /// A deep copy, without scores.
    func clone() -> HTMLElement {
        let copy = HTMLElement(tag: tag, attributes: attributes)
        copy.adopt(
            children.map { child in
                switch child {
                case .text: child
                case .element(let element): .element(element.clone())
                }
            })
        return copy
    }

    /// Takes this element out of its parent.
    func detach() {
        guard let parent else { return }
        parent.children.removeAll { $0.element === self }
        self.parent = nil
    }

    /// Puts `replacement` where this element stands in its parent.
    func replace(with replacement: HTMLElement) {
        guard let parent, let index = parent.children.firstIndex(where: { $0.element === self }) else { return }
        replacement.detach()
        replacement.parent = parent
        parent.children[index] = .element(replacement)
        self.parent = nil
    }

    /// Sets the parent of children put in place by hand.
    func adopt(_ nodes: [HTMLNode]) {
        for node in nodes { node.element?.parent = self }
        children = nodes
    }

    /// Every descendant element, in document order.
    func descendants(_ tags: Set<String>? = nil) -> [HTMLElement] {
        var found: [HTMLElement] = []
        func walk(_ element: HTMLElement) {
            for child in element.children {
                guard case .element(let child) = child else { continue }
                if tags.map({ $0.contains(child.tag) }) ?? true { found.append(child) }
                walk(child)
            }
        }
        walk(self)
        return found
    }

    /// The count of descendants with one of `tags`.
    func count(_ tags: Set<String>) -> Int {
        var total = 0
        for child in children {
            guard case .element(let child) = child else { continue }
            if tags.contains(child.tag) { total += 1 }
            total += child.count(tags)
        }
        return total
    }

    /// The ancestors, nearest first, up to `limit` of them (0: all).
    func ancestors(limit: Int = 0) -> [HTMLElement] {
        var found: [HTMLElement] = []
        var next = parent
        while let element = next, limit == 0 || found.count < limit {
            found.append(element)
            next = element.parent
        }
        return found
    }

    /// Whether an ancestor has `tag` (and passes `filter`).
    func hasAncestor(_ tag: String, where filter: (HTMLElement) -> Bool = { _ in true }) -> Bool {
        var next = parent
        while let element = next {
            if element.tag == tag && filter(element) { return true }
            next = element.parent
        }
        return false
    }

    /// The raw text of every descendant text node, concatenated.
    var textContent: String {
        var text = ""
        appendText(to: &text)
        return text
    }

    private func appendText(to text: inout String) {
        for child in children {
            switch child {
            case .text(let run): text += run
            case .element(let element): element.appendText(to: &text)
            }
        }
    }

    /// The text trimmed, its runs of white space made one space: what Readability measures.
    var innerText: String { HTMLText.collapsingWhitespace(textContent) }

    /// The length of `innerText`, in characters.
    var textLength: Int { innerText.count }
}
