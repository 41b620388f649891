/// Class and id fragments that hint at what an element holds (Readability's lists, matched as
/// case-insensitive substrings, as its regular expressions match them).
struct Hints {
    /// The fragments' UTF-8 bytes, by their first byte: a text is read once, and at each byte
    /// only the fragments that start with it are tried (Foundation's substring search, then a
    /// search per fragment, cost more than all the scoring around them).
    private let fragmentsByFirstByte: [[[UInt8]]]

    init(fragments: [String]) {
        var table = [[[UInt8]]](repeating: [], count: 256)
        for fragment in fragments where !fragment.isEmpty {
            let bytes = Array(fragment.utf8)
            table[Int(bytes[0])].append(bytes)
        }
        fragmentsByFirstByte = table
    }

    /// Whether lowercased `text` contains one of the fragments.
    func matches(_ text: String) -> Bool {
        // Most elements have no class or id: their hints are one space.
        guard text.utf8.count > 1 else { return false }
        var text = text
        return text.withUTF8 { matches($0) }
    }

    /// Whether lowercased UTF-8 `bytes` contain one of the fragments.
    func matches(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for start in bytes.indices {
            for fragment in fragmentsByFirstByte[Int(bytes[start])]
            where bytes.count - start >= fragment.count
                && UnsafeBufferPointer(rebasing: bytes[start..<start + fragment.count]).elementsEqual(fragment)
            {
                return true
            }
        }
        return false
    }

    /// Page furniture, dropped before scoring.
    static let unlikely = Hints(fragments: [
        "-ad-", "ai2html", "banner", "breadcrumbs", "combx", "comment", "community", "cover-wrap", "disqus",
        "extra", "footer", "gdpr", "header", "legends", "menu", "related", "remark", "replies", "rss", "shoutbox",
        "sidebar", "skyscraper", "social", "sponsor", "supplemental", "ad-break", "agegate", "pagination", "pager",
        "popup", "yom-remote",
    ])
    /// What saves an unlikely-looking element.
    static let maybe = Hints(fragments: ["and", "article", "body", "column", "content", "main", "mathjax", "shadow"])
    /// Weighs a candidate up.
    static let positive = Hints(fragments: [
        "article", "body", "content", "entry", "hentry", "h-entry", "main", "page", "pagination", "post", "text",
        "blog", "story",
    ])
    /// Weighs a candidate down.
    static let negative = Hints(fragments: [
        "-ad-", "hidden", "banner", "combx", "comment", "com-", "contact", "footer", "gdpr", "masthead", "media",
        "meta", "outbrain", "promo", "related", "scroll", "share", "shoutbox", "sidebar", "skyscraper", "sponsor",
        "shopping", "tags", "widget",
    ])
    /// A photo credit.
    static let credit = Hints(fragments: ["credit", "copyright"])
    /// A `style` that hides its element, lowercased and without white space.
    static let hidden = Hints(fragments: ["display:none", "visibility:hidden"])
    /// A byline.
    static let byline = Hints(fragments: ["byline", "author", "dateline", "writtenby", "p-author"])

    /// `hid` as a whole class name (Readability's `^hid$| hid$| hid |^hid `).
    static func isHid(_ text: String) -> Bool {
        text.split(separator: " ", omittingEmptySubsequences: false).contains("hid")
    }

    /// `share` or `sharedaddy` as a word of the class/id: a share widget.
    static func isShare(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            func isWordByte(_ byte: UInt8) -> Bool {
                (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte >= 0x80
            }
            let word = Array("share".utf8)
            var index = 0
            while index + word.count <= bytes.count {
                if bytes[index] == word[0] && Array(bytes[index..<index + word.count]) == word
                    && (index == 0 || !isWordByte(bytes[index - 1]))
                {
                    var end = index + word.count
                    if bytes[end..<bytes.count].starts(with: "daddy".utf8) { end += 5 }
                    if end == bytes.count || !isWordByte(bytes[end]) { return true }
                }
                index += 1
            }
            return false
        }
    }
}
