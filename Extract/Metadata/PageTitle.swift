/// The article's title as the page's `<title>` gives it, with the site's part cut off.
enum PageTitle {
    private static let separators: Set<Character> = ["|", "-", "–", "—", "\\", "/", ">", "»"]
    private static let hierarchical: Set<Character> = ["\\", "/", ">", "»"]

    /// The `<title>` text, collapsed.
    static func titleElementText(_ root: HTMLElement) -> String {
        root.firstDescendant { $0.tag == "title" && !$0.hasAncestor("svg") }.map(\.innerText) ?? ""
    }

    /// Readability's cut of the `<title>`: `Headline | Site` gives `Headline`, unless too few words
    /// are left; `Site: Headline` gives `Headline` unless a heading holds the whole title.
    static func fromTitleElement(_ root: HTMLElement) -> String {
        let original = titleElementText(root)
        var title = original
        var hadHierarchicalSeparators = false
        let separatorPositions = positions(of: separators, in: original)
        if let last = separatorPositions.last {
            hadHierarchicalSeparators = positions(of: hierarchical, in: original).isEmpty == false
            title = String(original[..<last])
            if wordCount(title) < 3, let first = original.firstIndex(where: { separators.contains($0) }) {
                title = String(original[original.index(after: first)...])
            }
        } else if title.contains(": ") {
            let headings = root.descendants(["h1", "h2"])
            let trimmed = title.trimmingSpaces
            if !headings.contains(where: { $0.textContent.trimmingSpaces == trimmed }) {
                let afterLast = original.lastIndex(of: ":").map { String(original[original.index(after: $0)...]) } ?? ""
                title = afterLast
                if wordCount(title) < 3 {
                    title = original.firstIndex(of: ":").map { String(original[original.index(after: $0)...]) } ?? ""
                } else if let colon = original.firstIndex(of: ":"), wordCount(String(original[..<colon])) > 5 {
                    title = original
                }
            }
        } else if title.count > 150 || title.count < 15 {
            let headings = root.descendants(["h1"])
            if headings.count == 1 { title = headings[0].innerText }
        }
        title = HTMLText.collapsingWhitespace(title)
        let words = wordCount(title)
        let originalWords = wordCount(String(original.filter { !separators.contains($0) }))
        if words <= 4 && (!hadHierarchicalSeparators || words != originalWords - 1) { title = original }
        return title
    }

    /// Where ` X ` stands in `text`, X one of `characters`: the index of the space before it.
    private static func positions(of characters: Set<Character>, in text: String) -> [String.Index] {
        var found: [String.Index] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(after: index)
            if text[index] == " ", next < text.endIndex, characters.contains(text[next]) {
                let after = text.index(after: next)
                if after < text.endIndex, text[after] == " " { found.append(index) }
            }
            index = next
        }
        return found
    }

    /// Words as Readability counts them: the pieces between runs of white space.
    static func wordCount(_ text: String) -> Int {
        // JavaScript's "".split(/\s+/) is one empty piece, so an empty text counts one.
        max(1, text.split(whereSeparator: { $0.isWhitespace }).count)
    }

    /// How much of `b`'s wording `a` shares: 1 minus the share of `b`'s text in tokens `a` lacks.
    static func similarity(_ a: String, _ b: String) -> Double {
        similarity(words(a), b)
    }

    /// `similarity` with `a` given as its `words`, for a text compared with many.
    static func similarity(_ wordsOfA: Set<String>, _ b: String) -> Double {
        let tokensB = tokens(b)
        guard !wordsOfA.isEmpty, !tokensB.isEmpty else { return 0 }
        let unique = tokensB.filter { !wordsOfA.contains($0) }
        let distance = Double(unique.joined(separator: " ").count) / Double(tokensB.joined(separator: " ").count)
        return 1 - distance
    }

    /// The distinct lowercased words of `text`.
    static func words(_ text: String) -> Set<String> { Set(tokens(text)) }

    private static func tokens(_ text: String) -> [String] {
        text.lowercased().split { !HTMLText.isWordCharacter($0) }.map(String.init)
    }
}

extension String {
    /// The text without leading and trailing white space.
    var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !HTMLText.isSpace($0) }),
            let end = scalars.lastIndex(where: { !HTMLText.isSpace($0) })
        else { return "" }
        return String(scalars[start...end])
    }
}
