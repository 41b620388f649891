/// Finds a page's main content the way Mozilla Readability does: text blocks are scored by their
/// length and commas, the score flows to their parent and grandparent, class/id hints weigh it,
/// link density discounts it; the best candidate and its worthy siblings are kept, then cleaned
/// of what is not article (navigation, share widgets, forms, link lists, empty blocks).
struct ContentExtractor {
    /// The passes' switches: each retry, when too little text was found, drops one.
    struct Flags: OptionSet {
        let rawValue: Int
        static let stripUnlikely = Flags(rawValue: 1)
        static let weightClasses = Flags(rawValue: 2)
        static let cleanConditionally = Flags(rawValue: 4)
        static let all: Flags = [.stripUnlikely, .weightClasses, .cleanConditionally]
    }

    /// Fewer characters than this and extraction tries again, less strictly.
    static let charThreshold = 500

    var flags: Flags = .all
    /// What owns the page's elements, and those this pass makes.
    let tree: HTMLTree
    /// The article's title, so that a heading repeating it is not kept in the body.
    let title: String
    /// The title's words, which every h1 and h2 is compared with.
    private let titleWords: Set<String>
    /// The byline found in the body, when the page's metadata had none.
    private(set) var byline: String?
    private var bylineFound: Bool

    init(tree: HTMLTree, title: String, bylineKnown: Bool) {
        self.tree = tree
        self.title = title
        titleWords = PageTitle.words(title)
        bylineFound = bylineKnown
    }

    /// The article element of `document`, which it changes (keep the document while the article
    /// is read); nil when no pass finds any text. Each later pass, tried while the text found is
    /// short, starts from the page as it was parsed: the tree is put back, not parsed again.
    static func extract(from document: HTMLDocument, title: String, bylineKnown: Bool)
        -> (article: HTMLElement, byline: String?)?
    {
        var best: (article: HTMLElement, byline: String?, length: Int)?
        var flags = Flags.all
        let parsed = document.tree.snapshot()
        for (pass, drop) in [Flags.stripUnlikely, .weightClasses, .cleanConditionally, []].enumerated() {
            if pass > 0 { document.tree.restore(parsed) }
            var extractor = ContentExtractor(tree: document.tree, title: title, bylineKnown: bylineKnown)
            extractor.flags = flags
            if let article = extractor.grab(document.root) {
                let length = article.textLength
                if length >= charThreshold { return (article, extractor.byline) }
                // The next pass puts the tree back under it: the best so far is copied out.
                if length > (best?.length ?? 0) {
                    best = (article.copy(in: document.tree), extractor.byline, length)
                }
            }
            if drop.isEmpty { break }
            flags.remove(drop)
        }
        return best.map { ($0.article, $0.byline) }
    }

    // MARK: - One pass

    private mutating func grab(_ page: HTMLElement) -> HTMLElement? {
        ContentExtractor.prepare(page, in: tree)
        let body = page.firstDescendant { $0.tag == "body" } ?? page
        var toScore: [HTMLElement] = []
        var stack: [HTMLElement] = [body]
        // Document order, depth first; a removed element's subtree is skipped with it.
        while let node = stack.popLast() {
            if let replacement = visit(node, body: body, toScore: &toScore) {
                stack.append(contentsOf: replacement.elements.reversed())
            }
        }
        let candidates = score(toScore)
        return assemble(body: body, candidates: candidates)
    }

