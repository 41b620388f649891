/// Where a note or bookmark sits in an article's text, as W3C TextQuote plus TextPosition selectors.
///
/// Offsets count Unicode scalars of the article content; `end` is exclusive.
public struct Anchor: Hashable, Comparable, Sendable {
    /// The quoted text itself.
    public var exact: String
    /// Up to `contextLength` scalars before the quote.
    public var prefix: String
    /// Up to `contextLength` scalars after the quote.
    public var suffix: String
    /// Offset of the first scalar of the quote.
    public var start: Int
    /// Offset just past the last scalar of the quote.
    public var end: Int

    /// How many scalars of context an anchor keeps on each side.
    public static let contextLength = 32

    /// An anchor with the given parts.
    public init(exact: String, prefix: String, suffix: String, start: Int, end: Int) {
        self.exact = exact
        self.prefix = prefix
        self.suffix = suffix
        self.start = start
        self.end = end
    }

    /// Orders two values.
    public static func < (lhs: Anchor, rhs: Anchor) -> Bool {
        (lhs.start, lhs.end, lhs.exact, lhs.prefix, lhs.suffix) < (
            rhs.start, rhs.end, rhs.exact, rhs.prefix, rhs.suffix
        )
    }
}
