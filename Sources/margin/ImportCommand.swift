import ArgumentParser
import Foundation
import MarginClient
import MarginCurl
import MarginExtract
import MarginShared

/// `margin import FILE|-`: stores the articles a document holds.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import an article from a web address, a plain-text or HTML file, or - for standard input.",
        discussion: "Importing a changed version of a stored article updates it and re-anchors its notes."
    )

    @OptionGroup var profile: Profile
    @OptionGroup var output: JSONOutput

    @Argument(
        help:
            "An http(s) address, a plain-text or HTML file, an export's file or unzipped folder, or - for standard input."
    )
    var file: String

    @Option(help: "The article's address, when the file does not name it.")
    var url: String?

    @Option(
        name: .customLong("from"),
        help: ArgumentHelp(
            "Read an export of another tool: \(LibraryFormat.allCases.map(\.rawValue).joined(separator: ", ")).",
            discussion: "Without it, an export is recognised when only one format fits."))
    var format: LibraryFormat?

    func run() async throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), isDirectory.boolValue {
            try importFolder()
            return
        }
        let isWeb = file.hasPrefix("http://") || file.hasPrefix("https://")
        let data = isWeb ? try await Self.fetch(file) : try readInput(file)
        if let format = format ?? (isWeb ? nil : LibraryImporter.detect(data)) {
            try importLibrary(data, format: format)
            return
        }
        let articles: [ImportedArticle]
        do {
            articles = try PageImporter.importDocument(data, url: url ?? (isWeb ? file : nil))
        } catch {
            throw CommandFailure(ExitCodes.dataError, "\(file): \(error)")
        }
        let store = try profile.open()
        let outcomes = try store.importArticles(articles)
        if output.json {
            printJSON(
                outcomes.map {
                    [
                        "id": $0.article.id, "action": $0.action.rawValue, "reanchored": $0.reanchored,
                        "orphaned": $0.orphaned,
                    ]
                })
            return
        }
        let short = try store.shortIDs(for: outcomes.flatMap { [$0.article.id] + $0.orphaned })
        for outcome in outcomes {
            let title = outcome.article.string("title") ?? ""
            print(
                "\(outcome.action.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(short[outcome.article.id])  \(title)"
            )
            if outcome.reanchored > 0 { print("          \(outcome.reanchored) note(s) re-anchored to the new text") }
            for orphan in outcome.orphaned {
                print(
                    "          orphaned \(short[orphan]): its quote is no longer in the text (kept; see `margin notes --orphaned`)"
                )
            }
        }
    }
}

extension ImportCommand {
    /// Imports another tool's export and prints its one summary line.
    func importLibrary(_ data: Data, format: LibraryFormat) throws {
        let library: Library
        do {
            library = try LibraryImporter.parse(data, format: format)
        } catch {
            throw CommandFailure(ExitCodes.dataError, "\(file): \(error)")
        }
        try store(library)
    }

    /// Imports an export unzipped into a folder (Omnivore's or Pocket's).
    func importFolder() throws {
        let library: Library
        do {
            (library, _) = try LibraryImporter.parse(folder: URL(fileURLWithPath: file), format: format)
        } catch {
            throw CommandFailure(ExitCodes.dataError, "\(file): \(error)")
        }
        try store(library)
    }

    /// Stores what an export holds and prints its one summary line.
    private func store(_ library: Library) throws {
        let store = try profile.open()
        let bar = ProgressBar(enabled: !output.json && isatty(STDOUT_FILENO) == 1)
        let total = library.items.count
        let summary = try store.importLibrary(library) { bar.update(done: $0, of: total, "sources") }
        bar.finish()
        if output.json {
            printJSON([
                "articles": summary.articles, "notes": summary.notes, "bookmarks": summary.bookmarks,
                "duplicates": summary.duplicates, "orphaned": summary.orphaned, "notUnderstood": summary.notUnderstood,
            ])
        } else {
            print(summary.line)
        }
    }

    /// Downloads a page through libcurl.
    static func fetch(_ address: String) async throws -> Data {
        try await PageFetcher(transport: CurlTransport()).fetch(address)
    }
}

/// `margin preview FILE`: what an import would store, without storing.
struct PreviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview", abstract: "Show the articles a document would import as, without storing them.")

    @Argument(help: "A plain-text or HTML file, or - for standard input.")
    var file: String

    func run() throws {
        let articles: [ImportedArticle]
        do {
            articles = try PageImporter.importDocument(try readInput(file))
        } catch let error as ImportError {
            throw CommandFailure(ExitCodes.dataError, "\(file): \(error)")
        }
        for article in articles {
            print("\(article.id.prefix(10))  \(article.title)")
            print(
                "  source: \(article.source ?? "-")   by: \(article.byline ?? "-")   published: \(day(article.publishedAt))"
            )
            let words = article.content.split(whereSeparator: \.isWhitespace).count
            print("  \(words) words in \(article.content.components(separatedBy: "\n\n").count) paragraphs")
        }
    }
}

extension LibraryFormat: ExpressibleByArgument {}