    /// Looks at one element on the way down: drops it (nil) or turns it into what is scored.
    private mutating func visit(_ node: HTMLElement, body: HTMLElement, toScore: inout [HTMLElement]) -> HTMLElement? {
        if node === body { return node }
        let hints = node.hints
        if !Self.isProbablyVisible(node) {
            node.detach()
            return nil
        }
        if node["aria-modal"] == "true" && node["role"] == "dialog" {
            node.detach()
            return nil
        }
        if !bylineFound && isByline(node, hints: hints) {
            byline = Self.bylineText(node)
            bylineFound = true
            node.detach()
            return nil
        }
        if isHeaderDuplicatingTitle(node) {
            node.detach()
            return nil
        }
        if flags.contains(.stripUnlikely) {
            if Hints.unlikely.matches(hints) && !Hints.maybe.matches(hints) && !node.hasAncestor("table")
                && !node.hasAncestor("code") && node.tag != "body" && node.tag != "a"
            {
                node.detach()
                return nil
            }
            if let role = node["role"], Self.unlikelyRoles.contains(role) {
                node.detach()
                return nil
            }
        }
        if ["div", "section", "header", "h1", "h2", "h3", "h4", "h5", "h6"].contains(node.tag)
            && Self.isWithoutContent(node)
        {
            node.detach()
            return nil
        }
        if Self.tagsToScore.contains(node.tag) { toScore.append(node) }
        guard node.tag == "div" else { return node }
        Self.wrapPhrasingRuns(node, in: tree)
        // A div holding one paragraph is that paragraph (some sites wrap each one).
        if node.children.count(where: { !Self.isWhitespace($0) }) == 1, let only = node.elements.first,
            only.tag == "p", Self.linkDensity(node) < 0.25
        {
            node.replace(with: only)
            toScore.append(only)
            return only
        }
        if !Self.hasChildBlockElement(node) {
            node.tag = "p"
            toScore.append(node)
        }
        return node
    }

    /// Scores each paragraph-like element and credits its ancestors; the candidates, best first.
    private func score(_ elements: [HTMLElement]) -> [HTMLElement] {
        var candidates: [HTMLElement] = []
        for element in elements where element.parent != nil {
            let length = element.textLength
            guard length >= 25 else { continue }
            let ancestors = element.ancestors(limit: 5)
            guard !ancestors.isEmpty else { continue }
            var contentScore = 1.0
            contentScore += Double(Self.commaCount(element) + 1)
            contentScore += Double(min(length / 100, 3))
            for (level, ancestor) in ancestors.enumerated() {
                // An ancestor with no parent element is the document itself: not a candidate.
                guard ancestor.parent != nil else { break }
                if ancestor.score == nil {
                    ancestor.score = initialScore(ancestor)
                    candidates.append(ancestor)
                }
                let divider = level == 0 ? 1.0 : level == 1 ? 2.0 : Double(level * 3)
                ancestor.score! += contentScore / divider
            }
        }
        // The score counts only the text outside links.
        for candidate in candidates {
            candidate.score = candidate.score! * (1 - Self.linkDensity(candidate))
        }
        return candidates.sorted { $0.score! > $1.score! }
    }

    /// The starting score of a candidate, by its tag and its class/id hints.
    private func initialScore(_ element: HTMLElement) -> Double {
        var score: Double
        switch element.tag {
        case "div": score = 5
        case "pre", "td", "blockquote": score = 3
        case "address", "ol", "ul", "dl", "dd", "dt", "li", "form": score = -3
        case "h1", "h2", "h3", "h4", "h5", "h6", "th": score = -5
        default: score = 0
        }
        return score + classWeight(element)
    }

    /// +25 for each of class and id that hints at content, −25 for each that hints at furniture.
    func classWeight(_ element: HTMLElement) -> Double {
        guard flags.contains(.weightClasses) else { return 0 }
        var weight = 0.0
        for value in [element["class"], element["id"]] {
            guard let value = value?.lowercased(), !value.isEmpty else { continue }
            if Hints.negative.matches(value) || Hints.isHid(value) { weight -= 25 }
            if Hints.positive.matches(value) { weight += 25 }
        }
        return weight
    }

