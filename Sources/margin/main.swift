import ArgumentParser
import Foundation
import MarginShared

/// The `margin` command line.
struct Margin: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Keep articles, notes and bookmarks on every machine, offline first.",
        subcommands: [Preview.self]
    )
}

/// Shows what importing a document would store, without storing it.
struct Preview: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the articles a document would import as.")

    @Argument(help: "A plain-text or HTML file, or - for standard input.")
    var file: String

    func run() throws {
        let data: Data
        if file == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let contents = FileManager.default.contents(atPath: file) else {
                throw ValidationError("cannot read \(file)")
            }
            data = contents
        }
        let articles: [ImportedArticle]
        do {
            articles = try ArticleImporter.importDocument(data)
        } catch {
            throw ValidationError("\(file): \(error)")
        }
        for article in articles {
            print("\(article.id.prefix(12))  \(article.title)")
            print("  source: \(article.source ?? "-")   by: \(article.byline ?? "-")")
            let words = article.content.split(whereSeparator: \.isWhitespace).count
            print("  \(words) words, \(article.content.components(separatedBy: "\n\n").count) paragraphs")
        }
    }
}

Margin.main()
