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
                throw ValidationError("cannot write \(output): \(error.localizedDescription)")
            }
        } else {
            print(text, terminator: "")
        }
    }
}

/// `margin status`.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show this machine's replica id, record counts, pending changes and conflicts."
    )

    @OptionGroup var profile: Profile
    @OptionGroup var output: JSONOutput

    func run() throws {
        let store = try profile.open()
        let status = try store.status()
        if output.json {
            var result: [String: Any] = [
                "replica": status.replicaID.rawValue, "store": store.path,
                "articles": status.counts[.article] ?? 0, "notes": status.counts[.note] ?? 0,
                "bookmarks": status.counts[.bookmark] ?? 0, "deleted": status.deleted, "pending": status.pending,
                "conflicts": status.conflicts, "orphaned": status.orphaned,
            ]
            result["server"] = status.server
            result["user"] = status.user
            result["lastSync"] = status.lastSync
            result["lastError"] = status.lastError
            printJSON(result)
            return
        }
        print("replica    \(status.replicaID)")
        print("store      \(store.path)")
        print(
            "records    \(status.counts[.article] ?? 0) articles, \(status.counts[.note] ?? 0) notes, \(status.counts[.bookmark] ?? 0) bookmarks (\(status.deleted) deleted)"
        )
        print("pending    \(status.pending) change(s) not yet synced")
        print("conflicts  \(status.conflicts)" + (status.conflicts > 0 ? " (margin conflicts)" : ""))
        if status.orphaned > 0 {
            print("orphaned   \(status.orphaned) note(s) whose quote left the text (margin notes --orphaned)")
        }
        print("server     \(status.server.map { "\($0) as \(status.user ?? "?")" } ?? "not logged in")")
        if let lastSync = status.lastSync { print("last sync  \(day(lastSync))") }
        if let lastError = status.lastError { print("last error \(lastError)") }
    }
}
