/// Class and id fragments that hint at what an element holds (Readability's lists, matched as
/// case-insensitive substrings, as its regular expressions match them).
struct Hints {
    let fragments: [String]

    /// Whether lowercased `text` contains one of the fragments.
    func matches(_ text: String) -> Bool {
        fragments.contains { text.contains($0) }
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
    /// A byline.
    static let byline = Hints(fragments: ["byline", "author", "dateline", "writtenby", "p-author"])

    /// `hid` as a whole class name (Readability's `^hid$| hid$| hid |^hid `).
    static func isHid(_ text: String) -> Bool {
        text.split(separator: " ", omittingEmptySubsequences: false).contains("hid")
    }

    /// `share` or `sharedaddy` as a word of the class/id: a share widget.
    static func isShare(_ text: String) -> Bool {
        text.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).contains { $0 == "share" || $0 == "sharedaddy" }
    }
}
