extension ContentExtractor {
    /// Readies a page for scoring: scripts, styles and templates go; `<br><br>` chains become
    /// paragraphs; `<font>` is a `<span>`.
    static func prepare(_ page: HTMLElement, in tree: HTMLTree) {
        strip(page)
        replaceBreakChains(page, in: tree)
    }

    /// Drops scripts, styles and templates below `element` and makes each `<font>` a `<span>`, in
    /// one walk.
    private static func strip(_ element: HTMLElement) {
        for child in element.elements {
            switch child.tag {
            case "script", "style", "noscript", "template", "link":
                child.detach()
            case "font":
                child.tag = "span"
                strip(child)
            default:
                strip(child)
            }
        }
    }

    /// `a<br><br>b` is two paragraphs: each chain of two or more `<br>` starts a `<p>` holding the
    /// phrasing content that follows it.
    static func replaceBreakChains(_ page: HTMLElement, in tree: HTMLTree) {
        for parent in [page] + page.descendants() where parent.children.count(where: { $0.element?.tag == "br" }) >= 2 {
            var result: [HTMLNode] = []
            var index = 0
            let children = parent.children
            var changed = false
            while index < children.count {
                let child = children[index]
                guard child.element?.tag == "br" else {
                    result.append(child)
                    index += 1
                    continue
                }
                // Is another <br> next, past white space?
                var next = index + 1
                var chain = false
                while next < children.count {
                    if children[next].element?.tag == "br" {
                        chain = true
                        next += 1
                    } else if case .text(let text) = children[next], HTMLText.isBlank(text) {
                        next += 1
                    } else {
                        break
                    }
                }
                guard chain else {
                    result.append(child)
                    index += 1
                    continue
                }
                changed = true
                var run: [HTMLNode] = []
                while next < children.count {
                    let node = children[next]
                    if node.element?.tag == "br" {
                        // Another chain ends this paragraph.
                        var after = next + 1
                        while after < children.count, case .text(let text) = children[after],
                            HTMLText.isBlank(text)
                        {
                            after += 1
                        }
                        if after < children.count, children[after].element?.tag == "br" { break }
                    }
                    guard isPhrasing(node) else { break }
                    run.append(node)
                    next += 1
                }
                while let last = run.last, isWhitespace(last) { run.removeLast() }
                let paragraph = tree.element("p")
                paragraph.adopt(run)
                result.append(.element(paragraph))
                index = next
            }
            if changed {
                parent.adopt(result)
                if parent.tag == "p" { parent.tag = "div" }
            }
        }
    }

    /// Cleans the assembled article of what is not article.
    func clean(_ article: HTMLElement) {
        markDataTables(article)
        cleanConditionally(article, "form")
        cleanConditionally(article, "fieldset")
        remove(article, ["object", "embed", "footer", "link", "aside"])
        // Share widgets: little text with "share" in a class or id.
        for top in article.elements {
            for element in top.descendants()
            where Hints.isShare(element.hints) && element.textContent.unicodeScalars.count < 500 {
                element.detach()
            }
        }
        remove(article, ["iframe", "input", "textarea", "select", "button", "nav"])
        // Photo credits: a caption stays (it is the article's), its credit line goes.
        for element in article.descendants()
        where Hints.credit.matches(element.hints) || element["itemprop"]?.lowercased() == "copyrightholder" {
            element.detach()
        }
        for heading in article.descendants(["h1", "h2"]) where classWeight(heading) < 0 { heading.detach() }
        cleanConditionally(article, "table")
        cleanConditionally(article, "ul")
        cleanConditionally(article, "div")
        for paragraph in article.descendants(["p"])
        where paragraph.count(["img", "embed", "object", "iframe"]) == 0 && paragraph.textLength == 0 {
            paragraph.detach()
        }
    }

    private func remove(_ article: HTMLElement, _ tags: [String]) {
        for element in article.descendants(tags) { element.detach() }
    }

    /// Marks tables that hold data (kept whatever their links), as Readability judges them.
    private func markDataTables(_ article: HTMLElement) {
        for table in article.descendants(["table"]) {
            if table["role"] == "presentation" || table["datatable"] == "0" { continue }
            if table["summary"] != nil || table.count(["caption", "col", "colgroup", "tfoot", "thead", "th"]) > 0 {
                table.isDataTable = true
                continue
            }
            if table.count(["table"]) > 0 { continue }
            let rows = table.descendants(["tr"])
            let columns = rows.map { $0.elements.count(where: { $0.tag == "td" || $0.tag == "th" }) }.max() ?? 0
            table.isDataTable = rows.count >= 10 || columns > 4 || rows.count * columns > 10
        }
    }

