import ArgumentParser
import MarginClient
import MarginShared

/// `margin bookmark add|rm`.
struct BookmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bookmark", abstract: "Add or remove a bookmark.", subcommands: [Add.self, Remove.self])

    /// `margin bookmark add ARTICLE (--quote TEXT | --offset N)`.
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Bookmark a place in an article.")

        @OptionGroup var profile: Profile

        @Argument(help: "The article's id or a unique prefix of it.")
        var article: String

        @Option(help: "Bookmark where this text appears.")
        var quote: String?

        @Option(help: "Bookmark this character offset (in Unicode scalars).")
        var offset: Int?

        @Option(help: "A label for the bookmark.")
        var label: String?

        func validate() throws {
            guard (quote == nil) != (offset == nil) else {
                throw ValidationError("give exactly one of --quote and --offset")
            }
        }

        func run() throws {
            let store = try profile.open()
            let id = try store.resolveID(article, kind: .article)
            let bookmark = try store.addBookmark(article: id, quote: quote, offset: offset, label: label)
            print("bookmark \(try store.shortIDs(for: [bookmark.id])[bookmark.id]) at \(bookmark.anchor()?.start ?? 0)")
        }
    }

    /// `margin bookmark rm ID`.
    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rm", abstract: "Delete a bookmark.")

        @OptionGroup var profile: Profile

        @Argument(help: "The bookmark's id or a unique prefix of it.")
        var bookmark: String

        func run() throws {
            let store = try profile.open()
            let id = try store.resolveID(bookmark, kind: .bookmark)
            try store.delete(id)
            print("deleted bookmark \(id.prefix(13))")
        }
    }
}

/// `margin bookmarks [ARTICLE]`.
struct BookmarksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bookmarks", abstract: "List bookmarks, of one article or all.")

    @OptionGroup var profile: Profile
    @OptionGroup var output: JSONOutput

    @Argument(help: "Only this article's bookmarks (an id or a unique prefix).")
    var article: String?

    func run() throws {
        let store = try profile.open()
        let articleID = try article.map { try store.resolveID($0, kind: .article) }
        let orphans = try store.orphanedIDs()
        let bookmarks = try store.records(kind: .bookmark, article: articleID)
        if output.json {
            printJSON(bookmarks.map { summary($0, orphaned: orphans.contains($0.id)) })
            return
        }
        let short = try store.shortIDs(for: bookmarks.map(\.id))
        if bookmarks.isEmpty { print("No bookmarks.") }
        for bookmark in bookmarks {
            print(
                "\(short[bookmark.id])  \(bookmark.string("label") ?? "Bookmark") at \(bookmark.anchor()?.start ?? 0): “\(bookmark.anchor()?.exact ?? "")”"
            )
        }
    }
}

/// `margin tag add|rm ID TAG...`.
struct TagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag", abstract: "Add or remove tags on an article or note.", subcommands: [Add.self, Remove.self])

    /// `margin tag add ID TAG...`.
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add tags.")

        @OptionGroup var profile: Profile

        @Argument(help: "The article's or note's id, or a unique prefix.")
        var id: String

        @Argument(help: "The tags to add.")
        var tags: [String]

        func run() throws {
            let store = try profile.open()
            let full = try store.resolveID(id)
            let record = try store.update(full, tags.map(Change.addTag))
            print("tags: " + record.tagNames.joined(separator: ", "))
        }
    }

    /// `margin tag rm ID TAG...`.
    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove tags.")

        @OptionGroup var profile: Profile

        @Argument(help: "The article's or note's id, or a unique prefix.")
        var id: String

        @Argument(help: "The tags to remove.")
        var tags: [String]

        func run() throws {
            let store = try profile.open()
            let full = try store.resolveID(id)
            let record = try store.update(full, tags.map(Change.removeTag))
            print("tags: " + (record.tagNames.isEmpty ? "(none)" : record.tagNames.joined(separator: ", ")))
        }
    }
}
