import ArgumentParser
import Foundation
import MarginClient
import MarginShared

/// `margin articles`: lists stored articles.
struct ArticlesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "articles", abstract: "List articles.")

    @OptionGroup var profile: Profile
    @OptionGroup var output: JSONOutput

    @Option(help: "Only articles with this tag.")
    var tag: String?

    @Flag(help: "List archived articles instead of the reading list.")
    var archived = false

    func run() throws {
        let store = try profile.open()
        let articles = try store.records(kind: .article).filter { article in
            article.flag("archived") == archived && (tag.map { article.tagNames.contains($0) } ?? true)
        }
        if output.json {
            printJSON(articles.map { summary($0) })
            return
        }
        let short = try store.shortIDs(for: articles.map(\.id))
        if articles.isEmpty {
            print(archived ? "No archived articles." : "No articles. Add one with `margin import FILE`.")
        }
        for article in articles {
            let star = article.flag("favorite") ? "★" : " "
            let progress = Int(((article.double("progress") ?? 0) * 100).rounded())
            let tags = article.tagNames.isEmpty ? "" : "  #" + article.tagNames.joined(separator: " #")
            let conflict = article.conflicts.isEmpty ? "" : "  (conflict)"
            print(
                "\(short[article.id]) \(star) \(article.string("title") ?? "Untitled")  [\(progress)%]\(tags)\(conflict)"
            )
        }
    }
}

/// `margin show ARTICLE`: the article's text with highlights marked, then its notes and bookmarks.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show an article's text with highlights marked ==like this==[n], then its notes and bookmarks.")

    @OptionGroup var profile: Profile
    @OptionGroup var output: JSONOutput

    @Argument(help: "The article's id or a unique prefix of it.")
    var article: String

    func run() throws {
        let store = try profile.open()
        let id = try store.resolveID(article, kind: .article)
        let record = try store.record(id)
        let notes = try store.records(kind: .note, article: id)
        let bookmarks = try store.records(kind: .bookmark, article: id)
        let orphans = try store.orphanedIDs()
        if output.json {
            var result = summary(record)
            result["content"] = record.string("content") ?? ""
            result["notes"] = notes.map { summary($0, orphaned: orphans.contains($0.id)) }
            result["bookmarks"] = bookmarks.map { summary($0, orphaned: orphans.contains($0.id)) }
            printJSON(result)
            return
        }
        let short = try store.shortIDs(for: (notes + bookmarks).map(\.id))
        print(record.string("title") ?? "Untitled")
        let meta = [record.string("source"), record.string("byline"), record.int("publishedAt").map { day($0) }]
        print(meta.compactMap { $0 }.joined(separator: " · "))
        if !record.tagNames.isEmpty { print("Tags: " + record.tagNames.joined(separator: ", ")) }
        print("")
        let placed = notes.filter { !orphans.contains($0.id) }
        print(Self.mark(record.string("content") ?? "", notes: placed))
        if !notes.isEmpty { print("\nNotes") }
        for note in notes {
            let number = placed.firstIndex(of: note).map { "[\($0 + 1)]" } ?? "[orphaned]"
            print("  \(number) \(short[note.id])  “\(note.anchor()?.exact ?? "")”")
            if let body = note.string("body") {
                print("      \(body.replacingOccurrences(of: "\n", with: "\n      "))")
            }
            if !note.tagNames.isEmpty { print("      #" + note.tagNames.joined(separator: " #")) }
            for conflict in note.conflicts {
                print("      conflict on \(conflict.field): \(conflict.siblings.count) versions (margin conflicts)")
            }
        }
        if !bookmarks.isEmpty { print("\nBookmarks") }
        for bookmark in bookmarks {
            let label = bookmark.string("label") ?? "Bookmark"
            print(
                "  \(short[bookmark.id])  \(label) at \(bookmark.anchor()?.start ?? 0): “\(bookmark.anchor()?.exact ?? "")”"
            )
        }
    }

    /// The text with each note's quote wrapped as `==quote==[n]`; overlapping quotes mark the first.
    static func mark(_ text: String, notes: [RecordState]) -> String {
        let scalars = Array(text.unicodeScalars)
        var ranges: [(range: Range<Int>, number: Int)] = []
        for (index, note) in notes.enumerated() {
            guard let anchor = note.anchor(), anchor.end <= scalars.count else { continue }
            ranges.append((anchor.start..<anchor.end, index + 1))
        }
        ranges.sort { $0.range.lowerBound < $1.range.lowerBound }
        var out = String.UnicodeScalarView()
        var position = 0
        for (range, number) in ranges where range.lowerBound >= position {
            out.append(contentsOf: scalars[position..<range.lowerBound])
            out.append(contentsOf: "==".unicodeScalars)
            out.append(contentsOf: scalars[range])
            out.append(contentsOf: "==[\(number)]".unicodeScalars)
            position = range.upperBound
        }
        out.append(contentsOf: scalars[position...])
        return String(out)
    }
}

/// `margin archive ARTICLE`: moves an article out of the reading list (or back with --undo).
struct ArchiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive", abstract: "Archive an article (--undo to unarchive).")

    @OptionGroup var profile: Profile

    @Argument(help: "The article's id or a unique prefix of it.")
    var article: String

    @Flag(help: "Unarchive instead.")
    var undo = false

    func run() throws {
        let store = try profile.open()
        let id = try store.resolveID(article, kind: .article)
        try store.update(id, [.set("archived", .bool(!undo))])
        print(undo ? "unarchived \(id.prefix(10))" : "archived \(id.prefix(10))")
    }
}

/// `margin favorite ARTICLE`: stars an article (or unstars with --undo).
struct FavoriteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "favorite", abstract: "Mark an article as a favorite (--undo to unmark).")

    @OptionGroup var profile: Profile

    @Argument(help: "The article's id or a unique prefix of it.")
    var article: String

    @Flag(help: "Unmark instead.")
    var undo = false

    func run() throws {
        let store = try profile.open()
        let id = try store.resolveID(article, kind: .article)
        try store.update(id, [.set("favorite", .bool(!undo))])
        print(undo ? "unmarked \(id.prefix(10))" : "favorite \(id.prefix(10))")
    }
}

/// `margin progress ARTICLE PERCENT`: records how far the article has been read.
struct ProgressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "progress", abstract: "Record reading progress, in percent (0 to 100).",
        discussion: "When two machines record progress at once, the furthest wins.")

    @OptionGroup var profile: Profile

    @Argument(help: "The article's id or a unique prefix of it.")
    var article: String

    @Argument(help: "How far read, from 0 to 100.")
    var percent: Double

    func validate() throws {
        guard percent.isFinite, (0...100).contains(percent) else {
            throw ValidationError("progress must be from 0 to 100")
        }
    }

    func run() throws {
        let store = try profile.open()
        let id = try store.resolveID(article, kind: .article)
        try store.update(id, [.set("progress", .double(percent / 100))])
        print("progress \(id.prefix(10)) \(Int(percent.rounded()))%")
    }
}