    /// Drops `tag` elements that look like furniture: negative hints, many links, more list items
    /// or images than paragraphs, forms, lone embeds, no text.
    private func cleanConditionally(_ article: HTMLElement, _ tag: String) {
        guard flags.contains(.cleanConditionally) else { return }
        for node in article.descendants([tag]).reversed() where node.parent != nil {
            if shouldRemove(node, tag: tag) { node.detach() }
        }
    }

    private func shouldRemove(_ node: HTMLElement, tag: String) -> Bool {
        let length = node.textLength
        if tag == "table" && node.isDataTable { return false }
        if node.hasAncestor("table", where: \.isDataTable) || node.hasAncestor("code") { return false }
        let weight = classWeight(node)
        if weight < 0 { return true }
        guard Self.commaCount(node) < 10 else { return false }
        let census = Census(node)
        var isList = tag == "ul" || tag == "ol"
        if !isList, length > 0 { isList = Double(census.listLength) / Double(length) > 0.9 }
        let paragraphs = census.paragraphs
        let images = census.images
        let items = census.items - 100
        let inputs = census.inputs
        let headingDensity = length > 0 ? Double(census.headingLength) / Double(length) : 0
        let embeds = census.embeds
        if length <= 16 {
            let lowered = node.innerText.lowercased()
            if Self.adWords.contains(lowered) || Self.loadingWords.contains(lowered) { return true }
        }
        let density = Self.linkDensity(node)
        let textDensity = length > 0 ? Double(census.textishLength) / Double(length) : 0
        let inFigure = node.hasAncestor("figure")
        let remove =
            (!inFigure && images > 1 && Double(paragraphs) / Double(images) < 0.5)
            || (!isList && items > paragraphs)
            || (inputs > paragraphs / 3)
            || (!isList && !inFigure && headingDensity < 0.9 && length < 25 && (images == 0 || images > 2)
                && density > 0)
            || (!isList && weight < 25 && density > 0.2)
            || (weight >= 25 && density > 0.5)
            || ((embeds == 1 && length < 75) || embeds > 1)
            || (images == 0 && textDensity == 0)
        if isList && remove {
            // A list of images, one to each item, is a gallery: kept.
            if node.elements.contains(where: { $0.elements.count > 1 }) { return remove }
            if images == census.items { return false }
        }
        return remove
    }

    /// What deciding on an element counts below it, in one walk instead of one per figure (a
    /// page's nested blocks made that a walk per figure per level).
    struct Census {
        var paragraphs = 0
        var images = 0
        var items = 0
        var inputs = 0
        /// Objects, embeds and iframes.
        var embeds = 0
        /// The text of every list below, a nested list's again (as Readability sums it).
        var listLength = 0
        /// The text of the outermost headings below.
        var headingLength = 0
        /// The text of the outermost text-holding elements below (`textishTags`).
        var textishLength = 0

        init(_ node: HTMLElement) { walk(node, inHeading: false, inTextish: false) }

        private mutating func walk(_ element: HTMLElement, inHeading: Bool, inTextish: Bool) {
            for case .element(let child) in element.children {
                let tag = child.tag
                switch tag {
                case "p": paragraphs += 1
                case "img": images += 1
                case "li": items += 1
                case "input": inputs += 1
                case "object", "embed", "iframe": embeds += 1
                case "ul", "ol": listLength += child.textLength
                default: break
                }
                let heading = !inHeading && ContentExtractor.headingTags.contains(tag)
                if heading { headingLength += child.textLength }
                let textish = !inTextish && ContentExtractor.textishTags.contains(tag)
                if textish { textishLength += child.textLength }
                walk(child, inHeading: inHeading || heading, inTextish: inTextish || textish)
            }
        }
    }

    /// Lists, not sets: a few short names compare faster than they hash.
    static let headingTags = ["h1", "h2", "h3", "h4", "h5", "h6"]
    static let textishTags = ["span", "li", "td"] + blockTags.sorted()
    static let adWords: Set<String> = [
        "ad", "advertising", "advertisement", "pub", "publicité", "werb", "werbung", "广告", "реклама", "anuncio",
    ]
    static let loadingWords: Set<String> = [
        "loading", "loading…", "loading...", "正在加载", "загрузка", "chargement", "cargando",
    ]
}
