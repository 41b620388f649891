/// Class and id fragments that hint at what an element holds (Readability's lists, matched as
/// case-insensitive substrings, as its regular expressions match them).
struct Hints {
    /// The fragments' UTF-8 bytes: matched byte by byte (Foundation's substring search cost more
    /// than all the scoring around it).
    private let fragments: [[UInt8]]

    init(fragments: [String]) {
        self.fragments = fragments.map { Array($0.utf8) }
    }

    /// Whether lowercased `text` contains one of the fragments.
    func matches(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in fragments.contains { Self.contains(bytes, $0) } }
    }

    private static func contains(_ bytes: UnsafeBufferPointer<UInt8>, _ fragment: [UInt8]) -> Bool {
        guard let first = fragment.first, bytes.count >= fragment.count else { return false }
        var index = 0
        let last = bytes.count - fragment.count
        while index <= last {
            if bytes[index] == first {
                var offset = 1
                while offset < fragment.count && bytes[index + offset] == fragment[offset] { offset += 1 }
                if offset == fragment.count { return true }
            }
            index += 1
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
