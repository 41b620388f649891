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

/// Every element of one parsed page, and those extraction makes for it, kept alive together.
///
/// An element points at its parent without owning it (an owning pointer would make a cycle). A
/// `weak` pointer gave every element a side table, and then each retain and release of it took
/// the slow path; an `unowned` one does not, but traps if its parent is freed first, and the
/// cleaning passes detach subtrees whose elements are still listed for scoring. So the tree owns
/// them all, and they live as long as it.
final class HTMLTree {
    private var elements: [HTMLElement] = []

    /// A new element of this tree.
    func element(_ tag: String, attributes: [(name: String, value: String)] = []) -> HTMLElement {
        let element = HTMLElement(tag: tag, attributes: attributes)
        elements.append(element)
        return element
    }

    /// Every element's tag and children as they stand now, for `restore`. The children arrays
    /// are shared until changed, so taking one copies no element.
    struct Snapshot {
        fileprivate let entries: [(element: HTMLElement, tag: String, children: [HTMLNode])]
    }

    /// The tree as it stands.
    func snapshot() -> Snapshot {
        Snapshot(entries: elements.map { ($0, $0.tag, $0.children) })
    }

    /// Puts every element of `snapshot` back as it was then, with nothing measured or scored:
    /// what a new parse of the page would give, without parsing it again. Elements made since
    /// are left out of it.
    func restore(_ snapshot: Snapshot) {
        for entry in snapshot.entries { entry.element.reset(tag: entry.tag, children: entry.children) }
        for entry in snapshot.entries {
            for case .element(let child) in entry.children { child.parent = entry.element }
        }
    }
}

/// An element of a parsed page. A class: extraction scores elements by identity, moves them
/// between parents and removes them, as Readability does with the DOM. Made by an `HTMLTree`,
/// which must outlive every use of it.
final class HTMLElement {
    /// The tag name, lowercased.
    var tag: String
    /// The kept attributes (`HTMLDocument.isKept(attribute:)`), in the page's order: a few, so a
    /// search through them is faster than hashing.
    let attributes: [(name: String, value: String)]
    private(set) var children: [HTMLNode] = []
    fileprivate(set) unowned var parent: HTMLElement?
    /// `textSummary`, until the subtree changes (scoring reads lengths over and over).
    private var cachedTextSummary: TextSummary?
    /// `linkedTenths`, until the subtree changes.
    private var cachedLinkedTenths: Int?

    /// The content score, once the element was scored (nil: never a candidate).
    var score: Double?
    /// Set on tables that hold data, not layout.
    var isDataTable = false

    fileprivate init(tag: String, attributes: [(name: String, value: String)]) {
        self.tag = tag
        self.attributes = attributes
    }

    subscript(attribute: String) -> String? {
        for (name, value) in attributes where name == attribute { return value }
        return nil
    }

    /// `class` and `id` together, lowercased: what the class/id hints are matched against.
    lazy var hints: String = ((self["class"] ?? "") + " " + (self["id"] ?? "")).lowercased()

    /// The child elements, in order.
    var elements: [HTMLElement] { children.compactMap(\.element) }

    /// Appends `node`, taking it from its parent first.
    func append(_ node: HTMLNode) {
        if case .element(let element) = node {
            element.detach()
            element.parent = self
        }
        children.append(node)
        textChanged()
    }

    /// Back to `tag` and `children`, unscored and unmeasured, with no parent (`HTMLTree.restore`
    /// sets it).
    fileprivate func reset(tag: String, children: [HTMLNode]) {
        self.tag = tag
        self.children = children
        parent = nil
        cachedTextSummary = nil
        cachedLinkedTenths = nil
        score = nil
        isDataTable = false
    }

    /// A copy of this element and its subtree, made in `tree` (a restore of the tree leaves it
    /// as it is).
    func copy(in tree: HTMLTree) -> HTMLElement {
        let copy = tree.element(tag, attributes: attributes)
        copy.adopt(
            children.map { child in
                if case .element(let element) = child { .element(element.copy(in: tree)) } else { child }
            })
        copy.score = score
        copy.isDataTable = isDataTable
        return copy
    }

    /// Forgets the text lengths of this element and its ancestors.
    private func textChanged() {
        // Every ancestor: one may have measured its subtree while this element kept no length.
        var next: HTMLElement? = self
        while let element = next {
            element.cachedTextSummary = nil
            element.cachedLinkedTenths = nil
            next = element.parent
        }
    }

    /// Takes this element out of its parent.
    func detach() {
        guard let parent else { return }
        parent.children.removeAll { $0.element === self }
        parent.textChanged()
        self.parent = nil
    }

