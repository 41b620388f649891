import ArgumentParser
import MarginClient
import MarginShared

/// `margin note add|edit|rm`.
struct NoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "note", abstract: "Add, edit or remove a note.", subcommands: [Add.self, Edit.self, Remove.self])

    /// `margin note add ARTICLE --quote TEXT`.
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Highlight a quote in an article, with an optional comment.")

        @OptionGroup var profile: Profile

        @Argument(help: "The article's id or a unique prefix of it.")
        var article: String

        @Option(help: "The exact text to highlight.")
        var quote: String

        @Option(help: "Which appearance of the quote, counting from 0, when it appears more than once.")
        var occurrence = 0

        @Option(help: "The comment (leave out for a plain highlight).")
        var body: String?

        @Option(help: "The highlight color.")
        var color: String?

        @Option(name: .customLong("tag"), help: "A tag (repeat for several).")
        var tags: [String] = []

        func run() throws {
            let store = try profile.open()
            let id = try store.resolveID(article, kind: .article)
            let note = try store.addNote(
                article: id, quote: quote, occurrence: occurrence, body: body, color: color, tags: tags)
            print("note \(try store.shortIDs(for: [note.id])[note.id]) on “\(note.anchor()?.exact ?? "")”")
        }
    }

    /// `margin note edit NOTE`.
    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "edit", abstract: "Change a note's comment, color or quote.")

        @OptionGroup var profile: Profile

        @Argument(help: "The note's id or a unique prefix of it.")
        var note: String

        @Option(help: "The new comment.")
        var body: String?

        @Option(help: "The new color.")
        var color: String?

        @Option(help: "Move the note to this quote in the same article.")
        var quote: String?

        func validate() throws {
            guard body != nil || color != nil || quote != nil else {
                throw ValidationError("give --body, --color or --quote")
            }
        }

        func run() throws {
            let store = try profile.open()
            let id = try store.resolveID(note, kind: .note)
            var changes: [Change] = []
            if let body { changes.append(.set("body", .string(body))) }
            if let color { changes.append(.set("color", .string(color))) }
            if let quote { try store.reanchor(id, quote: quote) }
            if !changes.isEmpty { try store.update(id, changes) }
            print("edited \(try store.shortIDs(for: [id])[id])")
        }
    }

    /// `margin note rm NOTE`.
    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rm", abstract: "Delete a note.")

        @OptionGroup var profile: Profile

        @Argument(help: "The note's id or a unique prefix of it.")
        var note: String

        func run() throws {
            let store = try profile.open()
            let id = try store.resolveID(note, kind: .note)
            let short = try store.shortIDs(for: [id])[id]
            try store.delete(id)
            print("deleted note \(short)")
        }
    }
}

/// `margin notes [ARTICLE]`.
struct NotesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notes", abstract: "List notes, of one article or all.")

    @OptionGroup var profile: Profile
    @OptionGroup var output: JSONOutput

    @Argument(help: "Only this article's notes (an id or a unique prefix).")
    var article: String?

    @Flag(help: "Only notes whose quote is gone from their article's text.")
    var orphaned = false

    func run() throws {
        let store = try profile.open()
        let articleID = try article.map { try store.resolveID($0, kind: .article) }
        let orphans = try store.orphanedIDs()
        let notes = try store.records(kind: .note, article: articleID).filter { !orphaned || orphans.contains($0.id) }
        if output.json {
            printJSON(notes.map { summary($0, orphaned: orphans.contains($0.id)) })
            return
        }
        let short = try store.shortIDs(for: notes.map(\.id))
        if notes.isEmpty { print(orphaned ? "No orphaned notes." : "No notes.") }
        for note in notes {
            let flags = (orphans.contains(note.id) ? " (orphaned)" : "") + (note.conflicts.isEmpty ? "" : " (conflict)")
            print("\(short[note.id])  “\(note.anchor()?.exact ?? "")”\(flags)")
            if let body = note.string("body") { print("    \(body)") }
            if !note.tagNames.isEmpty { print("    #" + note.tagNames.joined(separator: " #")) }
        }
    }
}