    /// The best candidate with the siblings that belong to the article, cleaned; nil when the page
    /// has no text.
    private func assemble(body: HTMLElement, candidates: [HTMLElement]) -> HTMLElement? {
        let top5 = Array(candidates.prefix(5))
        var top: HTMLElement
        if let best = top5.first, best.tag != "body" {
            top = best
            top = Self.commonAncestor(of: top, alternatives: top5, body: body)
            top = Self.climb(from: top, body: body)
        } else {
            // No candidate: the whole body is the article.
            top = tree.element("div")
            top.adopt(body.children)
            body.adopt([.element(top)])
            top.score = initialScore(top)
        }
        if top.score == nil { top.score = initialScore(top) }
        let article = tree.element("div")
        let threshold = max(10, top.score! * 0.2)
        let siblings = top.parent?.elements ?? [top]
        let topClass = top["class"] ?? ""
        for sibling in siblings {
            var append = sibling === top
            if !append {
                let bonus = !topClass.isEmpty && sibling["class"] == topClass ? top.score! * 0.2 : 0
                if let score = sibling.score, score + bonus >= threshold {
                    append = true
                } else if sibling.tag == "p" {
                    let density = Self.linkDensity(sibling)
                    let text = sibling.innerText
                    let length = text.unicodeScalars.count
                    if length > 80 && density < 0.25 {
                        append = true
                    } else if length < 80 && length > 0 && density == 0 && Self.hasSentenceEnd(text) {
                        append = true
                    }
                }
            }
            if append { article.append(.element(sibling)) }
        }
        clean(article)
        return article.textContent.trimmingSpaces.isEmpty ? nil : article
    }

    /// Moves the top candidate up to the ancestor shared by three of the close runners-up.
    private static func commonAncestor(of top: HTMLElement, alternatives: [HTMLElement], body: HTMLElement)
        -> HTMLElement
    {
        let close = alternatives.dropFirst().filter { $0.score! / top.score! >= 0.75 }.map {
            Set($0.ancestors().map(ObjectIdentifier.init))
        }
        guard close.count >= 3 else { return top }
        var parent = top.parent
        while let current = parent, current !== body, current.tag != "body" {
            if close.filter({ $0.contains(ObjectIdentifier(current)) }).count >= 3 { return current }
            parent = current.parent
        }
        return top
    }

    /// Climbs to a parent that scores better, then past parents that hold nothing else.
    private static func climb(from start: HTMLElement, body: HTMLElement) -> HTMLElement {
        var top = start
        var lastScore = top.score ?? 0
        let threshold = lastScore / 3
        var parent = top.parent
        while let current = parent, current.tag != "body", current !== body {
            guard let score = current.score else {
                parent = current.parent
                continue
            }
            if score < threshold { break }
            if score > lastScore {
                top = current
                break
            }
            lastScore = score
            parent = current.parent
        }
        while let current = top.parent, current.tag != "body", current !== body, current.elements.count == 1 {
            top = current
        }
        return top
    }

    // MARK: - Bylines and titles

    private func isByline(_ node: HTMLElement, hints: String) -> Bool {
        let marked =
            node["rel"] == "author" || (node["itemprop"]?.contains("author") ?? false) || Hints.byline.matches(hints)
        guard marked else { return false }
        let text = node.textContent.trimmingSpaces
        return !text.isEmpty && text.unicodeScalars.count < 100
    }

    private static func bylineText(_ node: HTMLElement) -> String {
        // A name marked inside the byline is the name; the rest may be "By" and a date.
        if let name = node.firstDescendant(where: { $0["itemprop"]?.contains("name") ?? false }) {
            let text = name.innerText
            if !text.isEmpty { return text }
        }
        return node.innerText
    }

    private func isHeaderDuplicatingTitle(_ node: HTMLElement) -> Bool {
        guard node.tag == "h1" || node.tag == "h2", !title.isEmpty else { return false }
        return PageTitle.similarity(titleWords, node.innerText) > 0.75
    }

    // MARK: - Rules