    /// Puts `replacement` where this element stands in its parent.
    func replace(with replacement: HTMLElement) {
        guard let parent, let index = parent.children.firstIndex(where: { $0.element === self }) else { return }
        replacement.detach()
        replacement.parent = parent
        parent.children[index] = .element(replacement)
        parent.textChanged()
        self.parent = nil
    }

    /// Sets the parent of children put in place by hand.
    func adopt(_ nodes: [HTMLNode]) {
        for node in nodes { node.element?.parent = self }
        children = nodes
        textChanged()
    }

    /// Every descendant element, in document order.
    func descendants() -> [HTMLElement] { descendants { _ in true } }

    /// The descendant elements with one of `tags`, in document order.
    ///
    /// An array, not a set: the lists are a few short names, which compare faster than they hash.
    func descendants(_ tags: [String]) -> [HTMLElement] { descendants { tags.contains($0.tag) } }

    private func descendants(where include: (HTMLElement) -> Bool) -> [HTMLElement] {
        var found: [HTMLElement] = []
        func walk(_ element: HTMLElement) {
            for child in element.children {
                guard case .element(let child) = child else { continue }
                if include(child) { found.append(child) }
                walk(child)
            }
        }
        walk(self)
        return found
    }

    /// The first descendant, in document order, that passes `include`; the walk stops there.
    func firstDescendant(where include: (HTMLElement) -> Bool) -> HTMLElement? {
        for child in children {
            guard case .element(let child) = child else { continue }
            if include(child) { return child }
            if let found = child.firstDescendant(where: include) { return found }
        }
        return nil
    }

    /// The count of descendants with one of `tags`.
    func count(_ tags: [String]) -> Int {
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

    /// The length of `innerText`, in Unicode scalars, counted without building it.
    var textLength: Int { textSummary.length }

    /// The text below, measured. Made of the children's, which it keeps, so that measuring every
    /// element of a page reads each text run once.
    private var textSummary: TextSummary {
        if let cachedTextSummary { return cachedTextSummary }
        var summary = TextSummary()
        for child in children {
            switch child {
            case .text(let run): summary.append(TextSummary(run))
            case .element(let element): summary.append(element.textSummary)
            }
        }
        cachedTextSummary = summary
        return summary
    }

    /// Ten times the length of the text inside links below, a link to a place on the page itself
    /// counting 0.3 (Readability's link density); in tenths so that the sum is exact in any order.
    var linkedTenths: Int {
        if let cachedLinkedTenths { return cachedLinkedTenths }
        var total = 0
        for child in children {
            guard case .element(let element) = child else { continue }
            if element.tag == "a" { total += element.textLength * (element["href"]?.hasPrefix("#") == true ? 3 : 10) }
            total += element.linkedTenths
        }
        cachedLinkedTenths = total
        return total
    }

    /// Counts scalars of the text that satisfy `predicate`, without building the text.
    func countScalars(where predicate: (Unicode.Scalar) -> Bool) -> Int {
        var total = 0
        for child in children {
            switch child {
            case .text(let run):
                HTMLText.forEachScalar(run) { value, _, _, _ in
                    if let scalar = Unicode.Scalar(value), predicate(scalar) { total += 1 }
                }
            case .element(let element): total += element.countScalars(where: predicate)
            }
        }
        return total
    }

    /// Whether any text below is more than white space.
    var hasVisibleText: Bool { textSummary.hasText }
}

/// A text as `HTMLText.collapsingWhitespace` would leave it, measured: its length in scalars, and
/// whether white space stands at its ends. Two texts side by side measure as their two summaries
/// joined, which lets an element's be made from its children's.
struct TextSummary: Equatable {
    /// The scalars left once each run of white space is one space and the ends are trimmed.
    private(set) var length = 0
    /// More than white space.
    private(set) var hasText = false
    /// White space before the first text (with no text: any white space at all).
    private(set) var leadingSpace = false
    /// White space after the last text (with no text: any white space at all).
    private(set) var trailingSpace = false

    init() {}

    /// The summary of one run of text.
    init(_ text: String) {
        var pendingSpace = false
        HTMLText.forEachScalar(text) { value, _, _, _ in
            if HTMLText.isSpace(value) {
                pendingSpace = true
                if !hasText { leadingSpace = true }
            } else {
                if pendingSpace && hasText { length += 1 }
                pendingSpace = false
                hasText = true
                length += 1
            }
        }
        trailingSpace = pendingSpace
    }

    /// This text followed by `next`.
    mutating func append(_ next: TextSummary) {
        guard next.hasText else {
            trailingSpace = trailingSpace || next.trailingSpace
            if !hasText { leadingSpace = trailingSpace }
            return
        }
        guard hasText else {
            let space = trailingSpace || next.leadingSpace
            self = next
            leadingSpace = space
            return
        }
        if trailingSpace || next.leadingSpace { length += 1 }
        length += next.length
        trailingSpace = next.trailingSpace
    }
}
