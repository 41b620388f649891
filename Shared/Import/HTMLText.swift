/// Turns HTML into readable paragraphs and the metadata a page declares.
struct HTMLText {
    /// Readable paragraphs of the page's article (or body), without page furniture.
    var paragraphs: [String] = []
    /// `<meta>` values by lowercased `name` or `property`, plus `title` and `canonical`.
    var meta: [String: String] = [:]

    private static let skipped: Set<String> = [
        "script", "style", "noscript", "nav", "header", "footer", "aside", "figure", "figcaption", "form",
        "button", "svg", "iframe", "template", "select", "head",
    ]
    private static let blocks: Set<String> = [
        "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "blockquote", "pre", "section",
        "article", "tr", "table", "hr", "dd", "dt", "main",
    ]

    init(_ html: String) {
        let scalars = Array(html.unicodeScalars)
        readMeta(scalars)
        let body = Self.articleRange(scalars)
        var current = String.UnicodeScalarView()
        var paragraphs: [String] = []
        func flush() {
            let text = Self.decodeEntities(String(current)).split(whereSeparator: \.isWhitespace).joined(separator: " ")
            if !text.isEmpty { paragraphs.append(text) }
            current = String.UnicodeScalarView()
        }
        var i = body.lowerBound
        while i < body.upperBound {
            guard scalars[i] == "<" else {
                current.append(scalars[i])
                i += 1
                continue
            }
            if Self.hasPrefix(scalars, at: i, "<!--") {
                i = Self.find(scalars, "-->", from: i + 4).map { $0 + 3 } ?? scalars.count
                continue
            }
            guard let close = Self.find(scalars, ">", from: i + 1) else { break }
            let tag = Self.tagName(scalars[(i + 1)..<close])
            i = close + 1
            if Self.skipped.contains(tag.name) && !tag.closing && !tag.selfClosing {
                i =
                    Self.find(scalars, "</" + tag.name, from: i, caseInsensitive: true)
                    .flatMap { Self.find(scalars, ">", from: $0) }.map { $0 + 1 } ?? body.upperBound
                flush()
            } else if Self.blocks.contains(tag.name) {
                flush()
            }
        }
        flush()
        self.paragraphs = paragraphs
    }

    private mutating func readMeta(_ scalars: [Unicode.Scalar]) {
        var i = 0
        while let open = Self.find(scalars, "<", from: i) {
            guard let close = Self.find(scalars, ">", from: open + 1) else { break }
            let inside = String(String.UnicodeScalarView(scalars[(open + 1)..<close]))
            let tag = Self.tagName(scalars[(open + 1)..<close])
            if tag.name == "meta" || tag.name == "link" {
                let attributes = Self.attributes(inside)
                let key = (attributes["property"] ?? attributes["name"] ?? attributes["rel"])?.lowercased()
                if let key, let value = attributes["content"] ?? attributes["href"], meta[key] == nil {
                    meta[key] = Self.decodeEntities(value)
                }
            } else if tag.name == "title" && !tag.closing && meta["title"] == nil,
                let end = Self.find(scalars, "</", from: close + 1)
            {
                let title = String(String.UnicodeScalarView(scalars[(close + 1)..<end]))
                meta["title"] = Self.decodeEntities(title).split(whereSeparator: \.isWhitespace).joined(separator: " ")
            }
            i = close + 1
        }
    }

    /// The inside of `<article>` when the page has one, else of `<body>`, else everything.
    private static func articleRange(_ scalars: [Unicode.Scalar]) -> Range<Int> {
        for name in ["article", "body"] {
            if let open = find(scalars, "<" + name, from: 0, caseInsensitive: true),
                let start = find(scalars, ">", from: open)
            {
                let end = findLast(scalars, "</" + name, caseInsensitive: true) ?? scalars.count
                if end > start { return (start + 1)..<end }
            }
        }
        return 0..<scalars.count
    }

