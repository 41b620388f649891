import Foundation

/// What an export from another reading tool holds, in Margin's terms: articles (or books), the
/// highlights and notes made in them, and the entries that could not be read.
public struct Library: Sendable, Equatable {
    /// The articles and books, in the order the export first names them.
    public var items: [LibraryItem] = []
    /// Entries that could not be read, each named by where it stands ("line 1840", "item 12").
    public var notUnderstood: [String] = []
    /// Near-duplicate highlights folded into another (Kindle appends one when a highlight is
    /// resized: the longer is kept).
    public var folded = 0

    /// An empty library.
    public init() {}

    /// The item for `key`, made with `make` the first time it is named.
    public mutating func item(_ key: String, make: () -> LibraryItem) -> Int {
        if let index = itemIndex[key] { return index }
        items.append(make())
        itemIndex[key] = items.count - 1
        return items.count - 1
    }

    /// Adds a saved article, or joins it to the one of the same source added before (saved twice,
    /// or listed under two folders): tags and highlights together, archived or a favorite when
    /// either says so.
    public mutating func add(_ item: LibraryItem) {
        let index = self.item(item.sourceKey) { item }
        guard items[index] != item else { return }
        if item.archived == true { items[index].archived = true }
        if item.favorite == true { items[index].favorite = true }
        for tag in item.tags where !items[index].tags.contains(tag) { items[index].tags.append(tag) }
        // In place, and skipped when the same: a copy held across the appends would copy them all.
        if items[index].highlights != item.highlights {
            for highlight in item.highlights where !items[index].highlights.contains(highlight) {
                items[index].highlights.append(highlight)
            }
        }
    }

    private var itemIndex: [String: Int] = [:]

    /// Equal when the items, the entries not understood and the folds are.
    public static func == (lhs: Library, rhs: Library) -> Bool {
        lhs.items == rhs.items && lhs.notUnderstood == rhs.notUnderstood && lhs.folded == rhs.folded
    }
}

/// An article or book of an export.
public struct LibraryItem: Sendable, Equatable {
    /// Names the source across imports, for ids: its URL, else `book:` + title and author.
    public var sourceKey: String
    /// Where it lives, when it has an address.
    public var url: String?
    /// The Margin article it is, when the export says (Margin's own, for an article with no
    /// address): imported, it keeps that id.
    public var articleID: String?
    /// Its title.
    public var title: String
    /// Who wrote it.
    public var author: String?
    /// Its full text, when the export holds it; else the article's text is its highlights.
    public var text: String?
    /// The tags it was saved with.
    public var tags: [String] = []
    /// Archived (read) in the tool it comes from, when the export says.
    public var archived: Bool?
    /// A favorite there, when the export says.
    public var favorite: Bool?
    /// When it was saved, in milliseconds since 1970.
    public var addedAt: Int64?
    /// Its highlights, as the export lists them.
    public var highlights: [LibraryHighlight] = []
    /// Its bookmarks.
    public var bookmarks: [LibraryBookmark] = []

    /// An item; with no URL, its key is the title and author.
    public init(url: String?, title: String, author: String? = nil) {
        let canonical = url.flatMap { RecordID.canonicalURL($0) ?? $0 }
        self.url = canonical
        self.title = title
        self.author = author
        sourceKey = canonical.map { "url:" + $0 } ?? "book:" + title + "\u{1F}" + (author ?? "")
    }

    /// The highlights in reading order: by location where known, else as the export lists them.
    public var highlightsInReadingOrder: [LibraryHighlight] {
        highlights.enumerated().sorted { a, b in
            switch (a.element.position, b.element.position) {
            case (let x?, let y?) where x != y: x < y
            default: a.offset < b.offset
            }
        }.map(\.element)
    }
}

/// A highlight, with the note on it when there is one.
public struct LibraryHighlight: Sendable, Equatable {
    /// The highlighted text.
    public var quote: String
    /// The note written on it.
    public var note: String?
    /// Where the source puts it ("location 1204-1206", "page 12", a CFI): part of its id.
    public var location: String
    /// A number to order it by within its source, when the location gives one.
    public var position: Int?
    /// Where it ends, for folding resized highlights.
    public var endPosition: Int?
    /// When it was made, in milliseconds since 1970.
    public var createdAt: Int64?
    /// Its tags.
    public var tags: [String] = []
    /// Its colour, by name.
    public var color: String?
    /// The id the export gives it (a W3C or Hypothesis annotation id): a note made from it keeps
    /// it, so a round trip through Margin's own export creates nothing new.
    public var id: String?
    /// Text before the quote, when the export keeps it (W3C and Hypothesis selectors).
    public var prefix: String?
    /// Text after the quote, when the export keeps it.
    public var suffix: String?

    /// A highlight of `quote` at `location`.
    public init(quote: String, note: String? = nil, location: String, position: Int? = nil) {
        self.quote = quote
        self.note = note
        self.location = location
        self.position = position
    }
}

/// A bookmark: a place in a source, with an optional label.
public struct LibraryBookmark: Sendable, Equatable {
    /// Where the source puts it: part of its id.
    public var location: String
    /// A number to order it by, when the location gives one.
    public var position: Int?
    /// What its maker called it.
    public var label: String?
    /// When it was made, in milliseconds since 1970.
    public var createdAt: Int64?

    /// A bookmark at `location`.
    public init(location: String, position: Int? = nil, label: String? = nil) {
        self.location = location
        self.position = position
        self.label = label
    }
}

/// Why an export could not be read at all (single entries are skipped and named instead).
public struct LibraryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong, in one line.
    public let description: String

    /// An error saying `description`.
    public init(_ description: String) { self.description = description }
}