    static let tagsToScore: Set<String> = ["section", "h2", "h3", "h4", "h5", "h6", "p", "td", "pre"]
    static let unlikelyRoles: Set<String> = [
        "menu", "menubar", "complementary", "navigation", "alert", "alertdialog", "dialog",
    ]
    /// Elements that make a div more than a paragraph.
    static let blockTags: Set<String> = ["blockquote", "dl", "div", "img", "ol", "p", "pre", "table", "ul"]
    static let phrasingTags: Set<String> = [
        "abbr", "audio", "b", "bdo", "br", "button", "cite", "code", "data", "datalist", "dfn", "em", "embed", "i",
        "img", "input", "kbd", "label", "mark", "math", "meter", "noscript", "object", "output", "progress", "q",
        "ruby", "samp", "script", "select", "small", "span", "strong", "sub", "sup", "textarea", "time", "var", "wbr",
    ]

    static func isProbablyVisible(_ node: HTMLElement) -> Bool {
        if let style = node["style"], hidesElement(style: style) { return false }
        if node["hidden"] != nil { return false }
        if node["aria-hidden"] == "true" && !(node["class"]?.contains("fallback-image") ?? false) { return false }
        return true
    }

    /// Whether a `style` attribute says `display:none` or `visibility:hidden` (in any case, with
    /// white space anywhere). Read as ASCII bytes: most elements of a page pass through here.
    static func hidesElement(style: String) -> Bool {
        var compact: [UInt8] = []
        compact.reserveCapacity(style.utf8.count)
        for byte in style.utf8 where byte >= 0x80 || !HTMLText.isSpace(UInt32(byte)) {
            compact.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
        }
        return compact.withUnsafeBufferPointer { bytes in
            Hints.hidden.matches(bytes)
        }
    }

    static func isWhitespace(_ node: HTMLNode) -> Bool {
        switch node {
        case .text(let text): return HTMLText.isBlank(text)
        case .element(let element): return element.tag == "br"
        }
    }

    static func isPhrasing(_ node: HTMLNode) -> Bool {
        switch node {
        case .text: return true
        case .element(let element):
            if phrasingTags.contains(element.tag) { return true }
            return ["a", "del", "ins"].contains(element.tag) && element.children.allSatisfy(isPhrasing)
        }
    }

    static func isWithoutContent(_ node: HTMLElement) -> Bool {
        guard !node.hasVisibleText else { return false }
        let elements = node.elements
        return elements.isEmpty || elements.count == node.count(["br", "hr"])
    }

    static func hasChildBlockElement(_ node: HTMLElement) -> Bool {
        node.elements.contains { blockTags.contains($0.tag) || hasChildBlockElement($0) }
    }

    /// Puts each run of phrasing content of a div into a paragraph of its own.
    static func wrapPhrasingRuns(_ div: HTMLElement, in tree: HTMLTree) {
        guard div.children.contains(where: { !isPhrasing($0) }) else { return }
        var result: [HTMLNode] = []
        var run: [HTMLNode] = []
        func flush() {
            while let last = run.last, isWhitespace(last) { run.removeLast() }
            if !run.isEmpty {
                let paragraph = tree.element("p")
                paragraph.adopt(run)
                result.append(.element(paragraph))
            }
            run = []
        }
        for child in div.children {
            if isPhrasing(child) {
                if run.isEmpty && isWhitespace(child) {
                    result.append(child)
                } else {
                    run.append(child)
                }
            } else {
                flush()
                result.append(child)
            }
        }
        flush()
        div.adopt(result)
    }

    /// The share of an element's text inside links (a link to the page itself counts 0.3).
    static func linkDensity(_ element: HTMLElement) -> Double {
        let length = element.textLength
        guard length > 0 else { return 0 }
        return Double(element.linkedTenths) / 10 / Double(length)
    }

    /// The commas of an element's text (Latin, Arabic, CJK and other forms).
    static func commaCount(_ element: HTMLElement) -> Int {
        element.countScalars(where: { scalar in
            switch scalar {
            case ",", "،", "﹐", "︐", "︑", "⸴", "⸲", "，": true
            default: false
            }
        })
    }

    static func hasSentenceEnd(_ text: String) -> Bool {
        text.hasSuffix(".") || text.contains(". ")
    }
}