    private static func tagName(_ inside: ArraySlice<Unicode.Scalar>) -> (
        name: String, closing: Bool, selfClosing: Bool
    ) {
        var scalars = inside.drop { $0 == " " }
        let closing = scalars.first == "/"
        if closing { scalars = scalars.dropFirst() }
        let name = scalars.prefix { $0.properties.isAlphabetic || ("0"..."9").contains($0) }
        return (String(String.UnicodeScalarView(name)).lowercased(), closing, inside.last == "/")
    }

    private static func attributes(_ inside: String) -> [String: String] {
        var result: [String: String] = [:]
        var rest = Substring(inside)
        while let equals = rest.firstIndex(of: "=") {
            let name = rest[..<equals].split(whereSeparator: \.isWhitespace).last.map { String($0).lowercased() } ?? ""
            var valueStart = rest.index(after: equals)
            guard valueStart < rest.endIndex else { break }
            let quote = rest[valueStart]
            let value: Substring
            if quote == "\"" || quote == "'" {
                valueStart = rest.index(after: valueStart)
                let valueEnd = rest[valueStart...].firstIndex(of: quote) ?? rest.endIndex
                value = rest[valueStart..<valueEnd]
                rest = valueEnd < rest.endIndex ? rest[rest.index(after: valueEnd)...] : ""
            } else {
                let valueEnd = rest[valueStart...].firstIndex(where: \.isWhitespace) ?? rest.endIndex
                value = rest[valueStart..<valueEnd]
                rest = rest[valueEnd...]
            }
            result[name] = String(value)
        }
        return result
    }

    private static func hasPrefix(_ scalars: [Unicode.Scalar], at index: Int, _ prefix: String) -> Bool {
        let needle = Array(prefix.unicodeScalars)
        guard index + needle.count <= scalars.count else { return false }
        return zip(scalars[index..<index + needle.count], needle).allSatisfy { $0 == $1 }
    }

    private static func find(
        _ scalars: [Unicode.Scalar], _ needle: String, from start: Int, caseInsensitive: Bool = false
    ) -> Int? {
        let pattern = Array((caseInsensitive ? needle.lowercased() : needle).unicodeScalars)
        guard !pattern.isEmpty, scalars.count >= pattern.count, start <= scalars.count - pattern.count else {
            return nil
        }
        for index in start...(scalars.count - pattern.count) where matches(scalars, index, pattern, caseInsensitive) {
            return index
        }
        return nil
    }

    private static func findLast(_ scalars: [Unicode.Scalar], _ needle: String, caseInsensitive: Bool) -> Int? {
        let pattern = Array(needle.lowercased().unicodeScalars)
        guard scalars.count >= pattern.count else { return nil }
        for index in stride(from: scalars.count - pattern.count, through: 0, by: -1)
        where matches(scalars, index, pattern, caseInsensitive) {
            return index
        }
        return nil
    }

    private static func matches(_ scalars: [Unicode.Scalar], _ index: Int, _ pattern: [Unicode.Scalar], _ fold: Bool)
        -> Bool
    {
        for offset in 0..<pattern.count {
            var scalar = scalars[index + offset]
            if fold, ("A"..."Z").contains(scalar) { scalar = Unicode.Scalar(scalar.value + 32)! }
            if scalar != pattern[offset] { return false }
        }
        return true
    }

    private static let named: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "rsquo": "’", "lsquo": "‘",
        "ldquo": "“", "rdquo": "”", "mdash": "—", "ndash": "–", "hellip": "…", "copy": "©", "shy": "",
    ]

    /// Replaces character references (`&amp;`, `&#8217;`, `&#x2019;`) with the characters they name.
    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var result = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            result += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            if let semicolon = after.prefix(10).firstIndex(of: ";") {
                let name = after[..<semicolon]
                var decoded: String?
                if name.hasPrefix("#x") || name.hasPrefix("#X") {
                    decoded = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String($0) }
                } else if name.hasPrefix("#") {
                    decoded = UInt32(name.dropFirst()).flatMap(Unicode.Scalar.init).map { String($0) }
                } else {
                    decoded = named[String(name)]
                }
                if let decoded {
                    result += decoded
                    rest = after[after.index(after: semicolon)...]
                    continue
                }
            }
            result += "&"
            rest = after
        }
        return result + rest
    }
}
