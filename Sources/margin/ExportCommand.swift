import ArgumentParser
import Foundation
import MarginClient
import MarginShared

extension Exporter.Format: ExpressibleByArgument {}

/// `margin export --format markdown|json|w3c [ARTICLE]`.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export everything, or one article with its notes.",
        discussion: "json is the complete, lossless state; w3c is a Web Annotation collection; markdown is for reading."
    )

    @OptionGroup var profile: Profile

    @Option(help: "markdown, json or w3c.")
    var format: Exporter.Format = .markdown

    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
    var output: String?

    @Argument(help: "Only this article (an id or a unique prefix) and its notes and bookmarks.")
    var article: String?

    func run() throws {
        let store = try profile.open()
        var records = try store.allRecords()
        if let article {
            let id = try store.resolveID(article, kind: .article)
            records = records.filter { $0.id == id || $0.articleID == id }
        }
        let text = Exporter.export(records, format: format)
        if let output {
            do {
                try text.write(toFile: output, atomically: true, encoding: .utf8)
            } catch {
                throw CommandFailure(ExitCodes.cannotCreate, "cannot write \(output): \(error.localizedDescription)")
            }
        } else {
            print(text, terminator: "")
        }
    }
}
